package celexpr

import (
	"fmt"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"
	apiservercel "k8s.io/apiserver/pkg/cel"

	"github.com/hookflow/hookflow/internal/params"
)

// Names of the variables an expression can read.
const (
	varParams  = "params"
	varBody    = "body"
	varHeaders = "headers"
	varQuery   = "query"
	varSteps   = "steps"
	varRun     = "run"
	varNow     = "now"
)

// Env compiles the expressions of one Workflow. It is safe for concurrent
// use.
type Env struct {
	env *cel.Env
}

// baseEnv holds the libraries and options shared by every Env; building it
// is the expensive part, so it is done once.
var baseEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.OptionalTypes(),
		cel.CrossTypeNumericComparisons(true),
		cel.DefaultUTCTimeZone(true),
		cel.EagerlyValidateDeclarations(true),
		ext.Strings(),
		ext.Encoders(),
		ext.Math(),
	)
})

// NewEnv returns the environment of a Workflow whose requests have the
// parameters ps, for expressions that may read the outputs of the steps
// named stepNames. The variables are:
//
//	params   the parameters, typed from ps: params.customer.email
//	body     the raw request body, a string
//	headers  map(string, string) with lower-case names
//	query    map(string, string) of the query string
//	steps    steps.<name>.recordId and steps.<name>.values (a map of the
//	         record's values after the step) for each of stepNames
//	run      run.id, the id of the run
//	now      the timestamp of the request
func NewEnv(ps []params.Parameter, stepNames []string) (*Env, error) {
	base, err := baseEnv()
	if err != nil {
		return nil, fmt.Errorf("build base cel environment: %w", err)
	}
	paramsType, err := paramsDeclType(ps)
	if err != nil {
		return nil, err
	}
	stepsType, roots, err := stepsDeclTypes(stepNames)
	if err != nil {
		return nil, err
	}
	runType := runDeclType()
	roots = append(roots, runType)
	if paramsType.IsObject() {
		roots = append(roots, paramsType)
	}
	provider := apiservercel.NewDeclTypeProvider(roots...)
	opts, err := provider.EnvOptions(base.CELTypeProvider())
	if err != nil {
		return nil, fmt.Errorf("declare parameter types: %w", err)
	}
	opts = append(opts,
		cel.Variable(varParams, paramsType.CelType()),
		cel.Variable(varBody, cel.StringType),
		cel.Variable(varHeaders, cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable(varQuery, cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable(varSteps, stepsType.CelType()),
		cel.Variable(varRun, runType.CelType()),
		cel.Variable(varNow, cel.TimestampType),
	)
	env, err := base.Extend(opts...)
	if err != nil {
		return nil, fmt.Errorf("build cel environment: %w", err)
	}
	return &Env{env: env}, nil
}

// programOptions are the options of the Program of a checked expression:
// the runtime limits, interrupt checks for context cancellation, and
// regular expressions compiled once.
func programOptions(ast *cel.Ast) []cel.ProgramOption {
	return []cel.ProgramOption{
		cel.CostLimit(RuntimeCostLimit),
		cel.CustomDecoratorV2(countIterations(comprehensionRanges(ast.NativeRep()))),
		cel.InterruptCheckFrequency(interruptCheckFrequency),
		cel.OptimizeRegex(interpreter.MatchesRegexOptimization),
	}
}

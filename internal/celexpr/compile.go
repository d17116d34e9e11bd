package celexpr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Program is a compiled expression. It is safe for concurrent use.
type Program struct {
	expr string
	prg  cel.Program
	// requestReads are the ids of the nodes that read a key of the request
	// (params, headers, query) or of the steps that ran.
	requestReads map[int64]struct{}
}

// Expression returns the source of the expression.
func (p *Program) Expression() string { return p.expr }

// CompileValue compiles the expression of a field of type want. Its type must
// fit the field: a string for Text, Email and Select; a double, int or uint
// for Number; a bool for Boolean; a timestamp or a string for DateTime;
// anything for JSON. dyn, null and optional(T) of a fitting T are accepted
// too; their values are checked when the record is written.
func (e *Env) CompileValue(expr string, want v1alpha1.FieldType) (*Program, error) {
	if _, ok := fieldNeeds(want); !ok {
		return nil, fmt.Errorf("unknown field type %q", want)
	}
	return e.compile(expr, func(out *cel.Type) error { return checkFieldOutput(out, want) })
}

// CompileCondition compiles a `when` condition: its type must be bool (or
// dyn, then checked by EvalBool).
func (e *Env) CompileCondition(expr string) (*Program, error) {
	return e.compile(expr, checkConditionOutput)
}

func (e *Env) compile(expr string, checkOutput func(*cel.Type) error) (*Program, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, errors.New("expression is empty")
	}
	ast, iss := e.env.Compile(expr)
	if iss.Err() != nil {
		return nil, issuesError(iss)
	}
	if err := checkOutput(ast.OutputType()); err != nil {
		return nil, err
	}
	if err := e.checkCost(ast); err != nil {
		return nil, err
	}
	prg, err := e.env.Program(ast, programOptions(ast)...)
	if err != nil {
		return nil, fmt.Errorf("plan expression: %w", err)
	}
	return &Program{expr: expr, prg: prg, requestReads: requestReads(ast.NativeRep())}, nil
}

// checkCost rejects an expression whose estimated cost is too high.
func (e *Env) checkCost(ast *cel.Ast) error {
	est, err := e.env.EstimateCost(ast, sizeEstimator{})
	if err != nil {
		return fmt.Errorf("estimate cost: %w", err)
	}
	if est.Max > EstimatedCostLimit {
		return fmt.Errorf("too expensive: its cost may reach %s, over the limit of %d "+
			"(estimated for lists of %d items and strings of %d characters); "+
			"avoid nesting comprehensions (map, filter, all, exists) over request data",
			formatCost(est.Max), EstimatedCostLimit, EstimatedCollectionSize, EstimatedStringSize)
	}
	return nil
}

// formatCost prints a cost, "more than 10^18" for the unbounded ones.
func formatCost(c uint64) string {
	if c >= 1e18 {
		return "more than 10^18"
	}
	return fmt.Sprintf("%d", c)
}

package celexpr

import (
	"context"
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
)

// varError is the variable of spec.response.onError: why the run, or its
// response, failed.
const varError = "error"

// WithError returns an Env like e that also declares the variable error, a
// string: the environment of spec.response.onError. Programs it compiles
// are evaluated with EvalWithError.
func (e *Env) WithError() (*Env, error) {
	env, err := e.env.Extend(cel.Variable(varError, cel.StringType))
	if err != nil {
		return nil, fmt.Errorf("declare the variable error: %w", err)
	}
	return &Env{env: env}, nil
}

// CompileString compiles an expression that must give a string: a response
// header, or a text/plain or XML body. dyn is accepted too, and checked by
// EvalString.
func (e *Env) CompileString(expr string) (*Program, error) {
	return e.compile(expr, checkStringOutput)
}

// CompileJSON compiles an expression whose value is sent as JSON: any value
// but a duration, which has no JSON form.
func (e *Env) CompileJSON(expr string) (*Program, error) {
	return e.compile(expr, checkJSONOutput)
}

// EvalString evaluates an expression compiled by CompileString; a result
// that is not a string is an error.
func (p *Program) EvalString(ctx context.Context, v *Vars) (string, error) {
	out, err := p.Eval(ctx, v)
	if err != nil {
		return "", err
	}
	s, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("gave %s, not a string", describeNative(out))
	}
	return s, nil
}

// EvalWithError is Eval for a program of an Env made by WithError, with
// the variable error set to reason.
func (p *Program) EvalWithError(ctx context.Context, v *Vars, reason string) (any, error) {
	if v == nil {
		v = &Vars{}
	}
	out, err := p.run(ctx, &errorActivation{activation: newActivation(v), reason: reason})
	if err != nil {
		return nil, p.evalError(err)
	}
	res, err := toNative(out)
	if err != nil {
		return nil, fmt.Errorf("convert result: %w", err)
	}
	return res, nil
}

// errorActivation adds the variable error to an activation.
type errorActivation struct {
	*activation
	reason string
}

// ResolveName implements interpreter.Activation.
func (a *errorActivation) ResolveName(name string) (any, bool) {
	if name == varError {
		return a.reason, true
	}
	return a.activation.ResolveName(name)
}

// checkStringOutput tells whether an expression giving out may be a header
// or a text body: a string, or dyn checked when it is evaluated.
func checkStringOutput(out *cel.Type) error {
	switch out.Kind() {
	case types.StringKind, types.DynKind, types.AnyKind, types.TypeParamKind:
		return nil
	}
	msg := fmt.Sprintf("gives %s, but must give a string", describeType(out))
	switch {
	case isOptional(out):
		msg += "; use .orValue('') to give a default"
	case out.Kind() == types.IntKind, out.Kind() == types.UintKind, out.Kind() == types.DoubleKind,
		out.Kind() == types.BoolKind, out.Kind() == types.TimestampKind, out.Kind() == types.BytesKind:
		msg += "; convert it with string(...)"
	}
	return fmt.Errorf("%s", msg)
}

// checkJSONOutput tells whether an expression giving out may be a JSON
// body: anything that has a JSON form. A duration nested in a list or map
// is only found when the expression is evaluated.
func checkJSONOutput(out *cel.Type) error {
	if isOptional(out) {
		return checkJSONOutput(out.Parameters()[0])
	}
	switch out.Kind() {
	case types.DurationKind:
		return fmt.Errorf("gives duration, which has no JSON form; convert it with string(...) or .getSeconds()")
	case types.TypeKind:
		return fmt.Errorf("gives %s, which has no JSON form", describeType(out))
	}
	return nil
}

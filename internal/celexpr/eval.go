package celexpr

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
)

// ErrCostLimit is wrapped by the error of an evaluation stopped because it
// exceeded RuntimeCostLimit or MaxIterations.
var ErrCostLimit = errors.New("expression exceeded its cost limit")

// Eval evaluates the expression against the values of one request and
// returns a Go value: string, float64, int64, uint64, bool, time.Time,
// []byte, map[string]any, []any, or nil for null and for an empty optional.
//
// The error wraps ErrAbsent when the expression read a key the request did
// not have, ErrCostLimit when it ran over its budget, and the context's error
// when ctx was cancelled during evaluation.
func (p *Program) Eval(ctx context.Context, v *Vars) (any, error) {
	if v == nil {
		v = &Vars{}
	}
	out, err := p.run(ctx, newActivation(v))
	if err != nil {
		return nil, p.evalError(err)
	}
	res, err := toNative(out)
	if err != nil {
		return nil, fmt.Errorf("convert result: %w", err)
	}
	return res, nil
}

// run evaluates with interrupt checks when ctx can be cancelled; without
// them otherwise, which saves setting up a cancellable context.
func (p *Program) run(ctx context.Context, act interpreter.Activation) (ref.Val, error) {
	var (
		out ref.Val
		err error
	)
	if ctx == nil || ctx.Done() == nil {
		out, _, err = p.prg.Eval(act)
	} else {
		out, _, err = p.prg.ContextEval(ctx, act)
	}
	return out, err
}

// EvalBool evaluates a condition; a result that is not a bool is an error.
func (p *Program) EvalBool(ctx context.Context, v *Vars) (bool, error) {
	out, err := p.Eval(ctx, v)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("condition gave %s, not a bool", describeNative(out))
	}
	return b, nil
}

// evalError classifies an evaluation error.
func (p *Program) evalError(err error) error {
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded {
		return fmt.Errorf("%w (%s)", ErrCostLimit, cancelled.Message)
	}
	if absentRead(err, p.requestReads) {
		// %v, not %w: cel's error type matches errors.Is by message text.
		return fmt.Errorf("%w: %v", ErrAbsent, err)
	}
	return fmt.Errorf("evaluate: %w", err)
}

package celexpr

import (
	"fmt"

	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// MaxIterations is the most comprehension iterations (map, filter, all,
// exists, exists_one) one evaluation may run, over all its comprehensions;
// past it the evaluation fails with ErrCostLimit. It exists besides
// RuntimeCostLimit because cel-go v0.29.2's runtime cost tracker takes time
// quadratic in the number of iterations (its value stack grows with each
// iteration and is searched linearly): measured on one core, 5,000
// iterations spend about 35 ms in the tracker, 10,000 about 0.13 s and
// 100,000 about 13 s, long before the cost limit stops them.
const MaxIterations = 5_000

// budgetVar is the name under which the activation hands its iteration
// budget to the comprehensions; '@' keeps it out of reach of expressions.
const budgetVar = "@hookflow.budget"

// iterationBudget counts the iterations left to one evaluation.
type iterationBudget struct {
	left int
}

// charge takes one iteration, and stops the evaluation when none is left,
// the way cel-go's cost tracker stops it: a panic that cel.Program.Eval
// recovers and returns as its error.
func (b *iterationBudget) charge() {
	b.left--
	if b.left < 0 {
		panic(interpreter.EvalCancelledError{
			Cause:   interpreter.CostLimitExceeded,
			Message: fmt.Sprintf("more than %d comprehension iterations", MaxIterations),
		})
	}
}

// comprehensionRanges returns the ids of the iteration ranges of the
// one-variable comprehensions of a checked expression.
func comprehensionRanges(a *celast.AST) map[int64]struct{} {
	ids := map[int64]struct{}{}
	celast.PreOrderVisit(a.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() != celast.ComprehensionKind {
			return
		}
		if c := e.AsComprehension(); !c.HasIterVar2() {
			ids[c.IterRange().ID()] = struct{}{}
		}
	}))
	return ids
}

// countIterations is a planner decorator that makes the ranges of the
// comprehensions charge the evaluation's budget for each element.
func countIterations(ranges map[int64]struct{}) interpreter.InterpretableDecoratorV2 {
	return func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		if _, ok := ranges[i.ID()]; ok {
			return &countedRange{InterpretableV2: i}, nil
		}
		return i, nil
	}
}

// countedRange evaluates a comprehension's range to an iterable that
// charges the budget for each element.
type countedRange struct {
	interpreter.InterpretableV2
}

// Eval implements interpreter.Interpretable.
func (r *countedRange) Eval(a interpreter.Activation) ref.Val {
	return r.Exec(interpreter.AsFrame(a))
}

// Exec implements interpreter.InterpretableV2.
func (r *countedRange) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	val := r.InterpretableV2.Exec(frame)
	if types.IsUnknownOrError(val) {
		return val
	}
	it, ok := val.(traits.Iterable)
	if !ok {
		return val
	}
	b, ok := frame.ResolveName(budgetVar)
	if !ok {
		return val
	}
	budget, ok := b.(*iterationBudget)
	if !ok {
		return val
	}
	return &countedIterable{Val: val, iterable: it, budget: budget}
}

// countedIterable is a comprehension range that charges the budget for
// each element.
type countedIterable struct {
	ref.Val
	iterable traits.Iterable
	budget   *iterationBudget
}

// Iterator implements traits.Iterable.
func (c *countedIterable) Iterator() traits.Iterator {
	return &countedIterator{Iterator: c.iterable.Iterator(), budget: c.budget}
}

type countedIterator struct {
	traits.Iterator
	budget *iterationBudget
}

// Next implements traits.Iterator.
func (c *countedIterator) Next() ref.Val {
	c.budget.charge()
	return c.Iterator.Next()
}

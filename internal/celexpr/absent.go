package celexpr

import (
	"errors"
	"strings"

	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
)

// ErrAbsent is wrapped by the error of an evaluation that failed because the
// expression read a key the request did not have: a parameter that was not
// sent, a header or query key that was not set, or the output of a step that
// did not run. The caller may leave the field empty instead of failing.
var ErrAbsent = errors.New("value absent from the request")

// requestVars are the variables whose keys depend on the request.
var requestVars = map[string]struct{}{varParams: {}, varHeaders: {}, varQuery: {}, varSteps: {}}

// requestReads returns the ids of the nodes of a checked expression that read
// a request variable or a key below one: params, params.a.b, params['a-b'],
// params.?a, has(params.a), steps.save.recordId. cel-go labels an error in
// reading an attribute with the id of the outermost such node.
func requestReads(a *celast.AST) map[int64]struct{} {
	ids := map[int64]struct{}{}
	celast.PreOrderVisit(a.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if _, ok := requestVars[accessRoot(e)]; ok {
			ids[e.ID()] = struct{}{}
		}
	}))
	return ids
}

// accessRoot returns the variable a chain of selections and indexes starts
// from, or "" if e is not such a chain.
func accessRoot(e celast.Expr) string {
	for {
		switch e.Kind() {
		case celast.IdentKind:
			return e.AsIdent()
		case celast.SelectKind:
			e = e.AsSelect().Operand()
		case celast.CallKind:
			call := e.AsCall()
			switch call.FunctionName() {
			case operators.Index, operators.OptIndex, operators.OptSelect:
				if len(call.Args()) != 2 {
					return ""
				}
				e = call.Args()[0]
			default:
				return ""
			}
		default:
			return ""
		}
	}
}

// absentRead tells whether err is cel's report that a node in reads found
// no such key (or no such variable).
func absentRead(err error, reads map[int64]struct{}) bool {
	var celErr *types.Err
	if !errors.As(err, &celErr) {
		return false
	}
	if _, ok := reads[celErr.NodeID()]; !ok {
		return false
	}
	return isMissingKey(celErr)
}

// isMissingKey tells whether err is cel-go's missing-key or
// missing-variable error. cel-go v0.29.2 reports them with an unexported type
// (interpreter.resolutionError) whose message is the only public part, so
// this is the one place that matches on text.
func isMissingKey(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "no such key: ") || strings.HasPrefix(msg, "no such attribute(s): ")
}

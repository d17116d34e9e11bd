package celexpr

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
)

func TestAccessRoot(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"params", "params"},
		{"params.customer.email", "params"},
		{"params.meta['order-id']", "params"},
		{"params.items[0].sku", "params"},
		{"params.?customer.?email", "params"},
		{"params.items[?0]", "params"},
		{"steps.save.recordId", "steps"},
		{"headers['x-event']", "headers"},
		{"{'a': params}.a", ""},
		{"size(params.items)", ""},
		{"[params][0]", ""},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			ast, iss := env.env.Compile(tt.expr)
			if iss.Err() != nil {
				t.Fatalf("compile: %v", iss.Err())
			}
			if got := accessRoot(ast.NativeRep().Expr()); got != tt.want {
				t.Fatalf("accessRoot = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRequestReads(t *testing.T) {
	env := newOrderEnv(t)
	ast, iss := env.env.Compile("params.customer.email + string(size({'a': 1}))")
	if iss.Err() != nil {
		t.Fatalf("compile: %v", iss.Err())
	}
	reads := requestReads(ast.NativeRep())
	var want []string
	celast.PreOrderVisit(ast.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if _, ok := reads[e.ID()]; ok {
			want = append(want, describeNode(e))
		}
	}))
	// params, params.customer, params.customer.email
	if len(want) != 3 {
		t.Fatalf("request reads %v, want the three nodes of params.customer.email", want)
	}
}

func describeNode(e celast.Expr) string {
	switch e.Kind() {
	case celast.IdentKind:
		return e.AsIdent()
	case celast.SelectKind:
		return describeNode(e.AsSelect().Operand()) + "." + e.AsSelect().FieldName()
	}
	return "?"
}

// TestIsMissingKey pins the text of cel-go's missing-key errors: if an
// upgrade changes it, ErrAbsent would silently stop working.
func TestIsMissingKey(t *testing.T) {
	env, err := cel.NewEnv(cel.Variable("m", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		t.Fatalf("NewEnv: %v", err)
	}
	tests := []struct {
		name  string
		expr  string
		input map[string]any
		want  bool
	}{
		{"missing key", "m.a", map[string]any{"m": map[string]any{}}, true},
		{"missing index key", "m['a-b']", map[string]any{"m": map[string]any{}}, true},
		{"missing variable", "m.a", map[string]any{}, true},
		{"index out of bounds", "m.a[1]", map[string]any{"m": map[string]any{"a": []any{}}}, false},
		{"division by zero", "1 / (size(m) - 0)", map[string]any{"m": map[string]any{}}, false},
		{"no such overload", "m.a + 1", map[string]any{"m": map[string]any{"a": "x"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ast, iss := env.Compile(tt.expr)
			if iss.Err() != nil {
				t.Fatalf("compile: %v", iss.Err())
			}
			prg, err := env.Program(ast)
			if err != nil {
				t.Fatalf("program: %v", err)
			}
			_, _, err = prg.ContextEval(context.Background(), tt.input)
			if err == nil {
				t.Fatal("no error")
			}
			if got := isMissingKey(err); got != tt.want {
				t.Fatalf("isMissingKey(%q) = %v, want %v", err, got, tt.want)
			}
		})
	}
}

func TestAbsentRead(t *testing.T) {
	reads := map[int64]struct{}{7: {}}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"missing key at a request node", celErrAt(7, "no such key: a"), true},
		{"wrapped", fmt.Errorf("evaluate: %w", celErrAt(7, "no such key: a")), true},
		{"missing key elsewhere", celErrAt(8, "no such key: a"), false},
		{"other error at a request node", celErrAt(7, "index out of bounds: 3"), false},
		{"plain Go error", errors.New("no such key: a"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := absentRead(tt.err, reads); got != tt.want {
				t.Fatalf("absentRead = %v, want %v", got, tt.want)
			}
		})
	}
}

// celErrAt is a cel error value labelled with a node id.
func celErrAt(id int64, msg string) error {
	return types.NewErrWithNodeID(id, "%s", msg).(*types.Err)
}

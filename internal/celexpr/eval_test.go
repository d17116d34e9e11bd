package celexpr

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var requestTime = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// orderVars is a request with every order parameter but customer.name and
// meta, after the step save ran.
func orderVars() *Vars {
	return &Vars{
		Params: map[string]any{
			"order_id": "A-1001",
			"amount":   129.5,
			"paid":     true,
			"customer": map[string]any{"email": "ada@example.com"},
			"items":    []any{map[string]any{"sku": "X1", "qty": 2.0}, map[string]any{"sku": "Y2", "qty": 1.0}},
		},
		Body:    `{"order_id":"A-1001"}`,
		Headers: map[string]string{"content-type": "application/json", "x-event": "order.paid"},
		Query:   map[string]string{"source": "shop"},
		Steps:   map[string]StepOutput{"save": {RecordID: "orders-3f9c"}},
		RunID:   "run-1",
		Now:     requestTime,
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name  string
		expr  string
		field v1alpha1.FieldType
		want  any
	}{
		{"nested param", "params.customer.email", v1alpha1.FieldEmail, "ada@example.com"},
		{"number", "params.amount", v1alpha1.FieldNumber, 129.5},
		{"int literal", "5", v1alpha1.FieldNumber, int64(5)},
		{"uint", "5u", v1alpha1.FieldNumber, uint64(5)},
		{"bool", "params.paid", v1alpha1.FieldBoolean, true},
		{"has present", "has(params.amount)", v1alpha1.FieldBoolean, true},
		{"has absent", "has(params.customer.name)", v1alpha1.FieldBoolean, false},
		{"optional default", "params.customer.?name.orValue('anonymous')", v1alpha1.FieldText, "anonymous"},
		{"empty optional is null", "params.customer.?name", v1alpha1.FieldText, nil},
		{"null", "null", v1alpha1.FieldText, nil},
		{"now", "now", v1alpha1.FieldDateTime, requestTime},
		{"timestamp arithmetic", "now + duration('1h')", v1alpha1.FieldDateTime, requestTime.Add(time.Hour)},
		{"step output", "steps.save.recordId", v1alpha1.FieldText, "orders-3f9c"},
		{"run id", "run.id", v1alpha1.FieldText, "run-1"},
		{"header", "headers['x-event']", v1alpha1.FieldText, "order.paid"},
		{"query", "query.source", v1alpha1.FieldText, "shop"},
		{"body", "body", v1alpha1.FieldText, `{"order_id":"A-1001"}`},
		{"dyn list element", "params.items[1].sku", v1alpha1.FieldText, "Y2"},
		{"comprehension", "params.items.map(i, i.qty).size()", v1alpha1.FieldNumber, int64(2)},
		{"object", "params.customer", v1alpha1.FieldJSON, map[string]any{"email": "ada@example.com"}},
		{"list of objects", "params.items.filter(i, i.sku == 'X1')", v1alpha1.FieldJSON,
			[]any{map[string]any{"sku": "X1", "qty": 2.0}}},
		{"map literal", "{'code': 0, 'id': params.order_id, 'ok': true, 'none': null}", v1alpha1.FieldJSON,
			map[string]any{"code": int64(0), "id": "A-1001", "ok": true, "none": nil}},
		{"non-string keys", "{1: 'a', true: 'b', 2u: 'c'}", v1alpha1.FieldJSON, map[string]any{"1": "a", "true": "b", "2": "c"}},
		{"bytes", "b'hi'", v1alpha1.FieldJSON, []byte("hi")},
		{"nested list", "[[1, 2.5], ['x']]", v1alpha1.FieldJSON, []any{[]any{int64(1), 2.5}, []any{"x"}}},
		{"strings ext", "params.order_id.lowerAscii()", v1alpha1.FieldText, "a-1001"},
		{"optMap", "params.?customer.optMap(c, c.email).orValue('')", v1alpha1.FieldText, "ada@example.com"},
		{"all over a map", "headers.all(k, k == k.lowerAscii())", v1alpha1.FieldBoolean, true},
		{"exists_one", "params.items.exists_one(i, i.sku == 'X1')", v1alpha1.FieldBoolean, true},
		{"cross-type comparison", "params.amount > 100", v1alpha1.FieldBoolean, true},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.CompileValue(tt.expr, tt.field)
			if err != nil {
				t.Fatalf("CompileValue: %v", err)
			}
			got, err := p.Eval(context.Background(), orderVars())
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if want, ok := tt.want.(time.Time); ok {
				if gotT, ok := got.(time.Time); !ok || !gotT.Equal(want) {
					t.Fatalf("got %#v, want %v", got, want)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name       string
		expr       string
		vars       func(*Vars)
		wantAbsent bool
		wantErr    string
	}{
		{"absent optional param", "params.customer.name", nil, true, "no such key: name"},
		{"absent param in arithmetic", "params.amount * 2.0", func(v *Vars) { delete(v.Params, "amount") }, true, "no such key: amount"},
		{"absent parent object", "params.customer.email", func(v *Vars) { delete(v.Params, "customer") }, true, "no such key: customer"},
		{"absent key below an Object param", "params.meta.note", func(v *Vars) { v.Params["meta"] = map[string]any{} }, true, "no such key: note"},
		{"absent dashed key", "params.x['order-id']", func(v *Vars) { v.Params["x"] = map[string]any{} }, true, "no such key: order-id"},
		{"nil params", "params.order_id", func(v *Vars) { v.Params = nil }, true, "no such key: order_id"},
		{"step that did not run", "steps.notify.recordId", nil, true, "no such key: notify"},
		{"absent header", "headers['x-missing']", nil, true, "no such key: x-missing"},
		{"absent query key", "query.page", nil, true, "no such key: page"},
		{"missing key of a literal map", "{'a': 1}['b']", nil, false, "no such key: b"},
		{"missing key below a comprehension variable", "params.items.map(i, i.price)", nil, false, "no such key: price"},
		{"index out of bounds", "params.items[5]", nil, false, "index out of bounds"},
		{"division by zero", "1 / (size(params.items) - 2)", nil, false, "division by zero"},
		{"duration result", "duration('1h')", nil, false, "a duration cannot be stored"},
	}
	env, err := NewEnv(append(orderParams[:len(orderParams):len(orderParams)],
		paramOf("x.order-id", "String")), []string{"save", "notify"})
	if err != nil {
		t.Fatalf("NewEnv: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.CompileValue(tt.expr, v1alpha1.FieldJSON)
			if err != nil {
				t.Fatalf("CompileValue: %v", err)
			}
			v := orderVars()
			if tt.vars != nil {
				tt.vars(v)
			}
			got, err := p.Eval(context.Background(), v)
			if err == nil {
				t.Fatalf("Eval gave %#v, want an error", got)
			}
			if errors.Is(err, ErrAbsent) != tt.wantAbsent {
				t.Fatalf("errors.Is(%v, ErrAbsent) = %v, want %v", err, !tt.wantAbsent, tt.wantAbsent)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestEvalCostLimit(t *testing.T) {
	note := strings.Repeat("x", MaxInputBytes)
	tests := []struct {
		name    string
		expr    string
		vars    *Vars
		wantErr string
	}{
		{"literal blow-up", blowUp(4), &Vars{}, "more than 5000 comprehension iterations"},
		{"map over a large list", "params.items.map(i, i * 2.0)", &Vars{Params: map[string]any{"items": numbers(MaxIterations + 1)}},
			"more than 5000 comprehension iterations"},
		{"nested map", "params.items.map(x, [1, 2, 3].map(y, x * double(y)))", &Vars{Params: map[string]any{"items": numbers(MaxIterations / 3)}},
			"more than 5000 comprehension iterations"},
		{"string work over a large input", "params.items.map(i, params.meta.note + string(i)).size()",
			&Vars{Params: map[string]any{"items": numbers(20), "meta": map[string]any{"note": note}}}, "actual cost limit exceeded"},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.CompileValue(tt.expr, v1alpha1.FieldJSON)
			if err != nil {
				t.Fatalf("CompileValue: %v", err)
			}
			_, err = p.Eval(context.Background(), tt.vars)
			if !errors.Is(err, ErrCostLimit) {
				t.Fatalf("error %v, want ErrCostLimit", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestEvalWithinLimits(t *testing.T) {
	tests := []struct {
		name string
		expr string
		vars *Vars
		want any
	}{
		{"map over the most items", "params.items.map(i, i * 2.0).size()", &Vars{Params: map[string]any{"items": numbers(MaxIterations)}},
			int64(MaxIterations)},
		{"string work over a small input", "params.items.map(i, params.meta.note + string(i)).size()",
			&Vars{Params: map[string]any{"items": numbers(20), "meta": map[string]any{"note": "x"}}}, int64(20)},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.CompileValue(tt.expr, v1alpha1.FieldJSON)
			if err != nil {
				t.Fatalf("CompileValue: %v", err)
			}
			got, err := p.Eval(context.Background(), tt.vars)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// numbers is a list of n float64 values.
func numbers(n int) []any {
	items := make([]any, n)
	for i := range items {
		items[i] = float64(i)
	}
	return items
}

func TestEvalContextCancelled(t *testing.T) {
	env := newOrderEnv(t)
	p, err := env.CompileValue("params.items.map(i, i * 2.0)", v1alpha1.FieldJSON)
	if err != nil {
		t.Fatalf("CompileValue: %v", err)
	}
	items := numbers(MaxIterations)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.Eval(ctx, &Vars{Params: map[string]any{"items": items}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if errors.Is(err, ErrAbsent) || errors.Is(err, ErrCostLimit) {
		t.Fatalf("error %v is classified as absent or over cost", err)
	}
}

func TestEvalBool(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		want    bool
		wantErr string
	}{
		{"true", "params.amount > 100", true, ""},
		{"false", "params.amount > 1000", false, ""},
		{"dyn bool", "params.items[0].qty == 2.0", true, ""},
		{"dyn not bool", "params.items[0].sku", false, "condition gave a string, not a bool"},
		{"absent", "params.customer.name == 'x'", false, ErrAbsent.Error()},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.CompileCondition(tt.expr)
			if err != nil {
				t.Fatalf("CompileCondition: %v", err)
			}
			got, err := p.EvalBool(context.Background(), orderVars())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("EvalBool: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

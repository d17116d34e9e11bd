package celexpr

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCompileString(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		wantErr string
	}{
		{"string param", "params.order_id", ""},
		{"concatenation", "'/orders/' + steps.save.recordId", ""},
		{"dyn", "params.meta.note", ""},
		{"header", "headers['x-event']", ""},
		{"int", "5", "gives int, but must give a string; convert it with string(...)"},
		{"map", "{'a': 1}", "gives map(string, int), but must give a string"},
		{"optional", "params.customer.?name", "gives optional(string), but must give a string; use .orValue('')"},
		{"error outside onError", "error", "undeclared reference to 'error'"},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.CompileString(tt.expr)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CompileString: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestCompileJSON(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		wantErr string
	}{
		{"map of DESIGN", "{'code': 0, 'msg': 'success', 'recordId': steps.save.recordId}", ""},
		{"object", "params.customer", ""},
		{"list", "[params.order_id, params.amount]", ""},
		{"string", "'ok'", ""},
		{"null", "null", ""},
		{"optional", "params.?amount", ""},
		{"duration", "duration('1h')", "gives duration, which has no JSON form"},
		{"optional duration", "optional.of(duration('1h'))", "gives duration, which has no JSON form"},
		{"type", "type(1)", "no JSON form"},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.CompileJSON(tt.expr)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CompileJSON: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestEvalString(t *testing.T) {
	env := newOrderEnv(t)
	p, err := env.CompileString("'/orders/' + steps.save.recordId")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.EvalString(context.Background(), orderVars()); err != nil || got != "/orders/orders-3f9c" {
		t.Errorf("EvalString = %q, %v", got, err)
	}
	p, err = env.CompileString("params.items[0].qty")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.EvalString(context.Background(), orderVars()); err == nil || err.Error() != "gave a number, not a string" {
		t.Errorf("EvalString of a dyn number = %q, %v", got, err)
	}
	p, err = env.CompileString("headers['x-missing']")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.EvalString(context.Background(), orderVars()); !errors.Is(err, ErrAbsent) {
		t.Errorf("EvalString of a missing header: %v, want ErrAbsent", err)
	}
}

func TestEvalWithError(t *testing.T) {
	env, err := newOrderEnv(t).WithError()
	if err != nil {
		t.Fatal(err)
	}
	p, err := env.CompileJSON("{'code': 1, 'msg': error, 'order': params.order_id, 'run': run.id}")
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.EvalWithError(context.Background(), orderVars(), "step save: duplicate")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"code": int64(1), "msg": "step save: duplicate", "order": "A-1001", "run": "run-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EvalWithError = %#v, want %#v", got, want)
	}

	// The comprehension budget still applies under the error activation.
	p, err = env.CompileJSON("params.items.map(i, error)")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.EvalWithError(context.Background(), orderVars(), "x"); err != nil || !reflect.DeepEqual(got, []any{"x", "x"}) {
		t.Errorf("comprehension = %v, %v", got, err)
	}
	if _, err := p.EvalWithError(context.Background(), nil, "x"); err == nil {
		t.Error("no vars: want an error, not a panic")
	}
}

package celexpr

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestCompileValue(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		field   v1alpha1.FieldType
		wantErr string // "" to accept
	}{
		{"string param for Text", "params.order_id", v1alpha1.FieldText, ""},
		{"string literal for Select", "'new'", v1alpha1.FieldSelect, ""},
		{"nested string for Email", "params.customer.email", v1alpha1.FieldEmail, ""},
		{"double for Number", "params.amount", v1alpha1.FieldNumber, ""},
		{"int literal for Number", "5", v1alpha1.FieldNumber, ""},
		{"uint for Number", "5u", v1alpha1.FieldNumber, ""},
		{"arithmetic for Number", "params.amount * 100.0", v1alpha1.FieldNumber, ""},
		{"bool for Boolean", "params.paid", v1alpha1.FieldBoolean, ""},
		{"comparison for Boolean", "params.amount > 100", v1alpha1.FieldBoolean, ""},
		{"now for DateTime", "now", v1alpha1.FieldDateTime, ""},
		{"string for DateTime", "'2024-05-01T10:00:00Z'", v1alpha1.FieldDateTime, ""},
		{"object for JSON", "params.customer", v1alpha1.FieldJSON, ""},
		{"map literal for JSON", "{'code': 0, 'id': params.order_id}", v1alpha1.FieldJSON, ""},
		{"dyn for Text", "params.meta.note", v1alpha1.FieldText, ""},
		{"dyn for Number", "params.items[0]", v1alpha1.FieldNumber, ""},
		{"null for Text", "null", v1alpha1.FieldText, ""},
		{"optional default", "params.?amount.orValue(0.0)", v1alpha1.FieldNumber, ""},
		{"optional value", "params.?customer.?name", v1alpha1.FieldText, ""},
		{"has()", "has(params.amount)", v1alpha1.FieldBoolean, ""},
		{"step output", "steps.save.recordId", v1alpha1.FieldText, ""},
		{"strings ext", "params.order_id.lowerAscii()", v1alpha1.FieldText, ""},
		{"encoders ext", "base64.encode(bytes(params.order_id))", v1alpha1.FieldText, ""},
		{"math ext", "math.greatest(params.amount, 0.0)", v1alpha1.FieldNumber, ""},
		{"string format", "'%s-%d'.format([params.order_id, 3])", v1alpha1.FieldText, ""},

		{"int for Text", "5", v1alpha1.FieldText, "gives int, but a Text field needs a string"},
		{"double for Email", "params.amount", v1alpha1.FieldEmail, "gives double, but an Email field needs a string"},
		{"string for Number", "params.order_id", v1alpha1.FieldNumber, "gives string, but a Number field needs a number (double, int or uint)"},
		{"string for Boolean", "'true'", v1alpha1.FieldBoolean, "gives string, but a Boolean field needs a bool"},
		{"double for DateTime", "1.5", v1alpha1.FieldDateTime, "gives double, but a DateTime field needs a timestamp or a string"},
		{"object for Text", "params.customer", v1alpha1.FieldText, "gives object, but a Text field needs a string"},
		{"list for Text", "[params.order_id]", v1alpha1.FieldText, "gives list(string), but a Text field needs a string"},
		{"duration for DateTime", "duration('1h')", v1alpha1.FieldDateTime, "gives duration, but a DateTime field needs"},
		{"optional of wrong type", "params.?amount", v1alpha1.FieldText, "gives optional(double), but a Text field needs a string; use .orValue(...)"},
		{"undefined field", "params.customer.emial", v1alpha1.FieldEmail, "undefined field 'emial' (line 1, column 16)"},
		{"undefined variable", "parms.order_id", v1alpha1.FieldText, "undeclared reference to 'parms'"},
		{"syntax error", "params.order_id +", v1alpha1.FieldText, "Syntax error"},
		{"empty", "  ", v1alpha1.FieldText, "expression is empty"},
		{"unknown field type", "'x'", v1alpha1.FieldType("Date"), `unknown field type "Date"`},
		{"literal blow-up", blowUp(6), v1alpha1.FieldJSON, "too expensive: its cost may reach"},
		{"nested comprehension over the request", "params.items.map(a, params.items.map(b, 1))", v1alpha1.FieldJSON,
			"too expensive: its cost may reach"},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.CompileValue(tt.expr, tt.field)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CompileValue: %v", err)
				}
				if p.Expression() != tt.expr {
					t.Fatalf("Expression() = %q, want %q", p.Expression(), tt.expr)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestCompileCondition(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		wantErr string
	}{
		{"comparison", "params.amount > 0", ""},
		{"int literal against double", "params.amount >= 10", ""},
		{"has", "has(params.customer.name)", ""},
		{"dyn", "params.meta.enabled", ""},
		{"header", "headers['x-event'] == 'order.paid'", ""},
		{"string", "params.order_id", "gives string, but a condition needs a bool"},
		{"optional", "params.?paid", "gives optional(bool), but a condition needs a bool; use .orValue(false)"},
		{"undefined", "params.nope > 0", "undefined field 'nope'"},
	}
	env := newOrderEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.CompileCondition(tt.expr)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CompileCondition: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// blowUp nests n maps over a ten-element list: 10^n iterations.
func blowUp(n int) string {
	const ten = "[1,2,3,4,5,6,7,8,9,10]"
	expr := "0"
	for i := n; i > 0; i-- {
		expr = ten + ".map(x" + string(rune('0'+i)) + ", " + expr + ")"
	}
	return expr
}

package celexpr

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/internal/params"
)

func TestNewEnvParamsType(t *testing.T) {
	tests := []struct {
		name     string
		params   []params.Parameter
		expr     string
		wantType string // describeType of the output; "" when a compile error is expected
		wantErr  string
	}{
		{"nested string", orderParams, "params.customer.email", "string", ""},
		{"number is double", orderParams, "params.amount", "double", ""},
		{"boolean", orderParams, "params.paid", "bool", ""},
		{"array is list of dyn", orderParams, "params.items", "list(dyn)", ""},
		{"object is map of dyn", orderParams, "params.meta", "map(string, dyn)", ""},
		{"below an object is dyn", orderParams, "params.meta.anything.below", "dyn", ""},
		{"intermediate level is an object", orderParams, "params.customer", "object", ""},
		{"unknown top-level field", orderParams, "params.nope", "", "undefined field 'nope'"},
		{"typo in nested field", orderParams, "params.customer.emial", "", "undefined field 'emial'"},
		{"no parameters", nil, "params.x", "", "undefined field 'x'"},
		{"dashed key makes the level a map", []params.Parameter{{Path: "order-id", Type: "String"}, {Path: "amount", Type: "Number"}},
			"params['order-id']", "dyn", ""},
		{"dashed key level has no static check", []params.Parameter{{Path: "order-id", Type: "String"}, {Path: "amount", Type: "Number"}},
			"params.amount", "dyn", ""},
		{"reserved word makes the level a map", []params.Parameter{{Path: "order.in", Type: "String"}, {Path: "order.id", Type: "String"}},
			"params.order['in']", "dyn", ""},
		{"level above a map stays an object", []params.Parameter{{Path: "order.in", Type: "String"}, {Path: "total", Type: "Number"}},
			"params.total", "double", ""},
		{"level above a map keeps checking", []params.Parameter{{Path: "order.in", Type: "String"}},
			"params.ordre", "", "undefined field 'ordre'"},
		{"object parameter hides the ones below it", []params.Parameter{{Path: "customer", Type: "Object"}, {Path: "customer.email", Type: "String"}},
			"params.customer.other", "dyn", ""},
		{"same path twice with the same type", []params.Parameter{{Path: "a", Type: "String"}, {Path: "a", Type: "String"}},
			"params.a", "string", ""},
		{"body parameter", []params.Parameter{{Path: params.BodyParameter, Type: "String"}}, "params.body", "string", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := NewEnv(tt.params, nil)
			if err != nil {
				t.Fatalf("NewEnv: %v", err)
			}
			ast, iss := env.env.Compile(tt.expr)
			if tt.wantErr != "" {
				if iss.Err() == nil {
					t.Fatalf("compiled with type %s, want error %q", ast.OutputType(), tt.wantErr)
				}
				if !strings.Contains(iss.Err().Error(), tt.wantErr) {
					t.Fatalf("error %q, want it to contain %q", iss.Err(), tt.wantErr)
				}
				return
			}
			if iss.Err() != nil {
				t.Fatalf("compile: %v", iss.Err())
			}
			if got := describeType(ast.OutputType()); got != tt.wantType {
				t.Fatalf("type %s, want %s", got, tt.wantType)
			}
		})
	}
}

func TestNewEnvErrors(t *testing.T) {
	tests := []struct {
		name    string
		params  []params.Parameter
		steps   []string
		wantErr string
	}{
		{"scalar with a parameter below it", []params.Parameter{{Path: "a", Type: "String"}, {Path: "a.b", Type: "Number"}}, nil,
			`parameter "a" is a String, so it cannot have parameter "a.b" below it`},
		{"same path with two types", []params.Parameter{{Path: "a", Type: "String"}, {Path: "a", Type: "Number"}}, nil,
			`parameter "a" is declared twice, as String and as Number`},
		{"unknown type", []params.Parameter{{Path: "a", Type: "Date"}}, nil, `parameter "a" has unknown type "Date"`},
		{"duplicate step", nil, []string{"save", "save"}, `step "save" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewEnv(tt.params, tt.steps)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewEnvStepsType(t *testing.T) {
	tests := []struct {
		name     string
		steps    []string
		expr     string
		wantType string
		wantErr  string
	}{
		{"record id of a step", []string{"save", "notify"}, "steps.save.recordId", "string", ""},
		{"unknown step", []string{"save"}, "steps.sav.recordId", "", "undefined field 'sav'"},
		{"unknown output", []string{"save"}, "steps.save.id", "", "undefined field 'id'"},
		{"no steps", nil, "steps.save.recordId", "", "undefined field 'save'"},
		{"reserved step name makes steps a map", []string{"save", "for"}, "steps['for'].recordId", "string", ""},
		{"steps map still types its values", []string{"save", "for"}, "steps['save'].nope", "", "undefined field 'nope'"},
		{"run id", nil, "run.id", "string", ""},
		{"now", nil, "now", "timestamp", ""},
		{"headers", nil, "headers['content-type']", "string", ""},
		{"query", nil, "query.page", "string", ""},
		{"body", nil, "body", "string", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := NewEnv(nil, tt.steps)
			if err != nil {
				t.Fatalf("NewEnv: %v", err)
			}
			ast, iss := env.env.Compile(tt.expr)
			if tt.wantErr != "" {
				if iss.Err() == nil || !strings.Contains(iss.Err().Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", iss.Err(), tt.wantErr)
				}
				return
			}
			if iss.Err() != nil {
				t.Fatalf("compile: %v", iss.Err())
			}
			if got := describeType(ast.OutputType()); got != tt.wantType {
				t.Fatalf("type %s, want %s", got, tt.wantType)
			}
		})
	}
}

func TestIsSelectable(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"email", true}, {"_x1", true}, {"Order_ID", true},
		{"", false}, {"1abc", false}, {"order-id", false}, {"a.b", false}, {"é", false}, {"a b", false},
		{"in", false}, {"null", false}, {"true", false}, {"namespace", false}, {"while", false},
	}
	for _, tt := range tests {
		if got := isSelectable(tt.name); got != tt.want {
			t.Errorf("isSelectable(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

package celexpr

import (
	"context"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// BenchmarkEvalFieldMapping evaluates the field mapping of one createRecord
// step, as the server does for each request.
func BenchmarkEvalFieldMapping(b *testing.B) {
	env := newOrderEnv(b)
	mapping := []struct {
		expr  string
		field v1alpha1.FieldType
	}{
		{"params.order_id", v1alpha1.FieldText},
		{"params.amount", v1alpha1.FieldNumber},
		{"'new'", v1alpha1.FieldSelect},
		{"params.customer.email", v1alpha1.FieldEmail},
		{"params.customer.?name.orValue('')", v1alpha1.FieldText},
		{"now", v1alpha1.FieldDateTime},
		{"params.amount > 100", v1alpha1.FieldBoolean},
	}
	progs := make([]*Program, len(mapping))
	for i, m := range mapping {
		p, err := env.CompileValue(m.expr, m.field)
		if err != nil {
			b.Fatalf("CompileValue(%q): %v", m.expr, err)
		}
		progs[i] = p
	}
	ctx := context.Background()
	v := orderVars()
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range progs {
			if _, err := p.Eval(ctx, v); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkNewEnv builds the Env of a Workflow, as the controller and the
// server do for each change.
func BenchmarkNewEnv(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewEnv(orderParams, []string{"save", "notify"}); err != nil {
			b.Fatal(err)
		}
	}
}

package params

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var overridesPath = field.NewPath("spec", "trigger", "webhook", "parameters")

func TestApplyOverrides(t *testing.T) {
	base := []Parameter{
		{Path: "amount", Type: tNumber, Example: 129.5},
		{Path: "customer.email", Type: tString, Example: "ada@example.com"},
		{Path: "order_id", Type: tString, Example: "A-1001"},
		{Path: "tags", Type: tArray, Example: []any{"a"}},
	}
	withBody := append([]Parameter{{Path: "body", Type: tString, Description: "The raw request body", RawBody: true}}, base...)
	tests := []struct {
		name      string
		ps        []Parameter
		overrides []v1alpha1.ParameterOverride
		want      []Parameter
		wantErrs  []wantErr
	}{
		{
			name: "no overrides",
			ps:   base,
			want: base,
		},
		{
			name: "required and description",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "order_id", Required: ptr(true)},
				{Name: "customer.email", Required: ptr(true), Description: "buyer e-mail"},
			},
			want: []Parameter{
				base[0],
				{Path: "customer.email", Type: tString, Required: true, Description: "buyer e-mail", Example: "ada@example.com"},
				{Path: "order_id", Type: tString, Required: true, Example: "A-1001"},
				base[3],
			},
		},
		{
			name: "required false clears it, empty fields keep",
			ps:   []Parameter{{Path: "a", Type: tNumber, Required: true, Description: "d", Example: 1.0}},
			overrides: []v1alpha1.ParameterOverride{
				{Name: "a", Required: ptr(false)},
			},
			want: []Parameter{{Path: "a", Type: tNumber, Description: "d", Example: 1.0}},
		},
		{
			name: "change type converts the example",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "amount", Type: tString},
				{Name: "order_id", Type: tNumber},
				{Name: "tags", Type: tArray},
			},
			want: []Parameter{
				{Path: "amount", Type: tString, Example: "129.5"},
				base[1],
				{Path: "order_id", Type: tNumber},
				base[3],
			},
		},
		{
			name: "string example to number",
			ps:   []Parameter{{Path: "n", Type: tString, Example: " 42 "}, {Path: "o", Type: tString, Example: `{"k":1}`}},
			overrides: []v1alpha1.ParameterOverride{
				{Name: "n", Type: tNumber},
				{Name: "o", Type: tObject},
			},
			want: []Parameter{{Path: "n", Type: tNumber, Example: 42.0}, {Path: "o", Type: tObject, Example: map[string]any{"k": 1.0}}},
		},
		{
			name: "add new parameters",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "customer.name", Description: "buyer"},
				{Name: "count", Type: tNumber, Required: ptr(true)},
			},
			want: []Parameter{
				base[0],
				{Path: "count", Type: tNumber, Required: true},
				base[1],
				{Path: "customer.name", Type: tString, Description: "buyer"},
				base[2],
				base[3],
			},
		},
		{
			name: "add to an empty list",
			ps:   nil,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "b"}, {Name: "a.x"},
			},
			want: []Parameter{{Path: "a.x", Type: tString}, {Path: "b", Type: tString}},
		},
		{
			name: "nothing at all",
			ps:   nil,
			want: []Parameter{},
		},
		{
			name: "new leaf over an object",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "customer", Type: tObject},
			},
			wantErrs: []wantErr{{"spec.trigger.webhook.parameters[0].name", field.ErrorTypeInvalid, `conflicts with parameter "customer.email"`}},
		},
		{
			name: "new path under a leaf",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "order_id.x"},
			},
			wantErrs: []wantErr{{"spec.trigger.webhook.parameters[0].name", field.ErrorTypeInvalid, `conflicts with parameter "order_id"`}},
		},
		{
			name: "conflict between two new ones",
			ps:   nil,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "a.b"}, {Name: "a"},
			},
			wantErrs: []wantErr{{"spec.trigger.webhook.parameters[1].name", field.ErrorTypeInvalid, `conflicts with parameter "a.b"`}},
		},
		{
			name: "bad names and types",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: ""},
				{Name: "a..b"},
				{Name: "first name"},
				{Name: "x", Type: "Date"},
				{Name: "amount", Required: ptr(true)},
				{Name: "amount"},
			},
			wantErrs: []wantErr{
				{"spec.trigger.webhook.parameters[0].name", field.ErrorTypeInvalid, "must not be empty"},
				{"spec.trigger.webhook.parameters[1].name", field.ErrorTypeInvalid, "empty segment"},
				{"spec.trigger.webhook.parameters[2].name", field.ErrorTypeInvalid, "white space"},
				{"spec.trigger.webhook.parameters[3].type", field.ErrorTypeNotSupported, `Unsupported value: "Date"`},
				{"spec.trigger.webhook.parameters[5].name", field.ErrorTypeDuplicate, `Duplicate value: "amount"`},
			},
		},
		{
			name: "body: description and required",
			ps:   withBody,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "body", Type: tString, Required: ptr(true), Description: "the payload"},
			},
			want: []Parameter{
				{Path: "amount", Type: tNumber, Example: 129.5},
				{Path: "body", Type: tString, Required: true, Description: "the payload", RawBody: true},
				base[1], base[2], base[3],
			},
		},
		{
			name: "body: type must stay String",
			ps:   withBody,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "body", Type: tObject},
			},
			wantErrs: []wantErr{{"spec.trigger.webhook.parameters[0].type", field.ErrorTypeInvalid, "always a String"}},
		},
		{
			name: "body: without fullBody it is an ordinary parameter",
			ps:   base,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "body", Type: tObject},
			},
			want: []Parameter{base[0], {Path: "body", Type: tObject}, base[1], base[2], base[3]},
		},
		{
			name: "body: nothing under it with fullBody",
			ps:   withBody,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "body.text"},
			},
			wantErrs: []wantErr{{"spec.trigger.webhook.parameters[0].name", field.ErrorTypeInvalid, `conflicts with parameter "body"`}},
		},
		{
			name: "body: a path under it without fullBody",
			ps:   nil,
			overrides: []v1alpha1.ParameterOverride{
				{Name: "body.text"},
			},
			want: []Parameter{{Path: "body.text", Type: tString}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := clone(tt.ps)
			got, errs := ApplyOverrides(tt.ps, tt.overrides, overridesPath)
			checkErrs(t, errs, tt.wantErrs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ApplyOverrides() = %#v\nwant %#v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.ps, before) {
				t.Errorf("ApplyOverrides() changed its input to %#v", tt.ps)
			}
		})
	}
}

// clone returns a copy of ps.
func clone(ps []Parameter) []Parameter {
	if ps == nil {
		return nil
	}
	return append([]Parameter{}, ps...)
}

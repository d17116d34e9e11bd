package params

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestTypeOf(t *testing.T) {
	tests := []struct {
		value       string
		wantType    v1alpha1.ParameterType
		wantExample any
	}{
		{"A-1001", tString, "A-1001"},
		{"", tString, ""},
		{"129.5", tNumber, 129.5},
		{"-3", tNumber, -3.0},
		{"+3", tNumber, 3.0},
		{"0", tNumber, 0.0},
		{"0.5", tNumber, 0.5},
		{".5", tNumber, 0.5},
		{"1e3", tNumber, 1000.0},
		{"1E-2", tNumber, 0.01},
		{"007", tString, "007"},
		{"-01", tString, "-01"},
		{"0x1F", tString, "0x1F"},
		{"1_000", tString, "1_000"},
		{"NaN", tString, "NaN"},
		{"Inf", tString, "Inf"},
		{"infinity", tString, "infinity"},
		{"1e400", tString, "1e400"},
		{" 5", tString, " 5"},
		{"5 ", tString, "5 "},
		{"1.2.3", tString, "1.2.3"},
		{"true", tBoolean, true},
		{"TRUE", tBoolean, true},
		{"False", tBoolean, false},
		{"yes", tString, "yes"},
		{"1", tNumber, 1.0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			typ, ex := typeOf(tt.value)
			if typ != tt.wantType || !reflect.DeepEqual(ex, tt.wantExample) {
				t.Errorf("typeOf(%q) = %v, %#v, want %v, %#v", tt.value, typ, ex, tt.wantType, tt.wantExample)
			}
		})
	}
}

func TestFromSampleKeyValue(t *testing.T) {
	kv := func(pairs ...string) []v1alpha1.KeyValue {
		var out []v1alpha1.KeyValue
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, v1alpha1.KeyValue{Name: pairs[i], Value: pairs[i+1]})
		}
		return out
	}
	tests := []struct {
		name     string
		kvs      []v1alpha1.KeyValue
		fullBody bool
		want     []Parameter
		wantErrs []wantErr
	}{
		{
			name: "typed and sorted",
			kvs:  kv("order_id", "A-1001", "customer.email", "ada@example.com", "amount", "129.5", "paid", "true", "zip", "01234"),
			want: []Parameter{
				{Path: "amount", Type: tNumber, Example: 129.5},
				{Path: "customer.email", Type: tString, Example: "ada@example.com"},
				{Path: "order_id", Type: tString, Example: "A-1001"},
				{Path: "paid", Type: tBoolean, Example: true},
				{Path: "zip", Type: tString, Example: "01234"},
			},
		},
		{
			name: "names may hold white space",
			kvs:  kv("first name", "Ada"),
			want: []Parameter{{Path: "first name", Type: tString, Example: "Ada"}},
		},
		{
			name:     "fullBody",
			kvs:      kv("a", "x"),
			fullBody: true,
			want: []Parameter{
				{Path: "a", Type: tString, Example: "x"},
				{Path: "body", Type: tString, Description: "The raw request body", RawBody: true},
			},
		},
		{
			name:     "fullBody and body",
			kvs:      kv("a", "x", "body", "y"),
			fullBody: true,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.fullBody", field.ErrorTypeInvalid, `already has a parameter "body"`}},
		},
		{
			name:     "fullBody and under body",
			kvs:      kv("body.x", "y"),
			fullBody: true,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.fullBody", field.ErrorTypeInvalid, `already has a parameter "body.x"`}},
		},
		{
			name: "body without fullBody is an ordinary parameter",
			kvs:  kv("a", "x", "body", "y"),
			want: []Parameter{{Path: "a", Type: tString, Example: "x"}, {Path: "body", Type: tString, Example: "y"}},
		},
		{
			name:     "duplicate",
			kvs:      kv("a", "1", "b", "2", "a", "3"),
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.keyValues[2]", field.ErrorTypeDuplicate, `Duplicate value: "a"`}},
		},
		{
			name:     "leaf then object",
			kvs:      kv("a", "1", "a.b", "2"),
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.keyValues[1]", field.ErrorTypeInvalid, `conflicts with parameter "a"`}},
		},
		{
			name:     "object then leaf",
			kvs:      kv("a.b.c", "1", "a.b", "2"),
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.keyValues[1]", field.ErrorTypeInvalid, `conflicts with parameter "a.b.c"`}},
		},
		{
			name: "similar names do not conflict",
			kvs:  kv("a", "1", "ab.c", "2", "a_b", "3"),
			want: []Parameter{
				{Path: "a", Type: tNumber, Example: 1.0},
				{Path: "a_b", Type: tNumber, Example: 3.0},
				{Path: "ab.c", Type: tNumber, Example: 2.0},
			},
		},
		{
			name: "bad names",
			kvs:  kv("", "1", "a..b", "2", ".a", "3", "a.", "4"),
			wantErrs: []wantErr{
				{"spec.trigger.webhook.sample.keyValues[0].name", field.ErrorTypeInvalid, "must not be empty"},
				{"spec.trigger.webhook.sample.keyValues[1].name", field.ErrorTypeInvalid, "empty segment"},
				{"spec.trigger.webhook.sample.keyValues[2].name", field.ErrorTypeInvalid, "empty segment"},
				{"spec.trigger.webhook.sample.keyValues[3].name", field.ErrorTypeInvalid, "empty segment"},
			},
		},
		{
			name:     "no pairs",
			kvs:      nil,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.keyValues", field.ErrorTypeRequired, "at least one pair"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := FromSample(v1alpha1.Sample{Source: v1alpha1.SampleKeyValue, KeyValues: tt.kvs, FullBody: tt.fullBody}, samplePath)
			checkErrs(t, errs, tt.wantErrs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromSample() = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

package params

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

const (
	tString  = v1alpha1.ParameterString
	tNumber  = v1alpha1.ParameterNumber
	tBoolean = v1alpha1.ParameterBoolean
	tObject  = v1alpha1.ParameterObject
	tArray   = v1alpha1.ParameterArray
)

var samplePath = field.NewPath("spec", "trigger", "webhook", "sample")

func TestFromSampleJSON(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		fullBody bool
		want     []Parameter
		wantErrs []wantErr
	}{
		{
			name: "design example",
			json: `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"}}`,
			want: []Parameter{
				{Path: "amount", Type: tNumber, Example: 129.5},
				{Path: "customer.email", Type: tString, Example: "ada@example.com"},
				{Path: "order_id", Type: tString, Example: "A-1001"},
			},
		},
		{
			name: "every type",
			json: `{"s":"","n":-1e3,"b":false,"z":null,"o":{},"a":[1,"x",{"k":2.5},[true,null]],"e":[]}`,
			want: []Parameter{
				{Path: "a", Type: tArray, Example: []any{1.0, "x", map[string]any{"k": 2.5}, []any{true, nil}}},
				{Path: "b", Type: tBoolean, Example: false},
				{Path: "e", Type: tArray, Example: []any{}},
				{Path: "n", Type: tNumber, Example: -1000.0},
				{Path: "o", Type: tObject, Example: map[string]any{}},
				{Path: "s", Type: tString, Example: ""},
				{Path: "z", Type: tString},
			},
		},
		{
			name: "deep nesting",
			json: `{"a":{"b":{"c":{"d":1}},"e":{"f":"x","g":{}}}}`,
			want: []Parameter{
				{Path: "a.b.c.d", Type: tNumber, Example: 1.0},
				{Path: "a.e.f", Type: tString, Example: "x"},
				{Path: "a.e.g", Type: tObject, Example: map[string]any{}},
			},
		},
		{
			name: "white space around the object",
			json: " \n{\"a\":true}\n ",
			want: []Parameter{{Path: "a", Type: tBoolean, Example: true}},
		},
		{name: "empty object", json: `{}`, want: []Parameter{}},
		{
			name:     "fullBody adds body",
			json:     `{"a":"x","order":{"body":"nested body is fine"}}`,
			fullBody: true,
			want: []Parameter{
				{Path: "a", Type: tString, Example: "x"},
				{Path: "body", Type: tString, Description: "The raw request body", RawBody: true},
				{Path: "order.body", Type: tString, Example: "nested body is fine"},
			},
		},
		{
			name:     "fullBody with an empty sample object",
			json:     `{}`,
			fullBody: true,
			want:     []Parameter{{Path: "body", Type: tString, Description: "The raw request body", RawBody: true}},
		},
		{
			name:     "fullBody conflicts with body",
			json:     `{"body":"x"}`,
			fullBody: true,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.fullBody", field.ErrorTypeInvalid, `already has a parameter "body"`}},
		},
		{
			name:     "fullBody conflicts with a path under body",
			json:     `{"body":{"text":"x"}}`,
			fullBody: true,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.fullBody", field.ErrorTypeInvalid, `already has a parameter "body.text"`}},
		},
		{
			name: "body without fullBody is an ordinary parameter",
			json: `{"title":"x","body":"y"}`,
			want: []Parameter{{Path: "body", Type: tString, Example: "y"}, {Path: "title", Type: tString, Example: "x"}},
		},
		{
			name: "an object at body without fullBody is fine",
			json: `{"body":{"text":"y"}}`,
			want: []Parameter{{Path: "body.text", Type: tString, Example: "y"}},
		},
		{
			name:     "empty",
			json:     "",
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeRequired, "JSON object is required"}},
		},
		{
			name:     "blank",
			json:     " \n ",
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeRequired, "JSON object is required"}},
		},
		{
			name:     "invalid JSON",
			json:     `{"a":}`,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, "invalid JSON at byte 6"}},
		},
		{
			name:     "trailing data",
			json:     `{"a":1} {"b":2}`,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, "data after the value"}},
		},
		{
			name:     "not an object",
			json:     `[{"a":1}]`,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, "must be a JSON object, not an array"}},
		},
		{
			name: "bad keys name their path",
			json: `{"customer":{"a.b":1,"":2,"ok":3},".":{"x":1}}`,
			wantErrs: []wantErr{
				{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, `key ".": must not contain '.'`},
				{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, `key "" under "customer": must not be empty`},
				{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, `key "a.b" under "customer": must not contain '.'`},
			},
		},
		{
			name:     "number out of range",
			json:     `{"a":{"big":1e400}}`,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, `"a.big" has a number out of range`}},
		},
		{
			name:     "number out of range in an array",
			json:     `{"a":[1,[-1e999]]}`,
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, `"a" has a number out of range`}},
		},
		{
			name: "32 levels",
			json: strings.Repeat(`{"a":`, 32) + "1" + strings.Repeat("}", 32),
			want: []Parameter{{Path: strings.Repeat("a.", 31) + "a", Type: tNumber, Example: 1.0}},
		},
		{
			name:     "33 levels",
			json:     strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33),
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, "deeper than 32 levels"}},
		},
		{
			name:     "33 levels of empty objects end in an Object",
			json:     strings.Repeat(`{"a":`, 33) + "{}" + strings.Repeat("}", 33),
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeInvalid, "deeper than 32 levels"}},
		},
		{
			name: "256 leaves",
			json: leaves(256),
			want: nil, // checked by count below
		},
		{
			name:     "257 leaves",
			json:     leaves(257),
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.json", field.ErrorTypeTooMany, "Too many: 257: must have at most 256"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := FromSample(v1alpha1.Sample{JSON: tt.json, FullBody: tt.fullBody}, samplePath)
			checkErrs(t, errs, tt.wantErrs)
			if len(tt.wantErrs) > 0 {
				if got != nil {
					t.Errorf("FromSample() = %v with errors, want nil", got)
				}
				return
			}
			if tt.want == nil {
				if len(got) != 256 {
					t.Errorf("FromSample() gave %d parameters, want 256", len(got))
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromSample() = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// leaves returns a JSON object with n number leaves.
func leaves(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":%d`, i, i)
	}
	b.WriteString("}")
	return b.String()
}

func TestFromSampleSource(t *testing.T) {
	tests := []struct {
		name     string
		sample   v1alpha1.Sample
		want     []Parameter
		wantErrs []wantErr
	}{
		{
			name:   "explicit JSON",
			sample: v1alpha1.Sample{Source: v1alpha1.SampleJSON, JSON: `{"a":"b"}`},
			want:   []Parameter{{Path: "a", Type: tString, Example: "b"}},
		},
		{
			name:     "Capture",
			sample:   v1alpha1.Sample{Source: v1alpha1.SampleCapture},
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.source", field.ErrorTypeNotSupported, `Unsupported value: "Capture": Capture samples are not supported yet`}},
		},
		{
			name:     "unknown source",
			sample:   v1alpha1.Sample{Source: "XML"},
			wantErrs: []wantErr{{"spec.trigger.webhook.sample.source", field.ErrorTypeNotSupported, `supported values: "JSON", "KeyValue", "Capture"`}},
		},
		{
			name:   "KeyValue ignores json",
			sample: v1alpha1.Sample{Source: v1alpha1.SampleKeyValue, JSON: `{"x":1}`, KeyValues: []v1alpha1.KeyValue{{Name: "a", Value: "1"}}},
			want:   []Parameter{{Path: "a", Type: tNumber, Example: 1.0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := FromSample(tt.sample, samplePath)
			checkErrs(t, errs, tt.wantErrs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromSample() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

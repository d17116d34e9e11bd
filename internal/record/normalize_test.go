package record

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestNormalizeRecord(t *testing.T) {
	in := map[string]any{
		"order_id":  "A-1001",
		"amount":    int64(129),
		"paid":      "true",
		"status":    "new",
		"placed_at": time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600)),
		"email":     " ada@example.com ",
		"raw":       map[string]any{"k": 1},
	}
	want := map[string]any{
		"order_id":  "A-1001",
		"amount":    129.0,
		"paid":      true,
		"status":    "new",
		"placed_at": "2024-05-01T10:00:00Z",
		"email":     "ada@example.com",
		"raw":       map[string]any{"k": int64(1)},
	}
	got, err := Normalize(ordersFields, in)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestNormalizeEmptyValues(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want map[string]any
	}{
		{"absent optional fields are left out", map[string]any{"order_id": "A"}, map[string]any{"order_id": "A"}},
		{"nil is no value", map[string]any{"order_id": "A", "amount": nil, "raw": nil}, map[string]any{"order_id": "A"}},
		{"empty string is no value", map[string]any{"order_id": "A", "amount": "", "status": "", "email": "", "placed_at": ""},
			map[string]any{"order_id": "A"}},
		{"empty string is a JSON value", map[string]any{"order_id": "A", "raw": ""}, map[string]any{"order_id": "A", "raw": ""}},
		{"nil values map", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := ordersFields
			if tt.in == nil {
				fields = fieldOf(v1alpha1.FieldText)
			}
			got, err := Normalize(fields, tt.in)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestNormalizeProblems(t *testing.T) {
	tests := []struct {
		name    string
		fields  []v1alpha1.WorksheetField
		in      map[string]any
		wantErr string
	}{
		{"required absent", ordersFields, map[string]any{}, "order_id: required"},
		{"required nil", ordersFields, map[string]any{"order_id": nil}, "order_id: required"},
		{"required empty", ordersFields, map[string]any{"order_id": ""}, "order_id: required"},
		{"required empty JSON", []v1alpha1.WorksheetField{{Name: "raw", Type: v1alpha1.FieldJSON, Required: true}},
			map[string]any{"raw": ""}, "raw: required"},
		{"required but invalid", []v1alpha1.WorksheetField{{Name: "n", Type: v1alpha1.FieldNumber, Required: true}},
			map[string]any{"n": "x"}, "n: must be a number"},
		{"unknown field", ordersFields, map[string]any{"order_id": "A", "colour": "red"}, "colour: unknown field"},
		{"unknown field with nil value", ordersFields, map[string]any{"order_id": "A", "colour": nil}, "colour: unknown field"},
		{"unknown field type", []v1alpha1.WorksheetField{{Name: "d", Type: "Date"}}, map[string]any{"d": "x"}, `d: has unknown type "Date"`},
		{"all problems sorted by field", ordersFields,
			map[string]any{"status": "lost", "amount": "much", "colour": "red"},
			"amount: must be a number; colour: unknown field; order_id: required; status: must be one of new, paid, shipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.fields, tt.in)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Normalize = %#v, %v; want a *ValidationError", got, err)
			}
			if got != nil {
				t.Fatalf("Normalize returned %#v with an error", got)
			}
			if err.Error() != tt.wantErr {
				t.Fatalf("error %q, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestReasonsDoNotEchoValues checks that no reason repeats the rejected
// value: records may carry personal data.
func TestReasonsDoNotEchoValues(t *testing.T) {
	const secret = "Secret-4711"
	values := map[string]any{
		"order_id":  strings.Repeat(secret, MaxTextBytes/len(secret)+1),
		"amount":    secret,
		"paid":      secret,
		"status":    secret,
		"placed_at": secret,
		"email":     secret + " <" + secret + "@example.com>",
		"raw":       map[string]any{secret: []byte(secret)},
		secret:      secret,
	}
	_, err := Normalize(ordersFields, values)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Normalize: %v, want a *ValidationError", err)
	}
	if len(verr.Problems) != len(values) {
		t.Fatalf("problems %+v, want one per value", verr.Problems)
	}
	for _, p := range verr.Problems {
		if strings.Contains(p.Reason, secret) {
			t.Errorf("reason of %s repeats the value: %q", p.Field, p.Reason)
		}
	}
}

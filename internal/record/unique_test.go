package record

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestUniqueKeySameValue(t *testing.T) {
	tests := []struct {
		name   string
		fields []v1alpha1.WorksheetField
		values []any // all the same value in different forms
	}{
		{"number", uniqueField(v1alpha1.FieldNumber), []any{int64(5), float64(5), 5, uint64(5), json.Number("5.0"), "5", " 5.00 "}},
		{"date-time", uniqueField(v1alpha1.FieldDateTime), []any{"2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000Z"}},
		{"text", uniqueField(v1alpha1.FieldText), []any{"12.5", 12.5, json.Number("12.5")}},
		{"email", uniqueField(v1alpha1.FieldEmail), []any{"ada@example.com", " ada@example.com"}},
		{"boolean", uniqueField(v1alpha1.FieldBoolean), []any{true, "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first string
			for i, v := range tt.values {
				field, key, ok := UniqueKey(tt.fields, map[string]any{"u": v})
				if !ok || field != "u" {
					t.Fatalf("UniqueKey(%#v) = %q, %q, %v", v, field, key, ok)
				}
				if i == 0 {
					first = key
				} else if key != first {
					t.Fatalf("key of %#v (%T) = %s, key of %#v (%T) = %s", v, v, key, tt.values[0], tt.values[0], first)
				}
			}
		})
	}
}

func TestUniqueKeyDistinguishes(t *testing.T) {
	pairs := []struct {
		name string
		a, b []v1alpha1.WorksheetField
		va   any
		vb   any
	}{
		{"different values", uniqueField(v1alpha1.FieldText), uniqueField(v1alpha1.FieldText), "A-1", "A-2"},
		{"case", uniqueField(v1alpha1.FieldText), uniqueField(v1alpha1.FieldText), "a", "A"},
		{"same text in different types", uniqueField(v1alpha1.FieldText), uniqueField(v1alpha1.FieldSelect, "5"), "5", "5"},
		{"number and its text", uniqueField(v1alpha1.FieldNumber), uniqueField(v1alpha1.FieldText), 5.0, "5"},
	}
	for _, tt := range pairs {
		t.Run(tt.name, func(t *testing.T) {
			_, ka, oka := UniqueKey(tt.a, map[string]any{"u": tt.va})
			_, kb, okb := UniqueKey(tt.b, map[string]any{"u": tt.vb})
			if !oka || !okb {
				t.Fatalf("UniqueKey not ok: %v, %v", oka, okb)
			}
			if ka == kb {
				t.Fatalf("same key %s for %#v and %#v", ka, tt.va, tt.vb)
			}
		})
	}
}

// TestUniqueKeyStable pins the key of a value: records already stored are
// found by it, so the encoding must not change.
func TestUniqueKeyStable(t *testing.T) {
	field, key, ok := UniqueKey(ordersFields, map[string]any{"order_id": "A-1001", "amount": 129.5})
	if !ok || field != "order_id" {
		t.Fatalf("UniqueKey = %q, %q, %v", field, key, ok)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(key) {
		t.Fatalf("key %q is not 32 lower-case hex digits", key)
	}
	// printf 'Text\0"A-1001"' | sha256sum | cut -c1-32
	const want = "60f1b19faac37b6a7914f42c33daf4ac"
	if key != want {
		t.Fatalf("key %s, want %s", key, want)
	}
}

func TestUniqueKeyNotOK(t *testing.T) {
	tests := []struct {
		name      string
		fields    []v1alpha1.WorksheetField
		values    map[string]any
		wantField string
	}{
		{"no unique field", fieldOf(v1alpha1.FieldText), map[string]any{"f": "x"}, ""},
		{"no value", ordersFields, map[string]any{"amount": 1.0}, "order_id"},
		{"nil value", ordersFields, map[string]any{"order_id": nil}, "order_id"},
		{"empty value", ordersFields, map[string]any{"order_id": ""}, "order_id"},
		{"invalid value", uniqueField(v1alpha1.FieldNumber), map[string]any{"u": "x"}, "u"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field, key, ok := UniqueKey(tt.fields, tt.values)
			if ok || key != "" || field != tt.wantField {
				t.Fatalf("UniqueKey = %q, %q, %v; want %q, \"\", false", field, key, ok, tt.wantField)
			}
		})
	}
}

func uniqueField(t v1alpha1.FieldType, options ...string) []v1alpha1.WorksheetField {
	return []v1alpha1.WorksheetField{
		{Name: "other", Type: v1alpha1.FieldText},
		{Name: "u", Type: t, Unique: true, Options: options},
	}
}

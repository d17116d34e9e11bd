package record

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// typeCase is one value for a field of one type: want is the normalized
// value, or reason the problem.
type typeCase struct {
	name   string
	in     any
	want   any
	reason string
}

func runTypeCases(t *testing.T, fields []v1alpha1.WorksheetField, tests []typeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(fields, map[string]any{"f": tt.in})
			if tt.reason != "" {
				var verr *ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("Normalize = %#v, %v; want problem %q", got, err, tt.reason)
				}
				want := []Problem{{Field: "f", Reason: tt.reason}}
				if !reflect.DeepEqual(verr.Problems, want) {
					t.Fatalf("problems %+v, want %+v", verr.Problems, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if !reflect.DeepEqual(got["f"], tt.want) {
				t.Fatalf("got %#v (%T), want %#v (%T)", got["f"], got["f"], tt.want, tt.want)
			}
		})
	}
}

func TestNormalizeText(t *testing.T) {
	runTypeCases(t, fieldOf(v1alpha1.FieldText), []typeCase{
		{"string", "A-1001", "A-1001", ""},
		{"spaces are kept", " a ", " a ", ""},
		{"float", 129.5, "129.5", ""},
		{"large float in plain notation", 1e21, "1000000000000000000000", ""},
		{"negative zero", math.Copysign(0, -1), "0", ""},
		{"int64", int64(-42), "-42", ""},
		{"int", 7, "7", ""},
		{"uint64", uint64(math.MaxUint64), "18446744073709551615", ""},
		{"json.Number", json.Number("1.50"), "1.50", ""},
		{"bool", true, "true", ""},
		{"longest", strings.Repeat("x", MaxTextBytes), strings.Repeat("x", MaxTextBytes), ""},
		{"too long", strings.Repeat("x", MaxTextBytes+1), nil, "must be at most 65536 bytes"},
		{"invalid UTF-8", "a\xffb", nil, "must be valid UTF-8 text"},
		{"NaN", math.NaN(), nil, "must be text"},
		{"map", map[string]any{"a": 1}, nil, "must be text"},
		{"time", time.Now(), nil, "must be text"},
		{"bytes", []byte("x"), nil, "must be text"},
	})
}

func TestNormalizeNumber(t *testing.T) {
	runTypeCases(t, fieldOf(v1alpha1.FieldNumber), []typeCase{
		{"float64", 129.5, 129.5, ""},
		{"negative zero", math.Copysign(0, -1), 0.0, ""},
		{"int64", int64(5), 5.0, ""},
		{"int", -3, -3.0, ""},
		{"uint64", uint64(7), 7.0, ""},
		{"2^53", int64(1 << 53), float64(1 << 53), ""},
		{"-2^53", int64(-1 << 53), float64(-1 << 53), ""},
		{"json.Number", json.Number("12.25"), 12.25, ""},
		{"string", "129.50", 129.5, ""},
		{"string with sign and spaces", " +3 ", 3.0, ""},
		{"string with exponent", "1.5e3", 1500.0, ""},
		{"string fraction only", ".5", 0.5, ""},
		{"string trailing dot", "5.", 5.0, ""},
		{"large decimal with exponent is rounded", "1e300", 1e300, ""},
		{"int64 over 2^53", int64(1<<53 + 1), nil, reasonExact},
		{"uint64 over 2^53", uint64(math.MaxUint64), nil, reasonExact},
		{"integer string over 2^53", "9007199254740993", nil, reasonExact},
		{"integer json.Number under -2^53", json.Number("-9007199254740993"), nil, reasonExact},
		{"NaN", math.NaN(), nil, "must be a finite number"},
		{"infinity", math.Inf(1), nil, "must be a finite number"},
		{"string overflow", "1e400", nil, "must be a finite number"},
		{"string Inf", "Inf", nil, "must be a number"},
		{"string NaN", "NaN", nil, "must be a number"},
		{"hexadecimal", "0x10", nil, "must be a number"},
		{"underscores", "1_000", nil, "must be a number"},
		{"two dots", "1.2.3", nil, "must be a number"},
		{"exponent without digits", "1e", nil, "must be a number"},
		{"sign only", "-", nil, "must be a number"},
		{"words", "twelve", nil, "must be a number"},
		{"bool", true, nil, "must be a number"},
		{"float32", float32(1.5), nil, "must be a number"},
	})
}

func TestNormalizeBoolean(t *testing.T) {
	runTypeCases(t, fieldOf(v1alpha1.FieldBoolean), []typeCase{
		{"true", true, true, ""},
		{"false", false, false, ""},
		{"string true", "true", true, ""},
		{"string false with spaces", " false ", false, ""},
		{"capitalized", "True", nil, "must be true or false"},
		{"yes", "yes", nil, "must be true or false"},
		{"one", 1.0, nil, "must be true or false"},
	})
}

func TestNormalizeSelect(t *testing.T) {
	runTypeCases(t, fieldOf(v1alpha1.FieldSelect, "new", "paid", "shipped", "1"), []typeCase{
		{"option", "paid", "paid", ""},
		{"number formatted", 1.0, "1", ""},
		{"other string", "lost", nil, "must be one of new, paid, shipped, 1"},
		{"case matters", "Paid", nil, "must be one of new, paid, shipped, 1"},
		{"not a string", map[string]any{}, nil, "must be one of new, paid, shipped, 1"},
	})
	many := make([]string, 11)
	for i := range many {
		many[i] = string(rune('a' + i))
	}
	runTypeCases(t, fieldOf(v1alpha1.FieldSelect, many...), []typeCase{
		{"many options are counted", "z", nil, "must be one of the field's 11 options"},
	})
}

func TestNormalizeDateTime(t *testing.T) {
	paris := time.FixedZone("CEST", 2*3600)
	runTypeCases(t, fieldOf(v1alpha1.FieldDateTime), []typeCase{
		{"UTC string", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z", ""},
		{"offset string to UTC", "2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z", ""},
		{"fraction kept, trailing zeros dropped", "2024-05-01T10:00:00.120Z", "2024-05-01T10:00:00.12Z", ""},
		{"time.Time to UTC", time.Date(2024, 5, 1, 12, 0, 0, 5, paris), "2024-05-01T10:00:00.000000005Z", ""},
		{"spaces", " 2024-05-01T10:00:00Z ", "2024-05-01T10:00:00Z", ""},
		{"date only", "2024-05-01", nil, reasonDateTime},
		{"space instead of T", "2024-05-01 10:00:00Z", nil, reasonDateTime},
		{"no zone", "2024-05-01T10:00:00", nil, reasonDateTime},
		{"invalid day", "2024-02-30T10:00:00Z", nil, reasonDateTime},
		{"unix seconds", 1714557600.0, nil, reasonDateTime},
		{"year 10000 in UTC", time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -5*3600)), nil, reasonYear},
		{"negative year", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), nil, reasonYear},
	})
}

func TestNormalizeEmail(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com" // 254 bytes
	runTypeCases(t, fieldOf(v1alpha1.FieldEmail), []typeCase{
		{"address", "ada@example.com", "ada@example.com", ""},
		{"trimmed", "  ada@example.com\n", "ada@example.com", ""},
		{"plus and dots", "ada.lovelace+shop@mail.example.co.uk", "ada.lovelace+shop@mail.example.co.uk", ""},
		{"longest", long, long, ""},
		{"too long", "x" + long, nil, "must be at most 254 bytes"},
		{"display name", "Ada <ada@example.com>", nil, reasonEmail},
		{"angle brackets", "<ada@example.com>", nil, reasonEmail},
		{"no at", "ada.example.com", nil, reasonEmail},
		{"two addresses", "a@example.com, b@example.com", nil, reasonEmail},
		{"number", 5.0, nil, reasonEmail},
		{"invalid UTF-8", "a\xff@example.com", nil, reasonEmail},
	})
}

func TestNormalizeJSON(t *testing.T) {
	runTypeCases(t, fieldOf(v1alpha1.FieldJSON), []typeCase{
		{"object", map[string]any{"a": []any{1.0, "x", true, nil, int64(2), json.Number("3")}},
			map[string]any{"a": []any{1.0, "x", true, nil, int64(2), json.Number("3")}}, ""},
		{"int becomes int64", []any{1}, []any{int64(1)}, ""},
		{"uint64", uint64(math.MaxUint64), uint64(math.MaxUint64), ""},
		{"empty string is a value", "", "", ""},
		{"string", "x", "x", ""},
		{"NaN inside", []any{math.NaN()}, nil, reasonJSONFinite},
		{"infinity", math.Inf(-1), nil, reasonJSONFinite},
		{"invalid json.Number", json.Number("1e"), nil, reasonJSONNumber},
		{"json.Number with leading zero", json.Number("01"), nil, reasonJSONNumber},
		{"invalid UTF-8 value", map[string]any{"a": "\xff"}, nil, reasonJSONUTF8},
		{"invalid UTF-8 key", map[string]any{"\xff": 1.0}, nil, reasonJSONUTF8},
		{"time", time.Now(), nil, reasonJSON},
		{"bytes", []byte("x"), nil, reasonJSON},
		{"typed map", map[string]string{"a": "b"}, nil, reasonJSON},
		{"float32", float32(1), nil, reasonJSON},
		{"too deep", nest(MaxJSONDepth + 1), nil, reasonJSONDepth},
		{"deepest", nest(MaxJSONDepth), nest(MaxJSONDepth), ""},
	})
}

// nest is a list nested depth levels deep below the top one.
func nest(depth int) any {
	var v any = []any{}
	for range depth {
		v = []any{v}
	}
	return v
}

func TestNormalizeJSONCopies(t *testing.T) {
	in := map[string]any{"a": []any{"x"}}
	got, err := Normalize(fieldOf(v1alpha1.FieldJSON), map[string]any{"f": in})
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	in["a"].([]any)[0] = "changed"
	in["b"] = "added"
	want := map[string]any{"a": []any{"x"}}
	if !reflect.DeepEqual(got["f"], want) {
		t.Fatalf("normalized value %#v changed with its input, want %#v", got["f"], want)
	}
}

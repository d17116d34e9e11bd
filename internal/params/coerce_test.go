package params

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/payload"
)

// no marks a conversion that must fail.
type no struct{}

func TestCoerce(t *testing.T) {
	// Each row converts one value to String, Number, Boolean, Object, Array.
	tests := []struct {
		in   any
		want [5]any
	}{
		// Text.
		{payload.Text{"abc"}, [5]any{"abc", no{}, no{}, no{}, []any{"abc"}}},
		{payload.Text{" 42 ", "x"}, [5]any{" 42 ", 42.0, no{}, no{}, []any{" 42 ", "x"}}},
		{payload.Text{"1e3"}, [5]any{"1e3", 1000.0, no{}, no{}, []any{"1e3"}}},
		{payload.Text{"0x10"}, [5]any{"0x10", no{}, no{}, no{}, []any{"0x10"}}},
		{payload.Text{"1_0"}, [5]any{"1_0", no{}, no{}, no{}, []any{"1_0"}}},
		{payload.Text{"NaN"}, [5]any{"NaN", no{}, no{}, no{}, []any{"NaN"}}},
		{payload.Text{"+Inf"}, [5]any{"+Inf", no{}, no{}, no{}, []any{"+Inf"}}},
		{payload.Text{"1e999"}, [5]any{"1e999", no{}, no{}, no{}, []any{"1e999"}}},
		{payload.Text{"1"}, [5]any{"1", 1.0, true, no{}, []any{"1"}}},
		{payload.Text{"On"}, [5]any{"On", no{}, true, no{}, []any{"On"}}},
		{payload.Text{"NO"}, [5]any{"NO", no{}, false, no{}, []any{"NO"}}},
		{payload.Text{"TrUe"}, [5]any{"TrUe", no{}, true, no{}, []any{"TrUe"}}},
		{payload.Text{" yes\n"}, [5]any{" yes\n", no{}, true, no{}, []any{" yes\n"}}},
		{payload.Text{`{"a":1,"b":[2]}`}, [5]any{`{"a":1,"b":[2]}`, no{}, no{}, map[string]any{"a": 1.0, "b": []any{2.0}}, []any{`{"a":1,"b":[2]}`}}},
		{payload.Text{`{"a":1} x`}, [5]any{`{"a":1} x`, no{}, no{}, no{}, []any{`{"a":1} x`}}},
		{payload.Text{` [1,"x"] `}, [5]any{` [1,"x"] `, no{}, no{}, no{}, []any{1.0, "x"}}},
		{payload.Text{`[1,`}, [5]any{`[1,`, no{}, no{}, no{}, []any{`[1,`}}},
		{payload.Text{`[1]`, `[2]`}, [5]any{`[1]`, no{}, no{}, no{}, []any{`[1]`, `[2]`}}},
		{payload.Text{}, [5]any{no{}, no{}, no{}, no{}, []any{}}},
		// string.
		{"abc", [5]any{"abc", no{}, no{}, no{}, no{}}},
		{"", [5]any{"", no{}, no{}, no{}, no{}}},
		{" -2.5 ", [5]any{" -2.5 ", -2.5, no{}, no{}, no{}}},
		{"off", [5]any{"off", no{}, false, no{}, no{}}},
		{"0", [5]any{"0", 0.0, false, no{}, no{}}},
		{`{}`, [5]any{`{}`, no{}, no{}, map[string]any{}, no{}}},
		{`[]`, [5]any{`[]`, no{}, no{}, no{}, []any{}}},
		{`[1e999]`, [5]any{`[1e999]`, no{}, no{}, no{}, no{}}},
		{`null`, [5]any{`null`, no{}, no{}, no{}, no{}}},
		// json.Number.
		{json.Number("129.50"), [5]any{"129.50", 129.5, no{}, no{}, no{}}},
		{json.Number("1e400"), [5]any{"1e400", no{}, no{}, no{}, no{}}},
		{json.Number("1e-400"), [5]any{"1e-400", 0.0, no{}, no{}, no{}}},
		// float64, as in examples.
		{129.5, [5]any{"129.5", 129.5, no{}, no{}, no{}}},
		{1e21, [5]any{"1e+21", 1e21, no{}, no{}, no{}}},
		{math.Inf(1), [5]any{no{}, no{}, no{}, no{}, no{}}},
		// bool.
		{true, [5]any{"true", no{}, true, no{}, no{}}},
		{false, [5]any{"false", no{}, false, no{}, no{}}},
		// Objects and arrays.
		{map[string]any{"n": json.Number("1"), "t": payload.Text{"x"}, "tt": payload.Text{"x", "y"}, "d": payload.Document{"k": nil}},
			[5]any{no{}, no{}, no{}, map[string]any{"n": 1.0, "t": "x", "tt": []any{"x", "y"}, "d": map[string]any{"k": nil}}, no{}}},
		{payload.Document{"a": true}, [5]any{no{}, no{}, no{}, map[string]any{"a": true}, no{}}},
		{map[string]any{"n": json.Number("1e400")}, [5]any{no{}, no{}, no{}, no{}, no{}}},
		{map[string]any(nil), [5]any{no{}, no{}, no{}, no{}, no{}}},
		{[]any{json.Number("2"), "x", []any{json.Number("3")}}, [5]any{no{}, no{}, no{}, no{}, []any{2.0, "x", []any{3.0}}}},
		{[]any{struct{}{}}, [5]any{no{}, no{}, no{}, no{}, no{}}},
		// Absent and foreign values.
		{nil, [5]any{no{}, no{}, no{}, no{}, no{}}},
		{42, [5]any{no{}, no{}, no{}, no{}, no{}}},
		{[]string{"a"}, [5]any{no{}, no{}, no{}, no{}, no{}}},
	}
	types := [5]v1alpha1.ParameterType{tString, tNumber, tBoolean, tObject, tArray}
	for _, tt := range tests {
		for i, typ := range types {
			t.Run(fmt.Sprintf("%T %v to %s", tt.in, tt.in, typ), func(t *testing.T) {
				got, ok := Coerce(tt.in, typ)
				if _, wantFail := tt.want[i].(no); wantFail {
					if ok {
						t.Errorf("Coerce() = %#v, true, want a failure", got)
					}
					return
				}
				if !ok || !reflect.DeepEqual(got, tt.want[i]) {
					t.Errorf("Coerce() = %#v, %v, want %#v, true", got, ok, tt.want[i])
				}
			})
		}
	}
}

func TestCoerceUnknownType(t *testing.T) {
	for _, in := range []any{"x", payload.Text{"x"}, json.Number("1"), true, map[string]any{}, []any{}} {
		if got, ok := Coerce(in, "Date"); ok {
			t.Errorf("Coerce(%#v, Date) = %#v, true, want a failure", in, got)
		}
		if got, ok := Coerce(in, ""); ok {
			t.Errorf("Coerce(%#v, \"\") = %#v, true, want a failure", in, got)
		}
	}
}

func TestCoerceDoesNotAlias(t *testing.T) {
	in := map[string]any{"a": []any{"x"}}
	got, ok := Coerce(in, tObject)
	if !ok {
		t.Fatal("Coerce() failed")
	}
	got.(map[string]any)["a"].([]any)[0] = "changed"
	if in["a"].([]any)[0] != "x" {
		t.Error("changing the result of Coerce changed its input")
	}
}

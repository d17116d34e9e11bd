package record

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzNormalize feeds Normalize records decoded from JSON and typed Go
// values spread over the fields. It must never panic; a record it accepts
// must encode to JSON, hold only known fields with non-nil values, normalize
// to itself again, and have a unique key. Seeds are in
// testdata/fuzz/FuzzNormalize.
func FuzzNormalize(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string, s string, x float64, n int64, b bool, useNumber bool) {
		values := decodeObject(raw, useNumber)
		candidates := []any{s, x, n, int(n), uint64(n), b, json.Number(s), time.Unix(n, n%1e9).In(time.FixedZone("", int(n%50000))),
			[]byte(s), nil, map[string]any{s: x}, []any{s, x, b, nil}, float32(x), map[string]string{s: s}}
		for i, field := range ordersFields {
			if _, set := values[field.Name]; set {
				continue
			}
			pick := (uint64(n) + uint64(i)*7) % uint64(len(candidates)+1)
			if pick < uint64(len(candidates)) {
				values[field.Name] = candidates[pick]
			}
		}
		out, err := Normalize(ordersFields, values)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 || out != nil {
				t.Fatalf("Normalize = %#v, %v; want nil and a *ValidationError with problems", out, err)
			}
			for _, p := range verr.Problems {
				if p.Reason == "" {
					t.Fatalf("problem without a reason: %+v", p)
				}
			}
			return
		}
		checkNormalized(t, out)
	})
}

func checkNormalized(t *testing.T, out map[string]any) {
	t.Helper()
	if _, err := json.Marshal(out); err != nil {
		t.Fatalf("json.Marshal(%#v): %v", out, err)
	}
	for k, v := range out {
		if _, ok := fieldByName(k); !ok {
			t.Fatalf("unknown field %q in the output", k)
		}
		if v == nil {
			t.Fatalf("nil value for %q in the output", k)
		}
	}
	again, err := Normalize(ordersFields, out)
	if err != nil {
		t.Fatalf("normalizing the output again: %v", err)
	}
	if !reflect.DeepEqual(again, out) {
		t.Fatalf("normalizing again changed\n%#v\nto\n%#v", out, again)
	}
	if _, _, ok := UniqueKey(ordersFields, out); !ok {
		t.Fatalf("no unique key for %#v, which has the required unique field", out)
	}
}

// decodeObject decodes a JSON object, or returns an empty map.
func decodeObject(raw string, useNumber bool) map[string]any {
	dec := json.NewDecoder(strings.NewReader(raw))
	if useNumber {
		dec.UseNumber()
	}
	var values map[string]any
	if err := dec.Decode(&values); err != nil || values == nil {
		return map[string]any{}
	}
	return values
}

func fieldByName(name string) (int, bool) {
	for i, f := range ordersFields {
		if f.Name == name {
			return i, true
		}
	}
	return 0, false
}

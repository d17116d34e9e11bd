package params

import (
	"errors"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/payload"
)

func FuzzFromSample(f *testing.F) {
	f.Add(`{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"}}`)
	f.Add(`{"s":"","n":-1e3,"b":false,"z":null,"o":{},"a":[1,"x",{"k":2.5}],"e":[]}`)
	f.Add(`{"a":{"b":1},"a":{"c":2},"first name":"Ada"}`)
	f.Add(`{"a.b":1,"":{"x":1},"big":1e400}`)
	f.Add(`{"body":"x","order":{"body":{"text":"y"}}}`)
	f.Add(`[1,2]`)
	f.Add(`{"a":1} trailing`)
	f.Fuzz(func(t *testing.T, sample string) {
		ps, errs := FromSample(v1alpha1.Sample{JSON: sample}, samplePath)
		if len(errs) > 0 {
			if ps != nil {
				t.Fatalf("FromSample() = %v with errors %v", ps, errs)
			}
			for _, e := range errs {
				if len(e.Error()) > 400 {
					t.Fatalf("error is %d bytes long: %s", len(e.Error()), e.Error())
				}
			}
			return
		}
		checkParameters(t, ps)
		// Bound to the sample itself, with every parameter required, every
		// parameter is present with its example, except those whose example
		// counts as absent (null and "").
		var wantMissing []string
		for i := range ps {
			ps[i].Required = true
			if ps[i].Example == nil || ps[i].Example == "" {
				wantMissing = append(wantMissing, ps[i].Path)
			}
		}
		doc, err := payload.Parse("application/json", []byte(sample))
		if err != nil {
			if overRequestBounds(sample, err) {
				return // a valid sample, but not a request the server takes
			}
			t.Fatalf("payload.Parse() of a valid sample: %v", err)
		}
		b := Bind(ps, doc, []byte(sample))
		if len(b.Invalid) > 0 || !slices.Equal(b.Missing, wantMissing) {
			t.Fatalf("Bind() of the sample: missing %q, invalid %q, want missing %q", b.Missing, b.Invalid, wantMissing)
		}
		for _, p := range ps {
			if slices.Contains(wantMissing, p.Path) {
				continue
			}
			got, ok := valueAt(b.Values, p.Path)
			if !ok || !reflect.DeepEqual(got, p.Example) {
				t.Fatalf("Bind() value at %q = %#v, %v, want the example %#v", p.Path, got, ok, p.Example)
			}
		}
	})
}

func FuzzBind(f *testing.F) {
	f.Add(`{"order_id":"A","amount":1,"customer":{"email":"e"},"tags":[]}`, "application/json", []byte(`{"order_id":"A-1001","amount":"12","customer":{"email":null},"tags":"x"}`), "amount=3&customer.email=q")
	f.Add(`{"a":{"b":true},"o":{}}`, "application/x-www-form-urlencoded", []byte("a.b=on&a=1&o.k=v&o.k=w"), "")
	f.Add(`{"n":1.5,"s":"x"}`, "multipart/form-data; boundary=b", []byte("--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n0x10\r\n--b--\r\n"), "s=")
	f.Add(`not a sample`, "text/plain", []byte("hello"), "x.y=1&x=2")
	f.Fuzz(func(t *testing.T, sample, contentType string, body []byte, query string) {
		ps, errs := FromSample(v1alpha1.Sample{JSON: sample, FullBody: len(body)%2 == 0}, samplePath)
		if len(errs) > 0 {
			ps = fallbackParameters()
		}
		for i := range ps {
			ps[i].Required = i%2 == 0
		}
		doc, err := payload.Parse(contentType, body)
		if err != nil {
			return
		}
		if q, err := url.ParseQuery(query); err == nil {
			doc.AddQuery(q)
		}
		b := Bind(ps, doc, body)
		checkBound(t, ps, b)
		if again := Bind(ps, doc, body); !reflect.DeepEqual(again, b) {
			t.Fatalf("Bind() is not deterministic: %#v then %#v", b, again)
		}
	})
}

func FuzzCoerce(f *testing.F) {
	for _, s := range []string{"", "12", " -1.5e3 ", "0x10", "yes", "Off", `{"a":[1,{"b":null}]}`, `[1,"x"]`, "[1e999]", "NaN"} {
		f.Add(s, "second")
	}
	types := []v1alpha1.ParameterType{tString, tNumber, tBoolean, tObject, tArray}
	f.Fuzz(func(t *testing.T, s, second string) {
		for _, typ := range types {
			for _, in := range []any{s, payload.Text{s}, payload.Text{s, second}} {
				v, ok := Coerce(in, typ)
				if !ok {
					continue
				}
				checkValue(t, "value", typ, v)
				if typ == tString && v != s {
					t.Fatalf("Coerce(%#v, String) = %#v", in, v)
				}
			}
		}
	})
}

// fallbackParameters is a fixed set of parameters, for samples with errors.
func fallbackParameters() []Parameter {
	return []Parameter{
		{Path: "a", Type: tString},
		{Path: "b.c", Type: tNumber},
		{Path: "b.d", Type: tBoolean},
		{Path: "body", Type: tString},
		{Path: "o", Type: tObject},
		{Path: "x.y.z", Type: tArray},
	}
}

// checkParameters checks the invariants of parameters generated from a sample.
func checkParameters(t *testing.T, ps []Parameter) {
	t.Helper()
	if len(ps) > maxParameters+1 {
		t.Fatalf("%d parameters", len(ps))
	}
	if !slices.IsSortedFunc(ps, func(a, b Parameter) int { return strings.Compare(a.Path, b.Path) }) {
		t.Fatalf("parameters not sorted: %v", ps)
	}
	set := newPathSet()
	for _, p := range ps {
		if detail := checkPath(p.Path, false); detail != "" {
			t.Fatalf("parameter path %q %s", p.Path, detail)
		}
		if set.has(p.Path) {
			t.Fatalf("parameter %q twice", p.Path)
		}
		if other, ok := set.conflict(p.Path); ok {
			t.Fatalf("parameter %q conflicts with %q", p.Path, other)
		}
		set.add(p.Path)
		if p.Example != nil {
			checkValue(t, p.Path, p.Type, p.Example)
		} else if p.Type != tString {
			t.Fatalf("parameter %q of type %s has no example", p.Path, p.Type)
		}
	}
}

// checkBound checks the invariants of Bind's result.
func checkBound(t *testing.T, ps []Parameter, b Bound) {
	t.Helper()
	if b.Values == nil {
		t.Fatal("Values is nil")
	}
	for _, list := range [][]string{b.Missing, b.Invalid} {
		if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
			t.Fatalf("list not sorted and unique: %q", list)
		}
	}
	byPath := map[string]Parameter{}
	for _, p := range ps {
		byPath[p.Path] = p
	}
	for _, m := range b.Missing {
		if !byPath[m].Required || slices.Contains(b.Invalid, m) {
			t.Fatalf("%q missing but not required, or also invalid", m)
		}
	}
	for _, p := range ps {
		v, ok := valueAt(b.Values, p.Path)
		if !ok {
			continue
		}
		if slices.Contains(b.Missing, p.Path) || slices.Contains(b.Invalid, p.Path) {
			t.Fatalf("%q has a value and is missing or invalid", p.Path)
		}
		checkValue(t, p.Path, p.Type, v)
	}
	checkOnlyParameters(t, b.Values, "", byPath)
}

// checkOnlyParameters checks that every leaf of values is at a parameter path.
func checkOnlyParameters(t *testing.T, values map[string]any, prefix string, byPath map[string]Parameter) {
	t.Helper()
	for k, v := range values {
		path := prefix + k
		if _, ok := byPath[path]; ok {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("Values holds %q, which is no parameter", path)
		}
		checkOnlyParameters(t, m, path+".", byPath)
	}
}

// checkValue checks that v is a coerced value of type typ, with nothing but
// plain JSON types inside.
func checkValue(t *testing.T, path string, typ v1alpha1.ParameterType, v any) {
	t.Helper()
	var ok bool
	switch typ {
	case tString:
		_, ok = v.(string)
	case tNumber:
		_, ok = v.(float64)
	case tBoolean:
		_, ok = v.(bool)
	case tObject:
		_, ok = v.(map[string]any)
	case tArray:
		_, ok = v.([]any)
	}
	if !ok || !plain(v) {
		t.Fatalf("value at %q = %#v (%T), not a plain %s", path, v, v, typ)
	}
}

// plain reports whether v holds only string, finite float64, bool, nil,
// map[string]any and []any.
func plain(v any) bool {
	switch v := v.(type) {
	case nil, string, bool:
		return true
	case float64:
		return !math.IsInf(v, 0) && !math.IsNaN(v)
	case map[string]any:
		for _, e := range v {
			if !plain(e) {
				return false
			}
		}
		return v != nil
	case []any:
		for _, e := range v {
			if !plain(e) {
				return false
			}
		}
		return v != nil
	default:
		return false
	}
}

// valueAt returns the value at a dot path of nested values.
func valueAt(values map[string]any, path string) (any, bool) {
	segs := strings.Split(path, ".")
	cur := values
	for _, seg := range segs[:len(segs)-1] {
		next, ok := cur[seg].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	v, ok := cur[segs[len(segs)-1]]
	return v, ok
}

// overRequestBounds reports whether err, from payload.Parse of a sample,
// comes from a bound that requests have and samples do not: a parsing limit,
// or a \u escape of a surrogate (a request must not hold half a pair).
func overRequestBounds(sample string, err error) bool {
	for _, limit := range []error{payload.ErrTooManyValues, payload.ErrValueTooLong, payload.ErrKeyTooLong, payload.ErrTooDeep} {
		if errors.Is(err, limit) {
			return true
		}
	}
	return errors.Is(err, payload.ErrMalformed) && strings.Contains(strings.ToLower(sample), `\ud`)
}

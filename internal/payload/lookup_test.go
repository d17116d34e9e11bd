package payload

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestLookup(t *testing.T) {
	doc := Document{
		"s":    "x",
		"n":    json.Number("1"),
		"z":    nil,
		"t":    Text{"a"},
		"a":    []any{map[string]any{"k": "v"}},
		"o":    map[string]any{"e": "ada@example.com", "in": map[string]any{"deep": true}},
		"d":    Document{"k": "v"},
		"a.b":  "dotted key",
		"nilo": map[string]any(nil),
	}
	tests := []struct {
		path   string
		want   any
		wantOK bool
	}{
		{path: "s", want: "x", wantOK: true},
		{path: "n", want: json.Number("1"), wantOK: true},
		{path: "z", want: nil, wantOK: true},
		{path: "t", want: Text{"a"}, wantOK: true},
		{path: "o.e", want: "ada@example.com", wantOK: true},
		{path: "o.in.deep", want: true, wantOK: true},
		{path: "o.in", want: map[string]any{"deep": true}, wantOK: true},
		{path: "d.k", want: "v", wantOK: true},
		{path: "missing", wantOK: false},
		{path: "o.missing", wantOK: false},
		{path: "s.x", wantOK: false},
		{path: "z.x", wantOK: false},
		{path: "t.x", wantOK: false},
		{path: "a.0", wantOK: false},
		{path: "a.0.k", wantOK: false},
		{path: "a.b", wantOK: false},
		{path: "nilo.x", wantOK: false},
		{path: "", wantOK: false},
		{path: "o.", wantOK: false},
		{path: ".o", wantOK: false},
		{path: "o..e", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := Lookup(doc, tt.path)
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lookup(%q) = %#v, %v, want %#v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestLookupNilDocument(t *testing.T) {
	if v, ok := Lookup(nil, "a.b"); ok || v != nil {
		t.Errorf("Lookup(nil) = %v, %v, want nil, false", v, ok)
	}
}

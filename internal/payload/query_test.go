package payload

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
)

func TestAddQuery(t *testing.T) {
	tests := []struct {
		name  string
		doc   Document
		query url.Values
		want  Document
	}{
		{
			name:  "adds to an empty document",
			doc:   Document{},
			query: url.Values{"a": {"1", "2"}, "c.d": {"x"}},
			want:  Document{"a": Text{"1", "2"}, "c": map[string]any{"d": Text{"x"}}},
		},
		{
			name:  "body wins over query",
			doc:   Document{"a": json.Number("1"), "c": map[string]any{"d": "body"}},
			query: url.Values{"a": {"q"}, "c.d": {"q"}, "c.e": {"q"}},
			want:  Document{"a": json.Number("1"), "c": map[string]any{"d": "body", "e": Text{"q"}}},
		},
		{
			name:  "query cannot nest under a body leaf",
			doc:   Document{"c": "leaf"},
			query: url.Values{"c.d": {"q"}},
			want:  Document{"c": "leaf"},
		},
		{
			name:  "query cannot nest under a body null",
			doc:   Document{"c": nil},
			query: url.Values{"c.d": {"q"}},
			want:  Document{"c": nil},
		},
		{
			name:  "query cannot replace a body object",
			doc:   Document{"c": map[string]any{"d": "x"}},
			query: url.Values{"c": {"q"}},
			want:  Document{"c": map[string]any{"d": "x"}},
		},
		{
			name:  "query nests into a nested Document",
			doc:   Document{"c": Document{}},
			query: url.Values{"c.d": {"q"}},
			want:  Document{"c": Document{"d": Text{"q"}}},
		},
		{
			name:  "query cannot nest under a nil object",
			doc:   Document{"c": map[string]any(nil)},
			query: url.Values{"c.d": {"q"}},
			want:  Document{"c": map[string]any(nil)},
		},
		{
			name:  "leaf and object keys: the prefix wins",
			doc:   Document{},
			query: url.Values{"a.b.c": {"1"}, "a.b": {"2"}, "a": {"3"}},
			want:  Document{"a": Text{"3"}},
		},
		{
			name:  "siblings under one object",
			doc:   Document{},
			query: url.Values{"a.b.c": {"1"}, "a.b.d": {"2"}, "a.e": {"3"}},
			want:  Document{"a": map[string]any{"b": map[string]any{"c": Text{"1"}, "d": Text{"2"}}, "e": Text{"3"}}},
		},
		{
			name:  "keys with empty segments are ignored",
			doc:   Document{},
			query: url.Values{"": {"1"}, ".": {"1"}, "a.": {"1"}, ".a": {"1"}, "a..b": {"1"}},
			want:  Document{},
		},
		{
			name:  "a key with no values sets empty Text",
			doc:   Document{},
			query: url.Values{"a": {}},
			want:  Document{"a": Text{}},
		},
		{
			name:  "nil query",
			doc:   Document{"a": true},
			query: nil,
			want:  Document{"a": true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.doc.AddQuery(tt.query)
			if !reflect.DeepEqual(tt.doc, tt.want) {
				t.Errorf("AddQuery() = %#v, want %#v", tt.doc, tt.want)
			}
		})
	}
}

func TestAddQueryCopiesValues(t *testing.T) {
	q := url.Values{"a": {"1"}}
	d := Document{}
	d.AddQuery(q)
	q["a"][0] = "changed"
	if got := d["a"].(Text)[0]; got != "1" {
		t.Errorf("document value = %q after the query changed, want %q", got, "1")
	}
}

func TestAddQueryNilDocument(t *testing.T) {
	var d Document
	d.AddQuery(url.Values{"a": {"1"}}) // a panic fails the test
}

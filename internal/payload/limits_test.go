package payload

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

const formType = "application/x-www-form-urlencoded"

func TestParseBounds(t *testing.T) {
	deepJSON := func(levels int) string {
		return strings.Repeat(`{"a":`, levels) + "1" + strings.Repeat("}", levels)
	}
	deepArray := func(levels int) string { // levels-1 arrays under the root object
		return `{"a":` + strings.Repeat("[", levels-1) + strings.Repeat("]", levels-1) + `}`
	}
	jsonValues := func(n int) string { // the array and n-1 elements
		return `{"a":[` + strings.Repeat("0,", n-2) + `0]}`
	}
	formValues := func(n int) string { return strings.Repeat("a=1&", n-1) + "b=1" }
	tests := []struct {
		name        string
		contentType string
		body        string
		wantErr     error // nil: parsed
	}{
		{"JSON at MaxDepth", jsonType, deepJSON(MaxDepth), nil},
		{"JSON over MaxDepth", jsonType, deepJSON(MaxDepth + 1), ErrTooDeep},
		{"JSON arrays at MaxDepth", jsonType, deepArray(MaxDepth), nil},
		{"JSON arrays over MaxDepth", jsonType, deepArray(MaxDepth + 1), ErrTooDeep},
		{"JSON very deep", jsonType, deepArray(5000), ErrTooDeep},
		{"JSON at MaxValues", jsonType, jsonValues(MaxValues), nil},
		{"JSON over MaxValues", jsonType, jsonValues(MaxValues + 1), ErrTooManyValues},
		{"JSON empty objects count", jsonType, `{"a":[` + strings.Repeat("{},", MaxValues-1) + `{}]}`, ErrTooManyValues},
		{"JSON string at MaxValueBytes", jsonType, `{"a":"` + strings.Repeat("x", MaxValueBytes) + `"}`, nil},
		{"JSON string over MaxValueBytes", jsonType, `{"a":"` + strings.Repeat("x", MaxValueBytes+1) + `"}`, ErrValueTooLong},
		{"JSON string in an array over MaxValueBytes", jsonType, `{"a":["` + strings.Repeat("x", MaxValueBytes+1) + `"]}`, ErrValueTooLong},
		{"JSON key at MaxKeyBytes", jsonType, `{"` + strings.Repeat("k", MaxKeyBytes) + `":1}`, nil},
		{"JSON key over MaxKeyBytes", jsonType, `{"o":{"` + strings.Repeat("k", MaxKeyBytes+1) + `":1}}`, ErrKeyTooLong},
		{"JSON invalid UTF-8 in a string", jsonType, "{\"a\":\"caf\xe9\"}", ErrMalformed},
		{"JSON invalid UTF-8 in a key", jsonType, "{\"\xff\":1}", ErrMalformed},
		{"JSON invalid UTF-8, sniffed", "", "{\"a\":\"\xc3\"}", ErrMalformed},
		{"JSON lone high surrogate", jsonType, `{"a":"\ud83d"}`, ErrMalformed},
		{"JSON lone low surrogate", jsonType, `{"a":"x\ude00y"}`, ErrMalformed},
		{"JSON high surrogate then not low", jsonType, `{"a":"\ud83d\u0041"}`, ErrMalformed},
		{"JSON surrogate pair", jsonType, `{"a":"\ud83d\ude00","b":"\\ud83d","c":"\u00e9\n"}`, nil},
		{"JSON valid UTF-8", jsonType, `{"a":"café 😀"}`, nil},
		{"JSON invalid UTF-8 beats depth", jsonType, deepJSON(MaxDepth+1) + "\xff", ErrMalformed},
		{"JSON depth beats count", jsonType, `{"a":[` + strings.Repeat("0,", MaxValues) + `0],"b":` + deepJSON(MaxDepth) + `}`, ErrTooDeep},

		{"form key of MaxDepth segments", formType, strings.Repeat("a.", MaxDepth-1) + "a=1", nil},
		{"form key over MaxDepth segments", formType, strings.Repeat("a.", MaxDepth) + "a=1", ErrTooDeep},
		{"form at MaxValues", formType, formValues(MaxValues), nil},
		{"form over MaxValues", formType, formValues(MaxValues + 1), ErrTooManyValues},
		{"form value at MaxValueBytes", formType, "a=" + strings.Repeat("x", MaxValueBytes), nil},
		{"form value over MaxValueBytes", formType, "a=" + strings.Repeat("x", MaxValueBytes+1), ErrValueTooLong},
		{"form key at MaxKeyBytes", formType, strings.Repeat("k", MaxKeyBytes) + "=1", nil},
		{"form key over MaxKeyBytes", formType, strings.Repeat("k", MaxKeyBytes+1) + "=1", ErrKeyTooLong},
		{"form invalid UTF-8 in a value", formType, "a=caf%E9", ErrMalformed},
		{"form invalid UTF-8 in a key", formType, "%FF=1", ErrMalformed},
		{"form raw invalid UTF-8", formType, "a=\xff", ErrMalformed},
		{"form escaped UTF-8", formType, "a=caf%C3%A9", nil},

		{"multipart invalid UTF-8", "multipart/form-data; boundary=b", multipartBody("b", `Content-Disposition: form-data; name="a"`, "\xff"), ErrMalformed},
		{"multipart value over MaxValueBytes", "multipart/form-data; boundary=b", multipartBody("b", `Content-Disposition: form-data; name="a"`, strings.Repeat("x", MaxValueBytes+1)), ErrValueTooLong},
		{"multipart key over MaxDepth segments", "multipart/form-data; boundary=b", multipartBody("b", `Content-Disposition: form-data; name="`+strings.Repeat("a.", MaxDepth)+`a"`, "1"), ErrTooDeep},

		{"raw body is not checked", "text/plain", "\xff" + strings.Repeat("x", MaxValueBytes+1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.contentType, []byte(tt.body))
			if tt.wantErr == nil {
				if err != nil || doc == nil {
					t.Fatalf("Parse() = %v, %v; want a Document", doc, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse() error = %v, want %v", err, tt.wantErr)
			}
			if doc != nil {
				t.Errorf("Parse() = %v with an error, want nil", doc)
			}
			if len(err.Error()) > 160 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestMergeQuery(t *testing.T) {
	many := func(n int) []string { return strings.Split(strings.Repeat("v,", n-1)+"v", ",") }
	tests := []struct {
		name    string
		body    string
		query   url.Values
		wantErr error
	}{
		{name: "merged", body: `{"a":1}`, query: url.Values{"b.c": {"2"}}},
		{name: "body and query at MaxValues", body: `{"a":1}`, query: url.Values{"b": many(MaxValues - 1)}},
		{name: "body and query over MaxValues", body: `{"a":1}`, query: url.Values{"b": many(MaxValues)}, wantErr: ErrTooManyValues},
		{name: "query values count even when the body wins", body: `{"a":1}`, query: url.Values{"a": many(MaxValues)}, wantErr: ErrTooManyValues},
		{name: "query over MaxDepth segments", body: `{}`, query: url.Values{strings.Repeat("a.", MaxDepth) + "a": {"1"}}, wantErr: ErrTooDeep},
		{name: "query value over MaxValueBytes", body: `{}`, query: url.Values{"a": {strings.Repeat("x", MaxValueBytes+1)}}, wantErr: ErrValueTooLong},
		{name: "query key over MaxKeyBytes", body: `{}`, query: url.Values{strings.Repeat("k", MaxKeyBytes+1): {"1"}}, wantErr: ErrKeyTooLong},
		{name: "query invalid UTF-8 value", body: `{}`, query: url.Values{"a": {"caf\xe9"}}, wantErr: ErrMalformed},
		{name: "query invalid UTF-8 key", body: `{}`, query: url.Values{"\xff": {"1"}}, wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(jsonType, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			n := len(doc)
			err = doc.MergeQuery(tt.query)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("MergeQuery() error = %v", err)
				}
				if len(doc) == n && n == 1 && tt.query.Has("b") {
					t.Errorf("MergeQuery() did not merge: %v", doc)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("MergeQuery() error = %v, want %v", err, tt.wantErr)
			}
			if len(doc) != n {
				t.Errorf("MergeQuery() failed and changed the document: %v", doc)
			}
		})
	}
	if err := Document(nil).MergeQuery(url.Values{"\xff": {"1"}}); err != nil {
		t.Errorf("MergeQuery() on nil = %v, want nil", err)
	}
}

const jsonType = "application/json"

package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	f.Add("application/json", []byte(`{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"},"tags":[1,"x",null]}`))
	f.Add("application/json; charset=utf-8", []byte(`[1,2]`))
	f.Add("application/vnd.api+json", []byte(`{"a":1} {"b":2}`))
	f.Add("", []byte(` {"a":"\u00e9"}`))
	f.Add("application/x-www-form-urlencoded", []byte("a=1&a.b=2&c.d=x%20y&c.e=&=z&f..g=1"))
	f.Add("multipart/form-data; boundary=B", []byte(multipartBody("B",
		`Content-Disposition: form-data; name="customer.email"`, "ada@example.com",
		`Content-Disposition: form-data; name="f"; filename="f.bin"`, "\x00\x01")))
	f.Add("text/xml", []byte(`<order id="1"/>`))
	f.Add("garbage/;;=", []byte("\xff\xfe{"))
	// The bounds of limits.go. Values over MaxValueBytes are left to
	// TestParseBounds: the fuzzer takes minutes to minimize 64 KiB inputs.
	f.Add("application/json", []byte(`{"a":"\xff"}`))
	f.Add("", []byte("{\"\xc3\":1}"))
	f.Add("application/json", []byte(`{"a":"\ud800"}`))
	f.Add("application/json", []byte(`{"a":`+strings.Repeat("[", MaxDepth)+strings.Repeat("]", MaxDepth)+`}`))
	f.Add("application/json", []byte(strings.Repeat(`{"a":`, MaxDepth+1)+"1"+strings.Repeat("}", MaxDepth+1)))
	f.Add("application/json", []byte(`{"a":[`+strings.Repeat("0,", MaxValues)+`0]}`))
	f.Add("application/json", []byte(`{"`+strings.Repeat("k", MaxKeyBytes+1)+`":1}`))
	f.Add("application/x-www-form-urlencoded", []byte("a=%ff&b=1"))
	f.Add("application/x-www-form-urlencoded", []byte("%c3=1"))
	f.Add("application/x-www-form-urlencoded", []byte(strings.Repeat("a.", MaxDepth)+"a=1"))
	f.Add("application/x-www-form-urlencoded", []byte(strings.Repeat("a=1&", MaxValues)+"a=1"))
	f.Add("application/x-www-form-urlencoded", []byte(strings.Repeat("k", MaxKeyBytes+1)+"=1"))
	f.Add("multipart/form-data; boundary=B", []byte(multipartBody("B",
		`Content-Disposition: form-data; name="a"`, "\xff")))
	f.Add("multipart/form-data; boundary=B", []byte(multipartBody("B",
		`Content-Disposition: form-data; filename="f.bin"`, "x")))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		doc, err := Parse(contentType, body)
		k, _ := classify(contentType, body)
		if err != nil {
			checkParseError(t, doc, err)
			if k == kindJSON && json.Valid(body) && utf8.Valid(body) && !loneSurrogate(body) && errors.Is(err, ErrMalformed) {
				t.Fatalf("valid JSON %q reported malformed: %v", body, err)
			}
			return
		}
		if doc == nil {
			t.Fatal("Parse() = nil, nil")
		}
		checkShape(t, doc, 1)
		checkBounds(t, doc)
		switch k {
		case kindJSON:
			checkJSON(t, doc, body)
		case kindForm:
			checkForm(t, doc, body)
		case kindRaw:
			if len(doc) != 0 {
				t.Fatalf("raw body parsed into %v", doc)
			}
		}
	})
}

// parseErrors are the errors that an error of Parse wraps one of.
var parseErrors = []error{ErrMalformed, ErrNotObject, ErrTooManyValues, ErrValueTooLong, ErrKeyTooLong, ErrTooDeep, ErrFileUpload}

// checkParseError checks that a Parse error wraps a sentinel and stays short.
func checkParseError(t *testing.T, doc Document, err error) {
	t.Helper()
	if !slices.ContainsFunc(parseErrors, func(e error) bool { return errors.Is(err, e) }) {
		t.Fatalf("Parse() error %v wraps none of the errors of Parse", err)
	}
	if doc != nil {
		t.Fatalf("Parse() = %v with error %v", doc, err)
	}
	if len(err.Error()) > 160 {
		t.Fatalf("Parse() error is %d bytes long: %v", len(err.Error()), err)
	}
}

// checkShape checks that every value in m has a type a Document may hold, and
// that form data does not nest deeper than MaxDepth.
func checkShape(t *testing.T, m map[string]any, depth int) {
	t.Helper()
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			checkShape(t, v, depth+1)
		case Text:
			if depth > MaxDepth {
				t.Fatalf("form value %q at depth %d", k, depth)
			}
		case []any:
			for _, e := range v {
				checkShape(t, map[string]any{"": e}, depth+1)
			}
		case string, json.Number, bool, nil:
		default:
			t.Fatalf("value of %q has type %T", k, v)
		}
	}
}

// checkBounds checks that a Document is within the bounds of limits.go: at
// most MaxValues values, MaxDepth levels, keys of MaxKeyBytes and strings of
// MaxValueBytes, all valid UTF-8.
func checkBounds(t *testing.T, doc Document) {
	t.Helper()
	values := 0
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > MaxDepth {
			t.Fatalf("value at depth %d", depth)
		}
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if len(k) > MaxKeyBytes || !utf8.ValidString(k) {
					t.Fatalf("key %.40q... of %d bytes", k, len(k))
				}
				values++
				walk(e, depth+1)
			}
		case []any:
			for _, e := range v {
				values++
				walk(e, depth+1)
			}
		case Text:
			values += len(v) - 1
			for _, s := range v {
				walk(s, depth)
			}
		case string:
			if len(v) > MaxValueBytes || !utf8.ValidString(v) {
				t.Fatalf("string %.40q... of %d bytes", v, len(v))
			}
		}
	}
	walk(map[string]any(doc), 0)
	if values > MaxValues {
		t.Fatalf("%d values, more than %d", values, MaxValues)
	}
}

// checkJSON checks a parsed JSON body against encoding/json's own decoding.
func checkJSON(t *testing.T, doc Document, body []byte) {
	t.Helper()
	if len(bytes.TrimLeft(body, " \t\r\n")) == 0 {
		if len(doc) != 0 {
			t.Fatalf("blank body parsed into %v", doc)
		}
		return
	}
	if !json.Valid(body) {
		t.Fatalf("invalid JSON %q parsed into %v", body, doc)
	}
	want := decodeUseNumber(t, body)
	if !bytes.Contains(body, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
		// Nothing was replaced with U+FFFD on the way.
		if got, _ := json.Marshal(doc); bytes.Contains(got, []byte("\uFFFD")) || bytes.Contains(got, []byte(`\ufffd`)) {
			t.Fatalf("JSON %q parsed with a U+FFFD: %s", body, got)
		}
	}
	got, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("json.Marshal(document) error = %v", err)
	}
	if again := decodeUseNumber(t, got); !reflect.DeepEqual(again, want) {
		t.Fatalf("JSON round trip = %#v, want %#v", again, want)
	}
}

// decodeUseNumber decodes data into a map with encoding/json and UseNumber.
func decodeUseNumber(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("encoding/json cannot decode %q: %v", data, err)
	}
	return m
}

// checkForm checks that every key of a form body with no other key as a
// proper prefix was set, with all its values.
func checkForm(t *testing.T, doc Document, body []byte) {
	t.Helper()
	q, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatalf("url.ParseQuery error %v but Parse succeeded", err)
	}
	for k, vs := range q {
		if _, ok := splitKey(k); !ok || hasPrefixKey(q, k) {
			continue
		}
		got, ok := Lookup(doc, k)
		if !ok || !reflect.DeepEqual(got, Text(vs)) {
			t.Fatalf("Lookup(%q) = %#v, %v, want %#v", k, got, ok, Text(vs))
		}
	}
}

// hasPrefixKey reports whether another valid key of q is a proper dot-path
// prefix of key.
func hasPrefixKey(q url.Values, key string) bool {
	for k := range q {
		if _, ok := splitKey(k); ok && strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

func TestParseJSONMatchesValid(t *testing.T) {
	// A guard for the fuzz property: JSON that json.Valid accepts is never
	// reported malformed.
	for _, body := range []string{`{}`, ` {"a" : [ 1 , {"b":null} ] } `, `[]`, `"x"`, `1e400`} {
		_, err := Parse("application/json", []byte(body))
		if errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) = %v for valid JSON", body, err)
		}
	}
}

func FuzzMergeQuery(f *testing.F) {
	f.Add(`{"a":1}`, "a=2&b.c=3")
	f.Add(`{}`, "a=%ff")
	f.Add(`{}`, "%ff=1")
	// Values over MaxValueBytes are left to TestMergeQuery, as in FuzzParse.
	f.Add(`{"a":[`+strings.Repeat("0,", MaxValues-2)+`0]}`, "b=1&b=2")
	f.Add(`{}`, strings.Repeat("a.", MaxDepth)+"a=1")
	f.Add(`{}`, strings.Repeat("k", MaxKeyBytes+1)+"=1")
	f.Fuzz(func(t *testing.T, body, query string) {
		doc, err := Parse("application/json", []byte(body))
		if err != nil {
			return
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		before, _ := json.Marshal(doc)
		if err := doc.MergeQuery(q); err != nil {
			if !slices.ContainsFunc(parseErrors, func(e error) bool { return errors.Is(err, e) }) {
				t.Fatalf("MergeQuery() error %v wraps none of the errors of Parse", err)
			}
			if after, _ := json.Marshal(doc); string(after) != string(before) {
				t.Fatalf("MergeQuery() changed the document and failed: %s, then %s", before, after)
			}
			return
		}
		checkShape(t, doc, 1)
		checkBounds(t, doc)
	})
}

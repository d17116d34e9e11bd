package params

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/internal/payload"
)

func TestBind(t *testing.T) {
	orderParams := []Parameter{
		{Path: "amount", Type: tNumber},
		{Path: "customer.email", Type: tString, Required: true},
		{Path: "customer.vip", Type: tBoolean},
		{Path: "order_id", Type: tString, Required: true},
		{Path: "tags", Type: tArray},
	}
	tests := []struct {
		name        string
		ps          []Parameter
		contentType string
		body        string
		query       string
		want        Bound
	}{
		{
			name:        "JSON",
			ps:          orderParams,
			contentType: "application/json",
			body:        `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com","vip":true,"extra":1},"tags":["a",2],"extra":"dropped"}`,
			want: Bound{Values: map[string]any{
				"order_id": "A-1001", "amount": 129.5, "tags": []any{"a", 2.0},
				"customer": map[string]any{"email": "ada@example.com", "vip": true},
			}},
		},
		{
			name:        "form",
			ps:          orderParams,
			contentType: "application/x-www-form-urlencoded",
			body:        "order_id=A-1001&amount=129.5&customer.email=ada%40example.com&customer.vip=on&tags=a&tags=b&extra=x",
			want: Bound{Values: map[string]any{
				"order_id": "A-1001", "amount": 129.5, "tags": []any{"a", "b"},
				"customer": map[string]any{"email": "ada@example.com", "vip": true},
			}},
		},
		{
			name:        "form array literal",
			ps:          orderParams,
			contentType: "application/x-www-form-urlencoded",
			body:        "order_id=1&customer.email=e&tags=%5B1%2C%22x%22%5D",
			want: Bound{Values: map[string]any{
				"order_id": "1", "tags": []any{1.0, "x"}, "customer": map[string]any{"email": "e"},
			}},
		},
		{
			name:  "GET query",
			ps:    orderParams,
			query: "order_id=A-1&customer.email=e&amount=3",
			want: Bound{Values: map[string]any{
				"order_id": "A-1", "amount": 3.0, "customer": map[string]any{"email": "e"},
			}},
		},
		{
			name:        "query under JSON",
			ps:          orderParams,
			contentType: "application/json",
			body:        `{"order_id":"from body","customer":{"vip":false}}`,
			query:       "order_id=from+query&customer.email=e",
			want: Bound{Values: map[string]any{
				"order_id": "from body", "customer": map[string]any{"email": "e", "vip": false},
			}},
		},
		{
			name:        "missing, null and empty",
			ps:          orderParams,
			contentType: "application/json",
			body:        `{"order_id":"","customer":null,"amount":null,"tags":[]}`,
			want: Bound{
				Values:  map[string]any{"tags": []any{}},
				Missing: []string{"customer.email", "order_id"},
			},
		},
		{
			name:        "empty form values",
			ps:          orderParams,
			contentType: "application/x-www-form-urlencoded",
			body:        "order_id=&order_id=x&customer.email=&amount=",
			want: Bound{
				Values:  map[string]any{},
				Missing: []string{"customer.email", "order_id"},
			},
		},
		{
			name:        "invalid values",
			ps:          orderParams,
			contentType: "application/json",
			body:        `{"order_id":["x"],"amount":"12 apples","customer":{"email":{},"vip":"maybe"},"tags":"a"}`,
			want: Bound{
				Values:  map[string]any{},
				Invalid: []string{"amount", "customer.email", "customer.vip", "order_id", "tags"},
			},
		},
		{
			name:        "a parent that is not an object",
			ps:          orderParams,
			contentType: "application/json",
			body:        `{"order_id":"x","customer":"ada@example.com"}`,
			want: Bound{
				Values:  map[string]any{"order_id": "x"},
				Invalid: []string{"customer.email", "customer.vip"},
			},
		},
		{
			name:        "a form parent that is not an object",
			ps:          orderParams,
			contentType: "application/x-www-form-urlencoded",
			body:        "order_id=x&customer=ada",
			want: Bound{
				Values:  map[string]any{"order_id": "x"},
				Invalid: []string{"customer.email", "customer.vip"},
			},
		},
		{
			name:        "an object from form fields",
			ps:          []Parameter{{Path: "customer", Type: tObject}},
			contentType: "application/x-www-form-urlencoded",
			body:        "customer.email=e&customer.tags=a&customer.tags=b",
			want: Bound{Values: map[string]any{
				"customer": map[string]any{"email": "e", "tags": []any{"a", "b"}},
			}},
		},
		{
			name: "raw body",
			ps: []Parameter{
				{Path: "body", Type: tString, Required: true, RawBody: true},
				{Path: "id", Type: tNumber},
			},
			contentType: "application/xml",
			body:        `<order id="1"/>`,
			query:       "id=7",
			want:        Bound{Values: map[string]any{"body": `<order id="1"/>`, "id": 7.0}},
		},
		{
			name: "raw body of JSON next to its fields",
			ps: []Parameter{
				{Path: "body", Type: tString, RawBody: true},
				{Path: "order.body", Type: tString},
			},
			contentType: "application/json",
			body:        `{"order":{"body":"x"}}`,
			want: Bound{Values: map[string]any{
				"body":  `{"order":{"body":"x"}}`,
				"order": map[string]any{"body": "x"},
			}},
		},
		{
			name:        "empty raw body",
			ps:          []Parameter{{Path: "body", Type: tString, Required: true, RawBody: true}},
			contentType: "text/plain",
			body:        "",
			want:        Bound{Values: map[string]any{}, Missing: []string{"body"}},
		},
		{
			name:        "a JSON field named body is an ordinary parameter",
			ps:          []Parameter{{Path: "body", Type: tString}, {Path: "title", Type: tString}},
			contentType: "application/json",
			body:        `{"title":"t","body":"the text"}`,
			want:        Bound{Values: map[string]any{"body": "the text", "title": "t"}},
		},
		{
			name:        "deep nesting",
			ps:          []Parameter{{Path: "a.b.c", Type: tNumber}, {Path: "a.b.d", Type: tString}, {Path: "a.e", Type: tBoolean}},
			contentType: "application/json",
			body:        `{"a":{"b":{"c":1,"d":"x"},"e":"yes"}}`,
			want: Bound{Values: map[string]any{
				"a": map[string]any{"b": map[string]any{"c": 1.0, "d": "x"}, "e": true},
			}},
		},
		{
			name: "no parameters",
			ps:   nil,
			body: `{"a":1}`,
			want: Bound{Values: map[string]any{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseRequest(t, tt.contentType, tt.body, tt.query)
			got := Bind(tt.ps, doc, []byte(tt.body))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Bind() = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestBindOddInput(t *testing.T) {
	// Parameters that no generator makes and documents no parser makes must
	// not panic, and must not make up values.
	ps := []Parameter{
		{Path: "", Type: tString, Required: true},
		{Path: "a..b", Type: tString, Required: true},
		{Path: "a", Type: tString},
		{Path: "a.b", Type: tString},
		{Path: "n", Type: "Date"},
		{Path: "n", Type: tNumber, Required: true},
	}
	doc := payload.Document{"a": "x", "n": json.Number("1"), "d": payload.Document{"k": 1}}
	got := Bind(ps, doc, nil)
	want := Bound{
		Values:  map[string]any{"a": "x", "n": 1.0},
		Missing: []string{""},
		Invalid: []string{"a..b", "a.b", "n"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Bind() = %#v\nwant %#v", got, want)
	}
	if got := Bind(ps[2:4], nil, nil); len(got.Values) != 0 || got.Values == nil {
		t.Errorf("Bind(nil document) = %#v", got)
	}
}

// parseRequest parses a body and query string as the server does.
func parseRequest(t *testing.T, contentType, body, query string) payload.Document {
	t.Helper()
	doc, err := payload.Parse(contentType, []byte(body))
	if err != nil {
		t.Fatalf("payload.Parse() error = %v", err)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("url.ParseQuery() error = %v", err)
	}
	doc.AddQuery(q)
	return doc
}

package payload

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        Document
		wantErr     error
	}{
		// Empty bodies.
		{name: "empty JSON", contentType: "application/json", body: "", want: Document{}},
		{name: "blank JSON", contentType: "application/json", body: " \r\n\t", want: Document{}},
		{name: "empty form", contentType: "application/x-www-form-urlencoded", body: "", want: Document{}},
		{name: "empty multipart without boundary", contentType: "multipart/form-data", body: "", want: Document{}},
		{name: "empty without type", contentType: "", body: "", want: Document{}},

		// JSON.
		{
			name:        "JSON object keeps its shape",
			contentType: "application/json",
			body:        `{"s":"x","n":129.50,"b":true,"z":null,"a":[1,"2"],"o":{"e":"ada@example.com"}}`,
			want: Document{
				"s": "x", "n": json.Number("129.50"), "b": true, "z": nil,
				"a": []any{json.Number("1"), "2"},
				"o": map[string]any{"e": "ada@example.com"},
			},
		},
		{name: "JSON with charset", contentType: "application/json; charset=utf-8", body: `{"a":1}`, want: Document{"a": json.Number("1")}},
		{name: "JSON type is case-insensitive", contentType: "Application/JSON", body: `{"a":1}`, want: Document{"a": json.Number("1")}},
		{name: "text/json", contentType: "text/json", body: `{"a":"b"}`, want: Document{"a": "b"}},
		{name: "vendor +json", contentType: "application/vnd.github+json", body: `{"a":"b"}`, want: Document{"a": "b"}},
		{name: "problem+json", contentType: "application/problem+json", body: `{"a":"b"}`, want: Document{"a": "b"}},
		{name: "bare +json is not JSON", contentType: "application/+json", body: `{"a":"b"}`, want: Document{}},
		{name: "text/+json is not JSON", contentType: "text/vnd+json", body: `{"a":"b"}`, want: Document{}},
		{name: "JSON surrounded by white space", contentType: "application/json", body: " \n{\"a\":true}\r\n ", want: Document{"a": true}},
		{name: "big number kept exactly", contentType: "application/json", body: `{"n":12345678901234567890}`, want: Document{"n": json.Number("12345678901234567890")}},
		{name: "duplicate keys: last wins", contentType: "application/json", body: `{"a":1,"a":2}`, want: Document{"a": json.Number("2")}},
		{name: "dots in JSON keys are kept", contentType: "application/json", body: `{"a.b":1}`, want: Document{"a.b": json.Number("1")}},
		{name: "JSON invalid", contentType: "application/json", body: `{"a":}`, wantErr: ErrMalformed},
		{name: "JSON truncated", contentType: "application/json", body: `{"a":1`, wantErr: ErrMalformed},
		{name: "JSON trailing data", contentType: "application/json", body: `{"a":1} x`, wantErr: ErrMalformed},
		{name: "JSON two values", contentType: "application/json", body: `{"a":1}{"b":2}`, wantErr: ErrMalformed},
		{name: "JSON array", contentType: "application/json", body: `[1,2]`, wantErr: ErrNotObject},
		{name: "JSON string", contentType: "application/json", body: `"x"`, wantErr: ErrNotObject},
		{name: "JSON number", contentType: "application/json", body: `12`, wantErr: ErrNotObject},
		{name: "JSON null", contentType: "application/json", body: `null`, wantErr: ErrNotObject},
		{name: "JSON not JSON at all", contentType: "application/json", body: `order_id=1`, wantErr: ErrMalformed},

		// Sniffing.
		{name: "no type, object", contentType: "", body: ` {"a":"b"}`, want: Document{"a": "b"}},
		{name: "no type, broken object", contentType: "", body: `{"a":`, wantErr: ErrMalformed},
		{name: "no type, array is text", contentType: "", body: `[1]`, want: Document{}},
		{name: "no type, form is text", contentType: "", body: `a=1`, want: Document{}},
		{name: "bad type, object", contentType: "garbage;;", body: `{"a":"b"}`, want: Document{"a": "b"}},
		{name: "bad type, text", contentType: "/", body: `a=1`, want: Document{}},

		// Form.
		{
			name:        "form nests dot paths",
			contentType: "application/x-www-form-urlencoded",
			body:        "order_id=A-1001&amount=129.5&customer.email=ada%40example.com&customer.name=Ada+L",
			want: Document{
				"order_id": Text{"A-1001"}, "amount": Text{"129.5"},
				"customer": map[string]any{"email": Text{"ada@example.com"}, "name": Text{"Ada L"}},
			},
		},
		{name: "form keeps repeated values in order", contentType: "application/x-www-form-urlencoded", body: "t=b&t=a&t=c", want: Document{"t": Text{"b", "a", "c"}}},
		{name: "form empty value", contentType: "application/x-www-form-urlencoded", body: "a=&b", want: Document{"a": Text{""}, "b": Text{""}}},
		{
			name:        "form ignores empty segments",
			contentType: "application/x-www-form-urlencoded",
			body:        "=1&a..b=2&.c=3&d.=4&ok=5",
			want:        Document{"ok": Text{"5"}},
		},
		{name: "form leaf wins over object after it", contentType: "application/x-www-form-urlencoded", body: "a.b=2&a=1", want: Document{"a": Text{"1"}}},
		{name: "form leaf wins over object before it", contentType: "application/x-www-form-urlencoded", body: "a=1&a.b=2", want: Document{"a": Text{"1"}}},
		{
			name:        "form key of MaxDepth segments",
			contentType: "application/x-www-form-urlencoded",
			body:        strings.Repeat("b.", MaxDepth-1) + "b=2",
			want:        Document{"b": nest(MaxDepth, "b", Text{"2"})},
		},
		{
			name:        "form too deep key",
			contentType: "application/x-www-form-urlencoded",
			body:        strings.Repeat("a.", MaxDepth) + "a=1&" + strings.Repeat("b.", MaxDepth-1) + "b=2",
			wantErr:     ErrTooDeep,
		},
		{name: "form bad escape", contentType: "application/x-www-form-urlencoded", body: "a=%zz", wantErr: ErrMalformed},
		{name: "form semicolon", contentType: "application/x-www-form-urlencoded", body: "a=1;b=2", wantErr: ErrMalformed},
		{name: "form with JSON-looking body", contentType: "application/x-www-form-urlencoded", body: `{"a":1}`, want: Document{`{"a":1}`: Text{""}}},

		// Multipart.
		{
			name:        "multipart fields nest",
			contentType: "multipart/form-data; boundary=XyZ",
			body: multipartBody("XyZ",
				`Content-Disposition: form-data; name="order_id"`, "A-1001",
				`Content-Disposition: form-data; name="customer.email"`, "ada@example.com",
				`Content-Disposition: form-data; name="tag"`, "x",
				`Content-Disposition: form-data; name="tag"`, "y",
				`Content-Disposition: attachment; name="other"`, "not a form field",
				`Content-Disposition: form-data; name="a..b"`, "ignored",
			),
			want: Document{
				"order_id": Text{"A-1001"},
				"customer": map[string]any{"email": Text{"ada@example.com"}},
				"tag":      Text{"x", "y"},
			},
		},
		{
			name:        "multipart file part",
			contentType: "multipart/form-data; boundary=XyZ",
			body: multipartBody("XyZ",
				`Content-Disposition: form-data; name="order_id"`, "A-1001",
				`Content-Disposition: form-data; name="upload"; filename="a.txt"`, "file content",
			),
			wantErr: ErrFileUpload,
		},
		{
			name:        "multipart file part without a name",
			contentType: "multipart/form-data; boundary=XyZ",
			body:        multipartBody("XyZ", `Content-Disposition: form-data; filename="a.txt"`, "file content"),
			wantErr:     ErrFileUpload,
		},
		{
			name:        "multipart no parts",
			contentType: "multipart/form-data; boundary=b",
			body:        "--b--\r\n",
			want:        Document{},
		},
		{name: "multipart without boundary", contentType: "multipart/form-data", body: "--b\r\n\r\nx\r\n--b--\r\n", wantErr: ErrMalformed},
		{name: "multipart wrong boundary", contentType: "multipart/form-data; boundary=other", body: multipartBody("b", `Content-Disposition: form-data; name="a"`, "1"), wantErr: ErrMalformed},
		{name: "multipart garbage", contentType: "multipart/form-data; boundary=b", body: "garbage", wantErr: ErrMalformed},
		{name: "multipart truncated", contentType: "multipart/form-data; boundary=b", body: "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", wantErr: ErrMalformed},

		// Raw types.
		{name: "XML", contentType: "application/xml", body: `<a>1</a>`, want: Document{}},
		{name: "text/xml", contentType: "text/xml", body: `{"a":1}`, want: Document{}},
		{name: "text/plain", contentType: "text/plain; charset=utf-8", body: `{"a":1}`, want: Document{}},
		{name: "octet-stream", contentType: "application/octet-stream", body: "\x00\x01", want: Document{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.contentType, []byte(tt.body))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Parse() error = %v, want %v", err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("Parse() = %v with an error, want nil", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseErrorsDoNotEchoTheBody(t *testing.T) {
	secret := strings.Repeat("S3CR3T", 40)
	tests := []struct {
		name        string
		contentType string
		body        string
	}{
		{name: "JSON", contentType: "application/json", body: `{"k":"` + secret},
		{name: "JSON trailing", contentType: "application/json", body: `{} ` + secret},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: secret + "=%zz" + secret},
		{name: "multipart header", contentType: "multipart/form-data; boundary=b", body: "--b\r\n" + secret + "\r\n\r\nx\r\n--b--\r\n"},
		{name: "multipart preamble", contentType: "multipart/form-data; boundary=b", body: secret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.contentType, []byte(tt.body))
			if err == nil {
				t.Fatal("Parse() error = nil, want one")
			}
			if strings.Contains(err.Error(), "S3CR3TS3CR3TS3CR3TS3CR3TS3CR3TS3CR3TS3CR3TS3CR3TS3CR3T") {
				t.Errorf("error echoes the body: %v", err)
			}
			if len(err.Error()) > 160 {
				t.Errorf("error is %d bytes long: %v", len(err.Error()), err)
			}
		})
	}
}

// multipartBody builds a multipart body from header, content pairs.
func multipartBody(boundary string, headerContent ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(headerContent); i += 2 {
		b.WriteString("--" + boundary + "\r\n" + headerContent[i] + "\r\n\r\n" + headerContent[i+1] + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.String()
}

// nest returns v under depth-1 objects whose keys are all key, the value of a
// key of depth segments once put under key in a Document.
func nest(depth int, key string, v any) any {
	for range depth - 1 {
		v = map[string]any{key: v}
	}
	return v
}

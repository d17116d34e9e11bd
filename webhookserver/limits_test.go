package webhookserver

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// limitsLimits lets bodies up to 1 MiB through, so that the parsing limits,
// not maxBodyBytes, answer.
var limitsLimits = Limits{MaxBodyBytes: 1 << 20, RequestTimeout: 5 * time.Second}

const formType = "application/x-www-form-urlencoded"

// TestParsingLimits is the table of the parsing limits of DESIGN §4 (as
// extended by internal/payload/limits.go): each case's exact status and
// body, and no record written.
func TestParsingLimits(t *testing.T) {
	ts := newTestServer(t, limitsLimits)
	hook := "/hooks/" + hookID
	deep := strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33)
	const (
		tooMany  = `{"msg":"Too many values","max":1000}`
		tooLong  = `{"msg":"Value too long","max":65536}`
		keyLong  = `{"msg":"Key too long","max":1024}`
		tooDeep  = `{"msg":"Nesting too deep","max":32}`
		upload   = `{"msg":"File uploads are not accepted"}`
		malform  = `{"msg":"Malformed request body"}`
		multiCT  = "multipart/form-data; boundary=B"
		orderID  = `"order_id":"A-1"`
		orderKV  = "order_id=A-1"
		orderBad = `{"order_id":"A-1","amount":"lots"}`
	)
	long := strings.Repeat("x", 64<<10+1)
	cases := []struct {
		name        string
		path        string
		contentType string
		body        string
		code        int
		want        string // the answer's JSON, exactly
	}{
		// Number of values, body and query together.
		{"JSON over 1000 values", hook, jsonType, `{` + orderID + `,"tags":[` + strings.Repeat("0,", 998) + `0]}`, 400, tooMany},
		{"form over 1000 values", hook, formType, orderKV + strings.Repeat("&t=1", 1000), 400, tooMany},
		{"query over 1000 values", hook + "?" + strings.Repeat("t=1&", 1000), jsonType, `{` + orderID + `}`, 400, tooMany},
		{"body and query together over 1000 values", hook + "?" + strings.Repeat("t=1&", 500), jsonType, `{` + orderID + `,"tags":[` + strings.Repeat("0,", 498) + `0]}`, 400, tooMany},
		// Length of one value.
		{"JSON string over 64 KiB", hook, jsonType, `{"order_id":"` + long + `"}`, 400, tooLong},
		{"form value over 64 KiB", hook, formType, "order_id=" + long, 400, tooLong},
		{"query value over 64 KiB", hook + "?note=" + long, jsonType, `{` + orderID + `}`, 400, tooLong},
		{"multipart value over 64 KiB", hook, multiCT, multipart("order_id", long), 400, tooLong},
		// Length of one key.
		{"JSON key over 1024 bytes", hook, jsonType, `{` + orderID + `,"` + strings.Repeat("k", 1025) + `":1}`, 400, keyLong},
		{"form key over 1024 bytes", hook, formType, orderKV + "&" + strings.Repeat("k", 1025) + "=1", 400, keyLong},
		{"query key over 1024 bytes", hook + "?" + strings.Repeat("k", 1025) + "=1", jsonType, `{` + orderID + `}`, 400, keyLong},
		// Nesting.
		{"JSON nested 33 deep", hook, jsonType, `{` + orderID + `,"x":` + deep + `}`, 400, tooDeep},
		{"JSON arrays nested 33 deep", hook, jsonType, `{` + orderID + `,"x":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`, 400, tooDeep},
		{"JSON nested 10000 deep", hook, jsonType, `{"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`, 400, tooDeep},
		{"form key of 33 segments", hook, formType, orderKV + "&" + strings.Repeat("a.", 32) + "a=1", 400, tooDeep},
		{"query key of 33 segments", hook + "?" + strings.Repeat("a.", 32) + "a=1", jsonType, `{` + orderID + `}`, 400, tooDeep},
		// Files.
		{"multipart file part", hook, multiCT, multipart("order_id", "A-1", `upload"; filename="a.csv`, "a,b\n"), 400, upload},
		// Invalid UTF-8 is never replaced with U+FFFD and stored.
		{"JSON string with invalid UTF-8", hook, jsonType, "{\"order_id\":\"caf\xe9\"}", 400, malform},
		{"JSON key with invalid UTF-8", hook, jsonType, "{" + orderID + ",\"\xff\":1}", 400, malform},
		{"JSON escape of a lone surrogate", hook, jsonType, `{"order_id":"\ud800"}`, 400, malform},
		{"sniffed JSON with invalid UTF-8", hook, "", "{\"order_id\":\"\xc3\"}", 400, malform},
		{"form value with invalid UTF-8", hook, formType, "order_id=caf%E9", 400, malform},
		{"form key with invalid UTF-8", hook, formType, orderKV + "&%FF=1", 400, malform},
		{"multipart value with invalid UTF-8", hook, multiCT, multipart("order_id", "caf\xe9"), 400, malform},
		{"query value with invalid UTF-8", hook + "?note=caf%E9", jsonType, `{` + orderID + `}`, 400, malform},
		{"query key with invalid UTF-8", hook + "?%FF=1", jsonType, `{` + orderID + `}`, 400, malform},
		// Order: a limit is checked before the parameters.
		{"limit before invalid parameter", hook + "?note=" + url.QueryEscape(long), jsonType, orderBad, 400, tooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := ts.do(t, "POST", tc.path, tc.contentType, tc.body)
			if a.Code != tc.code {
				t.Errorf("status = %d, want %d (body %v)", a.Code, tc.code, a.Body)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(map[string]any(a.Body), want) {
				t.Errorf("body = %v, want %v", a.Body, want)
			}
		})
	}
	if n := len(ts.records.all()); n != 0 {
		t.Errorf("%d records written by rejected requests", n)
	}
}

// TestParsingLimitsAtTheBound checks that requests exactly at each bound are
// served.
func TestParsingLimitsAtTheBound(t *testing.T) {
	ts := newTestServer(t, limitsLimits)
	hook := "/hooks/" + hookID
	cases := []struct {
		name        string
		path        string
		contentType string
		body        string
	}{
		{"JSON of 1000 values", hook, jsonType, `{"order_id":"A-1","tags":[` + strings.Repeat("0,", 997) + `0]}`},
		{"body and query of 1000 values", hook + "?" + strings.Repeat("t=1&", 499) + "t=1", jsonType, `{"order_id":"A-1","tags":[` + strings.Repeat("0,", 497) + `0]}`},
		{"JSON string of 64 KiB", hook, jsonType, `{"order_id":"A-1","note":"` + strings.Repeat("x", 64<<10) + `"}`},
		{"form key of 1024 bytes", hook, formType, "order_id=A-1&" + strings.Repeat("k", 1024) + "=1"},
		{"JSON nested 32 deep", hook, jsonType, `{"order_id":"A-1","x":` + strings.Repeat(`{"a":`, 31) + "1" + strings.Repeat("}", 31) + `}`},
		{"form key of 32 segments", hook, formType, "order_id=A-1&" + strings.Repeat("a.", 31) + "a=1"},
		{"UTF-8 everywhere", hook + "?note=caf%C3%A9", formType, "order_id=%F0%9F%98%80&caf%C3%A9=%C3%A9"},
		{"JSON surrogate pair", hook, jsonType, `{"order_id":"\ud83d\ude00"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := ts.do(t, "POST", tc.path, tc.contentType, tc.body)
			if a.Code != 200 {
				t.Errorf("status = %d, want 200 (body %v)", a.Code, a.Body)
			}
		})
	}
	if n := len(ts.records.all()); n != len(cases) {
		t.Errorf("%d records written, want %d", n, len(cases))
	}
}

// multipart builds a multipart/form-data body with boundary B from name,
// value pairs; a name is put in the Content-Disposition as is.
func multipart(nameValue ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(nameValue); i += 2 {
		b.WriteString("--B\r\nContent-Disposition: form-data; name=\"" + nameValue[i] + "\"\r\n\r\n" + nameValue[i+1] + "\r\n")
	}
	b.WriteString("--B--\r\n")
	return b.String()
}

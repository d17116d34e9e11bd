package webhookserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/testenv"
)

const hookID = "3f9c0a7d2b1e4c56"

type testServer struct {
	*httptest.Server
	srv     *Server
	records *fakeRecords
}

// newTestServer is a server whose route table is built (ready).
func newTestServer(t *testing.T, limits Limits) *testServer {
	t.Helper()
	ts := newUnreadyTestServer(t, limits)
	ts.srv.SetReady()
	return ts
}

// newUnreadyTestServer is a server that has not built its first route
// table yet.
func newUnreadyTestServer(t *testing.T, limits Limits) *testServer {
	t.Helper()
	records := &fakeRecords{}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: compile(t, orderWorkflow("orders", "wf-uid")), Limits: limits}}))
	srv := New(Options{Routes: routes, Records: records, Log: logr.Discard(), Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, srv: srv, records: records}
}

var defaultLimits = Limits{MaxBodyBytes: 1 << 10, RequestTimeout: 5 * time.Second}

func (ts *testServer) do(t *testing.T, method, path, contentType, body string) testenv.Answer {
	t.Helper()
	return testenv.Call(t, method, ts.URL+path, contentType, body)
}

const jsonType = "application/json"

func TestErrorTable(t *testing.T) {
	ts := newTestServer(t, defaultLimits)
	big := `{"order_id":"` + strings.Repeat("x", 2<<10) + `"}`
	cases := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		code        int
		want        string // the answer's JSON, exactly
	}{
		{"unknown id", "POST", "/hooks/nope", jsonType, `{}`, 404, `{"msg":"Webhook not found"}`},
		{"unknown path", "GET", "/elsewhere", "", "", 404, `{"msg":"Webhook not found"}`},
		{"wrong method", "GET", "/hooks/" + hookID, "", "", 405, `{"msg":"Method not allowed"}`},
		{"wrong method beats size", "PUT", "/hooks/" + hookID, jsonType, big, 405, `{"msg":"Method not allowed"}`},
		{"body too large", "POST", "/hooks/" + hookID, jsonType, big, 413, `{"msg":"Request body too large"}`},
		{"malformed JSON", "POST", "/hooks/" + hookID, jsonType, `{"order_id":`, 400, `{"msg":"Malformed request body"}`},
		{"JSON that is not an object", "POST", "/hooks/" + hookID, jsonType, `["A-1"]`, 400, `{"msg":"Malformed request body"}`},
		{"malformed form", "POST", "/hooks/" + hookID, "application/x-www-form-urlencoded", `order_id=%zz`, 400, `{"msg":"Malformed request body"}`},
		{"missing required", "POST", "/hooks/" + hookID, jsonType, `{"amount":1}`, 400, `{"msg":"Missing required parameter","missing":["order_id"]}`},
		{"empty required", "POST", "/hooks/" + hookID, jsonType, `{"order_id":""}`, 400, `{"msg":"Missing required parameter","missing":["order_id"]}`},
		{"no body at all", "POST", "/hooks/" + hookID, "", "", 400, `{"msg":"Missing required parameter","missing":["order_id"]}`},
		{"missing and invalid", "POST", "/hooks/" + hookID, jsonType, `{"amount":"lots"}`, 400, `{"msg":"Missing required parameter","missing":["order_id"],"invalid":["amount"]}`},
		{"invalid", "POST", "/hooks/" + hookID, jsonType, `{"order_id":"A-1","amount":"lots"}`, 400, `{"msg":"Invalid parameter","invalid":["amount"]}`},
		{"invalid nested", "POST", "/hooks/" + hookID, jsonType, `{"order_id":"A-1","customer":"ada"}`, 400, `{"msg":"Invalid parameter","invalid":["customer.email"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := ts.do(t, tc.method, tc.path, tc.contentType, tc.body)
			if a.Code != tc.code {
				t.Errorf("status = %d, want %d (body %v)", a.Code, tc.code, a.Body)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(a.Body) != fmt.Sprint(want) {
				t.Errorf("body = %v, want %v", a.Body, want)
			}
			if tc.code == 405 && a.Header.Get("Allow") != "POST" {
				t.Errorf("Allow = %q, want POST", a.Header.Get("Allow"))
			}
		})
	}
	if n := len(ts.records.all()); n != 0 {
		t.Errorf("%d records written by rejected requests", n)
	}
}

func TestBodyTooLargeWithoutContentLength(t *testing.T) {
	ts := newTestServer(t, defaultLimits)
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprint(pw, `{"order_id":"`+strings.Repeat("x", 4<<10)+`"}`)
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", ts.URL+"/hooks/"+hookID, pr) // chunked: no Content-Length
	req.Header.Set("Content-Type", jsonType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413", resp.StatusCode)
	}
}

func TestSuccessStoresTheRecord(t *testing.T) {
	receivedAt := now.Format(time.RFC3339Nano)
	cases := []struct {
		name        string
		path        string
		contentType string
		body        string
		want        map[string]any
	}{
		{"JSON", "", jsonType, `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"},"extra":1}`,
			map[string]any{"order_id": "A-1001", "amount": 129.5, "email": "ada@example.com", "status": "new", "received_at": receivedAt}},
		{"JSON with a charset and a number as a string", "", "application/json; charset=utf-8", `{"order_id":"A-1","amount":"12.5"}`,
			map[string]any{"order_id": "A-1", "amount": 12.5, "status": "new", "received_at": receivedAt}},
		{"form with dot paths", "", "application/x-www-form-urlencoded", `order_id=A-2&amount=7&customer.email=ada%40example.com`,
			map[string]any{"order_id": "A-2", "amount": 7.0, "email": "ada@example.com", "status": "new", "received_at": receivedAt}},
		{"query merged under the body", "?order_id=A-3&amount=1", jsonType, `{"amount":2}`,
			map[string]any{"order_id": "A-3", "amount": 2.0, "status": "new", "received_at": receivedAt}},
		{"no content type, JSON body", "", "", `{"order_id":"A-4"}`,
			map[string]any{"order_id": "A-4", "status": "new", "received_at": receivedAt}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, defaultLimits)
			a := ts.do(t, "POST", "/hooks/"+hookID+tc.path, tc.contentType, tc.body)
			if a.Code != 200 || a.Body["msg"] != "success" || a.Body["runId"] == "" {
				t.Fatalf("answer = %d %v, want 200 success with a runId", a.Code, a.Body)
			}
			recs := ts.records.all()
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			r := recs[0]
			if fmt.Sprint(r.Values) != fmt.Sprint(tc.want) {
				t.Errorf("values = %v, want %v", r.Values, tc.want)
			}
			if r.Namespace != "shop" || r.Worksheet != "orders" || r.WorksheetUID != "sheet-uid" {
				t.Errorf("record located at %s/%s (%s)", r.Namespace, r.Worksheet, r.WorksheetUID)
			}
			if r.CreatedBy.Workflow != "orders" || r.CreatedBy.Run != a.Body["runId"] {
				t.Errorf("createdBy = %+v, want the workflow and run %v", r.CreatedBy, a.Body["runId"])
			}
			if r.UniqueField != "order_id" || r.UniqueKey == "" {
				t.Errorf("unique = %q/%q, want order_id and a key", r.UniqueField, r.UniqueKey)
			}
			if r.WriteKey != a.Body["runId"].(string)+"/save" {
				t.Errorf("write key = %q", r.WriteKey)
			}
		})
	}
}

func TestRunFailures(t *testing.T) {
	cases := []struct {
		name      string
		storeErr  error
		body      string
		code      int
		msg       string
		errorPart string
	}{
		{"store unavailable", fmt.Errorf("create: %w", store.ErrUnavailable), `{"order_id":"A-1"}`, 503, "Service unavailable", ""},
		{"duplicate unique value", fmt.Errorf("order_id: %w", store.ErrDuplicate), `{"order_id":"A-1"}`, 422, "Run failed", "step save: order_id: a record with this value already exists"},
		{"value breaking the worksheet", nil, `{"order_id":"A-1","customer":{"email":"not an address"}}`, 422, "Run failed", "email"},
		{"internal store error", fmt.Errorf("forbidden"), `{"order_id":"A-1"}`, 500, "Run failed", "Internal error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, defaultLimits)
			ts.records.err = tc.storeErr
			a := ts.do(t, "POST", "/hooks/"+hookID, jsonType, tc.body)
			if a.Code != tc.code || a.Body["msg"] != tc.msg {
				t.Fatalf("answer = %d %v, want %d %q", a.Code, a.Body, tc.code, tc.msg)
			}
			if got, _ := a.Body["error"].(string); !strings.Contains(got, tc.errorPart) {
				t.Errorf("error = %q, want it to contain %q", got, tc.errorPart)
			}
			if a.Body["runId"] == nil {
				t.Error("no runId in a run failure")
			}
			if tc.code == 503 && a.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}

// TestHealthAndReadiness: until the first route table is built, /readyz
// fails and an unknown id is a 503 with Retry-After (the Workflow may exist:
// a replica that just started must not tell a sender 404); then 404.
func TestHealthAndReadiness(t *testing.T) {
	ts := newUnreadyTestServer(t, defaultLimits)
	get := func(path string) int {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code := get("/readyz"); code != 503 {
		t.Errorf("/readyz before the first table = %d, want 503", code)
	}
	a := ts.do(t, "POST", "/hooks/not-built-yet", jsonType, `{}`)
	if a.Code != 503 || a.Raw != `{"msg":"Service unavailable"}` || a.Header.Get("Retry-After") == "" {
		t.Errorf("unknown id before the first table = %d %s (Retry-After %q), want 503 Service unavailable with Retry-After", a.Code, a.Raw, a.Header.Get("Retry-After"))
	}
	ts.srv.SetReady()
	if code := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d, want 200", code)
	}
	if a := ts.do(t, "POST", "/hooks/not-built-yet", jsonType, `{}`); a.Code != 404 || a.Raw != `{"msg":"Webhook not found"}` {
		t.Errorf("unknown id once ready = %d %s, want 404", a.Code, a.Raw)
	}
}

// TestFullBody: with fullBody, a body that is not a JSON object (an array,
// XML) is accepted, reaches the steps as params.body, and the query string
// still supplies parameters.
func TestFullBody(t *testing.T) {
	sheet := ordersSheet()
	sheet.Spec.Fields = append(sheet.Spec.Fields, v1alpha1.WorksheetField{Name: "raw", Type: v1alpha1.FieldText})
	wf := orderWorkflow("raw", "raw-uid")
	wf.Spec.Trigger.Webhook.Sample.FullBody = true
	wf.Spec.Steps[0].CreateRecord.Fields = map[string]string{"order_id": "params.order_id", "raw": "params.body"}
	rt, err := route.Compile(wf, map[string]*v1alpha1.Worksheet{"orders": sheet})
	if err != nil {
		t.Fatal(err)
	}
	records := &fakeRecords{}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: rt, Limits: defaultLimits}}))
	ts := &testServer{Server: httptest.NewServer(New(Options{Routes: routes, Records: records, Log: logr.Discard(), Now: func() time.Time { return now }}).Handler()), records: records}
	t.Cleanup(ts.Close)

	for _, tc := range []struct{ contentType, body string }{
		{jsonType, `["a",1]`},
		{"application/xml", `<order id="A-7"/>`},
	} {
		a := ts.do(t, "POST", "/hooks/"+hookID+"?order_id=A-7", tc.contentType, tc.body)
		if a.Code != 200 {
			t.Fatalf("%s body: %d %v", tc.contentType, a.Code, a.Body)
		}
		got := records.all()
		if r := got[len(got)-1]; r.Values["order_id"] != "A-7" || r.Values["raw"] != tc.body {
			t.Errorf("%s body stored as %v", tc.contentType, r.Values)
		}
	}
	if a := ts.do(t, "POST", "/hooks/"+hookID+"?order_id=A-7", jsonType, `{"order_id":`); a.Code != 400 {
		t.Errorf("malformed JSON with fullBody: %d, want 400", a.Code)
	}
}

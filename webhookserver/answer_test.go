package webhookserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
)

// responseServer serves the order Workflow with the response of DESIGN §2,
// changed by edit.
func responseServer(t *testing.T, edit func(*v1alpha1.Response)) *testServer {
	t.Helper()
	wf := orderWorkflow("orders", "wf-uid")
	wf.Spec.Response = &v1alpha1.Response{
		StatusCode: 201,
		Headers: map[string]string{
			"X-Order-Id": "params.order_id",
			"location":   "'/orders/' + steps.save.recordId",
		},
		Body: "{'code': 0, 'msg': 'success', 'recordId': steps.save.recordId}",
	}
	if edit != nil {
		edit(wf.Spec.Response)
	}
	records := &fakeRecords{}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: compile(t, wf), Limits: defaultLimits}}))
	srv := New(Options{Routes: routes, Records: records, Log: logr.Discard(), Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, srv: srv, records: records}
}

// rawAnswer is an answer whose body may not be JSON.
type rawAnswer struct {
	code   int
	header http.Header
	body   string
}

func (ts *testServer) post(t *testing.T, body string) rawAnswer {
	t.Helper()
	resp, err := http.Post(ts.URL+"/hooks/"+hookID, jsonType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawAnswer{code: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// runID is the runId of a JSON answer.
func (a rawAnswer) runID(t *testing.T) string {
	t.Helper()
	var body struct {
		RunID string `json:"runId"`
	}
	if err := json.Unmarshal([]byte(a.body), &body); err != nil || body.RunID == "" {
		t.Fatalf("answer %d %s has no runId (%v)", a.code, a.body, err)
	}
	return body.RunID
}

func (a rawAnswer) check(t *testing.T, code int, contentType, body string) {
	t.Helper()
	if a.code != code || a.header.Get("Content-Type") != contentType || a.body != body {
		t.Errorf("answer = %d %q %s, want %d %q %s", a.code, a.header.Get("Content-Type"), a.body, code, contentType, body)
	}
}

const (
	jsonAnswer = "application/json; charset=utf-8"
	textAnswer = "text/plain; charset=utf-8"
)

// TestDefaultAnswerIsUnchanged: without spec.response the answer is
// exactly {"msg":"success","runId":"<id>"}.
func TestDefaultAnswerIsUnchanged(t *testing.T) {
	ts := newTestServer(t, defaultLimits)
	a := ts.post(t, `{"order_id":"A-1"}`)
	a.check(t, 200, jsonAnswer, `{"msg":"success","runId":"`+a.runID(t)+`"}`)
}

func TestCustomJSONResponse(t *testing.T) {
	ts := responseServer(t, nil)
	a := ts.post(t, `{"order_id":"A-1","amount":12.5}`)
	a.check(t, 201, jsonAnswer, `{"code":0,"msg":"success","recordId":"orders-rec"}`)
	if a.header.Get("X-Order-Id") != "A-1" || a.header.Get("Location") != "/orders/orders-rec" {
		t.Errorf("headers = %v, want X-Order-Id A-1 and Location /orders/orders-rec", a.header)
	}
	if n := len(ts.records.all()); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// TestResponseReadsStepValues: a body reads the values a step wrote.
func TestResponseReadsStepValues(t *testing.T) {
	ts := responseServer(t, func(r *v1alpha1.Response) {
		r.Body = "{'order': steps.save.values.order_id, 'status': steps.save.values.status}"
	})
	ts.post(t, `{"order_id":"A-1"}`).check(t, 201, jsonAnswer, `{"order":"A-1","status":"new"}`)
}

func TestCustomResponseWithoutBody(t *testing.T) {
	ts := responseServer(t, func(r *v1alpha1.Response) { r.Body = "" })
	a := ts.post(t, `{"order_id":"A-1"}`)
	a.check(t, 201, jsonAnswer, `{"msg":"success","runId":"`+a.runID(t)+`"}`)
	if a.header.Get("X-Order-Id") != "A-1" {
		t.Errorf("X-Order-Id = %q", a.header.Get("X-Order-Id"))
	}
}

func TestTextAndXMLResponses(t *testing.T) {
	for _, tc := range []struct {
		contentType, body, wantType, want string
	}{
		{"text/plain", "'OK ' + steps.save.recordId", textAnswer, "OK orders-rec"},
		{"application/xml", `'<result><code>0</code><order>' + params.order_id + '</order></result>'`,
			"application/xml; charset=utf-8", "<result><code>0</code><order>A-1</order></result>"},
	} {
		t.Run(tc.contentType, func(t *testing.T) {
			ts := responseServer(t, func(r *v1alpha1.Response) { r.ContentType, r.Body = tc.contentType, tc.body })
			ts.post(t, `{"order_id":"A-1"}`).check(t, 201, tc.wantType, tc.want)
		})
	}
}

const duplicateReason = "step save: order_id: a record with this value already exists"

func TestOnErrorOnAUniqueViolation(t *testing.T) {
	for _, tc := range []struct {
		name, body, wantType, want string
	}{
		{"JSON", "{'code': 1, 'msg': error, 'order': params.order_id}", jsonAnswer,
			`{"code":1,"msg":"` + duplicateReason + `","order":"A-1"}`},
		{"string", "'refused: ' + error", textAnswer, "refused: " + duplicateReason},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := responseServer(t, func(r *v1alpha1.Response) {
				r.OnError = &v1alpha1.ErrorResponse{StatusCode: 409, Body: tc.body}
			})
			ts.records.err = fmt.Errorf("order_id: %w", store.ErrDuplicate)
			a := ts.post(t, `{"order_id":"A-1"}`)
			a.check(t, 409, tc.wantType, tc.want)
			if a.header.Get("X-Order-Id") != "" || a.header.Get("Location") != "" {
				t.Errorf("the success headers were sent with onError: %v", a.header)
			}
		})
	}

	t.Run("no body", func(t *testing.T) {
		ts := responseServer(t, func(r *v1alpha1.Response) { r.OnError = &v1alpha1.ErrorResponse{StatusCode: 409} })
		ts.records.err = fmt.Errorf("order_id: %w", store.ErrDuplicate)
		a := ts.post(t, `{"order_id":"A-1"}`)
		a.check(t, 409, jsonAnswer, `{"msg":"Run failed","runId":"`+a.runID(t)+`","error":"`+duplicateReason+`"}`)
	})

	t.Run("without onError", func(t *testing.T) {
		ts := responseServer(t, nil)
		ts.records.err = fmt.Errorf("order_id: %w", store.ErrDuplicate)
		a := ts.post(t, `{"order_id":"A-1"}`)
		a.check(t, 422, jsonAnswer, `{"msg":"Run failed","runId":"`+a.runID(t)+`","error":"`+duplicateReason+`"}`)
	})
}

// TestResponseThatFailsAtRequestTime: the record is written, the body
// cannot be evaluated; the answer is onError's, else a 500, never a panic.
func TestResponseThatFailsAtRequestTime(t *testing.T) {
	onError := &v1alpha1.ErrorResponse{StatusCode: 500, Body: "{'code': 2, 'msg': error}"}
	cases := []struct {
		name     string
		body     string
		onError  *v1alpha1.ErrorResponse
		code     int
		wantType string
		want     string // %s is the run id
	}{
		{"division by zero, onError", "{'per': 1 / (int(params.amount) - 12)}", onError, 500, jsonAnswer,
			`{"code":2,"msg":"response: body: evaluate: division by zero"}`},
		{"missing map key, onError", "{'sig': headers['x-signature']}", onError, 500, jsonAnswer,
			`{"code":2,"msg":"response: body: value absent from the request: no such key: x-signature"}`},
		{"division by zero, onError 502 text", "{'per': 1 / (int(params.amount) - 12)}",
			&v1alpha1.ErrorResponse{StatusCode: 502, Body: "error"}, 502, textAnswer, "response: body: evaluate: division by zero"},
		{"division by zero", "{'per': 1 / (int(params.amount) - 12)}", nil, 500, jsonAnswer,
			`{"msg":"Response failed","runId":"%s"}`},
		{"missing map key", "{'sig': headers['x-signature']}", nil, 500, jsonAnswer,
			`{"msg":"Response failed","runId":"%s"}`},
		{"onError failing too", "{'per': 1 / (int(params.amount) - 12)}",
			&v1alpha1.ErrorResponse{StatusCode: 400, Body: "{'x': headers['x-nope']}"}, 500, jsonAnswer,
			`{"msg":"Response failed","runId":"%s"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := responseServer(t, func(r *v1alpha1.Response) { r.Body, r.OnError = tc.body, tc.onError })
			a := ts.post(t, `{"order_id":"A-1","amount":12}`)
			want := tc.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, a.runID(t))
			}
			a.check(t, tc.code, tc.wantType, want)
			if n := len(ts.records.all()); n != 1 {
				t.Errorf("%d records, want the one written before the response failed", n)
			}
		})
	}
}

// TestOnErrorFailingFallsBackOnTheRunFailure: a run failure whose onError
// body fails is answered as without onError.
func TestOnErrorFailingFallsBackOnTheRunFailure(t *testing.T) {
	ts := responseServer(t, func(r *v1alpha1.Response) {
		r.OnError = &v1alpha1.ErrorResponse{StatusCode: 409, Body: "{'ref': steps.save.recordId}"} // save failed: absent
	})
	ts.records.err = fmt.Errorf("order_id: %w", store.ErrDuplicate)
	a := ts.post(t, `{"order_id":"A-1"}`)
	a.check(t, 422, jsonAnswer, `{"msg":"Run failed","runId":"`+a.runID(t)+`","error":"`+duplicateReason+`"}`)
}

// TestStoreFailuresIgnoreOnError: lost data is never covered by onError.
func TestStoreFailuresIgnoreOnError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code int
		want string
	}{
		{"unavailable", fmt.Errorf("create: %w", store.ErrUnavailable), 503, `{"msg":"Service unavailable","runId":"%s"}`},
		{"internal", fmt.Errorf("forbidden"), 500, `{"msg":"Run failed","runId":"%s","error":"Internal error"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := responseServer(t, func(r *v1alpha1.Response) {
				r.OnError = &v1alpha1.ErrorResponse{StatusCode: 400, Body: "{'code': 1, 'msg': error}"}
			})
			ts.records.err = tc.err
			a := ts.post(t, `{"order_id":"A-1"}`)
			a.check(t, tc.code, jsonAnswer, fmt.Sprintf(tc.want, a.runID(t)))
			if tc.code == 503 && a.header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}

// BenchmarkAcceptWithResponse is BenchmarkAccept/unsigned for a Workflow
// with the response of DESIGN §2 and a header: the cost of evaluating them.
func BenchmarkAcceptWithResponse(b *testing.B) {
	wf := orderWorkflow("orders", "wf-uid")
	wf.Spec.Response = &v1alpha1.Response{
		StatusCode: 201,
		Headers:    map[string]string{"X-Order-Id": "params.order_id"},
		Body:       "{'code': 0, 'msg': 'success', 'recordId': steps.save.recordId}",
	}
	rt, err := route.Compile(wf, map[string]*v1alpha1.Worksheet{"orders": ordersSheet()})
	if err != nil {
		b.Fatal(err)
	}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: rt, Limits: defaultLimits}}))
	h := New(Options{Routes: routes, Records: discardRecords{}, Log: logr.Discard(), Now: func() time.Time { return now }}).Handler()
	bodies := make([]string, b.N)
	for i := range b.N {
		bodies[i] = `{"order_id":"R-` + strconv.Itoa(i) + `","amount":12.5,"customer":{"email":"ada@example.com"}}`
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest("POST", "/hooks/"+hookID, strings.NewReader(bodies[i]))
		req.Header.Set("Content-Type", jsonType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("answer %d %s", rec.Code, rec.Body)
		}
	}
}

package webhookserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/hookflow/hookflow/internal/testenv"
)

func TestRequestLineString(t *testing.T) {
	cases := []struct {
		line RequestLine
		want string
	}{
		{RequestLine{Method: "POST", Namespace: "default", Workflow: "order-webhook", Code: 200, Duration: 3123456 * time.Nanosecond}, "POST  default/order-webhook  200  3.1ms"},
		{RequestLine{Method: "GET", Namespace: "shop", Workflow: "orders", Code: 422, Duration: 850400 * time.Nanosecond}, "GET   shop/orders  422  850µs"},
		{RequestLine{Method: "POST", Code: 404, Duration: 250 * time.Millisecond}, "POST  -  404  250ms"},
		{RequestLine{Method: "DELETE", Namespace: "shop", Workflow: "orders", Code: 504, Duration: 1234567890}, "DELETE  shop/orders  504  1.23s"},
	}
	for _, tc := range cases {
		if got := tc.line.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestOnRequestSeesEachAnswer calls a server that has an OnRequest hook and
// no metrics: the hook gets each request's method, Workflow, code and
// duration, and never the id of an unknown webhook.
func TestOnRequestSeesEachAnswer(t *testing.T) {
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: ordersID, Route: compile(t, orderWorkflow("orders", "uid-orders")), Limits: defaultLimits}}))
	var (
		mu    sync.Mutex
		lines []RequestLine
	)
	srv := New(Options{Routes: routes, Records: &fakeRecords{}, Log: logr.Discard(), Now: func() time.Time { return now },
		OnRequest: func(l RequestLine) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, l)
		}})
	srv.SetReady()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	calls := []struct {
		method, id, body string
		code             int
	}{
		{"POST", ordersID, `{"order_id":"A-1","amount":1}`, 200},
		{"POST", ordersID, `{"amount":1}`, 400},
		{"POST", "unknown-secret-id", `{}`, 404},
	}
	for _, call := range calls {
		if a := testenv.Call(t, call.method, ts.URL+"/hooks/"+call.id, jsonType, call.body); a.Code != call.code {
			t.Fatalf("%s /hooks/%s: %d, want %d: %s", call.method, call.id, a.Code, call.code, a.Raw)
		}
	}
	// Other paths are not webhook requests.
	if resp, err := http.Get(ts.URL + "/healthz"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}

	mu.Lock()
	defer mu.Unlock()
	if len(lines) != len(calls) {
		t.Fatalf("OnRequest got %d lines, want %d: %+v", len(lines), len(calls), lines)
	}
	for i, call := range calls {
		l := lines[i]
		wantNS, wantWF := "shop", "orders"
		if call.id != ordersID {
			wantNS, wantWF = "", ""
		}
		if l.Method != call.method || l.Namespace != wantNS || l.Workflow != wantWF || l.Code != call.code || l.Duration <= 0 {
			t.Errorf("line %d: %+v, want %s %s/%s %d with a duration", i, l, call.method, wantNS, wantWF, call.code)
		}
		if strings.Contains(l.String(), call.id) {
			t.Errorf("line %q shows the webhook id", l.String())
		}
	}
}

// discardWriter is an http.ResponseWriter that keeps nothing, reused from
// request to request.
type discardWriter struct{ header http.Header }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// TestOnRequestAllocatesNothing compares the allocations of a request with
// metrics only and with metrics and an OnRequest hook: handing the line to
// the hook allocates nothing, so a server without one pays nothing either.
func TestOnRequestAllocatesNothing(t *testing.T) {
	routes := NewRoutes()
	routes.Store(NewTable(nil))
	allocs := func(onRequest func(RequestLine)) float64 {
		srv := New(Options{Routes: routes, Records: &fakeRecords{}, Log: logr.Discard(), Metrics: NewMetrics(), OnRequest: onRequest})
		h := srv.Handler()
		req := httptest.NewRequest("GET", "/hooks/unknown", nil)
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, req) // the metrics' label values are created once
		return testing.AllocsPerRun(200, func() {
			clear(w.header)
			h.ServeHTTP(w, req)
		})
	}
	calls := 0
	without, with := allocs(nil), allocs(func(RequestLine) { calls++ })
	if calls == 0 {
		t.Fatal("the hook was never called")
	}
	// Under the race detector sync.Pool drops gin's contexts at random:
	// the counts of two runs may differ by one either way. A hook that
	// allocated per request would add several (a RequestLine boxed, a
	// formatted line: 5 more in a deliberately allocating hook).
	slack := 0.0
	if raceDetector {
		slack = 1
	}
	if with > without+slack {
		t.Errorf("a request allocates %.1f times with an OnRequest hook, %.1f without", with, without)
	}
}

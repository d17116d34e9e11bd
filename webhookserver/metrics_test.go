package webhookserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/time/rate"

	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/testenv"
)

// Ids of the webhooks of the metrics test: secrets that must never be a
// label value.
const (
	ordersID   = "3f9c0a7d2b1e4c56"
	refundsID  = "9a8b7c6d5e4f3a21"
	paymentsID = "1b2c3d4e5f6a7b8c"
)

// metricsTestServer serves three Workflows of namespace shop: orders, with
// a rate limit of three requests (the clock never moves); refunds, with no
// run slot; payments, unbounded.
func metricsTestServer(t *testing.T) (*httptest.Server, *Metrics, *fakeRecords) {
	t.Helper()
	records := &fakeRecords{}
	routes := NewRoutes()
	table := NewTable([]*Entry{
		{ID: ordersID, Route: compile(t, orderWorkflow("orders", "uid-orders")), Limits: defaultLimits, Limiter: rate.NewLimiter(rate.Every(time.Hour), 3)},
		{ID: refundsID, Route: compile(t, orderWorkflow("refunds", "uid-refunds")), Limits: defaultLimits, Runs: NewSlots(0)},
		{ID: paymentsID, Route: compile(t, orderWorkflow("payments", "uid-payments")), Limits: defaultLimits},
	})
	routes.Store(table)
	metrics := NewMetrics()
	metrics.routeTableBuilt(table, now)
	srv := New(Options{Routes: routes, Records: records, Log: logr.Discard(), Now: func() time.Time { return now }, Metrics: metrics})
	srv.SetReady()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, metrics, records
}

func TestMetricsCountRequestsRunsAndRefusals(t *testing.T) {
	ts, metrics, records := metricsTestServer(t)
	valid := `{"order_id":"A-1","amount":1}`
	calls := []struct {
		id, body string
		code     int
	}{
		{ordersID, valid, 200},
		{ordersID, valid, 200},
		{ordersID, `{"amount":1}`, 400}, // takes the last token
		{ordersID, valid, 429},
		{"unknown-secret-id", valid, 404},
		{refundsID, valid, 503},
	}
	for _, call := range calls {
		if a := testenv.Call(t, "POST", ts.URL+"/hooks/"+call.id, jsonType, call.body); a.Code != call.code {
			t.Fatalf("POST /hooks/%s: %d, want %d: %s", call.id, a.Code, call.code, a.Raw)
		}
	}
	records.mu.Lock()
	records.err = fmt.Errorf("database down: %w", store.ErrUnavailable)
	records.mu.Unlock()
	if a := testenv.Call(t, "POST", ts.URL+"/hooks/"+paymentsID, jsonType, valid); a.Code != 503 {
		t.Fatalf("POST with the store down: %d, want 503: %s", a.Code, a.Raw)
	}

	want := `
# HELP hookflow_webhook_requests_total Requests to /hooks/{id} by Workflow and status code; an unknown id has empty namespace and workflow.
# TYPE hookflow_webhook_requests_total counter
hookflow_webhook_requests_total{code="404",namespace="",workflow=""} 1
hookflow_webhook_requests_total{code="200",namespace="shop",workflow="orders"} 2
hookflow_webhook_requests_total{code="400",namespace="shop",workflow="orders"} 1
hookflow_webhook_requests_total{code="429",namespace="shop",workflow="orders"} 1
hookflow_webhook_requests_total{code="503",namespace="shop",workflow="payments"} 1
hookflow_webhook_requests_total{code="503",namespace="shop",workflow="refunds"} 1
# HELP hookflow_runs_total Runs finished, by Workflow and phase (Succeeded or Failed).
# TYPE hookflow_runs_total counter
hookflow_runs_total{namespace="shop",phase="Succeeded",workflow="orders"} 2
hookflow_runs_total{namespace="shop",phase="Failed",workflow="payments"} 1
# HELP hookflow_records_written_total Records created or updated by the steps of runs, by Workflow.
# TYPE hookflow_records_written_total counter
hookflow_records_written_total{namespace="shop",workflow="orders"} 2
# HELP hookflow_store_errors_total Runs that failed because the store was unavailable, by Workflow.
# TYPE hookflow_store_errors_total counter
hookflow_store_errors_total{namespace="shop",workflow="payments"} 1
# HELP hookflow_refusals_total Requests refused before running, by Workflow and reason (rate_limit, capacity).
# TYPE hookflow_refusals_total counter
hookflow_refusals_total{namespace="shop",reason="rate_limit",workflow="orders"} 1
hookflow_refusals_total{namespace="shop",reason="capacity",workflow="refunds"} 1
# HELP hookflow_routes Webhooks in the current route table.
# TYPE hookflow_routes gauge
hookflow_routes 3
# HELP hookflow_route_table_built_timestamp_seconds Unix time the current route table was built.
# TYPE hookflow_route_table_built_timestamp_seconds gauge
hookflow_route_table_built_timestamp_seconds ` + fmt.Sprint(now.Unix()) + `
`
	names := []string{"hookflow_webhook_requests_total", "hookflow_runs_total", "hookflow_records_written_total",
		"hookflow_store_errors_total", "hookflow_refusals_total", "hookflow_routes", "hookflow_route_table_built_timestamp_seconds"}
	if err := testutil.GatherAndCompare(metrics.Registry(), strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}

	// One duration per request, under the same labels as the counts.
	durations := map[[2]string]uint64{{"", ""}: 1, {"shop", "orders"}: 4, {"shop", "refunds"}: 1, {"shop", "payments"}: 1}
	families, err := metrics.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	seen := 0
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
				for _, id := range []string{ordersID, refundsID, paymentsID, "unknown-secret-id"} {
					if strings.Contains(l.GetValue(), id) {
						t.Errorf("%s has the webhook id in its label %s", mf.GetName(), l.GetName())
					}
				}
			}
			if mf.GetName() != "hookflow_webhook_request_duration_seconds" {
				continue
			}
			seen++
			key := [2]string{labels["namespace"], labels["workflow"]}
			if got := m.GetHistogram().GetSampleCount(); got != durations[key] {
				t.Errorf("duration count of %v: %d, want %d", key, got, durations[key])
			}
		}
	}
	if seen != len(durations) {
		t.Errorf("%d duration histograms, want %d", seen, len(durations))
	}
}

// TestMetricsScrape: the handler serves the text format with the server's
// metrics and the Go and process collectors, and never a webhook id.
func TestMetricsScrape(t *testing.T) {
	ts, metrics, _ := metricsTestServer(t)
	testenv.Call(t, "POST", ts.URL+"/hooks/"+ordersID, jsonType, `{"order_id":"A-1"}`)
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`hookflow_webhook_requests_total{code="200",namespace="shop",workflow="orders"} 1`,
		`hookflow_webhook_request_duration_seconds_count{namespace="shop",workflow="orders"} 1`,
		`hookflow_routes 3`,
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if strings.Contains(body, ordersID) {
		t.Error("scrape holds a webhook id")
	}
}

// TestMetricsNotOnTheWebhookPort: /metrics is not served where the
// Ingress routes.
func TestMetricsNotOnTheWebhookPort(t *testing.T) {
	ts, _, _ := metricsTestServer(t)
	if a := testenv.Call(t, "GET", ts.URL+"/metrics", "", ""); a.Code != http.StatusNotFound {
		t.Errorf("GET /metrics on the webhook port: %d, want 404", a.Code)
	}
}

// TestMetricsServer: the metrics listener serves /metrics only, and stops
// when its context ends.
func TestMetricsServer(t *testing.T) {
	metrics := NewMetrics()
	address := make(chan string, 1)
	ms := &metricsServer{address: "127.0.0.1:0", metrics: metrics, log: logr.Discard(), listening: func(a string) { address <- a }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- ms.Start(ctx) }()
	base := "http://" + <-address

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		return resp.StatusCode, string(body)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "hookflow_routes 0") {
		t.Errorf("GET /metrics: %d %q", code, body)
	}
	if code, _ := get("/hooks/" + ordersID); code != http.StatusNotFound {
		t.Errorf("GET /hooks on the metrics port: %d, want 404", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Start: %v", err)
	}
}

package webhookserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runner"
	"github.com/hookflow/hookflow/internal/store"
)

// Reasons of a refusal, the label reason of hookflow_refusals_total.
const (
	refusedRateLimit = "rate_limit"
	refusedCapacity  = "capacity"
)

// Metrics are the Prometheus metrics of one server, on a registry of their
// own. Workflows are labelled by namespace and name only: a webhook id is
// a secret and never a label value. A nil *Metrics records nothing.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	runs        *prometheus.CounterVec
	records     *prometheus.CounterVec
	storeErrs   *prometheus.CounterVec
	refusals    *prometheus.CounterVec
	routes      prometheus.Gauge
	routesBuilt prometheus.Gauge
}

// NewMetrics builds the metrics of a server, with the Go and process
// collectors, on a new registry.
func NewMetrics() *Metrics {
	workflow := []string{"namespace", "workflow"}
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookflow_webhook_requests_total",
			Help: "Requests to /hooks/{id} by Workflow and status code; an unknown id has empty namespace and workflow.",
		}, append(workflow, "code")),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hookflow_webhook_request_duration_seconds",
			Help:    "Time to answer a request to /hooks/{id}, by Workflow.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, workflow),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookflow_runs_total",
			Help: "Runs finished, by Workflow and phase (Succeeded or Failed).",
		}, append(workflow, "phase")),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookflow_records_written_total",
			Help: "Records created or updated by the steps of runs, by Workflow.",
		}, workflow),
		storeErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookflow_store_errors_total",
			Help: "Runs that failed because the store was unavailable, by Workflow.",
		}, workflow),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookflow_refusals_total",
			Help: "Requests refused before running, by Workflow and reason (rate_limit, capacity).",
		}, append(workflow, "reason")),
		routes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hookflow_routes",
			Help: "Webhooks in the current route table.",
		}),
		routesBuilt: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hookflow_route_table_built_timestamp_seconds",
			Help: "Unix time the current route table was built.",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.runs, m.records, m.storeErrs, m.refusals, m.routes, m.routesBuilt,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry of the metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// statusCodes are the label values of the status codes, built once so that
// a request allocates none.
var statusCodes = func() [600]string {
	var codes [600]string
	for i := range codes {
		codes[i] = strconv.Itoa(i)
	}
	return codes
}()

func codeLabel(code int) string {
	if code >= 0 && code < len(statusCodes) {
		return statusCodes[code]
	}
	return strconv.Itoa(code)
}

// workflowOf is the namespace and name of the Workflow served at the
// request's id, or empty strings for an unknown id.
func (s *Server) workflowOf(c *gin.Context) (namespace, name string) {
	if e := s.opts.Routes.Load().Lookup(c.Param("id")); e != nil {
		return e.Route.Namespace, e.Route.Name
	}
	return "", ""
}

// measureHook is the middleware of /hooks/{id}, installed when the server
// has Metrics or an OnRequest hook: once the handler has answered, it
// counts the request by Workflow and status code, observes its duration,
// and hands its RequestLine to OnRequest.
func (s *Server) measureHook(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	namespace, name := s.workflowOf(c)
	code := c.Writer.Status()
	if m := s.opts.Metrics; m != nil {
		m.requests.WithLabelValues(namespace, name, codeLabel(code)).Inc()
		m.duration.WithLabelValues(namespace, name).Observe(elapsed.Seconds())
	}
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(RequestLine{Method: c.Request.Method, Namespace: namespace, Workflow: name, Code: code, Duration: elapsed})
	}
}

// refused counts a request of e refused for reason.
func (m *Metrics) refused(e *Entry, reason string) {
	if m == nil {
		return
	}
	m.refusals.WithLabelValues(e.Route.Namespace, e.Route.Name, reason).Inc()
}

// runFinished counts a finished run of e: its phase, the records its steps
// wrote and, when the store was unavailable, a store error.
func (m *Metrics) runFinished(e *Entry, res runner.Result) {
	if m == nil {
		return
	}
	namespace, name := e.Route.Namespace, e.Route.Name
	phase := v1alpha1.RunSucceeded
	if res.Err != nil {
		phase = v1alpha1.RunFailed
	}
	m.runs.WithLabelValues(namespace, name, string(phase)).Inc()
	written := 0
	for _, step := range res.Steps {
		if step.Phase == v1alpha1.RunSucceeded && step.RecordID != "" {
			written++
		}
	}
	if written > 0 {
		m.records.WithLabelValues(namespace, name).Add(float64(written))
	}
	if errors.Is(res.Err, store.ErrUnavailable) {
		m.storeErrs.WithLabelValues(namespace, name).Inc()
	}
}

// routeTableBuilt sets the size of the new route table and its build time.
func (m *Metrics) routeTableBuilt(t *Table, built time.Time) {
	if m == nil {
		return
	}
	m.routes.Set(float64(t.Len()))
	m.routesBuilt.Set(float64(built.UnixNano()) / 1e9)
}

// metricsServer serves /metrics on its own listener, apart from the
// webhooks (which the Ingress routes). It is a controller-runtime Runnable.
type metricsServer struct {
	address string
	metrics *Metrics
	log     logr.Logger
	// listening, when set, is told the address listened on.
	listening func(address string)
}

// NeedLeaderElection is false: every replica serves its metrics.
func (ms *metricsServer) NeedLeaderElection() bool { return false }

// metricsShutdownTimeout bounds the wait for scrapes in flight on shutdown.
const metricsShutdownTimeout = 5 * time.Second

// Start serves /metrics until ctx is done, then shuts down gracefully.
func (ms *metricsServer) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", ms.address)
	if err != nil {
		return fmt.Errorf("listen for metrics on %s: %w", ms.address, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", ms.metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: idleTimeout}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	ms.log.Info("Serving metrics", "address", ln.Addr().String())
	if ms.listening != nil {
		ms.listening(ln.Addr().String())
	}
	select {
	case err := <-served:
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), metricsShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down metrics: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve metrics: %w", err)
	}
	return nil
}

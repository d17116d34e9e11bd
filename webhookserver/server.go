// Package webhookserver is the gin HTTP server that serves the webhooks of
// Ready Workflows at /hooks/{id}.
package webhookserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-logr/logr"
	"github.com/google/uuid"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// Options configure a Server.
type Options struct {
	// BindAddress is host:port to listen on.
	BindAddress string
	// Routes is the route table the server reads; RouteSync keeps it current.
	Routes *Routes
	// Records is where steps write.
	Records store.RecordStore
	// Log receives structured logs.
	Log logr.Logger
	// DrainDelay is how long the server keeps accepting requests after it
	// was told to stop, with /readyz failing, so that load balancers take it
	// out of rotation before it closes its listener.
	DrainDelay time.Duration
	// ShutdownTimeout bounds the wait for in-flight requests on shutdown;
	// by default the longest request timeout of the routes, plus 5s.
	ShutdownTimeout time.Duration
	// ReadTimeout bounds the reading of each request, headers and body
	// (the WebhookServer's limits.readTimeout); DefaultReadTimeout when 0.
	ReadTimeout time.Duration
	// Idempotency keeps the runs written as they begin: those of requests
	// with an Idempotency-Key, and OnReceipt runs. Without it the header is
	// ignored and OnReceipt routes answer 503.
	Idempotency store.RunStore
	// Runs keeps the history of runs as WorkflowRuns; nil keeps none.
	Runs *runhistory.Recorder
	// Stopped, when set, is closed once Start has returned: the in-flight
	// requests have finished, or the shutdown timeout has passed. Runs
	// waits for it before its last flush.
	Stopped chan<- struct{}
	// LeaseMargin is added to a route's request timeout to make the lease
	// of a run written as it begins (idempotent and OnReceipt runs): past
	// it, the replica running it is presumed dead. DefaultLeaseMargin
	// when 0.
	LeaseMargin time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Captures writes captured samples to Workflows' status (patch of
	// workflows/status); without it a capture answers 503.
	Captures CaptureWriter
	// Metrics, when set, count the requests and runs; nil counts nothing.
	Metrics *Metrics
	// OnRequest, when set, is called with each answered request to
	// /hooks/{id}, on the request's goroutine; it must not block.
	OnRequest func(RequestLine)
}

// DefaultLeaseMargin is the LeaseMargin of a server that sets none.
const DefaultLeaseMargin = 10 * time.Second

// Bounds of the server that no WebhookServer changes.
const (
	// maxHeaderBytes bounds the request line and headers.
	maxHeaderBytes = 64 << 10
	// idleTimeout closes keep-alive connections left unused.
	idleTimeout = 60 * time.Second
	// replayCacheSize bounds the signs remembered against replays; a server
	// that holds that many unexpired signs answers 503 to signed requests
	// rather than let a replay through.
	replayCacheSize = 500_000
)

// Server serves webhooks. It is a controller-runtime Runnable.
type Server struct {
	opts    Options
	engine  *gin.Engine
	replays *signing.ReplayCache
	ready   atomic.Bool
	address atomic.Pointer[string]
	// accepted counts the OnReceipt runs whose steps are running after
	// their answer: shutdown waits for them.
	accepted sync.WaitGroup
	// docs is the API documentation of the current route table.
	docs docsCache
}

// New builds a Server.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = v1alpha1.DefaultReadTimeout
	}
	if opts.LeaseMargin <= 0 {
		opts.LeaseMargin = DefaultLeaseMargin
	}
	gin.SetMode(gin.ReleaseMode)
	// A timestamp may be up to a window in the future: its sign is kept for
	// two windows, so that it cannot be replayed while it is still fresh.
	s := &Server{opts: opts, replays: signing.NewReplayCache(2*signing.Window, replayCacheSize)}
	e := gin.New()
	e.Use(s.recovery)
	e.HandleMethodNotAllowed = false
	if opts.Metrics != nil || opts.OnRequest != nil {
		e.Any("/hooks/:id", s.measureHook, s.hook)
	} else {
		e.Any("/hooks/:id", s.hook)
	}
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.json", s.openAPI)
	e.GET("/docs", s.docsPage)
	e.NoRoute(func(c *gin.Context) { abort(c, http.StatusNotFound, errorBody{Msg: msgNotFound}) })
	s.engine = e
	return s
}

// Routes returns the route table the server reads.
func (s *Server) Routes() *Routes { return s.opts.Routes }

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

// SetReady marks the server ready: /readyz answers 200.
func (s *Server) SetReady() { s.ready.Store(true) }

// Addr is the address the server listens on, once started.
func (s *Server) Addr() string {
	if a := s.address.Load(); a != nil {
		return *a
	}
	return ""
}

// NeedLeaderElection is false: every replica serves.
func (s *Server) NeedLeaderElection() bool { return false }

// Start serves until ctx is done, then stops accepting connections and
// waits for in-flight requests, up to the shutdown timeout.
func (s *Server) Start(ctx context.Context) error {
	if s.opts.Stopped != nil {
		defer close(s.opts.Stopped)
	}
	ln, err := net.Listen("tcp", s.opts.BindAddress)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.opts.BindAddress, err)
	}
	addr := ln.Addr().String()
	s.address.Store(&addr)
	// Headers and body must arrive within ReadTimeout: a client that
	// trickles them is cut off. Answers have no write deadline: a run's
	// answer is written once the run is durable, whatever it took.
	srv := &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: s.opts.ReadTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.opts.Log.Info("Serving webhooks", "address", addr)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.ready.Store(false)
	if s.opts.DrainDelay > 0 {
		s.opts.Log.Info("Draining: still serving, not ready", "delay", s.opts.DrainDelay)
		time.Sleep(s.opts.DrainDelay)
	}
	timeout := s.opts.ShutdownTimeout
	if timeout == 0 {
		timeout = max(v1alpha1.DefaultRequestTimeout, s.opts.Routes.Load().MaxRequestTimeout()) + 5*time.Second
	}
	s.opts.Log.Info("Shutting down, finishing in-flight requests", "timeout", timeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.waitAccepted(shutdownCtx)
	return nil
}

// waitAccepted waits for the OnReceipt runs still running their steps, up
// to the end of ctx. A run cut off is left Accepted: another replica
// finishes it once its lease has passed.
func (s *Server) waitAccepted(ctx context.Context) {
	done := make(chan struct{})
	go func() { s.accepted.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.opts.Log.Info("Shutdown timeout passed with OnReceipt runs unfinished; another replica will finish them")
	}
}

// recovery turns a panic into a JSON 500 and a log line.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.opts.Log.Error(fmt.Errorf("panic: %v", r), "Request handler panicked", "path", c.FullPath())
			abort(c, http.StatusInternalServerError, errorBody{Msg: msgInternal})
		}
	}()
	c.Next()
}

func newRunID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

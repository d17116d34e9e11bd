package webhookserver

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/serverresources"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/store/pgruns"
	"github.com/hookflow/hookflow/internal/store/pgstore"
)

// closeAfter runs a Runnable and, once it has returned, close.
type closeAfter struct {
	manager.Runnable
	close func()
}

func (c *closeAfter) Start(ctx context.Context) error {
	defer c.close()
	return c.Runnable.Start(ctx)
}

// NeedLeaderElection is false: every replica runs it.
func (c *closeAfter) NeedLeaderElection() bool { return false }

// Config of a server added to a manager.
type Config struct {
	// BindAddress is host:port to listen on.
	BindAddress string
	// Scope selects the Workflows served.
	Scope Scope
	// DrainDelay: see Options.
	DrainDelay time.Duration
	// ReadTimeout: see Options.
	ReadTimeout time.Duration
	// RunFlushInterval is how often the runs are written as WorkflowRuns;
	// runhistory.DefaultFlushInterval when 0.
	RunFlushInterval time.Duration
	// RecoveryInterval is how often unfinished OnReceipt runs are looked
	// for; DefaultRecoveryInterval when 0.
	RecoveryInterval time.Duration
	// LeaseMargin: see Options.
	LeaseMargin time.Duration
	// RunStore, when set, keeps the runs in a PostgreSQL table instead of
	// WorkflowRuns.
	RunStore *PostgresRuns
	// MetricsAddress, when set, is host:port of /metrics, served on its own
	// listener; empty or "0" serves no metrics.
	MetricsAddress string
	// Postgres tunes the group commit of the records of Worksheets kept in
	// PostgreSQL.
	Postgres pgstore.Options
	// OnRequest: see Options.
	OnRequest func(RequestLine)
}

// PostgresRuns locates a WebhookServer's runs table.
type PostgresRuns struct {
	// Connection is the connection string (a secret).
	Connection string
	// Table is the table's name.
	Table string
}

// CacheOptions are the cache settings of a server process that serves the
// Workflows of one WebhookServer: its namespace only, and of the Secrets
// only the WebhookServer's credentials, which is all its Role may read.
func CacheOptions(namespace, server string) cache.Options {
	credentials := serverresources.CredentialsSecretName(&v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Name: server}})
	return cache.Options{
		DefaultNamespaces: map[string]cache.Config{namespace: {}},
		DefaultTransform:  cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Field: fields.OneTermEqualSelector("metadata.name", credentials)},
		},
	}
}

// AddToManager builds a Server and adds it, its RouteSync, its run history
// and its Recovery of OnReceipt runs to mgr. The
// server becomes ready once the first route table is built.
func AddToManager(mgr ctrl.Manager, cfg Config) (*Server, error) {
	log := mgr.GetLogger().WithName("webhookserver")
	routes := NewRoutes()
	stopped := make(chan struct{})
	pools := pgstore.NewPools(pgstore.PoolOptions{})
	if cfg.Postgres.Log.GetSink() == nil {
		cfg.Postgres.Log = log.WithName("postgres")
	}
	pgRecords := pgstore.NewRecords(pools, cfg.Postgres)
	var (
		idempotency store.RunStore    = &crstore.IdempotentRuns{Client: mgr.GetClient()}
		history     runhistory.Writer = runhistory.ClientWriter{Client: mgr.GetClient()}
	)
	if rs := cfg.RunStore; rs != nil {
		pool, err := pools.Get(rs.Connection)
		if err != nil {
			return nil, fmt.Errorf("run store: %w", err)
		}
		runs, err := pgruns.New(pool, rs.Table)
		if err != nil {
			return nil, fmt.Errorf("run store: %w", err)
		}
		runs.HistoryLimits = func(namespace, workflow string) runhistory.Limits {
			if e := routes.Load().Workflow(namespace, workflow); e != nil {
				return e.History
			}
			return runhistory.LimitsOf(nil)
		}
		idempotency, history = runs, runs
		if err := mgr.Add(&pgruns.Pruner{Runs: runs, Log: log.WithName("run-pruner")}); err != nil {
			return nil, fmt.Errorf("add run pruner: %w", err)
		}
	}
	var metrics *Metrics
	if cfg.MetricsAddress != "" && cfg.MetricsAddress != "0" {
		metrics = NewMetrics()
		if err := mgr.Add(&metricsServer{address: cfg.MetricsAddress, metrics: metrics, log: log.WithName("metrics")}); err != nil {
			return nil, fmt.Errorf("add metrics server: %w", err)
		}
	}
	runs := runhistory.NewRecorder(history,
		runhistory.Options{FlushInterval: cfg.RunFlushInterval, Drained: stopped, Log: log.WithName("runs")})
	srv := New(Options{
		BindAddress: cfg.BindAddress,
		Routes:      routes,
		Records:     store.ByKind{CustomResource: &crstore.Records{Client: mgr.GetClient()}, Postgres: pgRecords},
		Idempotency: idempotency,
		Log:         log,
		DrainDelay:  cfg.DrainDelay,
		ReadTimeout: cfg.ReadTimeout,
		Runs:        runs,
		Stopped:     stopped,
		LeaseMargin: cfg.LeaseMargin,
		Captures:    mgr.GetClient().Status(),
		Metrics:     metrics,
		OnRequest:   cfg.OnRequest,
	})
	sync := &RouteSync{
		Cache:   mgr.GetCache(),
		Scope:   cfg.Scope,
		Routes:  routes,
		Log:     log.WithName("routes"),
		OnBuilt: func(t *Table) { srv.SetReady(); metrics.routeTableBuilt(t, time.Now()) },
	}
	if err := mgr.Add(sync); err != nil {
		return nil, fmt.Errorf("add route sync: %w", err)
	}
	if err := mgr.Add(srv); err != nil {
		return nil, fmt.Errorf("add webhook server: %w", err)
	}
	// The run history flushes last, once the server has stopped; the
	// PostgreSQL pools close after it.
	if err := mgr.Add(&closeAfter{Runnable: runs, close: func() { pgRecords.Close(); pools.Close() }}); err != nil {
		return nil, fmt.Errorf("add run history: %w", err)
	}
	recovery := &Recovery{Server: srv, Namespace: cfg.Scope.Namespace, Interval: cfg.RecoveryInterval, Log: log.WithName("recovery")}
	if err := mgr.Add(recovery); err != nil {
		return nil, fmt.Errorf("add run recovery: %w", err)
	}
	return srv, nil
}

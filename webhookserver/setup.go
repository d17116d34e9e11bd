package webhookserver

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/serverresources"
	"github.com/hookflow/hookflow/internal/store/crstore"
)

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
	runs := runhistory.NewRecorder(runhistory.ClientWriter{Client: mgr.GetClient()},
		runhistory.Options{FlushInterval: cfg.RunFlushInterval, Drained: stopped, Log: log.WithName("runs")})
	srv := New(Options{
		BindAddress: cfg.BindAddress,
		Routes:      routes,
		Records:     &crstore.Records{Client: mgr.GetClient()},
		Idempotency: &crstore.IdempotentRuns{Client: mgr.GetClient()},
		Log:         log,
		DrainDelay:  cfg.DrainDelay,
		ReadTimeout: cfg.ReadTimeout,
		Runs:        runs,
		Stopped:     stopped,
		LeaseMargin: cfg.LeaseMargin,
		Captures:    mgr.GetClient().Status(),
	})
	sync := &RouteSync{
		Cache:   mgr.GetCache(),
		Scope:   cfg.Scope,
		Routes:  routes,
		Log:     log.WithName("routes"),
		OnBuilt: func(*Table) { srv.SetReady() },
	}
	if err := mgr.Add(sync); err != nil {
		return nil, fmt.Errorf("add route sync: %w", err)
	}
	if err := mgr.Add(srv); err != nil {
		return nil, fmt.Errorf("add webhook server: %w", err)
	}
	if err := mgr.Add(runs); err != nil {
		return nil, fmt.Errorf("add run history: %w", err)
	}
	recovery := &Recovery{Server: srv, Namespace: cfg.Scope.Namespace, Interval: cfg.RecoveryInterval, Log: log.WithName("recovery")}
	if err := mgr.Add(recovery); err != nil {
		return nil, fmt.Errorf("add run recovery: %w", err)
	}
	return srv, nil
}

package webhookserver

import (
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

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
}

// AddToManager builds a Server and adds it and its RouteSync to mgr. The
// server becomes ready once the first route table is built.
func AddToManager(mgr ctrl.Manager, cfg Config) (*Server, error) {
	log := mgr.GetLogger().WithName("webhookserver")
	routes := NewRoutes()
	srv := New(Options{
		BindAddress: cfg.BindAddress,
		Routes:      routes,
		Records:     &crstore.Records{Client: mgr.GetClient()},
		Log:         log,
		DrainDelay:  cfg.DrainDelay,
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
	return srv, nil
}

package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/webhookserver"
)

func runServer(args []string) error {
	var (
		common     commonFlags
		namespace  string
		serverName string
		bindAddr   string
		metricsAdr string
		drainDelay time.Duration
		readTime   time.Duration
		runKey     string
		runTable   string
	)
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	// The server writes one record per request: the client-side limit must
	// not be what bounds it (client-go's default is 5/s).
	common.bind(fs, 1000, 2000)
	fs.StringVar(&namespace, "namespace", os.Getenv("POD_NAMESPACE"), "Namespace whose Workflows are served (default $POD_NAMESPACE).")
	fs.StringVar(&serverName, "webhook-server", "", "Serve only the Workflows bound to this WebhookServer.")
	fs.StringVar(&bindAddr, "bind-address", ":8080", "Address of /hooks/{id}, /healthz and /readyz.")
	fs.StringVar(&metricsAdr, "metrics-bind-address", ":9090", "Address of /metrics, on its own listener, apart from the webhooks; empty or 0 turns it off.")
	fs.DurationVar(&drainDelay, "drain-delay", 5*time.Second, "On SIGTERM, keep serving this long with /readyz failing before closing the listener.")
	fs.DurationVar(&readTime, "read-timeout", v1alpha1.DefaultReadTimeout, "Bound on reading the headers and body of one request (the WebhookServer's limits.readTimeout).")
	fs.StringVar(&runKey, "run-store-key", "", "Keep the runs in PostgreSQL: the key of the credentials Secret holding the connection string.")
	fs.StringVar(&runTable, "run-table", v1alpha1.DefaultRunsTable, "Table of the runs kept in PostgreSQL.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if namespace == "" || serverName == "" {
		return fmt.Errorf("--namespace and --webhook-server are required: a server serves the Workflows of one WebhookServer")
	}
	cfg, err := common.setup()
	if err != nil {
		return err
	}
	// The server bounds its own shutdown by its routes' request timeouts; the
	// pod's termination grace period bounds the whole.
	noTimeout := time.Duration(-1)
	// The server serves its own /healthz and /readyz on its one port.
	mgrOpts := scheme.LocalManagerOptions()
	mgrOpts.Cache = webhookserver.CacheOptions(namespace, serverName)
	mgrOpts.GracefulShutdownTimeout = &noTimeout
	mgr, err := ctrl.NewManager(cfg, mgrOpts)
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	ctx := ctrl.SetupSignalHandler()
	serverCfg := webhookserver.Config{
		BindAddress:    bindAddr,
		MetricsAddress: metricsAdr,
		Scope:          webhookserver.Scope{Namespace: namespace, Server: serverName},
		DrainDelay:     drainDelay,
		ReadTimeout:    readTime,
	}
	if runKey != "" {
		conn, err := webhookserver.WaitForCredential(ctx, mgr.GetAPIReader(), namespace, serverName, runKey, mgr.GetLogger())
		if err != nil {
			return err
		}
		serverCfg.RunStore = &webhookserver.PostgresRuns{Connection: conn, Table: runTable}
	}
	if _, err := webhookserver.AddToManager(mgr, serverCfg); err != nil {
		return err
	}
	return mgr.Start(ctx)
}

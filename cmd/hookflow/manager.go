package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/idsalt"
	"github.com/hookflow/hookflow/internal/scheme"
)

// saltTimeout bounds reading (or creating) the webhook id salt at start.
const saltTimeout = time.Minute

// managerFlags are the flags of `hookflow manager`.
type managerFlags struct {
	common           commonFlags
	metricsAddr      string
	probeAddr        string
	leaderElect      bool
	serverImage      string
	allowCustomImage bool
	namespace        string
	saltSecret       string
}

func (f *managerFlags) parse(args []string) error {
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	f.common.bind(fs, 50, 100)
	fs.StringVar(&f.metricsAddr, "metrics-bind-address", "0", "Address of the metrics endpoint; 0 turns it off.")
	fs.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "Address of /healthz and /readyz.")
	fs.BoolVar(&f.leaderElect, "leader-elect", false, "Elect a leader, so that only one manager replica reconciles.")
	fs.StringVar(&f.serverImage, "server-image", os.Getenv("HOOKFLOW_SERVER_IMAGE"), "Image of WebhookServer Deployments that set none (default $HOOKFLOW_SERVER_IMAGE).")
	fs.BoolVar(&f.allowCustomImage, "allow-custom-server-image", false, "Honour WebhookServer spec.image; off, a WebhookServer that sets one is not deployed.")
	fs.StringVar(&f.namespace, "namespace", os.Getenv("POD_NAMESPACE"), "Namespace of the manager, which holds the webhook id salt Secret (default $POD_NAMESPACE).")
	fs.StringVar(&f.saltSecret, "webhook-id-salt-secret", "hookflow-webhook-id-salt",
		"Secret in --namespace whose key \"salt\" keys the webhook ids; created with a random salt when absent.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.serverImage == "" {
		return fmt.Errorf("--server-image (or $HOOKFLOW_SERVER_IMAGE) is required: the image of the webhook server pods")
	}
	if f.namespace == "" {
		return fmt.Errorf("--namespace (or $POD_NAMESPACE) is required: the namespace of the webhook id salt Secret")
	}
	if f.saltSecret == "" {
		return fmt.Errorf("--webhook-id-salt-secret must not be empty")
	}
	return nil
}

// The manager reads its webhook id salt, and creates it on first start.
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;create

func runManager(args []string) error {
	var f managerFlags
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := f.common.setup()
	if err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	salt, err := webhookIDSalt(ctx, cfg, f.namespace, f.saltSecret)
	if err != nil {
		return err
	}
	mgrOpts := scheme.ManagerOptions()
	mgrOpts.Metrics = metricsserver.Options{BindAddress: f.metricsAddr}
	mgrOpts.HealthProbeBindAddress = f.probeAddr
	mgrOpts.LeaderElection = f.leaderElect
	mgrOpts.LeaderElectionID = "hookflow-manager.hookflow.dev"
	mgr, err := ctrl.NewManager(cfg, mgrOpts)
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := controllers.SetupAll(ctx, mgr, controllers.Options{
		IDSalt:                 salt,
		ServerImage:            f.serverImage,
		AllowCustomServerImage: f.allowCustomImage,
	}); err != nil {
		return err
	}
	return mgr.Start(ctx)
}

// webhookIDSalt reads the salt from the Secret namespace/name, creating it
// on first start, with a client of its own: the manager's reads from a cache
// that is not started yet.
func webhookIDSalt(ctx context.Context, cfg *rest.Config, namespace, name string) ([]byte, error) {
	c, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, saltTimeout)
	defer cancel()
	salt, err := idsalt.Ensure(ctx, c, namespace, name)
	if err != nil {
		return nil, err
	}
	ctrl.Log.WithName("setup").Info("Webhook ids are keyed by the salt of a Secret", "namespace", namespace, "secret", name)
	return salt, nil
}

package main

import (
	"flag"
	"fmt"
	"os"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/scheme"
)

func runManager(args []string) error {
	var (
		common      commonFlags
		metricsAddr string
		probeAddr   string
		leaderElect bool
		serverImage string
	)
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	common.bind(fs)
	fs.StringVar(&metricsAddr, "metrics-bind-address", "0", "Address of the metrics endpoint; 0 turns it off.")
	fs.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "Address of /healthz and /readyz.")
	fs.BoolVar(&leaderElect, "leader-elect", false, "Elect a leader, so that only one manager replica reconciles.")
	fs.StringVar(&serverImage, "server-image", os.Getenv("HOOKFLOW_SERVER_IMAGE"), "Image of WebhookServer Deployments that set none (default $HOOKFLOW_SERVER_IMAGE).")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if serverImage == "" {
		return fmt.Errorf("--server-image (or $HOOKFLOW_SERVER_IMAGE) is required: the image of the webhook server pods")
	}
	cfg, err := common.setup()
	if err != nil {
		return err
	}
	mgrOpts := scheme.ManagerOptions()
	mgrOpts.Metrics = metricsserver.Options{BindAddress: metricsAddr}
	mgrOpts.HealthProbeBindAddress = probeAddr
	mgrOpts.LeaderElection = leaderElect
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
	ctx := ctrl.SetupSignalHandler()
	if err := controllers.SetupAll(ctx, mgr, controllers.Options{
		IDSalt:      []byte(os.Getenv("HOOKFLOW_WEBHOOK_ID_SALT")),
		ServerImage: serverImage,
	}); err != nil {
		return err
	}
	return mgr.Start(ctx)
}

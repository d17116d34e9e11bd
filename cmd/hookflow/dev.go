package main

import (
	"flag"
	"os"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/hookflow/hookflow/internal/devenv"
)

func runDev(args []string) error {
	var (
		opts    devenv.Options
		zapOpts zap.Options
	)
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.StringVar(&opts.AssetsDir, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory with etcd, kube-apiserver and kubectl (hack/control-plane.sh prints it).")
	fs.StringVar(&opts.CRDDir, "crds", "config/crd/bases", "Directory of the CRD manifests.")
	fs.StringVar(&opts.SamplesDir, "samples", "config/samples", "Directory of the manifests to apply.")
	fs.BoolVar(&opts.Postgres, "postgres", false, "Also run a local PostgreSQL (thrown away on exit), put its connection string in the Secret "+devenv.PostgresSecret+
		" of the samples' namespaces and in <state>/"+devenv.PostgresDSNFile+", and apply the PostgreSQL samples.")
	fs.StringVar(&opts.PostgresSamplesDir, "postgres-samples", "", "Directory of the manifests to apply with --postgres (default <samples>/postgres).")
	fs.StringVar(&opts.StateDir, "state", ".dev", "Directory where the kubeconfig is written and the webhook id salt is kept across runs.")
	fs.StringVar(&opts.BindAddress, "bind-address", "127.0.0.1:8080", "Address of the webhook server.")
	fs.StringVar(&opts.KubectlPath, "kubectl", "bin/kubectl", "kubectl shown in the printed commands.")
	fs.StringVar(&opts.PluginPath, "plugin", "bin/kubectl-hookflow", "kubectl-hookflow shown in the printed commands.")
	zapOpts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := zap.New(zap.UseFlagOptions(&zapOpts))
	ctrl.SetLogger(log)
	opts.Log = log
	opts.Out = os.Stdout
	return devenv.Run(ctrl.SetupSignalHandler(), opts)
}

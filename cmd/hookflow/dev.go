package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/hookflow/hookflow/internal/devenv"
)

func runDev(args []string) error {
	var (
		opts      devenv.Options
		zapOpts   zap.Options
		pprofAddr string
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
	fs.StringVar(&pprofAddr, "pprof", "", "Serve net/http/pprof on this address (e.g. 127.0.0.1:6060), for profiling the whole process; off when empty.")
	zapOpts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := zap.New(zap.UseFlagOptions(&zapOpts))
	ctrl.SetLogger(log)
	opts.Log = log
	opts.Out = os.Stdout
	if pprofAddr != "" {
		if err := servePprof(pprofAddr); err != nil {
			return err
		}
		log.Info("Serving pprof", "address", pprofAddr)
	}
	return devenv.Run(ctrl.SetupSignalHandler(), opts)
}

// servePprof serves net/http/pprof's handlers on addr for the life of the
// process.
func servePprof(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return nil
}

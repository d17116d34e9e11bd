//go:build dev

package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/hookflow/hookflow/cmd/hookflow/devenv"
)

func runDev(args []string) error {
	var (
		opts          devenv.Options
		zapOpts       zap.Options
		pprofAddr     string
		verbose       bool
		printRequests bool
	)
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.StringVar(&opts.AssetsDir, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory with etcd, kube-apiserver and kubectl (hack/control-plane.sh prints it).")
	fs.StringVar(&opts.CRDDir, "crds", "config/crd/bases", "Directory of the CRD manifests.")
	fs.StringVar(&opts.SamplesDir, "samples", "config/samples", "Directory of the manifests to apply.")
	fs.BoolVar(&opts.Postgres, "postgres", false, "Also run a local PostgreSQL (thrown away on exit), put its connection string in the Secret "+devenv.PostgresSecret+
		" of the samples' namespaces and in <state>/"+devenv.PostgresDSNFile+", and apply the PostgreSQL samples.")
	fs.StringVar(&opts.PostgresSamplesDir, "postgres-samples", "", "Directory of the manifests to apply with --postgres (default <samples>/postgres).")
	fs.StringVar(&opts.StateDir, "state", ".dev", "Directory where the kubeconfig is written, the logs are appended to "+devenv.LogFile+" and the webhook id salt is kept across runs.")
	fs.StringVar(&opts.BindAddress, "bind-address", "127.0.0.1:8080", "Address of the webhook server.")
	fs.StringVar(&opts.KubectlPath, "kubectl", "bin/kubectl", "kubectl shown in the printed commands.")
	fs.StringVar(&opts.PluginPath, "plugin", "bin/kubectl-hookflow", "kubectl-hookflow shown in the printed commands.")
	fs.StringVar(&opts.MetricsAddress, "metrics-bind-address", "127.0.0.1:9090", "Address of the webhook server's /metrics, printed in the summary; empty or 0 turns it off.")
	fs.BoolVar(&verbose, "verbose", false, "Also write the logs to the console (stderr); they always go to <state>/"+devenv.LogFile+".")
	fs.BoolVar(&printRequests, "print-requests", true, "Print one line per request to /hooks/{id} on the console: method, namespace/workflow, status, duration.")
	fs.StringVar(&pprofAddr, "pprof", "", "Serve net/http/pprof on this address (e.g. 127.0.0.1:6060), for profiling the whole process; off when empty.")
	zapOpts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The console shows the summary and the requests; the logs go to a
	// file, and with --verbose to stderr too.
	logFile, err := devenv.OpenLog(opts.StateDir)
	if err != nil {
		return err
	}
	defer logFile.Close()
	var tee io.Writer
	if verbose {
		tee = os.Stderr
	}
	log := devenv.NewLogger(zapOpts, logFile, tee)
	ctrl.SetLogger(log)
	klog.SetLogger(log) // client-go's own logs
	opts.Log = log
	opts.LogPath = logFile.Name()
	opts.Out = os.Stdout
	if printRequests {
		opts.Requests = os.Stdout
	}
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

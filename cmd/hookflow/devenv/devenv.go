// Package devenv is the composition of `hookflow dev`, which runs hookflow
// on a laptop: a local control plane (etcd and kube-apiserver, through
// envtest), the CRDs, the controllers, one webhook server serving every
// namespace, and the samples. It lives with the commands: only the binary
// built with the build tag dev links it, and envtest with it.
package devenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/idsalt"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/webhookserver"
)

// EtcdURLFile is the file in the state directory holding the client URL
// of the local etcd while it runs: the benchmark seeds records through it.
const EtcdURLFile = "etcd.url"

// SaltFile is the file in the state directory holding the webhook id salt:
// created on the first run, it keeps the URLs the same from run to run, and
// unguessable.
const SaltFile = "webhook-id-salt"

// sampleTimeout bounds the wait for each sample Workflow, and Worksheet
// kept in PostgreSQL, to be Ready.
const sampleTimeout = 30 * time.Second

// Options of a development environment.
type Options struct {
	// AssetsDir holds etcd, kube-apiserver and kubectl.
	AssetsDir string
	// CRDDir holds the CRD manifests.
	CRDDir string
	// SamplesDir holds the manifests applied once everything runs (its
	// subdirectories are not read).
	SamplesDir string
	// Postgres starts a local PostgreSQL for the run, creates the Secret
	// PostgresSecret holding its connection string in each namespace of
	// the samples, and applies the manifests of PostgresSamplesDir after
	// those of SamplesDir.
	Postgres bool
	// PostgresSamplesDir holds the manifests applied with Postgres;
	// SamplesDir/postgres when empty.
	PostgresSamplesDir string
	// StateDir receives the kubeconfig (and, with Postgres, the cluster
	// and PostgresDSNFile, all removed on exit), and keeps the webhook id
	// salt (SaltFile) across runs.
	StateDir string
	// BindAddress of the webhook server.
	BindAddress string
	// KubectlPath is printed in the hints.
	KubectlPath string
	// PluginPath is the kubectl-hookflow binary printed in the hints.
	PluginPath string
	// MetricsAddress is host:port of the webhook server's /metrics, printed
	// in the summary; empty or "0" serves no metrics.
	MetricsAddress string
	// LogPath, printed in the summary, is where the logger writes.
	LogPath string
	// Out receives the summary; logs go to the logger.
	Out io.Writer
	// Requests, when set, receives one line per request to /hooks/{id}
	// (see webhookserver.RequestLine), in one write each.
	Requests io.Writer
	Log      logr.Logger
}

// Run starts everything, prints how to call the samples, and runs until ctx
// is done; then it stops everything, control plane included.
func Run(ctx context.Context, opts Options) (retErr error) {
	if err := checkFree(opts.BindAddress); err != nil {
		return err
	}
	metricsURL := ""
	if serveMetrics(opts.MetricsAddress) {
		if err := checkFree(opts.MetricsAddress); err != nil {
			return fmt.Errorf("metrics: %w (--metrics-bind-address 0 turns them off)", err)
		}
		metricsURL = "http://" + opts.MetricsAddress + "/metrics"
	}
	baseURL := "http://" + opts.BindAddress
	samples, err := readAllSamples(opts)
	if err != nil {
		return err
	}
	salt, err := idsalt.LoadOrCreateFile(filepath.Join(opts.StateDir, SaltFile))
	if err != nil {
		return err
	}
	var pg *localPostgres
	if opts.Postgres {
		if pg, err = startPostgres(ctx, opts.StateDir, opts.Log); err != nil {
			return err
		}
		// Stopped last, after the manager and the control plane.
		defer func() {
			opts.Log.Info("Stopping PostgreSQL")
			retErr = errors.Join(retErr, pg.stop())
		}()
	}

	opts.Log.Info("Starting the local control plane", "assets", opts.AssetsDir)
	env := &envtest.Environment{
		BinaryAssetsDirectory: opts.AssetsDir,
		CRDDirectoryPaths:     []string{opts.CRDDir},
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme.New(),
	}
	cfg, err := env.Start()
	if err != nil {
		return fmt.Errorf("start control plane (are the binaries in %s? run hack/control-plane.sh): %w", opts.AssetsDir, err)
	}
	defer func() {
		opts.Log.Info("Stopping the local control plane")
		if err := env.Stop(); err != nil {
			retErr = errors.Join(retErr, fmt.Errorf("stop control plane: %w", err))
		}
	}()

	kubeconfig, err := writeKubeconfig(env, opts.StateDir)
	if err != nil {
		return err
	}
	defer os.Remove(kubeconfig)
	etcdFile := filepath.Join(opts.StateDir, EtcdURLFile)
	if err := os.WriteFile(etcdFile, []byte(env.ControlPlane.Etcd.URL.String()+"\n"), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", EtcdURLFile, err)
	}
	defer os.Remove(etcdFile)

	mgrOpts := scheme.LocalManagerOptions()
	mgrOpts.Logger = opts.Log
	// Controller names must be unique among the managers of a process,
	// for their metrics; Run may be called again once it returned (as its
	// tests do), and its metrics are not served.
	skipNameValidation := true
	mgrOpts.Controller.SkipNameValidation = &skipNameValidation
	mgr, err := ctrl.NewManager(cfg, mgrOpts)
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	mgrCtx, stopMgr := context.WithCancel(ctx)
	defer stopMgr()
	// The controllers and the server open their PostgreSQL pools on first
	// use: Worksheets kept in PostgreSQL work with or without the local one.
	if err := controllers.SetupAll(mgrCtx, mgr, controllers.Options{IDSalt: salt, URLs: controllers.ServerURLs{Local: baseURL}}); err != nil {
		return err
	}
	serverCfg := webhookserver.Config{BindAddress: opts.BindAddress, MetricsAddress: opts.MetricsAddress}
	if opts.Requests != nil {
		serverCfg.OnRequest = printRequest(opts.Requests)
	}
	srv, err := webhookserver.AddToManager(mgr, serverCfg)
	if err != nil {
		return err
	}
	mgrDone := make(chan error, 1)
	go func() { mgrDone <- mgr.Start(mgrCtx) }()
	// The manager stops before the control plane (deferred calls run last first).
	defer func() {
		stopMgr()
		if err := <-mgrDone; err != nil {
			retErr = errors.Join(retErr, err)
		}
	}()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return errors.New("cache did not sync")
	}

	if pg != nil {
		if err := applyConnectionSecrets(ctx, mgr.GetClient(), pg.dsn(), namespacesOf(samples)); err != nil {
			return err
		}
	}
	workflows, err := applySamples(ctx, mgr.GetClient(), samples)
	if err != nil {
		return err
	}
	states, err := waitServed(ctx, mgr.GetAPIReader(), srv, workflows, sampleTimeout)
	if err != nil {
		return err
	}
	if err := waitSheets(ctx, mgr.GetAPIReader(), states, sampleTimeout); err != nil {
		return err
	}
	sum := summary{
		kubeconfig: relative(kubeconfig),
		kubectl:    opts.KubectlPath,
		plugin:     opts.PluginPath,
		baseURL:    baseURL,
		metricsURL: metricsURL,
		logPath:    relative(opts.LogPath),
		samples:    states,
	}
	if pg != nil {
		sum.postgresURL = pg.url()
	}
	printSummary(opts.Out, sum)

	select {
	case <-ctx.Done():
		fmt.Fprintln(opts.Out, "\nStopping hookflow dev...")
		return nil
	case err := <-mgrDone:
		mgrDone <- err // for the deferred stop
		return fmt.Errorf("manager stopped: %w", err)
	}
}

// readAllSamples reads the samples, and with Postgres those of the
// Postgres samples directory after them.
func readAllSamples(opts Options) ([]sample, error) {
	samples, err := readSamples(opts.SamplesDir)
	if err != nil || !opts.Postgres {
		return samples, err
	}
	dir := opts.PostgresSamplesDir
	if dir == "" {
		dir = filepath.Join(opts.SamplesDir, "postgres")
	}
	pgSamples, err := readSamples(dir)
	if err != nil {
		return nil, err
	}
	if len(pgSamples) == 0 {
		return nil, fmt.Errorf("no PostgreSQL samples in %s", dir)
	}
	return append(samples, pgSamples...), nil
}

// serveMetrics tells whether addr asks for metrics, as
// webhookserver.Config.MetricsAddress reads it.
func serveMetrics(addr string) bool { return addr != "" && addr != "0" }

// checkFree fails early, and clearly, when the server's address is taken.
func checkFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s is not free (is another `make dev` running?): %w", addr, err)
	}
	return ln.Close()
}

// writeKubeconfig writes an admin kubeconfig for the control plane to
// dir/kubeconfig, readable by the user only.
func writeKubeconfig(env *envtest.Environment, dir string) (string, error) {
	user, err := env.AddUser(envtest.User{Name: "hookflow-dev", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return "", fmt.Errorf("create admin user: %w", err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		return "", fmt.Errorf("build kubeconfig: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write kubeconfig: %w", err)
	}
	return path, nil
}

func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil {
		return rel
	}
	return path
}

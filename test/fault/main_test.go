// Package fault checks that no data is lost under faults (DESIGN §4, §7):
// the webhook server process killed with SIGKILL under a load of signed
// requests, PostgreSQL stopped under load, the API server stopped under
// load. Each test counts the 2xx answers and the records: every 2xx has its
// record, exactly once. Everything runs on the loopback interface.
package fault

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"go.uber.org/zap/zapcore"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
)

var (
	// plane is the control plane; TestAPIServerStoppedDuringLoad stops and
	// starts its API server.
	plane *controlPlane
	// k8s reads and writes without a cache.
	k8s client.Client
	// postgres keeps the Worksheets stored in PostgreSQL, durably.
	postgres *pglocal.Cluster
	// binary is the hookflow binary; each test runs `hookflow server` as a
	// process of its own, which it may kill.
	binary string
	// kubeconfig is the control plane's admin kubeconfig, for that process.
	kubeconfig string
)

const (
	// Worksheets kept in PostgreSQL are counted at a test's pace.
	tableCountInterval = time.Second
	// serverImage is the image of the Deployments that the manager applies
	// and no kubelet runs.
	serverImage = "registry.example.com/hookflow:fault-test"
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run builds the binary, starts the control plane, a durable PostgreSQL
// and the manager (in this process, as a cluster's manager runs beside the
// server pods). The webhook servers are started by each test.
func run(m *testing.M) int {
	// The controllers and client-go report every failed request while a
	// store is stopped: that is the fault under test, not news. The
	// server processes' output is shown when a test fails.
	level := int8(zapcore.DPanicLevel)
	if os.Getenv("HOOKFLOW_TEST_LOG") == "" {
		klog.SetLogger(logr.Discard())
	} else {
		level = -1
	}
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.Level(level))))

	dir, err := os.MkdirTemp("", "fault-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if binary, err = buildBinary(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	if plane, err = startControlPlane(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer plane.stop()
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, plane.KubeConfig, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	pgCtx, pgCancel := context.WithTimeout(context.Background(), 2*time.Minute)
	postgres, err = pglocal.Start(pgCtx, pglocal.Options{Durable: true})
	pgCancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer postgres.Stop()

	stopManager, err := startManager()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stopManager()
	if k8s, err = client.New(plane.Config, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// buildBinary builds cmd/hookflow into dir, as the Dockerfile does (static,
// no cgo).
func buildBinary(dir string) (string, error) {
	root, err := testenv.RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "hookflow")
	build := exec.Command("go", "build", "-o", out, "./cmd/hookflow")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build hookflow: %w\n%s", err, output)
	}
	return out, nil
}

// startManager runs the controllers as `hookflow manager` does. Without a
// local URL the WebhookServer controller applies Deployments that no
// kubelet runs; the server processes of the tests stand in for their pods.
func startManager() (stop func(), err error) {
	mgr, err := ctrl.NewManager(plane.Config, scheme.LocalManagerOptions())
	if err != nil {
		return nil, fmt.Errorf("create manager: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts := controllers.Options{ServerImage: serverImage, TableCountInterval: tableCountInterval}
	if err := controllers.SetupAll(ctx, mgr, opts); err != nil {
		cancel()
		return nil, fmt.Errorf("set up controllers: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}

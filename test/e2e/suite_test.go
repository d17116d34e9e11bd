// Package e2e runs the controllers and the webhook server against a real
// control plane and calls the webhooks over HTTP.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

var (
	// adminConfig is the control plane's admin config, for tests that start
	// more hookflow processes.
	adminConfig *rest.Config
	k8s         client.Client
	baseURL     string
	server      *webhookserver.Server
	// postgres is a throw-away PostgreSQL for Worksheets kept there.
	postgres *pglocal.Cluster
)

// Run history and pruning at a test's pace (runs_test.go).
const (
	runFlushInterval = 500 * time.Millisecond
	runPruneInterval = 500 * time.Millisecond
	// Worksheets kept in PostgreSQL are counted at a test's pace too.
	tableCountInterval = time.Second
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run starts what `hookflow dev` starts: the controllers, and one server
// that serves every namespace, whose address is the base of every URL.
func run(m *testing.M) int {
	level := int8(2)
	if os.Getenv("HOOKFLOW_TEST_LOG") != "" {
		level = -1
	}
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.Level(level))))
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	adminConfig = env.Config
	if postgres, err = pglocal.Start(context.Background(), pglocal.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer postgres.Stop()

	addr, err := testenv.FreeAddr()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	baseURL = "http://" + addr
	mgr, err := ctrl.NewManager(env.Config, scheme.LocalManagerOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := controllers.SetupAll(ctx, mgr, controllers.Options{
		URLs: controllers.ServerURLs{Local: baseURL}, RunPruneInterval: runPruneInterval, TableCountInterval: tableCountInterval,
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if server, err = webhookserver.AddToManager(mgr, webhookserver.Config{BindAddress: addr, RunFlushInterval: runFlushInterval}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func newNamespace(t *testing.T) string { return testenv.NewNamespace(t, k8s, "e2e") }

func create(t *testing.T, objs ...client.Object) { t.Helper(); testenv.Create(t, k8s, objs...) }

// waitServed waits until wf is Ready at its generation and the server
// routes its id, and returns it.
func waitServed(t *testing.T, wf *v1alpha1.Workflow) *v1alpha1.Workflow {
	t.Helper()
	testenv.Eventually(t, 20*time.Second, "Workflow "+wf.Name+" served", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != wf.Generation {
			return false, fmt.Sprintf("Ready: %+v", c)
		}
		return server.Routes().Load().Lookup(wf.Status.WebhookID) != nil, "not in the route table"
	})
	return wf
}

// anotherServer starts a second webhook server process on the same control
// plane, as a second replica would be.
func anotherServer(t *testing.T) (*webhookserver.Server, string) {
	t.Helper()
	return anotherServerWith(t, webhookserver.Config{})
}

// anotherServerWith starts a second webhook server with cfg (its bind
// address chosen here).
func anotherServerWith(t *testing.T, cfg webhookserver.Config) (*webhookserver.Server, string) {
	t.Helper()
	mgr, err := ctrl.NewManager(adminConfig, scheme.LocalManagerOptions())
	if err != nil {
		t.Fatal(err)
	}
	addr := testenv.FreeAddress(t)
	cfg.BindAddress = addr
	srv, err := webhookserver.AddToManager(mgr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	testenv.Eventually(t, 20*time.Second, "second server listening", func() (bool, string) {
		return srv.Addr() != "", "not yet"
	})
	return srv, "http://" + addr
}

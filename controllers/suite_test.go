package controllers_test

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

	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
)

const serverImage = "registry.example.com/hookflow:test"

// k8s talks to the API server directly, not through the manager's cache.
var k8s client.Client

// adminConfig is the control plane's admin config.
var adminConfig *rest.Config

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.Level(zapLevel()))))
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	adminConfig = env.Config
	mgr, err := ctrl.NewManager(env.Config, scheme.LocalManagerOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := controllers.SetupAll(ctx, mgr, controllers.Options{ServerImage: serverImage}); err != nil {
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

// zapLevel keeps test output quiet unless HOOKFLOW_TEST_LOG is set.
func zapLevel() int8 {
	if os.Getenv("HOOKFLOW_TEST_LOG") != "" {
		return -1
	}
	return 2 // errors only
}

func newNamespace(t *testing.T) string { return testenv.NewNamespace(t, k8s, "t") }

func create(t *testing.T, objs ...client.Object) { t.Helper(); testenv.Create(t, k8s, objs...) }

func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	testenv.Eventually(t, 20*time.Second, what, cond)
}

type conditioned interface {
	client.Object
	GetConditions() []metav1.Condition
}

// waitCondition waits until obj has a condition of that type with that
// status and reason at obj's current generation, and returns the object.
func waitCondition[T conditioned](t *testing.T, obj T, typ string, status metav1.ConditionStatus, reason string) T {
	t.Helper()
	key := client.ObjectKeyFromObject(obj)
	eventually(t, fmt.Sprintf("%T %s %s=%s (%s)", obj, key, typ, status, reason), func() (bool, string) {
		if err := k8s.Get(context.Background(), key, obj); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(obj.GetConditions(), typ)
		if c == nil {
			return false, "no condition"
		}
		state := fmt.Sprintf("%s reason=%s gen=%d/%d: %s", c.Status, c.Reason, c.ObservedGeneration, obj.GetGeneration(), c.Message)
		return c.Status == status && c.Reason == reason && c.ObservedGeneration == obj.GetGeneration(), state
	})
	return obj
}

func ptrTo[T any](v T) *T { return &v }

// Package e2e runs the controllers and the webhook server against a real
// control plane and calls the webhooks over HTTP.
package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

var (
	k8s     client.Client
	baseURL string
	server  *webhookserver.Server
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

	addr, err := freeAddress()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	baseURL = "http://" + addr
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 scheme.New(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Client:                 client.Options{Cache: &client.CacheOptions{DisableFor: webhookserver.UncachedObjects()}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := controllers.SetupAll(ctx, mgr, controllers.Options{URLs: controllers.ServerURLs{Local: baseURL}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if server, err = webhookserver.AddToManager(mgr, webhookserver.Config{BindAddress: addr}); err != nil {
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

func freeAddress() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "e2e-" + rand.String(8)}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func create(t *testing.T, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := k8s.Create(context.Background(), o); err != nil {
			t.Fatalf("create %T %s: %v", o, o.GetName(), err)
		}
	}
}

// eventually polls cond every 10ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var why string
	for time.Now().Before(deadline) {
		var ok bool
		if ok, why = cond(); ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v; last state: %s", what, timeout, why)
}

// waitServed waits until wf is Ready at its generation and the server
// routes its id, and returns it.
func waitServed(t *testing.T, wf *v1alpha1.Workflow) *v1alpha1.Workflow {
	t.Helper()
	eventually(t, 20*time.Second, "Workflow "+wf.Name+" served", func() (bool, string) {
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

func ordersSheet(ns string) *v1alpha1.Worksheet {
	return &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "orders"},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "email", Type: v1alpha1.FieldEmail},
			{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
			{Name: "received_at", Type: v1alpha1.FieldDateTime},
		}},
	}
}

func orderWorkflow(ns, name string) *v1alpha1.Workflow {
	required := true
	return &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
				Methods: []v1alpha1.HTTPMethod{"POST"},
				Sample: v1alpha1.Sample{
					Source: v1alpha1.SampleJSON,
					JSON:   `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"}}`,
				},
				Parameters: []v1alpha1.ParameterOverride{{Name: "order_id", Required: &required}},
			}},
			Steps: []v1alpha1.Step{{
				Name: "save",
				CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders",
					Fields: map[string]string{
						"order_id":    "params.order_id",
						"amount":      "params.amount",
						"email":       "params.customer.email",
						"status":      "'new'",
						"received_at": "now",
					},
				},
			}},
		},
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

// onReceiptWorkflow is the order Workflow answering 202 on receipt.
func onReceiptWorkflow(ns string) *v1alpha1.Workflow {
	wf := testenv.OrderWorkflow(ns, "orders")
	wf.Spec.Response = &v1alpha1.Response{
		Mode:       v1alpha1.ResponseOnReceipt,
		StatusCode: 202,
		Body:       "{'msg': 'queued', 'order': params.order_id, 'runId': run.id}",
	}
	return wf
}

func getRun(t *testing.T, ns, name string) (*v1alpha1.WorkflowRun, error) {
	t.Helper()
	run := &v1alpha1.WorkflowRun{}
	err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, run)
	return run, err
}

// recordsOf counts the records of an order.
func recordsOf(t *testing.T, ns, order string) int {
	t.Helper()
	n := 0
	for _, r := range records(t, ns) {
		if string(r.Spec.Values["order_id"].Raw) == `"`+order+`"` {
			n++
		}
	}
	return n
}

// waitFinished waits for the run to leave Accepted and Running.
func waitFinished(t *testing.T, ns, name string, timeout time.Duration) *v1alpha1.WorkflowRun {
	t.Helper()
	var run *v1alpha1.WorkflowRun
	testenv.Eventually(t, timeout, "run "+name+" finished", func() (bool, string) {
		var err error
		if run, err = getRun(t, ns, name); err != nil {
			return false, err.Error()
		}
		return run.Status.Phase == v1alpha1.RunSucceeded || run.Status.Phase == v1alpha1.RunFailed, string(run.Status.Phase)
	})
	return run
}

// TestOnReceipt: the answer comes once the run is accepted; the steps run
// after, and the run ends Succeeded with its record written once. A retry
// with the same Idempotency-Key gets the first answer.
func TestOnReceipt(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), onReceiptWorkflow(ns))
	wf := waitServed(t, onReceiptWorkflow(ns))

	a := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"R-1","amount":3}`)
	runID, _ := a.Body["runId"].(string)
	if a.Code != 202 || a.Body["msg"] != "queued" || a.Body["order"] != "R-1" || runID == "" {
		t.Fatalf("answer %d %s, want 202 queued with a runId", a.Code, a.Raw)
	}
	run := waitFinished(t, ns, runID, 20*time.Second)
	if run.Status.Phase != v1alpha1.RunSucceeded || len(run.Status.Steps) != 1 || run.Status.Steps[0].RecordRef == "" ||
		run.Status.Response == nil || run.Status.Response.StatusCode != 202 || run.Spec.Request == nil {
		t.Errorf("run = %+v %+v", run.Spec, run.Status)
	}
	if n := recordsOf(t, ns, "R-1"); n != 1 {
		t.Errorf("%d records of R-1, want 1", n)
	}

	first := postWithKey(t, wf.Status.WebhookURL, "order-R-2", `{"order_id":"R-2"}`)
	again := postWithKey(t, wf.Status.WebhookURL, "order-R-2", `{"order_id":"R-2"}`)
	if first.code != 202 || again != first {
		t.Errorf("retry with the key = %d %s, want the first answer %d %s", again.code, again.body, first.code, first.body)
	}
	var body struct{ RunID string }
	if err := json.Unmarshal([]byte(first.body), &body); err != nil {
		t.Fatal(err)
	}
	waitFinished(t, ns, body.RunID, 20*time.Second)
	if n := recordsOf(t, ns, "R-2"); n != 1 {
		t.Errorf("%d records of R-2, want 1", n)
	}
}

// stuckRecords never finishes a write: the replica that uses it is as one
// that died in the middle of its steps.
type stuckRecords struct{ entered chan struct{} }

func (s *stuckRecords) CreateRecord(context.Context, store.Record) (string, error) {
	close(s.entered)
	select {}
}

func (s *stuckRecords) UpdateRecord(context.Context, store.Update) (store.Updated, error) {
	select {}
}

// TestOnReceiptRunRecovered stops a server instance mid-run (no cleanup)
// after an OnReceipt 2xx: another instance finishes the run, once its lease
// has passed, under the same run id: exactly one record, run Succeeded.
func TestOnReceiptRunRecovered(t *testing.T) {
	ns := newNamespace(t)
	srvObj := testenv.WebhookServer(ns)
	srvObj.Spec.Limits.RequestTimeout = &metav1.Duration{Duration: time.Second}
	create(t, srvObj, testenv.OrdersWorksheet(ns), onReceiptWorkflow(ns))
	wf := waitServed(t, onReceiptWorkflow(ns))

	// Instance A: its steps never finish.
	mgr, err := ctrl.NewManager(adminConfig, scheme.LocalManagerOptions())
	if err != nil {
		t.Fatal(err)
	}
	routes := webhookserver.NewRoutes()
	addr := testenv.FreeAddress(t)
	stuck := &stuckRecords{entered: make(chan struct{})}
	a := webhookserver.New(webhookserver.Options{
		BindAddress: addr, Routes: routes, Log: mgr.GetLogger().WithName("instance-a"),
		Records:     stuck,
		Idempotency: &crstore.IdempotentRuns{Client: mgr.GetClient()},
		LeaseMargin: 500 * time.Millisecond, ShutdownTimeout: 500 * time.Millisecond,
	})
	if err := mgr.Add(&webhookserver.RouteSync{Cache: mgr.GetCache(), Routes: routes, Log: mgr.GetLogger()}); err != nil {
		t.Fatal(err)
	}
	if err := mgr.Add(a); err != nil {
		t.Fatal(err)
	}
	ctx, stopA := context.WithCancel(context.Background())
	doneA := make(chan error, 1)
	go func() { doneA <- mgr.Start(ctx) }()
	t.Cleanup(stopA)
	testenv.Eventually(t, 20*time.Second, "instance A serves the Workflow", func() (bool, string) {
		e := routes.Load().Lookup(wf.Status.WebhookID)
		return e != nil && e.Limits.RequestTimeout == time.Second, "not yet"
	})

	answer := post(t, "http://"+addr+"/hooks/"+wf.Status.WebhookID, "application/json", `{"order_id":"K-1","amount":7}`)
	runID, _ := answer.Body["runId"].(string)
	if answer.Code != 202 || runID == "" {
		t.Fatalf("instance A answered %d %s, want 202 with a runId", answer.Code, answer.Raw)
	}
	<-stuck.entered
	// The 2xx promised a durable run: it is there, Accepted, before any step.
	if run, err := getRun(t, ns, runID); err != nil || run.Status.Phase != v1alpha1.RunAccepted {
		t.Fatalf("run after the 2xx: %v %+v", err, run.Status)
	}
	// A stops; its steps stay blocked: it never finishes the run.
	stopA()
	select {
	case <-doneA:
	case <-time.After(30 * time.Second):
		t.Fatal("instance A did not stop")
	}

	// Instance B recovers it.
	mgrB, err := ctrl.NewManager(adminConfig, scheme.LocalManagerOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webhookserver.AddToManager(mgrB, webhookserver.Config{
		BindAddress: testenv.FreeAddress(t), RecoveryInterval: 200 * time.Millisecond, LeaseMargin: 500 * time.Millisecond,
	}); err != nil {
		t.Fatal(err)
	}
	ctxB, stopB := context.WithCancel(context.Background())
	doneB := make(chan error, 1)
	go func() { doneB <- mgrB.Start(ctxB) }()
	t.Cleanup(func() { stopB(); <-doneB })

	run := waitFinished(t, ns, runID, 30*time.Second)
	if run.Status.Phase != v1alpha1.RunSucceeded || len(run.Status.Steps) != 1 || run.Status.Steps[0].Phase != v1alpha1.RunSucceeded {
		t.Errorf("recovered run = %+v", run.Status)
	}
	if run.Status.Response == nil || run.Status.Response.StatusCode != 202 || !strings.Contains(run.Status.Response.Body, runID) {
		t.Errorf("the run lost the answer it gave: %+v", run.Status.Response)
	}
	if n := recordsOf(t, ns, "K-1"); n != 1 {
		t.Errorf("%d records of K-1, want exactly 1", n)
	}
}

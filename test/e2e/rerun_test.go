package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

// rerunLookInterval is how often the test's second replica looks for runs
// to rerun.
const rerunLookInterval = 200 * time.Millisecond

// requestRerun does what `kubectl hookflow rerun` does: it labels the run
// rerun=requested and annotates it with the time of the request.
func requestRerun(t *testing.T, run *v1alpha1.WorkflowRun) {
	t.Helper()
	patch := client.MergeFrom(run.DeepCopy())
	if run.Labels == nil {
		run.Labels = map[string]string{}
	}
	if run.Annotations == nil {
		run.Annotations = map[string]string{}
	}
	run.Labels[v1alpha1.RerunLabel] = v1alpha1.RerunRequested
	run.Annotations[v1alpha1.RerunRequestedAtAnnotation] = time.Now().UTC().Format(time.RFC3339Nano)
	if err := k8s.Patch(context.Background(), run, patch); err != nil {
		t.Fatal(err)
	}
}

// waitRerunRequestTaken waits until a server has taken the rerun request
// of the run name away (the label is gone), and returns the run.
func waitRerunRequestTaken(t *testing.T, ns, name string) *v1alpha1.WorkflowRun {
	t.Helper()
	var run *v1alpha1.WorkflowRun
	testenv.Eventually(t, 30*time.Second, "rerun request of "+name+" taken", func() (bool, string) {
		var err error
		if run, err = getRun(t, ns, name); err != nil {
			return false, err.Error()
		}
		return run.Labels[v1alpha1.RerunLabel] == "", fmt.Sprintf("labels %v", run.Labels)
	})
	return run
}

// TestRerunAfterAStoreOutage: a request to a Workflow writing to PostgreSQL
// while PostgreSQL is stopped is answered 503 and its run recorded Failed,
// with its request; once PostgreSQL is back, a rerun of that run (asked for
// as the plugin does) runs as a new run linked to it, Succeeded, and writes
// one row. Asked for again, the rerun runs nothing new: still one extra
// run, one row.
func TestRerunAfterAStoreOutage(t *testing.T) {
	ctx := context.Background()
	// A PostgreSQL of its own: stopping it stops no other test's store.
	pg, err := pglocal.Start(ctx, pglocal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop() })
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns),
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "pg"}, Data: map[string][]byte{"dsn": []byte(pg.DSN(pglocal.Database))}},
		postgresOrders(ns, ""), testenv.OrderWorkflow(ns, "orders"))
	sheet := waitSheet(t, postgresOrders(ns, ""), metav1.ConditionTrue, "Succeeded")
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	// A second replica, which looks for runs to rerun at a test's pace: it
	// and the suite's server both may take the request, one reruns.
	replica, _ := anotherServerWith(t, webhookserver.Config{RecoveryInterval: rerunLookInterval})
	testenv.Eventually(t, 20*time.Second, "second replica serves orders", func() (bool, string) {
		return replica.Routes().Load().Lookup(wf.Status.WebhookID) != nil, "not in its route table"
	})
	rows := func() int {
		t.Helper()
		conn, err := pgx.Connect(ctx, pg.DSN(pglocal.Database))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE order_id = 'RR-1'`, pgx.Identifier{sheet.Status.Table}.Sanitize())
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	if err := pg.Pause(); err != nil {
		t.Fatal(err)
	}
	a := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"RR-1","amount":7}`)
	firstID, _ := a.Body["runId"].(string)
	if a.Code != http.StatusServiceUnavailable || firstID == "" {
		t.Fatalf("POST while PostgreSQL is stopped: %d %s, want 503 with a runId", a.Code, a.Raw)
	}
	first := waitFinished(t, ns, firstID, 20*time.Second)
	if first.Status.Phase != v1alpha1.RunFailed || !strings.Contains(first.Status.Error, "unavailable") ||
		first.Spec.Request == nil || !strings.Contains(first.Spec.Request.Body, "RR-1") {
		t.Fatalf("run of the 503: phase %s, error %q, request %+v; want Failed on the store, with its request", first.Status.Phase, first.Status.Error, first.Spec.Request)
	}
	resumeCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := pg.Resume(resumeCtx); err != nil {
		t.Fatal(err)
	}

	requestRerun(t, first)
	first = waitRerunRequestTaken(t, ns, firstID)
	rerunName := runhistory.RerunName(first)
	if first.Status.RerunBy != rerunName || first.Status.Phase != v1alpha1.RunFailed {
		t.Fatalf("first run: rerunBy %q, phase %s; want rerunBy %s, still Failed", first.Status.RerunBy, first.Status.Phase, rerunName)
	}
	rerun := waitFinished(t, ns, rerunName, 30*time.Second)
	if rerun.Status.Phase != v1alpha1.RunSucceeded || rerun.Status.RerunOf != firstID || len(rerun.Status.Steps) != 1 ||
		rerun.Status.Steps[0].RecordRef == "" || rerun.Spec.Workflow != "orders" || string(rerun.Spec.Params.Raw) != string(first.Spec.Params.Raw) {
		t.Fatalf("rerun %s = %+v %+v; want Succeeded, rerunOf %s, one step with its record, the first run's params", rerunName, rerun.Spec, rerun.Status, firstID)
	}
	if n := rows(); n != 1 {
		t.Errorf("%d rows of RR-1 after the rerun, want 1", n)
	}

	// Asked for again (twice): nothing new runs.
	requestRerun(t, first)
	first = waitRerunRequestTaken(t, ns, firstID)
	requestRerun(t, first)
	first = waitRerunRequestTaken(t, ns, firstID)
	if first.Status.RerunBy != rerunName {
		t.Errorf("first run's rerunBy = %q after two more requests, want %s", first.Status.RerunBy, rerunName)
	}
	var reruns []string
	for name, run := range workflowRuns(t, ns, "orders") {
		if run.Status.RerunOf != "" || strings.Contains(name, "-rerun-") {
			reruns = append(reruns, name)
		}
	}
	if len(reruns) != 1 {
		t.Errorf("reruns %v, want %s alone", reruns, rerunName)
	}
	if n := rows(); n != 1 {
		t.Errorf("%d rows of RR-1 after the rerun was asked for three times, want 1", n)
	}
	if again, err := getRun(t, ns, rerunName); err != nil || again.ResourceVersion != rerun.ResourceVersion {
		t.Errorf("rerun %s changed after the later requests (%v)", rerunName, err)
	}
}

// TestFailedIdempotentRunCanBeRerun: a run with an Idempotency-Key that
// failed on its data keeps its request with its answer, so it can be rerun
// like any failed run.
func TestFailedIdempotentRunCanBeRerun(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	const body = `{"order_id":"IK-1","amount":3}`
	if a := post(t, wf.Status.WebhookURL, "application/json", body); a.Code != http.StatusOK {
		t.Fatalf("first POST: %d %s", a.Code, a.Raw)
	}
	// The same unique order_id again, with a key: the run fails on its data.
	a := postWithKey(t, wf.Status.WebhookURL, "dup-IK-1", body)
	if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, `"runId"`) {
		t.Fatalf("duplicate POST with a key: %d %s, want 422 with a runId", a.code, a.body)
	}
	var runs []string
	for name, run := range workflowRuns(t, ns, "orders") {
		if run.Spec.IdempotencyKey == "dup-IK-1" {
			runs = append(runs, name)
		}
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs with the key, want 1", len(runs))
	}
	run := waitFinished(t, ns, runs[0], 20*time.Second)
	if run.Status.Phase != v1alpha1.RunFailed || run.Spec.Request == nil || run.Spec.Request.Body != body {
		t.Fatalf("failed idempotent run: phase %s, request %+v; want Failed with its request", run.Status.Phase, run.Spec.Request)
	}
	if err := runhistory.CheckRerun(run); err != nil {
		t.Errorf("failed idempotent run cannot be rerun: %v", err)
	}
}

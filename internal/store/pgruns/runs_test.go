package pgruns

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

// onReceipt is an OnReceipt run with an Idempotency-Key, as the server
// begins it.
func onReceipt(key, hash string) store.IdempotentRun {
	return store.IdempotentRun{
		Namespace: "shop", Workflow: "orders", WorkflowUID: "wf-uid",
		Key: key, RequestHash: hash, Lease: 40 * time.Second, Phase: v1alpha1.RunAccepted,
		Params:   &apiextensionsv1.JSON{Raw: []byte(`{"order_id":"A-1"}`)},
		Request:  &v1alpha1.RunRequest{Body: "order\x00A-1", Headers: map[string]string{"x-shop": "1"}},
		Response: &v1alpha1.RunResponse{StatusCode: 202, ContentType: "application/json", Body: `{"msg":"accepted"}`},
	}
}

func TestBeginTwiceWithOneKeyKeepsTheFirstRun(t *testing.T) {
	runs, _ := newRuns(t)
	ctx := context.Background()
	first, mine, err := runs.Begin(ctx, onReceipt("key-1", "hash-1"))
	if err != nil || !mine {
		t.Fatalf("first Begin = (mine %v, %v), want (true, nil)", mine, err)
	}
	if want := store.RunName("wf-uid", "key-1"); first.Name != want {
		t.Fatalf("run name = %s, want %s", first.Name, want)
	}
	again, mine, err := runs.Begin(ctx, onReceipt("key-1", "hash-2"))
	if err != nil || mine {
		t.Fatalf("second Begin = (mine %v, %v), want (false, nil)", mine, err)
	}
	if again.Spec.RequestHash != "hash-1" {
		t.Errorf("second Begin returned request hash %q, want the first run's hash-1", again.Spec.RequestHash)
	}
	if n := countRows(t, runs); n != 1 {
		t.Errorf("rows = %d, want 1", n)
	}

	// The run read back is the run begun, with the metadata of a WorkflowRun.
	got, err := runs.Get(ctx, "shop", first.Name)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	switch {
	case got.Namespace != "shop" || got.Name != first.Name:
		t.Errorf("read %s/%s, want shop/%s", got.Namespace, got.Name, first.Name)
	case got.Labels[v1alpha1.WorkflowLabel] != "orders" || got.Labels[v1alpha1.RunPhaseLabel] != string(v1alpha1.RunAccepted):
		t.Errorf("labels = %v, want the Workflow and phase Accepted", got.Labels)
	case len(got.OwnerReferences) != 1 || got.OwnerReferences[0].UID != "wf-uid":
		t.Errorf("owner references = %v, want the Workflow wf-uid", got.OwnerReferences)
	case got.CreationTimestamp.IsZero() || got.ResourceVersion != "1":
		t.Errorf("creationTimestamp %v, resourceVersion %q, want set and 1", got.CreationTimestamp, got.ResourceVersion)
	case got.Spec.IdempotencyKey != "key-1" || string(got.Spec.Params.Raw) != `{"order_id":"A-1"}`:
		t.Errorf("spec = %+v, want the key and params begun", got.Spec)
	case got.Spec.Request == nil || got.Spec.Request.Body != "order\x00A-1":
		t.Errorf("request = %+v, want the body with its NUL byte", got.Spec.Request)
	case got.Status.Response == nil || got.Status.Response.Body != `{"msg":"accepted"}`:
		t.Errorf("response = %+v, want the answer given", got.Status.Response)
	case got.Status.KeepUntil == nil || got.Status.LeaseUntil == nil:
		t.Errorf("keepUntil %v, leaseUntil %v, want both set", got.Status.KeepUntil, got.Status.LeaseUntil)
	}
}

func TestConcurrentBeginsOfOneKeyHaveOneWinner(t *testing.T) {
	runs, _ := newRuns(t)
	const n = 50
	var wg sync.WaitGroup
	mine := make([]bool, n)
	names := make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			run, m, err := runs.Begin(context.Background(), onReceipt("same-key", "hash"))
			mine[i], errs[i] = m, err
			if run != nil {
				names[i] = run.Name
			}
		})
	}
	close(start)
	wg.Wait()
	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Begin %d: %v", i, errs[i])
		}
		if mine[i] {
			winners++
		}
	}
	if winners != 1 {
		t.Errorf("winners = %d, want 1", winners)
	}
	for i, name := range names {
		if name != names[0] {
			t.Errorf("Begin %d returned run %s, Begin 0 run %s: want one run", i, name, names[0])
		}
	}
	if rows := countRows(t, runs); rows != 1 {
		t.Errorf("rows = %d, want 1", rows)
	}
}

func TestTakeOverAfterTheLeaseHasOneWinner(t *testing.T) {
	runs, clock := newRuns(t)
	ctx := context.Background()
	begun, _, err := runs.Begin(ctx, onReceipt("", ""))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if runs.Expired(begun) {
		t.Fatal("run expired as it began")
	}
	clock.Add(time.Minute)
	// Both replicas read the run before either claims it.
	var read [2]*v1alpha1.WorkflowRun
	for i := range read {
		if read[i], err = runs.Get(ctx, "shop", begun.Name); err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !runs.Expired(read[i]) {
			t.Fatal("run not expired after its lease")
		}
	}
	var wg sync.WaitGroup
	var errs [2]error
	for i := range read {
		wg.Go(func() { errs[i] = runs.TakeOver(ctx, read[i], 40*time.Second) })
	}
	wg.Wait()
	won, lost := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case apierrors.IsConflict(err):
			lost++
		default:
			t.Fatalf("TakeOver: %v, want nil or a Conflict", err)
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("TakeOver: %d won, %d lost, want 1 and 1", won, lost)
	}
	got, err := runs.Get(ctx, "shop", begun.Name)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Status.Phase != v1alpha1.RunRunning || got.Labels[v1alpha1.RunPhaseLabel] != string(v1alpha1.RunRunning) || got.ResourceVersion != "2" {
		t.Errorf("after TakeOver: phase %s, labels %v, version %s; want Running, version 2", got.Status.Phase, got.Labels, got.ResourceVersion)
	}
	if runs.Expired(got) {
		t.Error("run taken over is expired: want a new lease")
	}
}

func TestFinishAtAStaleVersionChangesNothing(t *testing.T) {
	runs, clock := newRuns(t)
	ctx := context.Background()
	begun, _, err := runs.Begin(ctx, onReceipt("k", "h"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	stale, _ := runs.Get(ctx, "shop", begun.Name)
	clock.Add(time.Minute)
	taken, _ := runs.Get(ctx, "shop", begun.Name)
	if err := runs.TakeOver(ctx, taken, time.Minute); err != nil {
		t.Fatalf("TakeOver: %v", err)
	}

	stale.Status.Phase = v1alpha1.RunSucceeded
	stale.Status.Error = "from the replica presumed dead"
	if err := runs.Finish(ctx, stale); !apierrors.IsConflict(err) {
		t.Fatalf("Finish at a stale version = %v, want a Conflict", err)
	}
	got, _ := runs.Get(ctx, "shop", begun.Name)
	if got.Status.Phase != v1alpha1.RunRunning || got.Status.Error != "" || got.ResourceVersion != taken.ResourceVersion {
		t.Errorf("after a stale Finish: phase %s, error %q, version %s; want Running, none, %s",
			got.Status.Phase, got.Status.Error, got.ResourceVersion, taken.ResourceVersion)
	}

	// At the current version, Finish writes the outcome and ends the lease.
	taken.Status.Phase = v1alpha1.RunSucceeded
	if err := runs.Finish(ctx, taken); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	got, _ = runs.Get(ctx, "shop", begun.Name)
	if got.Status.Phase != v1alpha1.RunSucceeded || got.Status.LeaseUntil != nil || got.Labels[v1alpha1.RunPhaseLabel] != "Succeeded" {
		t.Errorf("after Finish: phase %s, lease %v, labels %v; want Succeeded, no lease", got.Status.Phase, got.Status.LeaseUntil, got.Labels)
	}
	if got.Status.KeepUntil == nil || got.Status.Response == nil {
		t.Errorf("after Finish: keepUntil %v, response %v; want them kept", got.Status.KeepUntil, got.Status.Response)
	}
}

func TestAbandonAtAStaleVersionKeepsTheRun(t *testing.T) {
	runs, clock := newRuns(t)
	ctx := context.Background()
	begun, _, err := runs.Begin(ctx, onReceipt("k", "h"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	stale := begun.DeepCopy()
	clock.Add(time.Minute)
	if err := runs.TakeOver(ctx, begun, time.Minute); err != nil {
		t.Fatalf("TakeOver: %v", err)
	}
	if err := runs.Abandon(ctx, stale); err != nil {
		t.Fatalf("Abandon at a stale version: %v, want nil", err)
	}
	if n := countRows(t, runs); n != 1 {
		t.Fatalf("rows after a stale Abandon = %d, want 1", n)
	}
	if err := runs.Abandon(ctx, begun); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	if _, err := runs.Get(ctx, "shop", begun.Name); !apierrors.IsNotFound(err) {
		t.Fatalf("Get after Abandon = %v, want NotFound", err)
	}
	if err := runs.Finish(ctx, begun); !apierrors.IsNotFound(err) {
		t.Errorf("Finish after Abandon = %v, want NotFound", err)
	}
	if _, mine, err := runs.Begin(ctx, onReceipt("k", "h")); err != nil || !mine {
		t.Errorf("Begin after Abandon = (mine %v, %v), want (true, nil)", mine, err)
	}
}

func TestGetOfAnUnknownRunIsNotFound(t *testing.T) {
	runs, _ := newRuns(t)
	_, err := runs.Get(context.Background(), "shop", "no-such-run")
	if !apierrors.IsNotFound(err) {
		t.Fatalf("Get = %v, want NotFound", err)
	}
}

func TestPendingListsOnlyUnfinishedRunsPastTheirLease(t *testing.T) {
	runs, clock := newRuns(t)
	ctx := context.Background()
	begin := func(ns, id string, lease time.Duration) *v1alpha1.WorkflowRun {
		t.Helper()
		in := onReceipt("", "")
		in.Namespace, in.ID, in.Lease = ns, id, lease
		run, _, err := runs.Begin(ctx, in)
		if err != nil {
			t.Fatalf("Begin %s: %v", id, err)
		}
		return run
	}
	begin("shop", "expired", time.Second)
	begin("shop", "current", time.Hour)
	begin("other", "expired-elsewhere", time.Second)
	finished := begin("shop", "finished", time.Second)
	finished.Status.Phase = v1alpha1.RunSucceeded
	if err := runs.Finish(ctx, finished); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	clock.Add(time.Minute)
	// Taken over, then its replica died too: pending again once its lease
	// has passed.
	taken := begin("shop", "taken", time.Hour)
	clock.Add(2 * time.Hour)
	if err := runs.TakeOver(ctx, taken, time.Second); err != nil {
		t.Fatalf("TakeOver: %v", err)
	}
	begin("shop", "current-later", time.Hour)
	clock.Add(time.Minute)

	for ns, want := range map[string][]string{
		"shop": {"current", "expired", "taken"},
		"":     {"current", "expired", "expired-elsewhere", "taken"},
	} {
		pending, err := runs.Pending(ctx, ns)
		if err != nil {
			t.Fatalf("Pending(%q): %v", ns, err)
		}
		var got []string
		for _, run := range pending {
			if !runs.Expired(&run) {
				t.Errorf("Pending(%q) listed %s, whose lease is current", ns, run.Name)
			}
			got = append(got, run.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("Pending(%q) = %v, want %v", ns, got, want)
		}
	}
}

func TestHistoryCreateTwiceWritesOneRow(t *testing.T) {
	runs, _ := newRuns(t)
	ctx := context.Background()
	run := historyRun("orders", 1, v1alpha1.RunFailed, time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC))
	for i := range 2 {
		if err := runs.Create(ctx, run.DeepCopy()); err != nil {
			t.Fatalf("Create %d: %v", i, err)
		}
	}
	if n := countRows(t, runs); n != 1 {
		t.Fatalf("rows = %d, want 1", n)
	}
	got, err := runs.Get(ctx, "shop", run.Name)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Status.Phase != v1alpha1.RunFailed || got.Status.Error != "step save: duplicate" ||
		len(got.Status.Steps) != 1 || got.Status.Steps[0].RecordRef != "rec-1" {
		t.Errorf("run read back = %+v, want the run created", got.Status)
	}
	if !got.Spec.ReceivedAt.Equal(run.Spec.ReceivedAt) {
		t.Errorf("receivedAt = %v, want %v", got.Spec.ReceivedAt, run.Spec.ReceivedAt)
	}
}

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	ctx := context.Background()
	table := fmt.Sprintf("runs_migrate_%d", tables.Add(1))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = Migrate(ctx, testPool, table) })
	}
	wg.Wait()
	t.Cleanup(func() { testPool.Exec(ctx, "DROP TABLE IF EXISTS "+table) })
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	if err := Migrate(ctx, testPool, table); err != nil {
		t.Errorf("Migrate again: %v", err)
	}
	if err := Migrate(ctx, testPool, "Runs; DROP TABLE x"); err == nil {
		t.Error("Migrate accepted a table name that is not a plain SQL name")
	}
}

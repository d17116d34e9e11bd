package pgruns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/runner"
)

// historyRun is the history run i of workflow, received at received.
func historyRun(workflow string, i int, phase v1alpha1.RunPhase, received time.Time) *v1alpha1.WorkflowRun {
	res := runner.Result{Steps: []runner.StepResult{{Name: "save", Phase: phase, RecordID: fmt.Sprintf("rec-%d", i)}}}
	if phase == v1alpha1.RunFailed {
		res.Err = errors.New("step save: duplicate")
	}
	return runhistory.NewRun(runhistory.Run{
		ID: fmt.Sprintf("%s-%03d", workflow, i), Namespace: "shop", Workflow: workflow, WorkflowUID: types.UID("uid-" + workflow),
		ReceivedAt: received, StartedAt: received, FinishedAt: received.Add(time.Millisecond),
		Result: res, StatusCode: 200,
	})
}

// names lists the runs left in the table, sorted.
func names(t *testing.T, runs *Runs) []string {
	t.Helper()
	rows, err := testPool.Query(context.Background(), "SELECT name FROM "+runs.Table()+" ORDER BY name")
	if err != nil {
		t.Fatalf("list runs: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("scan: %v", err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("list runs: %v", err)
	}
	return out
}

func TestPruneKeepsTheLimitsAndTheRunsKeptForRetries(t *testing.T) {
	runs, clock := newRuns(t)
	ctx := context.Background()
	limits := map[string]runhistory.Limits{
		"orders":  {Successful: 2, Failed: 1},
		"refunds": {Successful: 3, Failed: 3},
	}
	runs.HistoryLimits = func(_, workflow string) runhistory.Limits { return limits[workflow] }
	base := clock.Now().Add(-time.Hour)
	create := func(run *v1alpha1.WorkflowRun) {
		t.Helper()
		if err := runs.Create(ctx, run); err != nil {
			t.Fatalf("Create %s: %v", run.Name, err)
		}
	}
	// orders: 5 successful runs (0 the oldest), 3 failed; refunds: 2
	// successful, under its limit.
	for i := range 5 {
		run := historyRun("orders", i, v1alpha1.RunSucceeded, base.Add(time.Duration(i)*time.Minute))
		if i == 1 {
			// An idempotent run a retry may still ask for.
			keep := metav1.NewTime(clock.Now().Add(time.Hour))
			run.Status.KeepUntil = &keep
		}
		if i == 0 {
			// Kept until a time now past.
			keep := metav1.NewTime(clock.Now().Add(-time.Second))
			run.Status.KeepUntil = &keep
		}
		create(run)
	}
	for i := 5; i < 8; i++ {
		create(historyRun("orders", i, v1alpha1.RunFailed, base.Add(time.Duration(i)*time.Minute)))
	}
	for i := range 2 {
		create(historyRun("refunds", i, v1alpha1.RunSucceeded, base.Add(time.Duration(i)*time.Minute)))
	}
	// Runs that have not finished, older than all: never pruned.
	for _, id := range []string{"orders-accepted", "orders-running"} {
		in := onReceipt("", "")
		in.ID, in.ReceivedAt, in.Lease = id, base.Add(-time.Hour), time.Hour
		if id == "orders-accepted" {
			in.Lease = -time.Hour // its lease has passed: waiting for recovery
		}
		if _, _, err := runs.Begin(ctx, in); err != nil {
			t.Fatalf("Begin: %v", err)
		}
	}

	deleted, err := runs.Prune(ctx, clock.Now())
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	want := []string{
		"orders-001", "orders-003", "orders-004", // 2 newest successful, and the one kept
		"orders-007", // newest failed
		"orders-accepted", "orders-running",
		"refunds-000", "refunds-001",
	}
	if got := names(t, runs); !slices.Equal(got, want) {
		t.Errorf("runs after Prune = %v, want %v", got, want)
	}
	if deleted != 4 {
		t.Errorf("Prune deleted %d, want 4", deleted)
	}
	if deleted, err := runs.Prune(ctx, clock.Now()); err != nil || deleted != 0 {
		t.Errorf("second Prune = (%d, %v), want (0, nil)", deleted, err)
	}

	// The newest run carries the Workflow's current limits: lowered to 1,
	// the older successful run goes (the one kept for retries stays).
	limits["orders"] = runhistory.Limits{Successful: 1, Failed: 1}
	create(historyRun("orders", 8, v1alpha1.RunSucceeded, base.Add(8*time.Minute)))
	if _, err := runs.Prune(ctx, clock.Now()); err != nil {
		t.Fatalf("Prune: %v", err)
	}
	want = []string{"orders-001", "orders-007", "orders-008", "orders-accepted", "orders-running", "refunds-000", "refunds-001"}
	if got := names(t, runs); !slices.Equal(got, want) {
		t.Errorf("runs after lowering the limit = %v, want %v", got, want)
	}

	// Once its keep-until has passed, the kept run goes too.
	clock.Add(2 * time.Hour)
	if _, err := runs.Prune(ctx, clock.Now()); err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if got := names(t, runs); slices.Contains(got, "orders-001") {
		t.Errorf("runs after its keep-until = %v, want orders-001 gone", got)
	}
}

func TestPrunerPrunesOnItsInterval(t *testing.T) {
	runs, clock := newRuns(t)
	ctx, cancel := context.WithCancel(context.Background())
	runs.HistoryLimits = func(_, _ string) runhistory.Limits { return runhistory.Limits{Successful: 1, Failed: 1} }
	for i := range 3 {
		if err := runs.Create(ctx, historyRun("orders", i, v1alpha1.RunSucceeded, clock.Now().Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatalf("Create: %v", err)
		}
	}
	p := &Pruner{Runs: runs, Interval: 10 * time.Millisecond, Now: clock.Now}
	done := make(chan error)
	go func() { done <- p.Start(ctx) }()
	deadline := time.After(30 * time.Second)
	for countRows(t, runs) != 1 {
		select {
		case <-deadline:
			t.Fatalf("runs left = %d after 30s of pruning, want 1", countRows(t, runs))
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Start = %v, want nil", err)
	}
	if !p.NeedLeaderElection() {
		t.Error("Pruner must run on the leader only")
	}
}

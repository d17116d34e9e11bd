package pgruns

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
)

// BenchmarkBeginFinish measures an OnReceipt run's writes: one insert as
// it begins, one conditional update as it finishes.
func BenchmarkBeginFinish(b *testing.B) {
	runs := benchRuns(b)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			in := onReceipt("", "")
			in.ID = fmt.Sprintf("run-%p-%d", pb, i)
			run, _, err := runs.Begin(ctx, in)
			if err != nil {
				b.Fatalf("Begin: %v", err)
			}
			run.Status.Phase = v1alpha1.RunSucceeded
			if err := runs.Finish(ctx, run); err != nil {
				b.Fatalf("Finish: %v", err)
			}
		}
	})
}

// BenchmarkPrunePass measures a pass of Prune over 1,000 Workflows of 10
// finished runs each, at their limit: the steady state, nothing to delete.
func BenchmarkPrunePass(b *testing.B) {
	runs := benchRuns(b)
	runs.HistoryLimits = func(_, _ string) runhistory.Limits { return runhistory.Limits{Successful: 10, Failed: 10} }
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	var batch pgx.Batch
	for w := range 1000 {
		for i := range 10 {
			r, err := rowOf(historyRun(fmt.Sprintf("wf-%04d", w), i, v1alpha1.RunSucceeded, base.Add(time.Duration(i)*time.Second)), base)
			if err != nil {
				b.Fatal(err)
			}
			batch.Queue(runs.queries.insert, r.namespace, r.name, r.workflow, string(r.workflowUID), string(r.phase), r.key, r.requestHash,
				r.receivedAt, r.createdAt, r.leaseUntil, r.keepUntil, int32(10), int32(10), r.run)
		}
	}
	if err := testPool.SendBatch(ctx, &batch).Close(); err != nil {
		b.Fatalf("seed: %v", err)
	}
	if _, err := testPool.Exec(ctx, "ANALYZE "+runs.Table()); err != nil {
		b.Fatalf("analyze: %v", err)
	}
	b.ResetTimer()
	for b.Loop() {
		if n, err := runs.Prune(ctx, time.Now()); err != nil || n != 0 {
			b.Fatalf("Prune = (%d, %v), want (0, nil)", n, err)
		}
	}
}

func benchRuns(b *testing.B) *Runs {
	b.Helper()
	ctx := context.Background()
	table := fmt.Sprintf("runs_bench_%d", tables.Add(1))
	if err := Migrate(ctx, testPool, table); err != nil {
		b.Fatalf("Migrate: %v", err)
	}
	b.Cleanup(func() { testPool.Exec(ctx, "DROP TABLE "+table) })
	runs, err := New(testPool, table)
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	return runs
}

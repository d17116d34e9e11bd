package pgruns

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/wait"
)

// DefaultPruneInterval is the Interval of a Pruner that sets none.
const DefaultPruneInterval = 30 * time.Second

// pruneQuery deletes, in one statement, the finished runs of each Workflow
// beyond its history limits: the runs of each namespace, Workflow and
// phase are ranked newest first (the history index gives them in that
// order, no sort), and those ranked past the limit of the newest run (the
// Workflow's current spec.history) go, but for the runs kept until a
// future time ($1) for the retries of their Idempotency-Key. Runs that
// have not finished are never pruned. The cost is that of reading the
// finished runs, whatever the number of Workflows.
func pruneQuery(t string) string {
	return `WITH ranked AS (
			SELECT namespace, name, keep_until,
				row_number() OVER newest AS rank,
				first_value(CASE WHEN phase = 'Succeeded' THEN successful_runs_limit ELSE failed_runs_limit END) OVER newest AS kept
			FROM ` + t + `
			WHERE phase IN ` + finishedPhases + `
			WINDOW newest AS (PARTITION BY namespace, workflow, phase ORDER BY received_at DESC, name DESC))
		DELETE FROM ` + t + ` AS r USING ranked
		WHERE r.namespace = ranked.namespace AND r.name = ranked.name
			AND r.phase IN ` + finishedPhases + `
			AND ranked.rank > ranked.kept
			AND (ranked.keep_until IS NULL OR ranked.keep_until <= $1)`
}

// Prune deletes the finished runs beyond their Workflow's history limits,
// but for those kept past now; it returns how many it deleted.
func (s *Runs) Prune(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, s.queries.prune, now)
	if err != nil {
		return 0, classify("prune runs", err)
	}
	return tag.RowsAffected(), nil
}

// Pruner prunes Runs every Interval: a controller-runtime Runnable, on
// the elected leader only.
type Pruner struct {
	Runs *Runs
	// Interval between two passes; DefaultPruneInterval when 0.
	Interval time.Duration
	Log      logr.Logger
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// NeedLeaderElection is true: with leader election one replica prunes;
// servers run without it, so each replica does (the delete is idempotent).
func (p *Pruner) NeedLeaderElection() bool { return true }

// Start prunes at once and then every Interval until ctx is done.
func (p *Pruner) Start(ctx context.Context) error {
	interval := p.Interval
	if interval <= 0 {
		interval = DefaultPruneInterval
	}
	wait.UntilWithContext(ctx, func(ctx context.Context) { p.pass(ctx, interval) }, interval)
	return nil
}

// pass prunes once, bounded by the interval.
func (p *Pruner) pass(ctx context.Context, interval time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, interval)
	defer cancel()
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	n, err := p.Runs.Prune(ctx, now)
	if err != nil {
		p.Log.Info("Runs not pruned", "table", p.Runs.Table(), "error", err.Error())
		return
	}
	p.Log.V(1).Info("Runs pruned", "table", p.Runs.Table(), "deleted", n)
}

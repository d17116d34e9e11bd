// Package pgruns keeps a WebhookServer's runs in one PostgreSQL table
// (spec.runStore.type: Postgres): the runs written as they begin (requests
// with an Idempotency-Key, OnReceipt runs) as store.RunStore, and the run
// history as runhistory.Writer, pruned to each Workflow's history limits
// by Pruner.
package pgruns

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/store"
)

var (
	_ store.RunStore    = (*Runs)(nil)
	_ runhistory.Writer = (*Runs)(nil)
)

// beginAttempts bounds the inserts of one Begin: a run abandoned between
// an insert that found it and the read of it is inserted again.
const beginAttempts = 3

// Runs keeps runs in a table made by Migrate: one row per run, keyed by
// namespace and name, with the run itself as json and, as columns, what
// the queries select by. Each write of a run begun (TakeOver, Finish,
// Abandon) is conditional on the version it was read at (its
// resourceVersion): exactly one of two replicas racing for a run wins, the
// other gets a Conflict, as from the API server.
type Runs struct {
	pool    *pgxpool.Pool
	table   string
	queries queries

	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// HistoryLimits returns the history limits of a Workflow, kept with
	// each of its runs for Prune; runhistory's defaults when nil.
	HistoryLimits func(namespace, workflow string) runhistory.Limits
}

// New returns the runs kept in table (DefaultTable when empty) of the
// database of pool. The table must have been made by Migrate.
func New(pool *pgxpool.Pool, table string) (*Runs, error) {
	table, err := checkTable(table)
	if err != nil {
		return nil, err
	}
	return &Runs{pool: pool, table: table, queries: queriesOf(table)}, nil
}

// Table is the name of the table.
func (s *Runs) Table() string { return s.table }

// Begin inserts the run, in phase in.Phase (Running by default), and
// returns (run, true); when a run of the same name exists, it returns (the
// existing run, false).
func (s *Runs) Begin(ctx context.Context, in store.IdempotentRun) (*v1alpha1.WorkflowRun, bool, error) {
	now := s.now()
	run := in.Begun(now)
	r, err := rowOf(run, now)
	if err != nil {
		return nil, false, err
	}
	for range beginAttempts {
		inserted, err := s.insert(ctx, r)
		if err != nil {
			return nil, false, classify("begin run", err)
		}
		if inserted {
			run.ResourceVersion, run.CreationTimestamp = "1", metav1.NewTime(now)
			return run, true, nil
		}
		existing, err := s.Get(ctx, in.Namespace, run.Name)
		if apierrors.IsNotFound(err) {
			continue // abandoned between our insert and our read
		}
		if err != nil {
			return nil, false, err
		}
		return existing, false, nil
	}
	return nil, false, conflict("begin run", run.Name)
}

// insert inserts r unless a run of its name exists; it tells whether it
// did.
func (s *Runs) insert(ctx context.Context, r row) (bool, error) {
	limits := s.limits(r.namespace, r.workflow)
	tag, err := s.pool.Exec(ctx, s.queries.insert,
		r.namespace, r.name, r.workflow, string(r.workflowUID), string(r.phase), r.key, r.requestHash,
		r.receivedAt, r.createdAt, r.leaseUntil, r.keepUntil, int32(limits.Successful), int32(limits.Failed), r.run)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Get reads a run; an unknown run is a NotFound error.
func (s *Runs) Get(ctx context.Context, namespace, name string) (*v1alpha1.WorkflowRun, error) {
	rows, _ := s.pool.Query(ctx, s.queries.get, namespace, name)
	run, err := pgx.CollectExactlyOneRow(rows, scanRun)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("get run", name)
	}
	if err != nil {
		return nil, classify("get run", err)
	}
	return &run, nil
}

// Pending lists the runs of namespace (all namespaces when empty) that
// began, have not finished (phase Accepted or Running) and whose lease has
// passed: those another replica may take over.
func (s *Runs) Pending(ctx context.Context, namespace string) ([]v1alpha1.WorkflowRun, error) {
	rows, _ := s.pool.Query(ctx, s.queries.pending, s.now(), namespace)
	runs, err := pgx.CollectRows(rows, scanRun)
	if err != nil {
		return nil, classify("list pending runs", err)
	}
	return runs, nil
}

// TakeOver claims a run whose lease has expired, with a new lease, in
// phase Running, if its version is still the one it was read at; else it
// fails with a Conflict.
func (s *Runs) TakeOver(ctx context.Context, run *v1alpha1.WorkflowRun, lease time.Duration) error {
	until := metav1.NewTime(s.now().Add(lease))
	run.Status.LeaseUntil = &until
	run.Status.Phase = v1alpha1.RunRunning
	setPhaseLabel(run)
	return s.update(ctx, "take over run", run)
}

// Finish records the outcome and the answer of a run, for every retry, if
// its version is still the one it was read at; else it fails with a
// Conflict.
func (s *Runs) Finish(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	run.Status.LeaseUntil = nil
	setPhaseLabel(run)
	return s.update(ctx, "finish run", run)
}

func setPhaseLabel(run *v1alpha1.WorkflowRun) {
	if run.Labels == nil {
		run.Labels = map[string]string{}
	}
	run.Labels[v1alpha1.RunPhaseLabel] = string(run.Status.Phase)
}

// update writes run's phase, lease, keep-until and document at the next
// version, if the row is still at the version run was read at. On success
// run's resourceVersion is the new version.
func (s *Runs) update(ctx context.Context, op string, run *v1alpha1.WorkflowRun) error {
	version, err := versionOf(run)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	r, err := rowOf(run, s.now())
	if err != nil {
		return err
	}
	var next *int64
	var exists bool
	err = s.pool.QueryRow(ctx, s.queries.update,
		r.namespace, r.name, string(r.phase), r.leaseUntil, r.keepUntil, r.run, version).Scan(&next, &exists)
	switch {
	case err != nil:
		return classify(op, err)
	case next != nil:
		run.ResourceVersion = formatVersion(*next)
		return nil
	case exists:
		return conflict(op, run.Name)
	default:
		return notFound(op, run.Name)
	}
}

// Abandon deletes a run at the version it was read at; a run gone or
// changed since (taken over by another replica) is left as it is.
func (s *Runs) Abandon(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	version, err := versionOf(run)
	if err != nil {
		return fmt.Errorf("abandon run: %w", err)
	}
	if _, err := s.pool.Exec(ctx, s.queries.abandon, run.Namespace, run.Name, version); err != nil {
		return classify("abandon run", err)
	}
	return nil
}

// Expired tells whether the replica running run is presumed dead: its
// lease has passed.
func (s *Runs) Expired(run *v1alpha1.WorkflowRun) bool {
	return run.Status.LeaseUntil != nil && s.now().After(run.Status.LeaseUntil.Time)
}

func (s *Runs) limits(namespace, workflow string) runhistory.Limits {
	if s.HistoryLimits != nil {
		return s.HistoryLimits(namespace, workflow)
	}
	return runhistory.LimitsOf(nil)
}

func (s *Runs) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

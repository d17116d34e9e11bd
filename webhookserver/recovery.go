package webhookserver

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// DefaultRecoveryInterval is how often a replica looks for OnReceipt runs
// left unfinished.
const DefaultRecoveryInterval = 10 * time.Second

// Recovery finishes the OnReceipt runs (and reruns) that a replica accepted
// and did not finish (it died, or its store was unavailable), and reruns
// the failed runs whose rerun is asked for (rerun.go): every Interval it lists
// the pending runs of its scope (one LIST, by label), and takes over each
// OnReceipt run whose lease has passed and whose Workflow it serves. The
// take-over is an update at the run's resourceVersion: exactly one replica
// wins. The steps run again under the same run id, so each record is
// written once. It is a controller-runtime Runnable.
type Recovery struct {
	Server *Server
	// Namespace to look in; empty for all (the local development server).
	Namespace string
	// Interval between two looks; DefaultRecoveryInterval when 0.
	Interval time.Duration
	Log      logr.Logger
}

// NeedLeaderElection is false: every replica recovers the runs it serves.
func (r *Recovery) NeedLeaderElection() bool { return false }

// Start looks for runs to recover every Interval until ctx is done.
func (r *Recovery) Start(ctx context.Context) error {
	interval := r.Interval
	if interval <= 0 {
		interval = DefaultRecoveryInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			r.recoverRuns(ctx, interval)
			r.rerunRuns(ctx, interval)
		}
	}
}

// recoverRuns lists the pending runs once and finishes those it may take.
func (r *Recovery) recoverRuns(ctx context.Context, interval time.Duration) {
	runs := r.Server.opts.Idempotency
	if runs == nil {
		return
	}
	r.forEachListed(ctx, interval, "Pending runs not listed", runs.Pending, r.recoverRun)
}

// forEachListed lists runs of its scope with list (one call, bounded by
// interval) and hands each to do, until ctx is done. A failed list is
// logged with msg and tried again at the next look.
func (r *Recovery) forEachListed(ctx context.Context, interval time.Duration, msg string,
	list func(context.Context, string) ([]v1alpha1.WorkflowRun, error), do func(context.Context, *v1alpha1.WorkflowRun)) {
	lctx, cancel := context.WithTimeout(ctx, interval)
	runs, err := list(lctx, r.Namespace)
	cancel()
	if err != nil {
		r.Log.Info(msg, "error", err.Error())
		return
	}
	for i := range runs {
		if ctx.Err() != nil {
			return
		}
		do(ctx, &runs[i])
	}
}

// recoverRun takes over and finishes one run, if it is an OnReceipt run
// whose lease has passed and whose Workflow this replica serves.
func (r *Recovery) recoverRun(ctx context.Context, run *v1alpha1.WorkflowRun) {
	s, runs := r.Server, r.Server.opts.Idempotency
	// Runs without a request are idempotent AfterRun runs: their retries
	// finish them.
	if run.Spec.Request == nil || !runs.Expired(run) {
		return
	}
	e := s.opts.Routes.Load().Workflow(run.Namespace, run.Spec.Workflow)
	if e == nil || e.Capture != nil || !ownedBy(run, e) {
		// Not served, or waiting for a sample capture: no steps to run.
		return
	}
	release, ok := runSlot(e)
	if !ok {
		return // no free slot: at the next look
	}
	defer release()
	log := r.Log.WithValues("namespace", run.Namespace, "workflow", run.Spec.Workflow, "run", run.Name)
	if err := runs.TakeOver(ctx, run, e.Limits.RequestTimeout+s.opts.LeaseMargin); err != nil {
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			log.V(1).Info("Run taken by another replica")
			return
		}
		log.Info("Run not taken over", "error", err.Error())
		return
	}
	log.Info("Recovering an OnReceipt run left unfinished", "receivedAt", run.Spec.ReceivedAt)
	vars, err := runVars(run)
	if err != nil {
		log.Error(err, "Run not recoverable: failed")
		finished := metav1.NewTime(s.opts.Now())
		run.Status.Phase, run.Status.Error, run.Status.FinishedAt = v1alpha1.RunFailed, "recovery: "+err.Error(), &finished
		if err := runs.Finish(context.WithoutCancel(ctx), run); err != nil {
			log.Info("Run's outcome not written", "error", err.Error())
		}
		return
	}
	// Once taken, the run is finished even if the replica is stopping.
	s.runAccepted(context.WithoutCancel(ctx), e, run, vars, log)
}

// ownedBy tells whether run belongs to the Workflow of e (and not to an
// earlier Workflow of the same name).
func ownedBy(run *v1alpha1.WorkflowRun, e *Entry) bool {
	for _, o := range run.OwnerReferences {
		if o.UID == e.Route.UID {
			return true
		}
	}
	return false
}

// runSlot takes one of the slots of e's runs (maxConcurrentRuns) for a run
// started off the request path; ok is false when none is free.
func runSlot(e *Entry) (release func(), ok bool) {
	if e.Runs == nil {
		return func() {}, true
	}
	return e.Runs.TryTake()
}

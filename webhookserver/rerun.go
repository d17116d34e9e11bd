package webhookserver

import (
	"context"
	"errors"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/store"
)

// rerunRuns lists the failed runs of its scope whose rerun is asked for
// (`kubectl hookflow rerun`: the label v1alpha1.RerunLabel=requested), in
// one LIST that returns those runs only, and reruns each whose Workflow
// this replica serves. A run store that keeps runs in PostgreSQL has no
// WorkflowRun to label: it does not rerun.
func (r *Recovery) rerunRuns(ctx context.Context, interval time.Duration) {
	reruns, ok := r.Server.opts.Idempotency.(store.RerunStore)
	if !ok {
		return
	}
	r.forEachListed(ctx, interval, "Runs to rerun not listed", reruns.RerunRequested,
		func(ctx context.Context, first *v1alpha1.WorkflowRun) { r.rerunRun(ctx, reruns, first) })
}

// rerunRun reruns the failed run first, if this replica serves its
// Workflow: it begins the rerun (a new WorkflowRun named
// runhistory.RerunName(first), phase Running, with a lease, first's params
// and request, status.rerunOf), records it in first (status.rerunBy, and
// the label removed), then runs the steps of the Workflow's current
// generation under the rerun's own run id and writes its outcome.
//
// The rerun's create decides: whichever replica creates it runs it; a
// replica that finds it created (another replica, or its own earlier try
// that stopped before recording it in first) only records it in first.
// Once created, the rerun is never lost: if this replica stops, or the
// store is unavailable, Recovery finishes it once its lease has passed, as
// an OnReceipt run. Asked for twice, a run is rerun once: its rerun's name
// exists, or first names it already.
func (r *Recovery) rerunRun(ctx context.Context, reruns store.RerunStore, first *v1alpha1.WorkflowRun) {
	s, runs := r.Server, r.Server.opts.Idempotency
	e := s.opts.Routes.Load().Workflow(first.Namespace, first.Spec.Workflow)
	if e == nil || e.Capture != nil || !ownedBy(first, e) {
		// Not served here (another server's, not Ready, or waiting for a
		// sample capture): the replica that serves it reruns it.
		return
	}
	log := r.Log.WithValues("namespace", first.Namespace, "workflow", first.Spec.Workflow, "run", first.Name)
	if err := runhistory.CheckRerun(first); err != nil {
		var already *runhistory.AlreadyRerunError
		if errors.As(err, &already) {
			log.V(1).Info("Rerun asked for again: the run was rerun already", "rerun", already.By)
		} else {
			log.Info("Rerun refused", "reason", err.Error())
		}
		// Nothing new runs; the request is taken away.
		if err := reruns.MarkRerun(ctx, first, ""); err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			log.Info("Rerun request not cleared", "error", err.Error())
		}
		return
	}
	release, ok := runSlot(e)
	if !ok {
		return // no free slot: at the next look
	}
	defer release()
	name := runhistory.RerunName(first)
	log = log.WithValues("rerun", name)
	bctx, cancel := context.WithTimeout(ctx, e.Limits.RequestTimeout)
	run, mine, err := runs.Begin(bctx, store.IdempotentRun{
		Namespace: first.Namespace, Workflow: first.Spec.Workflow, WorkflowUID: e.Route.UID,
		ID: name, Lease: e.Limits.RequestTimeout + s.opts.LeaseMargin, Phase: v1alpha1.RunRunning,
		ReceivedAt: s.opts.Now(), Params: first.Spec.Params, Request: first.Spec.Request, RerunOf: first.Name,
	})
	cancel()
	if err != nil {
		log.Info("Rerun not begun; tried again at the next look", "error", err.Error())
		return
	}
	if err := reruns.MarkRerun(ctx, first, name); err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
		// The rerun exists: the next look finds its name taken and
		// records it again.
		log.Info("Rerun not recorded in its first run", "error", err.Error())
	}
	if !mine {
		log.V(1).Info("Rerun begun before: not run again")
		return
	}
	log.Info("Rerunning a failed run")
	vars, err := runVars(run)
	if err != nil {
		// Not reached: the params were read from a run the API server
		// accepted. The rerun is left to fail in Recovery.
		log.Error(err, "Rerun's params not read")
		return
	}
	// Once begun, the rerun is finished even if the replica is stopping.
	s.runAccepted(context.WithoutCancel(ctx), e, run, vars, log)
}

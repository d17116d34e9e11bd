package crstore

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

var _ store.RunStore = (*IdempotentRuns)(nil)

// KeepUntilAnnotation holds, on an idempotent run, the time until which a
// retry may come: the pruner reads it from the metadata and keeps the run.
const KeepUntilAnnotation = "hookflow.dev/keep-until"

// IdempotentRun is store.IdempotentRun.
//
// Deprecated: use store.IdempotentRun; kept for the callers not yet moved.
type IdempotentRun = store.IdempotentRun

// IdempotentRuns keeps the runs of requests that carry an Idempotency-Key
// as WorkflowRuns named from the Workflow's UID and the key: the first
// create decides, atomically, which request runs; every retry finds the
// run, waits for it to finish and gives its answer again. OnReceipt runs
// are kept the same way (named by their run id when they have no key),
// phase Accepted, with what their steps read; Pending and TakeOver let
// another replica finish them. A begun run costs one create, a finished one
// one update.
type IdempotentRuns struct {
	// Client must write to and read from the API server directly.
	Client client.Client
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// Begin creates the run, in phase in.Phase (Running by default), and
// returns (run, true); when the key was used before, it returns (the
// existing run, false).
func (s *IdempotentRuns) Begin(ctx context.Context, in store.IdempotentRun) (*v1alpha1.WorkflowRun, bool, error) {
	run := in.Begun(s.now())
	if keep := run.Status.KeepUntil; keep != nil {
		run.Annotations = map[string]string{KeepUntilAnnotation: keep.UTC().Format(time.RFC3339)}
	}
	err := s.Client.Create(ctx, run)
	if err == nil {
		return run, true, nil
	}
	if !apierrors.IsAlreadyExists(err) {
		return nil, false, classify("begin idempotent run", err)
	}
	existing, err := s.Get(ctx, in.Namespace, run.Name)
	if apierrors.IsNotFound(err) {
		// Abandoned between our create and our get: try once more.
		if err = s.Client.Create(ctx, run); err == nil {
			return run, true, nil
		}
	}
	if err != nil {
		return nil, false, classify("begin idempotent run", err)
	}
	return existing, false, nil
}

// Get reads a run from the API server.
func (s *IdempotentRuns) Get(ctx context.Context, namespace, name string) (*v1alpha1.WorkflowRun, error) {
	run := &v1alpha1.WorkflowRun{}
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, run); err != nil {
		return nil, err
	}
	return run, nil
}

// Pending lists the runs of namespace (all namespaces when empty) that
// began and have not finished: phase Accepted or Running. One LIST, by
// label, of the pending runs only.
func (s *IdempotentRuns) Pending(ctx context.Context, namespace string) ([]v1alpha1.WorkflowRun, error) {
	pending, err := labels.NewRequirement(v1alpha1.RunPhaseLabel, selection.In,
		[]string{string(v1alpha1.RunAccepted), string(v1alpha1.RunRunning)})
	if err != nil {
		return nil, err
	}
	var list v1alpha1.WorkflowRunList
	opts := []client.ListOption{client.MatchingLabelsSelector{Selector: labels.NewSelector().Add(*pending)}}
	if namespace != "" {
		opts = append(opts, client.InNamespace(namespace))
	}
	if err := s.Client.List(ctx, &list, opts...); err != nil {
		return nil, classify("list pending runs", err)
	}
	return list.Items, nil
}

// TakeOver claims a run whose lease has expired, with a new lease, in
// phase Running. It is an update at the run's resourceVersion: it fails
// with a Conflict when another replica claimed it first.
func (s *IdempotentRuns) TakeOver(ctx context.Context, run *v1alpha1.WorkflowRun, lease time.Duration) error {
	until := metav1.NewTime(s.now().Add(lease))
	run.Status.LeaseUntil = &until
	run.Status.Phase = v1alpha1.RunRunning
	if run.Labels == nil {
		run.Labels = map[string]string{}
	}
	run.Labels[v1alpha1.RunPhaseLabel] = string(v1alpha1.RunRunning)
	if err := s.Client.Update(ctx, run); err != nil {
		return classify("take over idempotent run", err)
	}
	return nil
}

// Finish records the outcome and the answer of a run, for every retry.
func (s *IdempotentRuns) Finish(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	run.Labels[v1alpha1.RunPhaseLabel] = string(run.Status.Phase)
	run.Status.LeaseUntil = nil
	if err := s.Client.Update(ctx, run); err != nil {
		return classify("finish idempotent run", err)
	}
	return nil
}

// Abandon deletes a run that gave no answer worth repeating (the store was
// unavailable): the next retry runs it afresh, under the same run id.
func (s *IdempotentRuns) Abandon(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	err := s.Client.Delete(ctx, run, client.Preconditions{UID: &run.UID})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("abandon idempotent run: %w", err)
	}
	return nil
}

// Expired tells whether the replica running run is presumed dead.
func (s *IdempotentRuns) Expired(run *v1alpha1.WorkflowRun) bool {
	return run.Status.LeaseUntil != nil && s.now().After(run.Status.LeaseUntil.Time)
}

func (s *IdempotentRuns) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// RunStore keeps the runs written as they begin: those of requests with an
// Idempotency-Key, and OnReceipt runs. The first Begin of a run name
// decides, atomically, which request runs; a lease tells when another
// replica may take over a run whose replica is presumed dead.
//
// Errors follow the API server's: a lost race (TakeOver or Finish of a run
// changed since it was read) is an error for which apierrors.IsConflict is
// true, an unknown run one for which apierrors.IsNotFound is true, and an
// unreachable store one that wraps ErrUnavailable.
type RunStore interface {
	// Begin writes the run, in phase in.Phase (Running by default), and
	// returns (run, true); when its name was taken before, it returns (the
	// existing run, false).
	Begin(ctx context.Context, in IdempotentRun) (*v1alpha1.WorkflowRun, bool, error)
	// Get reads a run.
	Get(ctx context.Context, namespace, name string) (*v1alpha1.WorkflowRun, error)
	// Pending lists the runs of namespace (all namespaces when empty) that
	// began and have not finished, phase Accepted or Running; a store may
	// leave out those whose lease is current.
	Pending(ctx context.Context, namespace string) ([]v1alpha1.WorkflowRun, error)
	// TakeOver claims a run whose lease has expired, with a new lease, in
	// phase Running, if it has not changed since it was read.
	TakeOver(ctx context.Context, run *v1alpha1.WorkflowRun, lease time.Duration) error
	// Finish records the outcome and the answer of a run, for every retry,
	// if it has not changed since it was read.
	Finish(ctx context.Context, run *v1alpha1.WorkflowRun) error
	// Abandon deletes a run that gave no answer worth repeating: the next
	// retry runs it afresh, under the same run id. A run already gone or
	// taken by another replica is left as it is.
	Abandon(ctx context.Context, run *v1alpha1.WorkflowRun) error
	// Expired tells whether the replica running run is presumed dead.
	Expired(run *v1alpha1.WorkflowRun) bool
}

// RerunStore finds the failed runs whose rerun is asked for
// (v1alpha1.RerunLabel) and links them to their rerun. A RunStore that
// keeps runs where `kubectl hookflow rerun` cannot ask for one (PostgreSQL)
// does not implement it. The rerun itself is begun with Begin, under its
// deterministic name (runhistory.RerunName): the first Begin decides which
// replica runs it.
type RerunStore interface {
	// RerunRequested lists the runs of namespace (all namespaces when
	// empty) whose rerun is asked for: one LIST, by label, of those only.
	RerunRequested(ctx context.Context, namespace string) ([]v1alpha1.WorkflowRun, error)
	// MarkRerun records, on the run whose rerun was asked for, the name of
	// its rerun (status.rerunBy; empty when it cannot be rerun) and takes
	// the request away, if the run has not changed since it was read.
	MarkRerun(ctx context.Context, run *v1alpha1.WorkflowRun, rerunBy string) error
}

// IdempotentRun is what a run written as it begins needs: a request with
// an Idempotency-Key, or an OnReceipt run (with or without a key).
type IdempotentRun struct {
	Namespace   string
	Workflow    string
	WorkflowUID types.UID
	// Key is the Idempotency-Key; empty for an OnReceipt run without one,
	// which is named ID.
	Key         string
	ID          string
	RequestHash string
	// Lease is how long the replica that runs it may take before another
	// presumes it dead and takes the run over.
	Lease time.Duration
	// Phase of the run as it begins: Running (when empty), or Accepted for
	// an OnReceipt run.
	Phase v1alpha1.RunPhase
	// ReceivedAt is when the request arrived; now when zero.
	ReceivedAt time.Time
	// Params, Request and Response are kept for an OnReceipt run: what
	// another replica needs to run its steps, and the answer it was given,
	// for the retries.
	Params   *apiextensionsv1.JSON
	Request  *v1alpha1.RunRequest
	Response *v1alpha1.RunResponse
	// RerunOf names the run that this run reruns (status.rerunOf).
	RerunOf string
}

// Name is the name (and the run id) of the run: RunName of its key, or ID
// when it has none.
func (in IdempotentRun) Name() string {
	if in.Key != "" {
		return RunName(in.WorkflowUID, in.Key)
	}
	return in.ID
}

// RunName is the name (and the run id) of the idempotent run of key for the
// Workflow uid.
func RunName(uid types.UID, key string) string {
	sum := sha256.Sum256([]byte(string(uid) + "\x00" + key))
	return "idem-" + hex.EncodeToString(sum[:16])
}

// Begun is the run of in as a store writes it when it begins, at now: in
// phase in.Phase (Running by default), its lease from now, and for a run
// with a key, kept until the Idempotency-Key window has passed.
func (in IdempotentRun) Begun(now time.Time) *v1alpha1.WorkflowRun {
	lease := metav1.NewTime(now.Add(in.Lease))
	started := metav1.NewTime(now)
	received := started
	if !in.ReceivedAt.IsZero() {
		received = metav1.NewTime(in.ReceivedAt)
	}
	phase := in.Phase
	if phase == "" {
		phase = v1alpha1.RunRunning
	}
	run := &v1alpha1.WorkflowRun{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "WorkflowRun"},
		ObjectMeta: v1alpha1.WorkflowRunMeta(in.Namespace, in.Name(), in.Workflow, in.WorkflowUID, phase),
		Spec: v1alpha1.WorkflowRunSpec{
			Workflow:       in.Workflow,
			IdempotencyKey: in.Key,
			RequestHash:    in.RequestHash,
			ReceivedAt:     &received,
			Params:         in.Params,
			Request:        in.Request,
		},
		Status: v1alpha1.WorkflowRunStatus{
			Phase:      phase,
			StartedAt:  &started,
			LeaseUntil: &lease,
			Response:   in.Response,
			RerunOf:    in.RerunOf,
		},
	}
	if in.Key != "" {
		keep := metav1.NewTime(now.Add(IdempotencyWindow))
		run.Status.KeepUntil = &keep
	}
	return run
}

package controllers

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/store/crstore"
)

// Defaults of WorkflowRunPruner.
const (
	DefaultRunPruneInterval = 30 * time.Second
	// DefaultPrunedWorkflowsPerSecond bounds the pace of a pass: 2 LISTs per
	// Workflow, so 40 LISTs/s at most, however many Workflows there are.
	DefaultPrunedWorkflowsPerSecond = 20
	// pruneListPage bounds the runs of one LIST response.
	pruneListPage = 500
)

var (
	prunePasses = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hookflow_workflowrun_prune_passes_total",
		Help: "Passes of the WorkflowRun pruner over every Workflow.",
	})
	runsPruned = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hookflow_workflowruns_pruned_total",
		Help: "WorkflowRuns deleted beyond their Workflow's history limits.",
	})
)

func init() {
	metrics.Registry.MustRegister(prunePasses, runsPruned)
}

// +kubebuilder:rbac:groups=hookflow.dev,resources=workflowruns,verbs=list;delete

// WorkflowRunPruner deletes, for each Workflow, the oldest WorkflowRuns
// beyond spec.history (successfulRunsLimit, failedRunsLimit). It runs on the
// elected leader only.
//
// Cost of a pass: for each Workflow, two LISTs of metadata only (one per
// phase, by the labels hookflow.dev/workflow and hookflow.dev/phase, in its
// namespace, paged by 500), and one DELETE per run over the limits. The
// Workflows come from the manager's cache. A pass is spread over half the
// interval, and never faster than WorkflowsPerSecond: 1,000 Workflows are
// not listed in one burst. Under a steady load the webhook servers create
// at most successfulRunsLimit + failedRunsLimit runs per Workflow per flush
// (runhistory.Recorder), so the deletes of a pass are bounded too.
type WorkflowRunPruner struct {
	// Client reads Workflows (from the cache) and deletes runs.
	Client client.Client
	// Reader lists runs from the API server: they are never cached.
	Reader client.Reader
	// Interval between passes; DefaultRunPruneInterval when 0.
	Interval time.Duration
	// WorkflowsPerSecond bounds the pace of a pass;
	// DefaultPrunedWorkflowsPerSecond when 0.
	WorkflowsPerSecond float64
	Log                logr.Logger
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// NeedLeaderElection is true: one manager prunes.
func (p *WorkflowRunPruner) NeedLeaderElection() bool { return true }

// Start runs a pass every Interval until ctx is done.
func (p *WorkflowRunPruner) Start(ctx context.Context) error {
	ticker := time.NewTicker(p.interval())
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			p.PruneAll(ctx)
		}
	}
}

func (p *WorkflowRunPruner) interval() time.Duration {
	if p.Interval > 0 {
		return p.Interval
	}
	return DefaultRunPruneInterval
}

// PruneAll prunes the runs of every Workflow, one Workflow at a time.
func (p *WorkflowRunPruner) PruneAll(ctx context.Context) {
	var workflows v1alpha1.WorkflowList
	if err := p.Client.List(ctx, &workflows); err != nil {
		p.Log.Error(err, "Cannot list Workflows to prune their runs")
		return
	}
	n := len(workflows.Items)
	rate := p.WorkflowsPerSecond
	if rate <= 0 {
		rate = DefaultPrunedWorkflowsPerSecond
	}
	pause := time.Duration(float64(time.Second) / rate)
	if n > 0 {
		pause = max(pause, p.interval()/2/time.Duration(n))
	}
	for i := range workflows.Items {
		wf := &workflows.Items[i]
		if i > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
		}
		if !wf.DeletionTimestamp.IsZero() {
			continue // its runs go with it (owner references)
		}
		if err := p.Prune(ctx, wf); err != nil && ctx.Err() == nil {
			p.Log.Info("Cannot prune the runs of a Workflow", "namespace", wf.Namespace, "workflow", wf.Name, "error", err.Error())
		}
	}
	prunePasses.Inc()
}

// Prune deletes the runs of wf beyond its history limits.
func (p *WorkflowRunPruner) Prune(ctx context.Context, wf *v1alpha1.Workflow) error {
	limits := runhistory.LimitsOf(wf.Spec.History)
	for _, pl := range []struct {
		phase v1alpha1.RunPhase
		limit int
	}{{v1alpha1.RunSucceeded, limits.Successful}, {v1alpha1.RunFailed, limits.Failed}} {
		runs, err := p.listRuns(ctx, wf, pl.phase)
		if err != nil {
			return err
		}
		for _, run := range runsToPrune(runs, pl.limit, p.now()) {
			if err := p.delete(ctx, run); err != nil {
				return err
			}
		}
	}
	return nil
}

// listRuns lists the metadata of the runs of wf in a phase. Runs in phase
// Accepted or Running are never listed: they are not history yet.
func (p *WorkflowRunPruner) listRuns(ctx context.Context, wf *v1alpha1.Workflow, phase v1alpha1.RunPhase) ([]metav1.PartialObjectMetadata, error) {
	var runs []metav1.PartialObjectMetadata
	opts := []client.ListOption{
		client.InNamespace(wf.Namespace),
		client.MatchingLabels{v1alpha1.WorkflowLabel: wf.Name, v1alpha1.RunPhaseLabel: string(phase)},
		client.Limit(pruneListPage),
	}
	for cont := ""; ; {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("WorkflowRunList"))
		if err := p.Reader.List(ctx, list, append(opts, client.Continue(cont))...); err != nil {
			return nil, err
		}
		runs = append(runs, list.Items...)
		if cont = list.Continue; cont == "" {
			return runs, nil
		}
	}
}

func (p *WorkflowRunPruner) delete(ctx context.Context, run metav1.PartialObjectMetadata) error {
	obj := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: run.Namespace, Name: run.Name}}
	obj.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("WorkflowRun"))
	uid := run.UID
	err := p.Client.Delete(ctx, obj, client.Preconditions{UID: &uid})
	switch {
	case err == nil:
		runsPruned.Inc()
		return nil
	case apierrors.IsNotFound(err), apierrors.IsConflict(err):
		return nil // gone already, or replaced by another object
	default:
		return err
	}
}

func (p *WorkflowRunPruner) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// runsToPrune returns the runs of one phase to delete: all but the newest
// limit, except those whose keep-until annotation (an idempotent run that a
// retry may still ask for) is in the future.
func runsToPrune(runs []metav1.PartialObjectMetadata, limit int, now time.Time) []metav1.PartialObjectMetadata {
	if len(runs) <= limit {
		return nil
	}
	runs = slices.Clone(runs)
	slices.SortFunc(runs, func(a, b metav1.PartialObjectMetadata) int {
		if c := runTime(b).Compare(runTime(a)); c != 0 {
			return c // newest first
		}
		return strings.Compare(b.Name, a.Name)
	})
	var out []metav1.PartialObjectMetadata
	for _, run := range runs[max(limit, 0):] {
		if kept(run, now) {
			continue
		}
		out = append(out, run)
	}
	return out
}

// runTime orders runs: the time of their id, a UUIDv7 that the server
// takes when the request arrives (milliseconds), else their creation time.
func runTime(run metav1.PartialObjectMetadata) time.Time {
	if id, err := uuid.Parse(run.Name); err == nil && id.Version() == 7 {
		sec, nsec := id.Time().UnixTime()
		return time.Unix(sec, nsec)
	}
	return run.CreationTimestamp.Time
}

// kept tells whether run is protected from pruning until a future time.
func kept(run metav1.PartialObjectMetadata, now time.Time) bool {
	v, ok := run.Annotations[crstore.KeepUntilAnnotation]
	if !ok {
		return false
	}
	until, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return true // unreadable: keep rather than lose an idempotent answer
	}
	return until.After(now)
}

package crstore

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

var _ store.RerunStore = (*IdempotentRuns)(nil)

// RerunRequested lists the WorkflowRuns of namespace (all namespaces when
// empty) labelled v1alpha1.RerunLabel=requested: one LIST, which returns
// those runs only.
func (s *IdempotentRuns) RerunRequested(ctx context.Context, namespace string) ([]v1alpha1.WorkflowRun, error) {
	var list v1alpha1.WorkflowRunList
	opts := []client.ListOption{client.MatchingLabels{v1alpha1.RerunLabel: v1alpha1.RerunRequested}}
	if namespace != "" {
		opts = append(opts, client.InNamespace(namespace))
	}
	if err := s.Client.List(ctx, &list, opts...); err != nil {
		return nil, classify("list runs to rerun", err)
	}
	return list.Items, nil
}

// MarkRerun removes the rerun label of run and records its rerun in
// status.rerunBy (when not empty). It is an update at the run's
// resourceVersion: a Conflict when the run changed since it was read.
func (s *IdempotentRuns) MarkRerun(ctx context.Context, run *v1alpha1.WorkflowRun, rerunBy string) error {
	delete(run.Labels, v1alpha1.RerunLabel)
	if rerunBy != "" {
		run.Status.RerunBy = rerunBy
	}
	if err := s.Client.Update(ctx, run); err != nil {
		return classify("mark the rerun of a run", err)
	}
	return nil
}

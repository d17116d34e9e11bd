package pgruns

import (
	"context"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Create writes a finished run of the history (runhistory.Writer), with
// its Workflow's history limits; a run written before is left as it is.
func (s *Runs) Create(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	r, err := rowOf(run, s.now())
	if err != nil {
		return err
	}
	if _, err := s.insert(ctx, r); err != nil {
		return classify("create run", err)
	}
	return nil
}

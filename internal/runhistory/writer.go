package runhistory

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ClientWriter writes runs with a controller-runtime client: one create per
// run, to the API server (WorkflowRuns are never cached).
type ClientWriter struct {
	Client client.Client
}

// Create creates run.
func (w ClientWriter) Create(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	return w.Client.Create(ctx, run)
}

package controllers

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

// Field indexes on Workflows.
const (
	// IndexWorksheet indexes Workflows by the Worksheets their steps use.
	IndexWorksheet = ".spec.steps.worksheet"
	// IndexServer indexes Workflows by their WebhookServer.
	IndexServer = ".spec.serverRef.name"
)

// IndexWorkflowWorksheets returns the Worksheets a Workflow uses.
func IndexWorkflowWorksheets(o client.Object) []string {
	return route.Worksheets(o.(*v1alpha1.Workflow))
}

// IndexWorkflowServer returns the WebhookServer of a Workflow.
func IndexWorkflowServer(o client.Object) []string {
	return []string{o.(*v1alpha1.Workflow).ServerName()}
}

// SetupIndexes registers the field indexes the controllers use.
func SetupIndexes(ctx context.Context, mgr manager.Manager) error {
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &v1alpha1.Workflow{}, IndexWorksheet, IndexWorkflowWorksheets); err != nil {
		return fmt.Errorf("index %s: %w", IndexWorksheet, err)
	}
	if err := idx.IndexField(ctx, &v1alpha1.Workflow{}, IndexServer, IndexWorkflowServer); err != nil {
		return fmt.Errorf("index %s: %w", IndexServer, err)
	}
	return nil
}

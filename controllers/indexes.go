package controllers

import (
	"context"
	"fmt"
	"slices"

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
	// IndexSecret indexes Workflows by the Secrets their security uses.
	IndexSecret = ".spec.trigger.webhook.security.secretRef.name"
)

// IndexWorkflowWorksheets returns the Worksheets a Workflow uses.
func IndexWorkflowWorksheets(o client.Object) []string {
	return route.Worksheets(o.(*v1alpha1.Workflow))
}

// IndexWorkflowServer returns the WebhookServer of a Workflow.
func IndexWorkflowServer(o client.Object) []string {
	return []string{o.(*v1alpha1.Workflow).ServerName()}
}

// IndexWorkflowSecrets returns the Secrets a Workflow's security uses.
func IndexWorkflowSecrets(o client.Object) []string {
	var names []string
	for _, k := range route.SecretKeys(o.(*v1alpha1.Workflow)) {
		if !slices.Contains(names, k.Name) {
			names = append(names, k.Name)
		}
	}
	return names
}

// workflowsUsingSecret lists the Workflows of a Secret's namespace whose
// security uses it.
func workflowsUsingSecret(ctx context.Context, c client.Reader, secret client.Object) ([]v1alpha1.Workflow, error) {
	var wfs v1alpha1.WorkflowList
	if err := c.List(ctx, &wfs, client.InNamespace(secret.GetNamespace()), client.MatchingFields{IndexSecret: secret.GetName()}); err != nil {
		return nil, fmt.Errorf("list Workflows using Secret %s: %w", secret.GetName(), err)
	}
	return wfs.Items, nil
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
	if err := idx.IndexField(ctx, &v1alpha1.Workflow{}, IndexSecret, IndexWorkflowSecrets); err != nil {
		return fmt.Errorf("index %s: %w", IndexSecret, err)
	}
	return nil
}

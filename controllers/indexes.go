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
	// IndexStoreSecret indexes Worksheets and WebhookServers by the Secret
	// of their Postgres store's connection string.
	IndexStoreSecret = ".spec.store.postgres.connectionSecretRef.name"
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

// IndexWorksheetStoreSecret returns the Secret of a Worksheet's connection string.
func IndexWorksheetStoreSecret(o client.Object) []string {
	if key, ok := route.ConnectionKey(o.(*v1alpha1.Worksheet).Spec.Storage); ok {
		return []string{key.Name}
	}
	return nil
}

// IndexServerStoreSecret returns the Secret of a WebhookServer's run store connection string.
func IndexServerStoreSecret(o client.Object) []string {
	if key, ok := route.ConnectionKey(o.(*v1alpha1.WebhookServer).Spec.RunStore); ok {
		return []string{key.Name}
	}
	return nil
}

// storesUseSecret tells whether a Worksheet or a WebhookServer of the
// Secret's namespace keeps its store's connection string in it.
func storesUseSecret(ctx context.Context, c client.Reader, secret client.Object) bool {
	opts := []client.ListOption{client.InNamespace(secret.GetNamespace()), client.MatchingFields{IndexStoreSecret: secret.GetName()}, client.Limit(1)}
	sheets := &v1alpha1.WorksheetList{}
	if err := c.List(ctx, sheets, opts...); err == nil && len(sheets.Items) > 0 {
		return true
	}
	servers := &v1alpha1.WebhookServerList{}
	err := c.List(ctx, servers, opts...)
	return err == nil && len(servers.Items) > 0
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
	if err := idx.IndexField(ctx, &v1alpha1.Worksheet{}, IndexStoreSecret, IndexWorksheetStoreSecret); err != nil {
		return fmt.Errorf("index Worksheets %s: %w", IndexStoreSecret, err)
	}
	if err := idx.IndexField(ctx, &v1alpha1.WebhookServer{}, IndexStoreSecret, IndexServerStoreSecret); err != nil {
		return fmt.Errorf("index WebhookServers %s: %w", IndexStoreSecret, err)
	}
	return nil
}

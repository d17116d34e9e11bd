package main

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
)

// The samples that the bench calls, in namespace default.
const (
	sampleNamespace  = "default"
	crWorkflow       = "order-webhook"
	crWorksheet      = "orders"
	pgWorkflow       = "order-webhook-pg"
	pgWorksheet      = "orders-pg"
	clientGoSheet    = "orders-clientgo"
	clientGoWorkflow = "bench-clientgo"
)

// Client settings of the webhook server under hookflow dev (envtest's rest
// config), used by the client-go loop and the seeding too, so that the
// store ceiling is measured with the same client-side rate limits.
const (
	clientQPS   = 1000
	clientBurst = 2000
)

// newClient is a client, without cache, of the dev control plane.
func newClient(kubeconfig string) (client.Client, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("load the kubeconfig of hookflow dev: %w", err)
	}
	cfg.QPS, cfg.Burst = clientQPS, clientBurst
	c, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		return nil, fmt.Errorf("create a client: %w", err)
	}
	return c, nil
}

// servedURL returns the webhook URL of a Workflow that is Ready.
func servedURL(ctx context.Context, c client.Client, name string) (string, error) {
	wf := &v1alpha1.Workflow{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: sampleNamespace, Name: name}, wf); err != nil {
		return "", fmt.Errorf("get Workflow %s: %w", name, err)
	}
	if !meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.ReadyCondition) || wf.Status.WebhookURL == "" {
		return "", fmt.Errorf("workflow %s is not Ready", name)
	}
	return wf.Status.WebhookURL, nil
}

// worksheet reads a Worksheet of the samples.
func worksheet(ctx context.Context, c client.Client, name string) (*v1alpha1.Worksheet, error) {
	ws := &v1alpha1.Worksheet{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: sampleNamespace, Name: name}, ws); err != nil {
		return nil, fmt.Errorf("get Worksheet %s: %w", name, err)
	}
	return ws, nil
}

// pgTable is the table of a Worksheet kept in PostgreSQL.
func pgTable(ws *v1alpha1.Worksheet) string {
	if ws.Status.Table != "" {
		return ws.Status.Table
	}
	return ws.PostgresTable()
}

package controllers

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
)

// Options configure the controllers.
type Options struct {
	// IDSalt keys the derivation of webhook ids.
	IDSalt []byte
	// URLs resolves the base URL of WebhookServers.
	URLs ServerURLs
	// ServerImage is the image of WebhookServer Deployments whose spec has none.
	ServerImage string
}

// SetupAll registers the field indexes and every controller with mgr.
func SetupAll(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if err := SetupIndexes(ctx, mgr); err != nil {
		return err
	}
	if err := (&WorkflowReconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("hookflow-workflow"),
		IDSalt:   opts.IDSalt,
		URLs:     opts.URLs,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up Workflow controller: %w", err)
	}
	if err := (&WorksheetReconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("hookflow-worksheet"),
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up Worksheet controller: %w", err)
	}
	if err := (&WebhookServerReconciler{
		Client:      mgr.GetClient(),
		Recorder:    mgr.GetEventRecorder("hookflow-webhookserver"),
		URLs:        opts.URLs,
		ServerImage: opts.ServerImage,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up WebhookServer controller: %w", err)
	}
	return nil
}

package controllers

import (
	"context"
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hookflow/hookflow/internal/recordcount"
	"github.com/hookflow/hookflow/internal/store/pgstore"
)

// Options configure the controllers.
type Options struct {
	// IDSalt keys the derivation of webhook ids.
	IDSalt []byte
	// URLs resolves the base URL of WebhookServers.
	URLs ServerURLs
	// ServerImage is the image of WebhookServer Deployments whose spec has none.
	ServerImage string
	// AllowCustomServerImage lets a WebhookServer's spec.image choose the
	// image its pods run (`hookflow manager --allow-custom-server-image`).
	// Off, a WebhookServer that sets one is not deployed: whoever may edit
	// it would otherwise run any image with its pods' credentials.
	AllowCustomServerImage bool
	// RunPruneInterval is the time between passes of the WorkflowRun
	// pruner; DefaultRunPruneInterval when 0.
	RunPruneInterval time.Duration
	// CaptureWindow is how long a sample capture window stays open;
	// DefaultCaptureWindow when 0. For tests only.
	CaptureWindow time.Duration
	// Postgres migrates and counts the tables of Worksheets and
	// WebhookServers kept in PostgreSQL; pgstore.Tables on pools of the
	// manager's own when nil.
	Postgres PostgresTables
	// RecordCountInterval: DefaultRecordCountInterval when 0.
	RecordCountInterval time.Duration
	// TableCountInterval: DefaultTableCountInterval when 0.
	TableCountInterval time.Duration
}

// SetupAll registers the field indexes and every controller with mgr.
func SetupAll(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if err := SetupIndexes(ctx, mgr); err != nil {
		return err
	}
	if opts.Postgres == nil {
		pools := pgstore.NewPools(pgstore.PoolOptions{MaxConns: 4})
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			<-ctx.Done()
			pools.Close()
			return nil
		})); err != nil {
			return fmt.Errorf("add PostgreSQL pools: %w", err)
		}
		opts.Postgres = pgstore.Tables{Pools: pools}
	}
	if err := (&WorkflowReconciler{
		Client:        mgr.GetClient(),
		Reader:        mgr.GetAPIReader(),
		Recorder:      mgr.GetEventRecorder("hookflow-workflow"),
		IDSalt:        opts.IDSalt,
		URLs:          opts.URLs,
		CaptureWindow: opts.CaptureWindow,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up Workflow controller: %w", err)
	}
	if err := (&WorksheetReconciler{
		Client:   mgr.GetClient(),
		Reader:   mgr.GetAPIReader(),
		Recorder: mgr.GetEventRecorder("hookflow-worksheet"),
		Counts:   &RecordCounts{Config: mgr.GetConfig(), Counter: recordcount.New(), Interval: opts.RecordCountInterval},
		Tables:   opts.Postgres,
		// A Worksheet kept in PostgreSQL is counted every interval.
		TableCountInterval: opts.TableCountInterval,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up Worksheet controller: %w", err)
	}
	if err := (&WebhookServerReconciler{
		Client:           mgr.GetClient(),
		Recorder:         mgr.GetEventRecorder("hookflow-webhookserver"),
		URLs:             opts.URLs,
		ServerImage:      opts.ServerImage,
		AllowCustomImage: opts.AllowCustomServerImage,
		Reader:           mgr.GetAPIReader(),
		Tables:           opts.Postgres,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up WebhookServer controller: %w", err)
	}
	if err := (&CredentialsReconciler{
		Client: mgr.GetClient(),
		Reader: mgr.GetAPIReader(),
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up credentials controller: %w", err)
	}
	if err := mgr.Add(&WorkflowRunPruner{
		Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Interval: opts.RunPruneInterval,
		Log: mgr.GetLogger().WithName("workflowrun-pruner"),
	}); err != nil {
		return fmt.Errorf("set up WorkflowRun pruner: %w", err)
	}
	return nil
}

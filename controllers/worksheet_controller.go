package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/recordcount"
)

// DefaultTableCountInterval is how often the records of a Worksheet kept in
// PostgreSQL are counted.
const DefaultTableCountInterval = 30 * time.Second

// WorksheetReconciler reports whether Worksheets accept records and how
// many they hold. The records of a Worksheet kept as WorksheetRecords are
// counted by RecordCounts, without a request per record; a Worksheet kept
// in PostgreSQL has its table created and migrated, and counted every
// TableCountInterval.
type WorksheetReconciler struct {
	client.Client
	// Reader reads connection Secrets from the API server.
	Reader   client.Reader
	Recorder recorder.EventRecorder
	// Counts holds the WorksheetRecord counts.
	Counts *RecordCounts
	// Tables migrates and counts the tables of Worksheets kept in
	// PostgreSQL; nil refuses them.
	Tables PostgresTables
	// TableCountInterval: DefaultTableCountInterval when 0.
	TableCountInterval time.Duration
}

// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets/finalizers,verbs=update
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheetrecords,verbs=get;list;watch

// Reconcile adds the finalizer, brings the storage up to date, counts the
// records and writes the status in one deferred patch.
func (r *WorksheetReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var result ctrl.Result
	err := reconcileObject(ctx, r.Client, r.Recorder, req.NamespacedName, &v1alpha1.Worksheet{}, worksheetDeleted,
		func(ctx context.Context, ws *v1alpha1.Worksheet) error {
			if ws.Spec.Storage.Type == v1alpha1.StorePostgres {
				result.RequeueAfter = r.tableCountInterval()
				return r.reconcileTable(ctx, ws)
			}
			return r.reconcileRecords(ws)
		})
	return result, err
}

// reconcileRecords counts the WorksheetRecords.
func (r *WorksheetReconciler) reconcileRecords(ws *v1alpha1.Worksheet) error {
	ws.Status.Table = ""
	if n, ok := r.Counts.Counter.Count(client.ObjectKeyFromObject(ws)); ok {
		ws.Status.Records = n
	}
	// The API server has checked the fields (names, types, options, at most
	// one unique field); there is nothing left that could make them unusable.
	markReady(ws, ReasonSucceeded, fmt.Sprintf("Accepting records in %d fields", len(ws.Spec.Fields)))
	return nil
}

func (r *WorksheetReconciler) tableCountInterval() time.Duration {
	if r.TableCountInterval > 0 {
		return r.TableCountInterval
	}
	return DefaultTableCountInterval
}

func worksheetDeleted(*v1alpha1.Worksheet) string {
	return "Worksheet deleted; its records are garbage-collected with it"
}

// SetupWithManager registers the controller.
func (r *WorksheetReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Counts == nil {
		r.Counts = &RecordCounts{Config: mgr.GetConfig(), Counter: recordcount.New()}
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Worksheet{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesRawSource(r.Counts).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.worksheetsUsing),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		Named("worksheet").
		Complete(r)
}

// worksheetsUsing maps a Secret to the Worksheets whose connection string
// it holds.
func (r *WorksheetReconciler) worksheetsUsing(ctx context.Context, o client.Object) []reconcile.Request {
	return listRequests(ctx, r, &v1alpha1.WorksheetList{}, client.InNamespace(o.GetNamespace()), client.MatchingFields{IndexStoreSecret: o.GetName()})
}

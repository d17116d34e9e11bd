package controllers

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// WorksheetReconciler reports whether Worksheets accept records and how
// many they hold.
type WorksheetReconciler struct {
	client.Client
	Recorder recorder.EventRecorder
}

// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets/finalizers,verbs=update
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheetrecords,verbs=get;list;watch

// Reconcile adds the finalizer, counts the records and writes the status in
// one deferred patch.
func (r *WorksheetReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return ctrl.Result{}, reconcileObject(ctx, r.Client, r.Recorder, req.NamespacedName, &v1alpha1.Worksheet{}, worksheetDeleted, r.reconcile)
}

func (r *WorksheetReconciler) reconcile(ctx context.Context, ws *v1alpha1.Worksheet) error {
	records := &metav1.PartialObjectMetadataList{}
	records.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("WorksheetRecordList"))
	if err := r.List(ctx, records, client.InNamespace(ws.Namespace), client.MatchingLabels{v1alpha1.WorksheetLabel: ws.Name}); err != nil {
		return fmt.Errorf("list records: %w", err)
	}
	ws.Status.Records = int64(len(records.Items))
	// The API server has checked the fields (names, types, options, at most
	// one unique field); there is nothing left that could make them unusable.
	markReady(ws, ReasonSucceeded, fmt.Sprintf("Accepting records in %d fields", len(ws.Spec.Fields)))
	return nil
}

func worksheetDeleted(*v1alpha1.Worksheet) string {
	return "Worksheet deleted; its records are garbage-collected with it"
}

// SetupWithManager registers the controller.
func (r *WorksheetReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Worksheet{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesMetadata(&v1alpha1.WorksheetRecord{}, handler.EnqueueRequestsFromMapFunc(recordWorksheet),
			builder.WithPredicates(predicate.Funcs{
				// Only creations and deletions change the count.
				UpdateFunc: func(e event.UpdateEvent) bool { return false },
			})).
		Named("worksheet").
		Complete(r)
}

func recordWorksheet(_ context.Context, o client.Object) []reconcile.Request {
	name := o.GetLabels()[v1alpha1.WorksheetLabel]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: name}}}
}

package controllers

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// reconcileObject is reconcileAnnounced with the events of readinessEvents:
// one when Ready changed, one when the object is deleted, with the note
// deleted gives.
func reconcileObject[T conditioned](ctx context.Context, c client.Client, rec recorder.EventRecorder, key client.ObjectKey,
	obj T, deleted func(T) string, work func(context.Context, T) error) error {
	return reconcileAnnounced(ctx, c, readinessEvents[T]{rec: rec, deletedNote: deleted}, key, obj, work)
}

// objectEvents announces what a reconcile did to an object.
type objectEvents[T conditioned] interface {
	// reconciled is called once the status turning before into after is
	// written.
	reconciled(before, after T)
	// finalized is called once the finalizer of an object being deleted is
	// removed.
	finalized(obj T)
}

// reconcileAnnounced is what the reconcile of every hookflow kind shares: get
// the object; when it is being deleted, remove the finalizer and say so;
// else add the finalizer first, run work, and write the status and metadata
// in one deferred patch, with observedGeneration, then announce the change.
// Nothing is announced when the patch fails: the retry will.
func reconcileAnnounced[T conditioned](ctx context.Context, c client.Client, events objectEvents[T], key client.ObjectKey,
	obj T, work func(context.Context, T) error) (retErr error) {
	if err := c.Get(ctx, key, obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	if !obj.GetDeletionTimestamp().IsZero() {
		return finalize(ctx, c, events, obj)
	}
	before := obj.DeepCopyObject().(T)
	defer func() {
		obj.SetObservedGeneration(obj.GetGeneration())
		if err := patchObject(ctx, c, before, obj); err != nil {
			retErr = kerrors.NewAggregate([]error{retErr, err})
			return
		}
		events.reconciled(before, obj)
	}()
	controllerutil.AddFinalizer(obj, v1alpha1.Finalizer)
	return work(ctx, obj)
}

// finalize removes the finalizer of an object being deleted, and says so;
// its owned objects are garbage-collected.
func finalize[T conditioned](ctx context.Context, c client.Client, events objectEvents[T], obj T) error {
	if !controllerutil.ContainsFinalizer(obj, v1alpha1.Finalizer) {
		return nil
	}
	before := obj.DeepCopyObject().(client.Object)
	controllerutil.RemoveFinalizer(obj, v1alpha1.Finalizer)
	if err := c.Patch(ctx, obj, client.MergeFrom(before)); apierrors.IsNotFound(err) {
		return nil // gone already: nothing to announce
	} else if err != nil {
		return fmt.Errorf("remove finalizer: %w", err)
	}
	events.finalized(obj)
	return nil
}

// readinessEvents announce a change of the Ready condition (recordReadiness)
// and a deletion: a Normal event Deleted with the note deletedNote gives.
type readinessEvents[T conditioned] struct {
	rec         recorder.EventRecorder
	deletedNote func(T) string
}

func (e readinessEvents[T]) reconciled(before, after T) { recordReadiness(e.rec, before, after) }

func (e readinessEvents[T]) finalized(obj T) {
	e.rec.Eventf(obj, nil, "Normal", "Deleted", "Delete", "%s", e.deletedNote(obj))
}

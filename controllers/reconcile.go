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

// reconcileObject is what the reconcile of every hookflow kind shares: get
// the object; when it is being deleted, remove the finalizer and say so;
// else add the finalizer first, run work, and write the status and metadata
// in one deferred patch, with observedGeneration and an event when Ready
// changed. deleted gives the note of the deletion event.
func reconcileObject[T conditioned](ctx context.Context, c client.Client, rec recorder.EventRecorder, key client.ObjectKey,
	obj T, deleted func(T) string, work func(context.Context, T) error) (retErr error) {
	if err := c.Get(ctx, key, obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	if !obj.GetDeletionTimestamp().IsZero() {
		return finalize(ctx, c, rec, obj, deleted(obj))
	}
	before := obj.DeepCopyObject().(T)
	defer func() {
		obj.SetObservedGeneration(obj.GetGeneration())
		recordReadiness(rec, before, obj)
		if err := patchObject(ctx, c, before, obj); err != nil {
			retErr = kerrors.NewAggregate([]error{retErr, err})
		}
	}()
	controllerutil.AddFinalizer(obj, v1alpha1.Finalizer)
	return work(ctx, obj)
}

// finalize removes the finalizer of an object being deleted; its owned
// objects are garbage-collected.
func finalize(ctx context.Context, c client.Client, rec recorder.EventRecorder, obj client.Object, note string) error {
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
	rec.Eventf(obj, nil, "Normal", "Deleted", "Delete", "%s", note)
	return nil
}

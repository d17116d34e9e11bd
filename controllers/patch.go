package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// patchObject writes what a reconcile changed in obj since before: the
// status with a patch of the status subresource, then labels and finalizers
// with a patch of the object. Nothing is sent for a part that did not change.
//
// The status goes first: a label change wakes the controller again, and the
// reconcile it starts must find the new status in the cache, or it would
// report the same transition (and emit its event) a second time.
func patchObject(ctx context.Context, c client.Client, before, obj client.Object) error {
	changed, err := statusChanged(before, obj)
	if err != nil {
		return err
	}
	if changed {
		// Patch copies: the answer overwrites the object it is given.
		if err := c.Status().Patch(ctx, obj.DeepCopyObject().(client.Object), client.MergeFrom(before)); err != nil {
			return fmt.Errorf("patch status: %w", client.IgnoreNotFound(err))
		}
	}
	if !equality.Semantic.DeepEqual(before.GetLabels(), obj.GetLabels()) ||
		!equality.Semantic.DeepEqual(before.GetFinalizers(), obj.GetFinalizers()) {
		if err := c.Patch(ctx, obj.DeepCopyObject().(client.Object), client.MergeFrom(before)); err != nil {
			return fmt.Errorf("patch metadata: %w", client.IgnoreNotFound(err))
		}
	}
	return nil
}

func statusChanged(before, after client.Object) (bool, error) {
	b, err := runtime.DefaultUnstructuredConverter.ToUnstructured(before)
	if err != nil {
		return false, fmt.Errorf("convert %T: %w", before, err)
	}
	a, err := runtime.DefaultUnstructuredConverter.ToUnstructured(after)
	if err != nil {
		return false, fmt.Errorf("convert %T: %w", after, err)
	}
	return !equality.Semantic.DeepEqual(b["status"], a["status"]), nil
}

package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// patchObject writes what a reconcile changed in obj since before: labels and
// finalizers with a patch of the object, then the status with a patch of the
// status subresource. Nothing is sent for a part that did not change.
//
// Metadata goes first, so that whoever sees the new status (Ready) also sees
// the labels it implies (hookflow.dev/webhook-id).
func patchObject(ctx context.Context, c client.Client, before, obj client.Object) error {
	if !equality.Semantic.DeepEqual(before.GetLabels(), obj.GetLabels()) ||
		!equality.Semantic.DeepEqual(before.GetFinalizers(), obj.GetFinalizers()) {
		// Patch copies: the answer overwrites the object it is given.
		if err := c.Patch(ctx, obj.DeepCopyObject().(client.Object), client.MergeFrom(before)); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("patch metadata: %w", err)
		}
	}
	changed, err := statusChanged(before, obj)
	if err != nil || !changed {
		return err
	}
	if err := c.Status().Patch(ctx, obj.DeepCopyObject().(client.Object), client.MergeFrom(before)); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("patch status: %w", err)
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

package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

// ReasonSecretNotFound: a Secret or a key the Workflow's security needs is
// missing; the webhook is not served (never open by default).
const ReasonSecretNotFound = "SecretNotFound"

// missingSecretKey returns a message naming the first Secret or key that
// the Workflow's security needs and that does not exist, or "". It reads the
// Secrets from the API server: one GET per Secret named.
func (r *WorkflowReconciler) missingSecretKey(ctx context.Context, wf *v1alpha1.Workflow) (string, error) {
	secrets := map[string]*corev1.Secret{}
	for _, key := range route.SecretKeys(wf) {
		s, seen := secrets[key.Name]
		if !seen {
			s = &corev1.Secret{}
			err := r.Reader.Get(ctx, client.ObjectKey{Namespace: wf.Namespace, Name: key.Name}, s)
			if apierrors.IsNotFound(err) {
				return fmt.Sprintf("Secret %s not found in namespace %s", key.Name, wf.Namespace), nil
			} else if err != nil {
				return "", fmt.Errorf("get Secret %s: %w", key.Name, err)
			}
			secrets[key.Name] = s
		}
		if len(s.Data[key.Key]) == 0 {
			return fmt.Sprintf("Secret %s has no key %s (or it is empty)", key.Name, key.Key), nil
		}
	}
	return "", nil
}

// workflowsOfSecret maps a Secret to the Workflows whose security uses it.
func (r *WorkflowReconciler) workflowsOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	wfs, err := workflowsUsingSecret(ctx, r.Client, o)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list the Workflows of a Secret", "secret", o.GetName())
		return nil
	}
	return requestsFor(wfs)
}

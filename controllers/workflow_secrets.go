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
	"github.com/hookflow/hookflow/internal/signing"
)

// Reasons of a Workflow whose secrets are not usable; the webhook is not
// served (never open by default).
const (
	// ReasonSecretNotFound: a Secret or a key the security needs is missing.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonInvalidSecret: a signing secret has not the format of the
	// signature preset (a StandardWebhooks secret is whsec_ + base64).
	ReasonInvalidSecret = "InvalidSecret"
)

// secretProblem returns the reason and a message naming the first Secret
// or key that the Workflow's security needs and that does not exist, or
// whose value has not the format its signature preset requires; ("", "")
// when there is none. Messages never hold a secret's value. It reads the
// Secrets from the API server: one GET per Secret named.
func (r *WorkflowReconciler) secretProblem(ctx context.Context, wf *v1alpha1.Workflow) (reason, message string, err error) {
	secrets, missing, err := r.securitySecrets(ctx, wf)
	if err != nil || missing != "" {
		return ReasonSecretNotFound, missing, err
	}
	name, keys := route.SignatureSecretKeys(wf)
	preset, ok := signing.LookupPreset(name)
	if !ok {
		return "", "", nil
	}
	for _, key := range keys {
		if err := preset.CheckSecret(secrets[key.Name].Data[key.Key]); err != nil {
			return ReasonInvalidSecret, fmt.Sprintf("key %s of Secret %s: %v", key.Key, key.Name, err), nil
		}
	}
	return "", "", nil
}

// securitySecrets reads the Secrets the Workflow's security needs, by name;
// missing names the first Secret or key that does not exist, or is "".
func (r *WorkflowReconciler) securitySecrets(ctx context.Context, wf *v1alpha1.Workflow) (map[string]*corev1.Secret, string, error) {
	secrets := map[string]*corev1.Secret{}
	for _, key := range route.SecretKeys(wf) {
		s, seen := secrets[key.Name]
		if !seen {
			s = &corev1.Secret{}
			err := r.Reader.Get(ctx, client.ObjectKey{Namespace: wf.Namespace, Name: key.Name}, s)
			if apierrors.IsNotFound(err) {
				return nil, fmt.Sprintf("Secret %s not found in namespace %s", key.Name, wf.Namespace), nil
			} else if err != nil {
				return nil, "", fmt.Errorf("get Secret %s: %w", key.Name, err)
			}
			secrets[key.Name] = s
		}
		if len(s.Data[key.Key]) == 0 {
			return nil, fmt.Sprintf("Secret %s has no key %s (or it is empty)", key.Name, key.Key), nil
		}
	}
	return secrets, "", nil
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

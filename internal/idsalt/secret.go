package idsalt

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Key is the key of the salt in its Secret.
const Key = "salt"

// Ensure returns the salt in the key "salt" of the Secret namespace/name,
// creating the Secret with a new random salt when it does not exist. Manager
// replicas starting together agree: the first Create wins and the others
// read its salt. c must read from the API server, not from a cache.
//
// A Secret without a non-empty salt is an error, never replaced: the
// administrator may have made it on purpose.
func Ensure(ctx context.Context, c client.Client, namespace, name string) ([]byte, error) {
	key := client.ObjectKey{Namespace: namespace, Name: name}
	secret := &corev1.Secret{}
	err := c.Get(ctx, key, secret)
	if apierrors.IsNotFound(err) {
		return create(ctx, c, key)
	}
	if err != nil {
		return nil, fmt.Errorf("get webhook id salt Secret %s: %w", key, err)
	}
	return saltOf(secret)
}

// create creates the Secret with a new salt; when another replica created
// it first, it returns that one's salt.
func create(ctx context.Context, c client.Client, key client.ObjectKey) ([]byte, error) {
	salt, err := generate()
	if err != nil {
		return nil, err
	}
	secret := newSecret(key, salt)
	err = c.Create(ctx, secret)
	if apierrors.IsAlreadyExists(err) {
		secret = &corev1.Secret{}
		if err := c.Get(ctx, key, secret); err != nil {
			return nil, fmt.Errorf("get webhook id salt Secret %s created by another replica: %w", key, err)
		}
		return saltOf(secret)
	}
	if err != nil {
		return nil, fmt.Errorf("create webhook id salt Secret %s: %w", key, err)
	}
	return salt, nil
}

// newSecret returns the Secret holding salt. It is immutable: changing the
// salt would change every derived webhook URL.
func newSecret(key client.ObjectKey, salt []byte) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: key.Namespace,
			Name:      key.Name,
			Labels: map[string]string{
				"app.kubernetes.io/name":       "hookflow",
				"app.kubernetes.io/component":  "webhook-id-salt",
				"app.kubernetes.io/managed-by": "hookflow",
			},
			Annotations: map[string]string{
				"hookflow.dev/description": "Keys the webhook ids of derived Workflow URLs. " +
					"Deleting or changing it changes every such URL.",
			},
		},
		Type:      corev1.SecretTypeOpaque,
		Immutable: ptr.To(true),
		Data:      map[string][]byte{Key: salt},
	}
}

// saltOf returns the salt of secret; the error names the Secret and the key,
// never the value.
func saltOf(secret *corev1.Secret) ([]byte, error) {
	salt := secret.Data[Key]
	if len(salt) == 0 {
		return nil, fmt.Errorf("webhook id salt Secret %s/%s has no non-empty key %q: "+
			"put a random value there, or delete the Secret to let the manager create one",
			secret.Namespace, secret.Name, Key)
	}
	return salt, nil
}

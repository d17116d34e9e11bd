package devenv

import (
	"context"
	"fmt"

	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// applyConnectionSecrets server-side applies, in each namespace, the Secret
// PostgresSecret holding dsn under PostgresSecretKey. Its errors never
// quote dsn.
func applyConnectionSecrets(ctx context.Context, c client.Client, dsn string, namespaces []string) error {
	for _, ns := range namespaces {
		secret := corev1ac.Secret(PostgresSecret, ns).
			WithLabels(map[string]string{"app.kubernetes.io/managed-by": fieldOwner}).
			WithData(map[string][]byte{PostgresSecretKey: []byte(dsn)})
		if err := c.Apply(ctx, secret, client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
			return fmt.Errorf("apply Secret %s in namespace %s: %w", PostgresSecret, ns, err)
		}
	}
	return nil
}

package webhookserver

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// WaitForCredential reads a key of a WebhookServer's credentials Secret (the
// one Secret the server may read), waiting until the manager has copied it
// there. The value is a secret: it is never logged.
func WaitForCredential(ctx context.Context, reader client.Reader, namespace, server, key string, log logr.Logger) (string, error) {
	name := serverresources.CredentialsSecretName(&v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Name: server}})
	var value string
	err := wait.PollUntilContextCancel(ctx, 2*time.Second, true, func(ctx context.Context) (bool, error) {
		s := &corev1.Secret{}
		if err := reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, s); err != nil {
			log.Info("Waiting for the credentials Secret", "secret", name, "error", err.Error())
			return false, nil
		}
		if v := s.Data[key]; len(v) > 0 {
			value = string(v)
			return true, nil
		}
		log.Info("Waiting for a key of the credentials Secret", "secret", name, "key", key)
		return false, nil
	})
	if err != nil {
		return "", fmt.Errorf("read key %s of Secret %s: %w", key, name, err)
	}
	return value, nil
}

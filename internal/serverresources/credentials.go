package serverresources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// CredentialsSecret returns the credentials Secret of ws holding data: the
// Secret keys its Workflows' security references, copied by the manager,
// keyed by route.SecretKey.CredentialsKey. It is the one Secret the server
// pods may read.
func CredentialsSecret(ws *v1alpha1.WebhookServer, data map[string][]byte) *corev1.Secret {
	meta := objectMeta(ws)
	meta.Name = CredentialsSecretName(ws)
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: meta,
		Type:       corev1.SecretTypeOpaque,
		Data:       data,
	}
}

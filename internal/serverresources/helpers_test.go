package serverresources

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// newServer returns the WebhookServer shop/default after applying edits to it.
func newServer(edits ...func(*v1alpha1.WebhookServer)) *v1alpha1.WebhookServer {
	ws := &v1alpha1.WebhookServer{
		ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "shop"},
	}
	for _, edit := range edits {
		edit(ws)
	}
	return ws
}

// withIngress sets spec.ingress.
func withIngress(ing v1alpha1.WebhookServerIngress) func(*v1alpha1.WebhookServer) {
	return func(ws *v1alpha1.WebhookServer) { ws.Spec.Ingress = &ing }
}

// withReplicas sets spec.replicas.
func withReplicas(n int32) func(*v1alpha1.WebhookServer) {
	return func(ws *v1alpha1.WebhookServer) { ws.Spec.Replicas = &n }
}

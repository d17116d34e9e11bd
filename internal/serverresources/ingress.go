package serverresources

import (
	"maps"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// HooksPath is the path prefix the Ingress routes to the server. Only the
// webhooks are exposed; /metrics, /openapi.json and /docs stay in the cluster.
const HooksPath = "/hooks"

// Ingress returns the Ingress of ws, or nil when spec.ingress is unset or not
// enabled. It routes the prefix /hooks of spec.ingress.host (every host when
// empty) to the Service, with TLS from spec.ingress.tls when set.
func Ingress(ws *v1alpha1.WebhookServer) *networkingv1.Ingress {
	spec := ws.Spec.Ingress
	if !ingressEnabled(ws) {
		return nil
	}
	meta := objectMeta(ws)
	meta.Annotations = maps.Clone(spec.Annotations)

	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: meta,
		Spec: networkingv1.IngressSpec{
			Rules: []networkingv1.IngressRule{{
				Host: spec.Host,
				IngressRuleValue: networkingv1.IngressRuleValue{
					HTTP: &networkingv1.HTTPIngressRuleValue{
						Paths: []networkingv1.HTTPIngressPath{{
							Path:     HooksPath,
							PathType: ptr.To(networkingv1.PathTypePrefix),
							Backend: networkingv1.IngressBackend{
								Service: &networkingv1.IngressServiceBackend{
									Name: ObjectName(ws),
									Port: networkingv1.ServiceBackendPort{Name: PortName},
								},
							},
						}},
					},
				},
			}},
		},
	}
	if spec.ClassName != "" {
		ing.Spec.IngressClassName = ptr.To(spec.ClassName)
	}
	if spec.TLS != nil {
		tls := networkingv1.IngressTLS{SecretName: spec.TLS.SecretName}
		if spec.Host != "" {
			tls.Hosts = []string{spec.Host}
		}
		ing.Spec.TLS = []networkingv1.IngressTLS{tls}
	}
	return ing
}

// ingressEnabled tells whether ws asks for an Ingress.
func ingressEnabled(ws *v1alpha1.WebhookServer) bool {
	return ws.Spec.Ingress != nil && ws.Spec.Ingress.Enabled
}

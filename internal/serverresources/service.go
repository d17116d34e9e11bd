package serverresources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ServicePort is the port of the Service in front of the server pods.
const ServicePort int32 = 80

// Service returns the ClusterIP Service of ws: port 80 (named http) to the
// server port of its pods, and port 9090 (named metrics) to their metrics
// port, which the Ingress does not route.
func Service(ws *v1alpha1.WebhookServer) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(ws),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: SelectorLabels(ws),
			Ports: []corev1.ServicePort{{
				Name:       PortName,
				Port:       ServicePort,
				TargetPort: intstr.FromString(PortName),
				Protocol:   corev1.ProtocolTCP,
			}, {
				Name:       MetricsPortName,
				Port:       MetricsPort,
				TargetPort: intstr.FromString(MetricsPortName),
				Protocol:   corev1.ProtocolTCP,
			}},
		},
	}
}

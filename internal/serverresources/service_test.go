package serverresources

import (
	"maps"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestService(t *testing.T) {
	ws := newServer()
	svc := Service(ws)
	want := corev1.ServicePort{
		Name:       "http",
		Port:       80,
		TargetPort: intstr.FromString("http"),
		Protocol:   corev1.ProtocolTCP,
	}
	wantMetrics := corev1.ServicePort{
		Name:       "metrics",
		Port:       9090,
		TargetPort: intstr.FromString("metrics"),
		Protocol:   corev1.ProtocolTCP,
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"name", svc.Name == "default-hookflow" && svc.Namespace == "shop"},
		{"labels", maps.Equal(svc.Labels, Labels(ws))},
		{"selector", maps.Equal(svc.Spec.Selector, SelectorLabels(ws))},
		{"type", svc.Spec.Type == corev1.ServiceTypeClusterIP},
		{"ports", len(svc.Spec.Ports) == 2 && svc.Spec.Ports[0] == want && svc.Spec.Ports[1] == wantMetrics},
	}
	for _, check := range checks {
		if !check.ok {
			t.Errorf("%s: not as expected: %+v", check.name, svc)
		}
	}
	// The Service's target ports must be the container ports' names.
	c := Deployment(ws, Options{}).Spec.Template.Spec.Containers[0]
	for i, p := range svc.Spec.Ports {
		if i >= len(c.Ports) || c.Ports[i].Name != p.TargetPort.StrVal {
			t.Errorf("service port %d targets %q, container ports are %+v", i, p.TargetPort.StrVal, c.Ports)
		}
	}
}

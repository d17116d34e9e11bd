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
	checks := []struct {
		name string
		ok   bool
	}{
		{"name", svc.Name == "default-hookflow" && svc.Namespace == "shop"},
		{"labels", maps.Equal(svc.Labels, Labels(ws))},
		{"selector", maps.Equal(svc.Spec.Selector, SelectorLabels(ws))},
		{"type", svc.Spec.Type == corev1.ServiceTypeClusterIP},
		{"ports", len(svc.Spec.Ports) == 1 && svc.Spec.Ports[0] == want},
	}
	for _, check := range checks {
		if !check.ok {
			t.Errorf("%s: not as expected: %+v", check.name, svc)
		}
	}
	// The Service's target port must be the container port's name.
	c := Deployment(ws, Options{}).Spec.Template.Spec.Containers[0]
	if c.Ports[0].Name != svc.Spec.Ports[0].TargetPort.StrVal {
		t.Errorf("service targets port %q, container names it %q", svc.Spec.Ports[0].TargetPort.StrVal, c.Ports[0].Name)
	}
}

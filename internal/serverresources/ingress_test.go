package serverresources

import (
	"maps"
	"reflect"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/utils/ptr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestIngress(t *testing.T) {
	tests := []struct {
		name      string
		server    *v1alpha1.WebhookServer
		wantNil   bool
		wantHost  string
		wantClass *string
		wantTLS   []networkingv1.IngressTLS
		wantAnn   map[string]string
	}{
		{name: "unset", server: newServer(), wantNil: true},
		{
			name:    "disabled",
			server:  newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: false, Host: "hooks.example.com"})),
			wantNil: true,
		},
		{
			name: "full",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{
				Enabled:     true,
				ClassName:   "nginx",
				Host:        "hooks.example.com",
				TLS:         &v1alpha1.IngressTLS{SecretName: "hooks-tls"},
				Annotations: map[string]string{"cert-manager.io/cluster-issuer": "letsencrypt"},
			})),
			wantHost:  "hooks.example.com",
			wantClass: ptr.To("nginx"),
			wantTLS:   []networkingv1.IngressTLS{{Hosts: []string{"hooks.example.com"}, SecretName: "hooks-tls"}},
			wantAnn:   map[string]string{"cert-manager.io/cluster-issuer": "letsencrypt"},
		},
		{
			name:   "no host, no class, no TLS",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: true})),
		},
		{
			name: "TLS without host",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{
				Enabled: true,
				TLS:     &v1alpha1.IngressTLS{SecretName: "default-tls"},
			})),
			wantTLS: []networkingv1.IngressTLS{{SecretName: "default-tls"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ing := Ingress(tt.server)
			if tt.wantNil {
				if ing != nil {
					t.Fatalf("Ingress = %+v, want nil", ing)
				}
				return
			}
			if ing == nil {
				t.Fatal("Ingress = nil")
			}
			if ing.Name != "default-hookflow" || ing.Namespace != "shop" {
				t.Errorf("name = %s/%s", ing.Namespace, ing.Name)
			}
			if !maps.Equal(ing.Labels, Labels(tt.server)) {
				t.Errorf("labels = %v", ing.Labels)
			}
			if !maps.Equal(ing.Annotations, tt.wantAnn) {
				t.Errorf("annotations = %v, want %v", ing.Annotations, tt.wantAnn)
			}
			if !reflect.DeepEqual(ing.Spec.IngressClassName, tt.wantClass) {
				t.Errorf("className = %v, want %v", ing.Spec.IngressClassName, tt.wantClass)
			}
			if !reflect.DeepEqual(ing.Spec.TLS, tt.wantTLS) {
				t.Errorf("tls = %+v, want %+v", ing.Spec.TLS, tt.wantTLS)
			}
			wantRules := []networkingv1.IngressRule{{
				Host: tt.wantHost,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{
						Path:     "/hooks",
						PathType: ptr.To(networkingv1.PathTypePrefix),
						Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
							Name: "default-hookflow",
							Port: networkingv1.ServiceBackendPort{Name: "http"},
						}},
					}},
				}},
			}}
			if !reflect.DeepEqual(ing.Spec.Rules, wantRules) {
				t.Errorf("rules = %+v, want %+v", ing.Spec.Rules, wantRules)
			}
		})
	}
}

func TestIngressDoesNotAliasAnnotations(t *testing.T) {
	ws := newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: true, Annotations: map[string]string{"a": "1"}}))
	Ingress(ws).Annotations["a"] = "2"
	if got := ws.Spec.Ingress.Annotations["a"]; got != "1" {
		t.Errorf("changing the Ingress changed the WebhookServer: annotation a = %q", got)
	}
}

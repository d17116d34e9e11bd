package serverresources

import (
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestBaseURL(t *testing.T) {
	withExternalURL := func(u string) func(*v1alpha1.WebhookServer) {
		return func(ws *v1alpha1.WebhookServer) { ws.Spec.ExternalURL = u }
	}
	tls := &v1alpha1.IngressTLS{SecretName: "hooks-tls"}
	tests := []struct {
		name   string
		server *v1alpha1.WebhookServer
		want   string
	}{
		{name: "service DNS", server: newServer(), want: "http://default-hookflow.shop.svc"},
		{name: "external URL", server: newServer(withExternalURL("https://hooks.example.com")), want: "https://hooks.example.com"},
		{name: "external URL trailing slash", server: newServer(withExternalURL("https://hooks.example.com/")), want: "https://hooks.example.com"},
		{name: "external URL with path", server: newServer(withExternalURL("https://example.com/shop//")), want: "https://example.com/shop"},
		{
			name: "external URL wins over ingress",
			server: newServer(withExternalURL("https://public.example.com"),
				withIngress(v1alpha1.WebhookServerIngress{Enabled: true, Host: "hooks.example.com", TLS: tls})),
			want: "https://public.example.com",
		},
		{
			name:   "ingress with TLS",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: true, Host: "hooks.example.com", TLS: tls})),
			want:   "https://hooks.example.com",
		},
		{
			name:   "ingress without TLS",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: true, Host: "hooks.example.com"})),
			want:   "http://hooks.example.com",
		},
		{
			name:   "disabled ingress",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{Host: "hooks.example.com", TLS: tls})),
			want:   "http://default-hookflow.shop.svc",
		},
		{
			name:   "ingress without host",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: true, TLS: tls})),
			want:   "http://default-hookflow.shop.svc",
		},
		{
			name:   "wildcard ingress host",
			server: newServer(withIngress(v1alpha1.WebhookServerIngress{Enabled: true, Host: "*.example.com", TLS: tls})),
			want:   "http://default-hookflow.shop.svc",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BaseURL(tt.server); got != tt.want {
				t.Errorf("BaseURL = %q, want %q", got, tt.want)
			}
		})
	}
}

package serverresources

import (
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// BaseURL returns the base of the Workflow URLs served by ws, without a
// trailing slash; a Workflow's URL is BaseURL + "/hooks/" + its id.
//
// It is spec.externalURL when set; else, when an enabled Ingress names a
// host, "https://<host>" with TLS or "http://<host>" without; else the
// in-cluster address of the Service, "http://<service>.<namespace>.svc".
// A wildcard Ingress host ("*.example.com") names no single address and is
// passed over.
func BaseURL(ws *v1alpha1.WebhookServer) string {
	if ws.Spec.ExternalURL != "" {
		return strings.TrimRight(ws.Spec.ExternalURL, "/")
	}
	if ingressEnabled(ws) && ws.Spec.Ingress.Host != "" && !strings.HasPrefix(ws.Spec.Ingress.Host, "*") {
		if ws.Spec.Ingress.TLS != nil {
			return "https://" + ws.Spec.Ingress.Host
		}
		return "http://" + ws.Spec.Ingress.Host
	}
	return "http://" + ObjectName(ws) + "." + ws.Namespace + ".svc"
}

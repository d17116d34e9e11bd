package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestSecuritySchemaRules: the API server itself refuses security settings
// that could not be enforced, with a message naming the rule.
func TestSecuritySchemaRules(t *testing.T) {
	ns := newNamespace(t)
	security := func(s v1alpha1.WebhookSecurity) func(*v1alpha1.Workflow) {
		return func(wf *v1alpha1.Workflow) { wf.Spec.Trigger.Webhook.Security = &s }
	}
	workflows := map[string]struct {
		edit func(*v1alpha1.Workflow)
		want string
	}{
		"IPv4 address out of range":  {security(v1alpha1.WebhookSecurity{IPWhitelist: []string{"203.0.113.7", "10.0.0.300"}}), "IP address or a CIDR"},
		"host name in the whitelist": {security(v1alpha1.WebhookSecurity{IPWhitelist: []string{"shop.example.com"}}), "IP address or a CIDR"},
		"CIDR with a bad mask":       {security(v1alpha1.WebhookSecurity{IPWhitelist: []string{"2001:db8::/129"}}), "IP address or a CIDR"},
		"header name with a space": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Header: "X Hub", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "header"},
		"unknown algorithm": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Header: "X-Sig", Algorithm: "md5", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "algorithm"},
		"preset with a header": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Preset: v1alpha1.SignaturePresetGitHub, Header: "X-Hub-Signature-256", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "with a preset, header, algorithm and prefix must be unset"},
		"preset with an algorithm": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Preset: v1alpha1.SignaturePresetStripe, Algorithm: "sha256", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "with a preset, header, algorithm and prefix must be unset"},
		"preset with a prefix": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Preset: v1alpha1.SignaturePresetSlack, Prefix: "v0=", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "with a preset, header, algorithm and prefix must be unset"},
		"neither preset nor header": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "header is required without a preset"},
		"unknown preset": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Preset: "Twilio", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}}), "preset"},
		"five additional secrets": {security(v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Preset: v1alpha1.SignaturePresetStandardWebhooks, SecretRef: v1alpha1.SecretKeyReference{Name: "s"},
			AdditionalSecretRefs: make([]v1alpha1.SecretKeyReference, 5)}}), "additionalSecretRefs"},
		"rate limit of zero": {func(wf *v1alpha1.Workflow) {
			wf.Spec.Trigger.Webhook.RateLimit = &v1alpha1.RateLimit{RequestsPerSecond: 0}
		}, "requestsPerSecond"},
	}
	i := 0
	for name, tc := range workflows {
		i++
		wf := testenv.OrderWorkflow(ns, fmt.Sprintf("w%d", i))
		tc.edit(wf)
		expectRefused(t, name, wf, tc.want)
	}
	servers := map[string]v1alpha1.WebhookServerSpec{
		"trusted proxy that is not an IP": {TrustedProxies: []string{"proxy.internal"}},
		"maxConcurrentRuns of zero":       {Limits: v1alpha1.ServerLimits{MaxConcurrentRuns: -1}},
	}
	for name, spec := range servers {
		i++
		expectRefused(t, name, &v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("s%d", i)}, Spec: spec}, "")
	}
}

func expectRefused(t *testing.T, name string, obj client.Object, want string) {
	t.Helper()
	err := k8s.Create(context.Background(), obj)
	if err == nil {
		t.Errorf("%s: accepted by the API server", name)
		return
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: refused with %q, want it to name %q", name, err, want)
	}
}

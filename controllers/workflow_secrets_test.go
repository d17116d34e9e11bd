package controllers_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/serverresources"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestWorkflowWithMissingSecretIsNotReady: a Secret or key that security
// needs and that is missing keeps the Workflow from being served, names the
// Secret and the key, and is not terminal: once it exists, the Workflow is
// Ready without an edit.
func TestWorkflowWithMissingSecretIsNotReady(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns),
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "github-hook"}, Data: map[string][]byte{"token": []byte("t0ken-value")}})
	app := testenv.OrderWorkflow(ns, "app")
	app.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{
		AppAuth: &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: "shop-app"}},
	}
	gh := testenv.OrderWorkflow(ns, "gh")
	gh.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
		Header: "X-Hub-Signature-256", SecretRef: v1alpha1.SecretKeyReference{Name: "github-hook"},
	}}
	create(t, app, gh)
	for wf, want := range map[*v1alpha1.Workflow]string{
		app: "Secret shop-app not found in namespace " + ns,
		gh:  "Secret github-hook has no key secret",
	} {
		wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, controllers.ReasonSecretNotFound)
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		if !strings.Contains(c.Message, want) {
			t.Errorf("%s: message %q, want it to contain %q", wf.Name, c.Message, want)
		}
		if meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.StalledCondition) {
			t.Errorf("%s: Stalled: a missing Secret may still appear", wf.Name)
		}
		waitEvent(t, wf, controllers.ReasonSecretNotFound)
	}

	// The Secrets appear: both become Ready, and the server's credentials
	// hold exactly the keys they reference, not the unreferenced token.
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-app"},
		Data: map[string][]byte{"appKey": []byte("app-1"), "secretKey": []byte("s3cret"), "unused": []byte("x")}})
	testenv.Update(t, k8s, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "github-hook"}}, func(s *corev1.Secret) {
		s.Data["secret"] = []byte("gh-s3cret")
	})
	waitCondition(t, app, v1alpha1.ReadyCondition, metav1.ConditionTrue, controllers.ReasonSucceeded)
	waitCondition(t, gh, v1alpha1.ReadyCondition, metav1.ConditionTrue, controllers.ReasonSucceeded)
	ws := testenv.WebhookServer(ns)
	want := map[string]string{"shop-app_appKey": "app-1", "shop-app_secretKey": "s3cret", "github-hook_secret": "gh-s3cret"}
	eventually(t, "credentials Secret with the referenced keys only", func() (bool, string) {
		creds := &corev1.Secret{}
		key := client.ObjectKey{Namespace: ns, Name: serverresources.CredentialsSecretName(ws)}
		if err := k8s.Get(context.Background(), key, creds); err != nil {
			return false, err.Error()
		}
		if len(creds.Data) != len(want) {
			return false, strings.Join(keysOf(creds.Data), ",")
		}
		for k, v := range want {
			if string(creds.Data[k]) != v {
				return false, "key " + k + " differs"
			}
		}
		return true, ""
	})
}

func keysOf(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestStandardWebhooksSecretFormat: a StandardWebhooks secret that is not
// whsec_ + base64 keeps the Workflow from being served, Ready=False naming
// the Secret, the key and the format, never the value; every secret of a
// rotation (additionalSecretRefs) is checked and reaches the server's
// credentials once all are right.
func TestStandardWebhooksSecretFormat(t *testing.T) {
	ns := newNamespace(t)
	const malformed = "plain-text-not-whsec"
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns),
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sw"}, Data: map[string][]byte{
			"secret": []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "next": []byte(malformed)}})
	wf := testenv.OrderWorkflow(ns, "sw")
	wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
		Preset:               v1alpha1.SignaturePresetStandardWebhooks,
		SecretRef:            v1alpha1.SecretKeyReference{Name: "sw"},
		AdditionalSecretRefs: []v1alpha1.SecretKeyReference{{Name: "sw", Key: "next"}},
	}}
	create(t, wf)
	got := waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, controllers.ReasonInvalidSecret)
	c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ReadyCondition)
	if !strings.Contains(c.Message, "key next of Secret sw") || !strings.Contains(c.Message, "whsec_") {
		t.Errorf("message %q, want it to name key next of Secret sw and the whsec_ format", c.Message)
	}
	if strings.Contains(c.Message, malformed) {
		t.Errorf("message %q holds the secret", c.Message)
	}
	testenv.Update(t, k8s, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sw"}}, func(s *corev1.Secret) {
		s.Data["next"] = []byte("whsec_bmV4dCBzZWNyZXQgb2YgdGhlIHJvdGF0aW9u")
	})
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, controllers.ReasonSucceeded)
	ws := testenv.WebhookServer(ns)
	eventually(t, "credentials Secret with both secrets of the rotation", func() (bool, string) {
		creds := &corev1.Secret{}
		key := client.ObjectKey{Namespace: ns, Name: serverresources.CredentialsSecretName(ws)}
		if err := k8s.Get(context.Background(), key, creds); err != nil {
			return false, err.Error()
		}
		return len(creds.Data["sw_secret"]) > 0 && len(creds.Data["sw_next"]) > 0, strings.Join(keysOf(creds.Data), ",")
	})
}

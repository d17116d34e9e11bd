package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/testenv"
)

// signedPost sends body to url signed with appKey and secretKey, and
// returns the status code.
func signedPost(t *testing.T, url, appKey, secretKey, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signing.HeaderAppKey, appKey)
	req.Header.Set(signing.HeaderTimestamp, ts)
	req.Header.Set(signing.HeaderSign, signing.AppSign([]byte(secretKey), appKey, ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func appSecret(ns, appKey, secretKey string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-app"},
		Data:       map[string][]byte{"appKey": []byte(appKey), "secretKey": []byte(secretKey)},
	}
}

func signedWorkflow(ns string) *v1alpha1.Workflow {
	wf := testenv.OrderWorkflow(ns, "signed")
	wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{
		AppAuth: &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: "shop-app"}},
	}
	return wf
}

// TestAppAuthSecretRotationAndDeletion: a rotated secretKey is enforced
// without a restart, and a deleted Secret takes the webhook down (404),
// never leaves it open.
func TestAppAuthSecretRotationAndDeletion(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), appSecret(ns, "app-1", "old-secret"), signedWorkflow(ns))
	wf := waitServed(t, signedWorkflow(ns))
	url := wf.Status.WebhookURL

	order := 0
	next := func() string { order++; return `{"order_id":"R-` + strconv.Itoa(order) + `"}` }
	// The route may be in the table a moment before its credentials: wait
	// for the first accepted request.
	testenv.Eventually(t, 10*time.Second, "signed request accepted", func() (bool, string) {
		code := signedPost(t, url, "app-1", "old-secret", next())
		return code == 200, "status " + strconv.Itoa(code)
	})
	if code := post(t, url, "application/json", next()).Code; code != 401 {
		t.Fatalf("unsigned request: %d, want 401", code)
	}

	rotated := time.Now()
	testenv.Update(t, k8s, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-app"}}, func(s *corev1.Secret) {
		s.Data["secretKey"] = []byte("new-secret")
	})
	testenv.Eventually(t, 10*time.Second, "the new secretKey accepted", func() (bool, string) {
		code := signedPost(t, url, "app-1", "new-secret", next())
		return code == 200, "status " + strconv.Itoa(code)
	})
	t.Logf("new secretKey enforced %v after the Secret was updated", time.Since(rotated).Round(time.Millisecond))
	// From then on the old key is refused, every time.
	for range 5 {
		if code := signedPost(t, url, "app-1", "old-secret", next()); code != 401 {
			t.Fatalf("old secretKey after the rotation: %d, want 401", code)
		}
	}

	if err := k8s.Delete(context.Background(), appSecret(ns, "", "")); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 10*time.Second, "Workflow Ready=False SecretNotFound", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		if c == nil {
			return false, "no Ready"
		}
		return c.Status == metav1.ConditionFalse && c.Reason == controllers.ReasonSecretNotFound &&
			strings.Contains(c.Message, "shop-app"), c.Reason + ": " + c.Message
	})
	testenv.Eventually(t, 10*time.Second, "URL answers 404", func() (bool, string) {
		code := signedPost(t, url, "app-1", "new-secret", next())
		return code == 404, "status " + strconv.Itoa(code)
	})

	// A Secret without secretKey names the key.
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-app"}, Data: map[string][]byte{"appKey": []byte("app-1")}})
	testenv.Eventually(t, 10*time.Second, "Ready=False naming the missing key", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		return c != nil && c.Reason == controllers.ReasonSecretNotFound && strings.Contains(c.Message, "secretKey"), c.Message
	})
	for _, c := range wf.Status.Conditions {
		if strings.Contains(c.Message, "new-secret") || strings.Contains(c.Message, "old-secret") {
			t.Errorf("condition %s shows a secret: %s", c.Type, c.Message)
		}
	}
}

// TestEachNamespaceHasItsOwnTrustedProxies: the local server serves every
// namespace, each with its own WebhookServer's trusted proxies.
func TestEachNamespaceHasItsOwnTrustedProxies(t *testing.T) {
	call := func(url, forwardedFor string) int {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"order_id":"P-`+forwardedFor+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	urls := map[bool]string{}
	for _, trustsLoopback := range []bool{true, false} {
		ns := newNamespace(t)
		ws := testenv.WebhookServer(ns)
		if trustsLoopback {
			ws.Spec.TrustedProxies = []string{"127.0.0.0/8", "::1"}
		}
		wf := testenv.OrderWorkflow(ns, "orders")
		wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{IPWhitelist: []string{"203.0.113.0/24"}}
		create(t, ws, testenv.OrdersWorksheet(ns), wf)
		urls[trustsLoopback] = waitServed(t, wf).Status.WebhookURL
	}
	if code := call(urls[true], "203.0.113.5"); code != 200 {
		t.Errorf("through a trusted proxy from an allowed client: %d, want 200", code)
	}
	if code := call(urls[true], "198.51.100.5"); code != 403 {
		t.Errorf("through a trusted proxy from another client: %d, want 403", code)
	}
	if code := call(urls[false], "203.0.113.5"); code != 403 {
		t.Errorf("X-Forwarded-For from a peer the namespace does not trust: %d, want 403", code)
	}
}

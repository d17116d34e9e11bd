package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/signing"
)

// Vectors shared with internal/signing: AppSign's were computed with
// Python's hmac module; GitHub's come from "Validating webhook deliveries".
const (
	appKey          = "shop"
	appSecretKey    = "s3cr3t"
	appTimestamp    = 1700000000
	appBody         = `{"order_id":"A-1001"}`
	appSignOfBody   = "fe2c22cbb57c3d42c3aa43a22968427ca581a935843e3d9094267ec0929eb240"
	appSignOfEmpty  = "23af744f8bc7e2e1c6de3c77c81c80cc5cd08ade6da11a7e2dc089b9602156f5"
	githubSecret    = "It's a Secret to Everybody"
	githubPayload   = "Hello, World!"
	githubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

const hookURL = "https://hooks.example.com/hooks/3f9c0a7d2b1e4c56"

func workflow(security *v1alpha1.WebhookSecurity, methods ...v1alpha1.HTTPMethod) *v1alpha1.Workflow {
	return &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "order-webhook"},
		Spec: v1alpha1.WorkflowSpec{Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
			Methods:  methods,
			Security: security,
		}}},
		Status: v1alpha1.WorkflowStatus{WebhookURL: hookURL},
	}
}

func appAuth(secret string) *v1alpha1.WebhookSecurity {
	return &v1alpha1.WebhookSecurity{AppAuth: &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: secret}}}
}

func githubStyle(secret, key string) *v1alpha1.WebhookSecurity {
	return &v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
		Header:    "X-Hub-Signature-256",
		Prefix:    "sha256=",
		SecretRef: v1alpha1.SecretKeyReference{Name: secret, Key: key},
	}}
}

var appSecrets = secretValues{
	{Name: "shop-app", Key: route.AppKeyKey}:    []byte(appKey),
	{Name: "shop-app", Key: route.SecretKeyKey}: []byte(appSecretKey),
}

func readBody(t *testing.T, req *http.Request) string {
	t.Helper()
	if req.Body == nil {
		return ""
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNewRequestAppAuth(t *testing.T) {
	now := time.Unix(appTimestamp, 0)
	wf := workflow(appAuth("shop-app"))
	req, err := newRequest(wf, appSecrets, outgoing{URL: hookURL, Body: []byte(appBody), IdempotencyKey: "A-1001"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.URL.String() != hookURL {
		t.Errorf("request line = %s %s, want POST %s", req.Method, req.URL, hookURL)
	}
	for name, want := range map[string]string{
		"X-Hookflow-AppKey":    appKey,
		"X-Hookflow-Timestamp": "1700000000",
		"X-Hookflow-Sign":      appSignOfBody,
		"Content-Type":         "application/json",
		"Idempotency-Key":      "A-1001",
	} {
		if got := req.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	if got := readBody(t, req); got != appBody {
		t.Errorf("body = %q, want %q", got, appBody)
	}
	// What the server checks.
	creds := signing.AppCredentials{AppKey: appKey, SecretKey: []byte(appSecretKey)}
	if err := signing.VerifyApp(creds, signing.AppRequestFrom(req.Header, nil), []byte(appBody), now); err != nil {
		t.Errorf("VerifyApp() = %v", err)
	}
}

func TestNewRequestAppAuthGET(t *testing.T) {
	wf := workflow(appAuth("shop-app"), "GET")
	req, err := newRequest(wf, appSecrets, outgoing{URL: hookURL + "?order_id=A-1001"}, time.Unix(appTimestamp, 0))
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodGet {
		t.Errorf("method = %s, want GET, the only one the Workflow accepts", req.Method)
	}
	if got := req.Header.Get(signing.HeaderSign); got != appSignOfEmpty {
		t.Errorf("sign = %q, want the sign of an empty body %q", got, appSignOfEmpty)
	}
	if got := req.Header.Get("Content-Type"); got != "" {
		t.Errorf("Content-Type = %q, want none without a body", got)
	}
	if got := readBody(t, req); got != "" {
		t.Errorf("body = %q, want none", got)
	}

	if _, err := newRequest(wf, appSecrets, outgoing{URL: hookURL, Body: []byte(appBody)}, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "GET") {
		t.Errorf("GET with a body: error = %v, want one about GET", err)
	}
	// An empty --data is no body at all.
	if _, err := newRequest(wf, appSecrets, outgoing{URL: hookURL, Body: []byte{}}, time.Now()); err != nil {
		t.Errorf("GET with an empty --data: %v", err)
	}
}

func TestNewRequestGitHubSignature(t *testing.T) {
	// secretRef.key is empty: the value is under route.DefaultSignatureKey.
	wf := workflow(githubStyle("github-hook", ""))
	secrets := secretValues{{Name: "github-hook", Key: route.DefaultSignatureKey}: []byte(githubSecret)}
	req, err := newRequest(wf, secrets, outgoing{
		URL:     hookURL,
		Body:    []byte(githubPayload),
		Headers: []string{"Content-Type: text/plain"},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Hub-Signature-256"); got != githubSignature {
		t.Errorf("X-Hub-Signature-256 = %q, want %q", got, githubSignature)
	}
	if got := req.Header.Get("Content-Type"); got != "text/plain" {
		t.Errorf("Content-Type = %q, want the --header's text/plain", got)
	}
	for _, name := range []string{signing.HeaderAppKey, signing.HeaderTimestamp, signing.HeaderSign} {
		if req.Header.Get(name) != "" {
			t.Errorf("header %s set without appAuth", name)
		}
	}
}

func TestNewRequestBothSchemes(t *testing.T) {
	sec := appAuth("shop-app")
	sec.Signature = &v1alpha1.SignatureCheck{Header: "X-Sig", Algorithm: "sha1", SecretRef: v1alpha1.SecretKeyReference{Name: "other", Key: "hmac"}}
	secrets := secretValues{{Name: "other", Key: "hmac"}: []byte(githubSecret)}
	for k, v := range appSecrets {
		secrets[k] = v
	}
	req, err := newRequest(workflow(sec), secrets, outgoing{URL: hookURL, Body: []byte(githubPayload)}, time.Unix(appTimestamp, 0))
	if err != nil {
		t.Fatal(err)
	}
	// sha1 vector computed with Python's hmac module (internal/signing).
	if got, want := req.Header.Get("X-Sig"), "01dc10d0c83e72ed246219cdd91669667fe2ca59"; got != want {
		t.Errorf("X-Sig = %q, want %q", got, want)
	}
	if got, want := req.Header.Get(signing.HeaderSign), signing.AppSign([]byte(appSecretKey), appKey, "1700000000", []byte(githubPayload)); got != want {
		t.Errorf("sign = %q, want %q", got, want)
	}
}

func TestNewRequestHeadersWin(t *testing.T) {
	req, err := newRequest(workflow(appAuth("shop-app")), appSecrets, outgoing{
		URL:     hookURL,
		Body:    []byte(appBody),
		Headers: []string{"X-Hookflow-Sign: wrong", "host: hooks.internal", "X-Empty:", "X-Spaced :  a b  "},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get(signing.HeaderSign); got != "wrong" {
		t.Errorf("sign = %q, want the --header's", got)
	}
	if req.Host != "hooks.internal" {
		t.Errorf("Host = %q, want hooks.internal", req.Host)
	}
	if v, ok := req.Header["X-Empty"]; !ok || v[0] != "" {
		t.Errorf("X-Empty = %q, want an empty value", v)
	}
	if got := req.Header.Get("X-Spaced"); got != "a b" {
		t.Errorf("X-Spaced = %q, want %q", got, "a b")
	}
}

func TestNewRequestErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		wf      *v1alpha1.Workflow
		secrets secretValues
		out     outgoing
		want    string
	}{
		{"bad method", workflow(nil), nil, outgoing{Method: "PUT"}, `method "PUT"`},
		{"header without colon", workflow(nil), nil, outgoing{Headers: []string{"X-A b"}}, `--header "X-A b"`},
		{"header without name", workflow(nil), nil, outgoing{Headers: []string{": b"}}, `--header ": b"`},
		{"no appAuth values", workflow(appAuth("shop-app")), nil, outgoing{}, "security.appAuth"},
		{"no signature value", workflow(githubStyle("gh", "")), nil, outgoing{}, `no key "secret" of Secret "gh"`},
		{"signature preset", workflow(&v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
			Preset: v1alpha1.SignaturePresetGitHub, SecretRef: v1alpha1.SecretKeyReference{Name: "gh"}}}),
			secretValues{{Name: "gh", Key: "secret"}: []byte("s")}, outgoing{}, "preset GitHub is signed by the sender itself"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.out.URL = hookURL
			_, err := newRequest(tc.wf, tc.secrets, tc.out, time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("newRequest() = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestMethodIsCaseInsensitive(t *testing.T) {
	req, err := newRequest(workflow(nil), nil, outgoing{Method: "get", URL: hookURL}, time.Now())
	if err != nil || req.Method != http.MethodGet {
		t.Fatalf("newRequest(get) = %v, %v", req, err)
	}
}

func TestDefaultMethod(t *testing.T) {
	for _, tc := range []struct {
		methods []v1alpha1.HTTPMethod
		want    string
	}{
		{nil, "POST"},
		{[]v1alpha1.HTTPMethod{"POST"}, "POST"},
		{[]v1alpha1.HTTPMethod{"GET", "POST"}, "POST"},
		{[]v1alpha1.HTTPMethod{"GET"}, "GET"},
	} {
		if got := defaultMethod(workflow(nil, tc.methods...)); got != tc.want {
			t.Errorf("defaultMethod(%v) = %s, want %s", tc.methods, got, tc.want)
		}
	}
}

func TestTargetURL(t *testing.T) {
	for _, tc := range []struct {
		override string
		query    []string
		want     string
	}{
		{"", nil, hookURL},
		{"", []string{"order_id=A 1", "tag=a", "tag=b", "empty="}, hookURL + "?empty=&order_id=A+1&tag=a&tag=b"},
		{"http://127.0.0.1:8080", nil, "http://127.0.0.1:8080/hooks/3f9c0a7d2b1e4c56"},
		{"http://127.0.0.1:8080/", []string{"a=1"}, "http://127.0.0.1:8080/hooks/3f9c0a7d2b1e4c56?a=1"},
		{"http://localhost/elsewhere?x=1", nil, "http://localhost/elsewhere?x=1"},
	} {
		got, err := targetURL(workflow(nil), tc.override, tc.query)
		if err != nil || got != tc.want {
			t.Errorf("targetURL(%q, %q) = %q, %v, want %q", tc.override, tc.query, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		override string
		query    []string
	}{
		{"127.0.0.1:8080", nil},
		{"ftp://example.com", nil},
		{"http://", nil},
		{"", []string{"novalue"}},
		{"", []string{"=x"}},
	} {
		if got, err := targetURL(workflow(nil), tc.override, tc.query); err == nil {
			t.Errorf("targetURL(%q, %q) = %q, want an error", tc.override, tc.query, got)
		}
	}
	noURL := workflow(nil)
	noURL.Status.WebhookURL = ""
	if _, err := targetURL(noURL, "http://127.0.0.1:8080", nil); err == nil {
		t.Error("targetURL() of a Workflow without a URL: no error")
	}
}

func TestReadData(t *testing.T) {
	file := filepath.Join(t.TempDir(), "order.json")
	if err := os.WriteFile(file, []byte(appBody+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	defer func(r io.Reader) { stdin = r }(stdin)
	stdin = strings.NewReader("from stdin")
	for arg, want := range map[string]string{
		appBody:    appBody,
		"":         "",
		"@" + file: appBody + "\n", // byte for byte: the newline is signed too
		"@-":       "from stdin",
	} {
		got, err := readData(arg)
		if err != nil || got == nil || string(got) != want {
			t.Errorf("readData(%q) = %q (nil: %t), %v, want %q", arg, got, got == nil, err, want)
		}
	}
	if _, err := readData("@" + file + ".missing"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("readData(missing) = %v, want no such file", err)
	}
}

func TestPrintAnswer(t *testing.T) {
	for _, tc := range []struct {
		code       int
		body, want string
	}{
		{200, `{"msg":"success","runId":"r1"}`, "HTTP 200\n{\n  \"msg\": \"success\",\n  \"runId\": \"r1\"\n}\n"},
		{401, `{"msg":"Invalid signature"}` + "\n", "HTTP 401\n{\n  \"msg\": \"Invalid signature\"\n}\n"},
		{200, "<ok/>", "HTTP 200\n<ok/>\n"},
		{204, "", "HTTP 204\n"},
	} {
		var buf bytes.Buffer
		printAnswer(&buf, tc.code, []byte(tc.body))
		if buf.String() != tc.want {
			t.Errorf("printAnswer(%d, %q) = %q, want %q", tc.code, tc.body, buf.String(), tc.want)
		}
	}
}

func TestNeededBy(t *testing.T) {
	sec := appAuth("shared")
	sec.Signature = githubStyle("shared", "").Signature
	wf := workflow(sec)
	for key, want := range map[route.SecretKey]string{
		{Name: "shared", Key: route.AppKeyKey}:           "spec.trigger.webhook.security.appAuth",
		{Name: "shared", Key: route.SecretKeyKey}:        "spec.trigger.webhook.security.appAuth",
		{Name: "shared", Key: route.DefaultSignatureKey}: "spec.trigger.webhook.security.signature",
	} {
		if got := neededBy(wf, key); got != want {
			t.Errorf("neededBy(%v) = %s, want %s", key, got, want)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/testenv"
)

var (
	// kubeconfig is a kubeconfig file of an envtest user, for the plugin.
	kubeconfig string
	// k8s is the tests' own client.
	k8s client.Client
)

// TestMain starts a control plane without the controllers: the tests write
// the Workflows' status themselves, pointing webhookURL at an httptest
// server that checks the signatures as the webhook server does.
func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	dir, err := os.MkdirTemp("", "kubectl-hookflow")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	user, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err == nil {
		var data []byte
		if data, err = user.KubeConfig(); err == nil {
			kubeconfig = filepath.Join(dir, "kubeconfig")
			err = os.WriteFile(kubeconfig, data, 0o600)
		}
	}
	if err == nil {
		k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// result is what one run of the plugin printed.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
}

// plugin runs `kubectl hookflow args... --kubeconfig <envtest user>`.
func plugin(args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(append(args, "--kubeconfig", kubeconfig), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// hookServer stands in for hookflow's webhook server: it checks appAuth and
// a signature header with internal/signing, as the real one does, and
// remembers the requests it got.
type hookServer struct {
	*httptest.Server
	app       *signing.AppCredentials
	signature *signing.HeaderScheme

	mu       sync.Mutex
	requests []seen
}

type seen struct {
	method, path, query string
	header              http.Header
	body                string
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.requests = append(h.requests, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if h.app != nil {
		if err := signing.VerifyApp(*h.app, signing.AppRequestFrom(r.Header, r.URL.Query()), body, time.Now()); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"msg":"Invalid signature"}`)
			return
		}
	}
	if h.signature != nil {
		if err := h.signature.Verify(r.Header, body); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"msg":"Invalid signature"}`)
			return
		}
	}
	io.WriteString(w, `{"msg":"success","runId":"run-1"}`)
}

func (h *hookServer) seen() []seen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]seen(nil), h.requests...)
}

func newNamespace(t *testing.T) string { return testenv.NewNamespace(t, k8s, "plugin") }

func secret(ns, name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

// newWorkflow creates the sample order Workflow with security and
// methods, and writes its status as the controller would: webhookURL, and
// Ready with that status and reason at its generation (Ready=True when
// ready is "").
func newWorkflow(t *testing.T, ns, name string, security *v1alpha1.WebhookSecurity, methods []v1alpha1.HTTPMethod, url, notReadyReason string) *v1alpha1.Workflow {
	t.Helper()
	wf := testenv.OrderWorkflow(ns, name)
	wf.Spec.Trigger.Webhook.Security = security
	if methods != nil {
		wf.Spec.Trigger.Webhook.Methods = methods
	}
	testenv.Create(t, k8s, wf)
	wf.Status.WebhookURL = url
	cond := metav1.Condition{Type: v1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: "Succeeded", Message: "Serving " + url, ObservedGeneration: wf.Generation}
	if notReadyReason != "" {
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, notReadyReason, "the reason's message"
	}
	meta.SetStatusCondition(&wf.Status.Conditions, cond)
	if err := k8s.Status().Update(context.Background(), wf); err != nil {
		t.Fatal(err)
	}
	return wf
}

// assertNoSecrets fails if r shows one of the secret values.
func assertNoSecrets(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s)) {
			t.Errorf("the output shows the secret value %q: %v", s, r)
		}
	}
}

func TestURL(t *testing.T) {
	ns := newNamespace(t)
	const url = "https://hooks.example.com/hooks/0123456789abcdef"
	newWorkflow(t, ns, "ready", nil, nil, url, "")
	newWorkflow(t, ns, "secret-missing", nil, nil, url, "SecretNotFound")
	newWorkflow(t, ns, "no-server", nil, nil, "", "WebhookServerNotFound")

	for _, tc := range []struct {
		name                string
		args                []string
		code                int
		stdout, stderrHolds string
	}{
		{"ready", []string{"url", "ready", "-n", ns}, 0, url + "\n", ""},
		{"namespace flag first", []string{"url", "--namespace", ns, "ready"}, 0, url + "\n", ""},
		{"not Ready, with a URL", []string{"url", "secret-missing", "-n", ns}, 0, url + "\n", `warning: Workflow "secret-missing" is not Ready (SecretNotFound): the reason's message`},
		{"no URL", []string{"url", "no-server", "-n", ns}, 1, "", `error: no webhook URL in Workflow "no-server" yet: not Ready (WebhookServerNotFound): the reason's message`},
		{"not found", []string{"url", "absent", "-n", ns}, 1, "", fmt.Sprintf(`error: Workflow "absent" not found in namespace %q`, ns)},
		{"default namespace", []string{"url", "ready"}, 1, "", `Workflow "ready" not found in namespace "default"`},
		{"no name", []string{"url", "-n", ns}, 2, "", "want one WORKFLOW name, got 0 arguments"},
		{"bad flag", []string{"url", "ready", "--bogus"}, 2, "", "unknown flag: --bogus"},
		{"kubeconfig flags first", []string{"-n", ns, "--insecure-skip-tls-verify=false", "url", "ready"}, 0, url + "\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := plugin(tc.args...)
			if r.code != tc.code || r.stdout != tc.stdout || !strings.Contains(r.stderr, tc.stderrHolds) {
				t.Errorf("%v; want exit %d, stdout %q, stderr holding %q", r, tc.code, tc.stdout, tc.stderrHolds)
			}
			if lines := strings.Count(strings.TrimSpace(r.stderr), "\n"); tc.code == 1 && lines != 0 {
				t.Errorf("error of %d lines, want one: %q", lines+1, r.stderr)
			}
		})
	}
}

func TestSendAppAuth(t *testing.T) {
	ns := newNamespace(t)
	secretKey := "sk-" + rand.String(24)
	testenv.Create(t, k8s, secret(ns, "shop-app", map[string]string{"appKey": "shop", "secretKey": secretKey}))
	hook := newHookServer(t)
	hook.app = &signing.AppCredentials{AppKey: "shop", SecretKey: []byte(secretKey)}
	newWorkflow(t, ns, "orders", appAuth("shop-app"), []v1alpha1.HTTPMethod{"GET", "POST"}, hook.URL+"/hooks/orders1234", "")

	const order = `{"order_id":"A-1001","amount":129.5}`
	r := plugin("send", "orders", "-n", ns, "--data", order, "--idempotency-key", "A-1001", "-v")
	want := "HTTP 200\n{\n  \"msg\": \"success\",\n  \"runId\": \"run-1\"\n}\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("%v; want exit 0, stdout %q", r, want)
	}
	got := hook.seen()
	if len(got) != 1 {
		t.Fatalf("the server got %d requests, want 1", len(got))
	}
	req := got[0]
	if req.method != "POST" || req.path != "/hooks/orders1234" || req.body != order {
		t.Errorf("the server got %s %s %q, want POST /hooks/orders1234 %q", req.method, req.path, req.body, order)
	}
	if ct, key := req.header.Get("Content-Type"), req.header.Get("Idempotency-Key"); ct != "application/json" || key != "A-1001" {
		t.Errorf("Content-Type %q, Idempotency-Key %q; want application/json, A-1001", ct, key)
	}
	for _, line := range []string{"> POST " + hook.URL + "/hooks/orders1234\n", "> X-Hookflow-Sign\n", "> X-Hookflow-Appkey\n", "> X-Hookflow-Timestamp\n", "> Idempotency-Key\n"} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("-v printed %q, want a line %q", r.stderr, line)
		}
	}
	assertNoSecrets(t, r, secretKey, req.header.Get(signing.HeaderSign))

	t.Run("GET signs the empty body", func(t *testing.T) {
		r := plugin("send", "orders", "-n", ns, "--method", "GET", "--query", "order_id=A-1001")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "HTTP 200\n") {
			t.Fatalf("%v; want exit 0 and HTTP 200", r)
		}
		last := hook.seen()[len(hook.seen())-1]
		if last.method != "GET" || last.body != "" || last.query != "order_id=A-1001" {
			t.Errorf("the server got %s ?%s %q, want GET ?order_id=A-1001 and no body", last.method, last.query, last.body)
		}
		assertNoSecrets(t, r, secretKey, last.header.Get(signing.HeaderSign))
	})

	t.Run("a wrong secretKey gets 401 and exit 1", func(t *testing.T) {
		testenv.Update(t, k8s, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-app"}}, func(s *corev1.Secret) {
			s.Data["secretKey"] = []byte("rotated-" + secretKey)
		})
		r := plugin("send", "orders", "-n", ns, "--data", order)
		want := "HTTP 401\n{\n  \"msg\": \"Invalid signature\"\n}\n"
		if r.code != 1 || r.stdout != want || !strings.HasPrefix(r.stderr, "hint: appAuth refuses a replay") {
			t.Errorf("%v; want exit 1, stdout %q and a hint", r, want)
		}
		assertNoSecrets(t, r, secretKey, "rotated-"+secretKey)
	})
}

func TestSendSignature(t *testing.T) {
	ns := newNamespace(t)
	// secretRef.key is empty: the value is under "secret".
	testenv.Create(t, k8s, secret(ns, "github-hook", map[string]string{"secret": githubSecret}))
	hook := newHookServer(t)
	hook.signature = &signing.HeaderScheme{Header: "X-Hub-Signature-256", Prefix: "sha256=", Algorithm: "sha256", Secret: []byte(githubSecret)}
	newWorkflow(t, ns, "github", githubStyle("github-hook", ""), nil, hook.URL+"/hooks/github1234", "")

	payload := filepath.Join(t.TempDir(), "payload")
	if err := os.WriteFile(payload, []byte(githubPayload), 0o600); err != nil {
		t.Fatal(err)
	}
	r := plugin("send", "github", "-n", ns, "--data", "@"+payload, "-H", "Content-Type: text/plain", "-v")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "HTTP 200\n") {
		t.Fatalf("%v; want exit 0 and HTTP 200", r)
	}
	req := hook.seen()[0]
	if got := req.header.Get("X-Hub-Signature-256"); got != githubSignature {
		t.Errorf("X-Hub-Signature-256 = %q, want GitHub's %q", got, githubSignature)
	}
	if req.body != githubPayload || req.header.Get("Content-Type") != "text/plain" {
		t.Errorf("the server got %q as %q, want %q as text/plain", req.body, req.header.Get("Content-Type"), githubPayload)
	}
	if !strings.Contains(r.stderr, "> X-Hub-Signature-256\n") {
		t.Errorf("-v printed %q, want the signature header's name", r.stderr)
	}
	assertNoSecrets(t, r, githubSecret, githubSignature, strings.TrimPrefix(githubSignature, "sha256="))
}

func TestSendURLOverride(t *testing.T) {
	ns := newNamespace(t)
	hook := newHookServer(t)
	// Port 1 of the loopback refuses connections at once.
	newWorkflow(t, ns, "internal", nil, nil, "http://127.0.0.1:1/hooks/internal1234", "")

	r := plugin("send", "internal", "-n", ns, "--data", "{}")
	if r.code != 1 || !strings.Contains(r.stderr, "use --url") {
		t.Errorf("%v; want exit 1 and a hint at --url", r)
	}
	r = plugin("send", "internal", "-n", ns, "--data", "{}", "--url", hook.URL)
	if r.code != 0 {
		t.Fatalf("%v; want exit 0", r)
	}
	if got := hook.seen(); len(got) != 1 || got[0].path != "/hooks/internal1234" {
		t.Errorf("the server got %+v, want one request to /hooks/internal1234", got)
	}
}

func TestSendErrors(t *testing.T) {
	ns := newNamespace(t)
	hook := newHookServer(t)
	secretKey := "sk-" + rand.String(24)
	testenv.Create(t, k8s, secret(ns, "half-app", map[string]string{"appKey": "shop"}))
	testenv.Create(t, k8s, secret(ns, "empty-app", map[string]string{"appKey": "shop", "secretKey": ""}))
	testenv.Create(t, k8s, secret(ns, "shop-app", map[string]string{"appKey": "shop", "secretKey": secretKey}))
	newWorkflow(t, ns, "absent-secret", appAuth("absent-app"), nil, hook.URL+"/hooks/a", "")
	newWorkflow(t, ns, "half-secret", appAuth("half-app"), nil, hook.URL+"/hooks/b", "")
	newWorkflow(t, ns, "empty-secret", appAuth("empty-app"), nil, hook.URL+"/hooks/c", "")
	newWorkflow(t, ns, "absent-signature", githubStyle("absent-hook", "hmac"), nil, hook.URL+"/hooks/d", "")
	newWorkflow(t, ns, "not-ready", appAuth("shop-app"), nil, hook.URL+"/hooks/e", "WebhookIDConflict")
	newWorkflow(t, ns, "get-only", appAuth("shop-app"), []v1alpha1.HTTPMethod{"GET"}, hook.URL+"/hooks/f", "")

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"Workflow not found", []string{"absent"}, 1, fmt.Sprintf(`error: Workflow "absent" not found in namespace %q`, ns)},
		{"Secret not found", []string{"absent-secret"}, 1, fmt.Sprintf(`error: Secret "absent-app" not found in namespace %q (named by spec.trigger.webhook.security.appAuth of Workflow "absent-secret")`, ns)},
		{"key missing", []string{"half-secret"}, 1, fmt.Sprintf(`error: key "secretKey" missing from Secret "half-app" in namespace %q`, ns)},
		{"key empty", []string{"empty-secret"}, 1, `error: key "secretKey" of Secret "empty-app"`},
		{"signature Secret not found", []string{"absent-signature"}, 1, `error: Secret "absent-hook" not found`},
		{"not Ready", []string{"not-ready"}, 1, `error: cannot send to Workflow "not-ready": not Ready (WebhookIDConflict): the reason's message`},
		{"GET with a body", []string{"get-only", "--data", "{}"}, 1, "error: a GET request has no body"},
		{"bad method", []string{"get-only", "-X", "DELETE"}, 1, `error: method "DELETE": want GET or POST`},
		{"missing data file", []string{"get-only", "--data", "@/nonexistent/order.json"}, 1, "error: --data @/nonexistent/order.json: no such file"},
		{"two names", []string{"a", "b"}, 2, "want one WORKFLOW name, got 2 arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := plugin(append([]string{"send", "-n", ns}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Errorf("%v; want exit %d, no stdout, stderr holding %q", r, tc.code, tc.want)
			}
			if tc.code == 1 && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("error of several lines: %q", r.stderr)
			}
			assertNoSecrets(t, r, secretKey)
		})
	}
	if got := hook.seen(); len(got) != 0 {
		t.Errorf("the server got %d requests, want none", len(got))
	}
}

func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		holds []string
	}{
		{[]string{"--help"}, []string{"kubectl hookflow url WORKFLOW", "kubectl hookflow send WORKFLOW"}},
		{[]string{"-h"}, []string{"kubectl hookflow send WORKFLOW"}},
		{[]string{"help"}, []string{"kubectl hookflow send WORKFLOW"}},
		{[]string{"help", "send"}, []string{"Usage: kubectl hookflow send", "--idempotency-key", "--kubeconfig", "-n, --namespace"}},
		{[]string{"send", "--help"}, []string{"Usage: kubectl hookflow send", "--url"}},
		{[]string{"url", "-h"}, []string{"Usage: kubectl hookflow url", "--context"}},
		{[]string{"capture", "--help"}, []string{"Usage: kubectl hookflow capture", "--timeout"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		for _, h := range tc.holds {
			if code != 0 || !strings.Contains(stdout.String(), h) {
				t.Errorf("%q: exit %d, stdout %q, want exit 0 and %q", tc.args, code, stdout.String(), h)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "Usage:") {
		t.Errorf("no arguments: exit %d, stderr %q", code, stderr.String())
	}
	if code := run([]string{"bogus"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown command "bogus"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, stderr.String())
	}
}

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		name, rest string
	}{
		{nil, "", ""},
		{[]string{"send", "wf", "-n", "shop"}, "send", "wf -n shop"},
		{[]string{"--kubeconfig", ".dev/kubeconfig", "send", "wf", "--data", "{}"}, "send", "--kubeconfig .dev/kubeconfig wf --data {}"},
		{[]string{"--kubeconfig=k", "-n", "shop", "url", "wf"}, "url", "--kubeconfig=k -n shop wf"},
		{[]string{"-nshop", "--insecure-skip-tls-verify", "url", "wf"}, "url", "-nshop --insecure-skip-tls-verify wf"},
		{[]string{"--as-group", "g", "help", "send"}, "help", "--as-group g send"},
		{[]string{"-h"}, "", "-h"},
		{[]string{"--", "send"}, "", "-- send"},
	} {
		name, rest := splitCommand(slices.Clone(tc.args))
		if name != tc.name || strings.Join(rest, " ") != tc.rest {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", tc.args, name, rest, tc.name, tc.rest)
		}
	}
}

// TestAPINotServed tells a resource the cluster does not serve from a
// missing object.
func TestAPINotServed(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	flags := bindKubeFlags(fs)
	if err := fs.Parse([]string{"--kubeconfig", kubeconfig, "-n", "default"}); err != nil {
		t.Fatal(err)
	}
	k, err := flags.connect()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, gvr := range []schema.GroupVersionResource{
		v1alpha1.GroupVersion.WithResource("gadgets"),
		{Group: "nothing.example.com", Version: "v1", Resource: "gadgets"},
	} {
		err := k.get(ctx, gvr, "Gadget", "g", &v1alpha1.Workflow{})
		if err == nil || !strings.Contains(err.Error(), "not served by this cluster") {
			t.Errorf("get %v = %v, want not served", gvr, err)
		}
	}
	if err := k.get(ctx, workflowsResource, "Workflow", "absent", &v1alpha1.Workflow{}); err == nil ||
		err.Error() != `Workflow "absent" not found in namespace "default"` {
		t.Errorf("get absent Workflow = %v", err)
	}
}

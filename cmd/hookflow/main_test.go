package main_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/internal/webhookid"
)

var (
	binary     string
	kubeconfig string
	k8s        client.Client
)

// TestMain builds the binary as the Dockerfile does (static, no cgo; without
// -trimpath, which would compile every package again) and
// starts a control plane for it.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctrl.SetLogger(logr.Discard())
	dir, err := os.MkdirTemp("", "hookflow-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "hookflow")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		return 1
	}
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
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

// start runs the binary with args until the test ends; its output goes to
// the returned buffer.
func start(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", args[0], out.String())
		}
	})
	return cmd, &out
}

func TestUsageAndRequiredFlags(t *testing.T) {
	cases := []struct {
		args []string
		code int
		says string
	}{
		{nil, 2, "Usage:"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"dev"}, 1, "built without the dev command: run `make dev`"},
		{[]string{"server", "--kubeconfig", "/dev/null"}, 1, "--namespace and --webhook-server are required"},
		{[]string{"manager", "--kubeconfig", "/dev/null"}, 1, "--server-image"},
		{[]string{"manager", "--kubeconfig", "/dev/null", "--server-image", "hookflow:test"}, 1, "--namespace (or $POD_NAMESPACE) is required"},
	}
	for _, tc := range cases {
		cmd := exec.Command(binary, tc.args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no POD_NAMESPACE, no HOOKFLOW_SERVER_IMAGE
		out, err := cmd.CombinedOutput()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		}
		if code != tc.code || !strings.Contains(string(out), tc.says) {
			t.Errorf("hookflow %v: exit %d, %q; want exit %d saying %q", tc.args, code, out, tc.code, tc.says)
		}
	}
}

// TestManagerAndServerBinaries runs the manager and the server as a cluster
// would: the server serves its own WebhookServer's Workflows in its own
// namespace only, and drains on SIGTERM.
func TestManagerAndServerBinaries(t *testing.T) {
	ctx := context.Background()
	for _, ns := range []string{"hookflow-system", "shop", "other"} {
		if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ns := range []string{"shop", "other"} {
		for _, server := range []string{"default", "second"} {
			if err := k8s.Create(ctx, &v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: server}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := k8s.Create(ctx, &v1alpha1.Worksheet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "orders"},
			Spec:       v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{{Name: "order_id", Type: v1alpha1.FieldText, Required: true}}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	workflow := func(ns, name, server string) *v1alpha1.Workflow {
		return &v1alpha1.Workflow{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: v1alpha1.WorkflowSpec{
				ServerRef: &v1alpha1.LocalObjectReference{Name: server},
				Trigger:   v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{Sample: v1alpha1.Sample{JSON: `{"order_id":"A"}`}}},
				Steps: []v1alpha1.Step{{Name: "save", CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders", Fields: map[string]string{"order_id": "params.order_id"},
				}}},
			},
		}
	}
	mine, otherNamespace, otherServer := workflow("shop", "mine", "default"), workflow("other", "theirs", "default"), workflow("shop", "second", "second")
	for _, wf := range []*v1alpha1.Workflow{mine, otherNamespace, otherServer} {
		if err := k8s.Create(ctx, wf); err != nil {
			t.Fatal(err)
		}
	}

	start(t, "manager", "--kubeconfig", kubeconfig, "--server-image", "registry.example.com/hookflow:test",
		"--health-probe-bind-address", "127.0.0.1:0", "--namespace", "hookflow-system")
	addr, metricsAddr := testenv.FreeAddress(t), testenv.FreeAddress(t)
	server, serverOut := start(t, "server", "--kubeconfig", kubeconfig, "--namespace", "shop", "--webhook-server", "default",
		"--bind-address", addr, "--metrics-bind-address", metricsAddr, "--drain-delay", "200ms")

	ids := map[string]string{}
	for _, wf := range []*v1alpha1.Workflow{mine, otherNamespace, otherServer} {
		waitFor(t, "Workflow "+wf.Name+" Ready", func() bool {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(wf), wf); err != nil {
				return false
			}
			return meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.ReadyCondition)
		})
		ids[wf.Name] = wf.Status.WebhookID
	}
	// The manager created the salt Secret, and derives the ids with it.
	salt := &corev1.Secret{}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: "hookflow-system", Name: "hookflow-webhook-id-salt"}, salt); err != nil {
		t.Fatalf("webhook id salt Secret: %v", err)
	}
	if len(salt.Data["salt"]) != 32 {
		t.Errorf("salt has %d bytes, want 32", len(salt.Data["salt"]))
	}
	for _, wf := range []*v1alpha1.Workflow{mine, otherNamespace, otherServer} {
		if want := webhookid.Derive(salt.Data["salt"], wf.Namespace, wf.Name); ids[wf.Name] != want {
			t.Errorf("Workflow %s/%s has webhook id %s, want %s, keyed by the Secret's salt", wf.Namespace, wf.Name, ids[wf.Name], want)
		}
	}
	waitFor(t, "server ready", func() bool { return get(t, "http://"+addr+"/readyz") == 200 })

	post := func(id string) int {
		resp, err := http.Post("http://"+addr+"/hooks/"+id, "application/json", strings.NewReader(`{"order_id":"A-1"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	waitFor(t, "own Workflow served", func() bool { return post(ids["mine"]) == 200 })
	for _, name := range []string{"theirs", "second"} {
		if code := post(ids[name]); code != 404 {
			t.Errorf("Workflow %s, not this server's, answered %d, want 404", name, code)
		}
	}
	// /metrics is on its own port, with the requests by Workflow and code,
	// and not on the webhook port (which the Ingress exposes).
	metrics := fetch(t, "http://"+metricsAddr+"/metrics")
	if !strings.Contains(metrics, `hookflow_webhook_requests_total{code="200",namespace="shop",workflow="mine"}`) {
		t.Errorf("/metrics lacks the 200s of shop/mine:\n%s", metrics)
	}
	if code := get(t, "http://"+addr+"/metrics"); code != 404 {
		t.Errorf("/metrics on the webhook port answered %d, want 404", code)
	}

	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := server.Wait(); err != nil {
		t.Errorf("server after SIGTERM: %v\n%s", err, serverOut.String())
	}
	if !strings.Contains(serverOut.String(), "Draining") {
		t.Errorf("server did not drain before stopping:\n%s", serverOut.String())
	}
}

// fetch returns the body of a GET that must answer 200.
func fetch(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(body)
}

func get(t *testing.T, url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: timed out", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

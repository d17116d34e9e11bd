package main

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// labelID gives wf the webhook id label, as the controller does.
func labelID(t *testing.T, wf *v1alpha1.Workflow, id string) {
	t.Helper()
	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) {
		if wf.Labels == nil {
			wf.Labels = map[string]string{}
		}
		wf.Labels[v1alpha1.WebhookIDLabel] = id
	})
}

func TestFind(t *testing.T) {
	ns, other := newNamespace(t), newNamespace(t)
	id := rand.String(16)
	idNotReady := rand.String(16)
	url := "https://hooks.example.com/hooks/" + id
	labelID(t, newWorkflow(t, ns, "orders", nil, nil, url, ""), id)
	labelID(t, newWorkflow(t, other, "pending", nil, nil, "https://hooks.example.com/hooks/"+idNotReady, "SecretNotFound"), idNotReady)

	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		out, inErr string
	}{
		{"by id", []string{"find", id}, exitOK, ns + "/orders\tReady=True\t" + url + "\tserver=default\n", ""},
		{"by URL", []string{"find", url}, exitOK, ns + "/orders\tReady=True\t" + url + "\tserver=default\n", ""},
		{"by URL with a query", []string{"find", url + "?appKey=x"}, exitOK, ns + "/orders\tReady=True\t" + url + "\tserver=default\n", ""},
		{"in another namespace than -n", []string{"find", idNotReady, "-n", ns}, exitOK, other + "/pending\tReady=False (not Ready (SecretNotFound): the reason's message)", ""},
		{"unknown", []string{"find", "0000000000000000"}, exitFailure, "", `no Workflow has the webhook id "0000000000000000"`},
		{"no id", []string{"find"}, exitUsage, "", "want one ID or URL"},
		{"not an id", []string{"find", "a b"}, exitUsage, "", "is not a webhook id"},
		{"URL without an id", []string{"find", "https://hooks.example.com/hooks/"}, exitUsage, "", "no webhook id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := plugin(tc.args...)
			if r.code != tc.code || !strings.HasPrefix(r.stdout, tc.out) || !strings.Contains(r.stderr, tc.inErr) {
				t.Errorf("%v: got %v, want exit %d, stdout starting %q, stderr with %q", tc.args, r, tc.code, tc.out, tc.inErr)
			}
		})
	}
}

func TestDocs(t *testing.T) {
	ns := newNamespace(t)
	newWorkflow(t, ns, "orders", nil, nil, "https://hooks.example.com/hooks/0123456789abcdef", "")
	newWorkflow(t, ns, "no-url", nil, nil, "", "WebhookServerNotFound")

	r := plugin("docs", "-n", ns)
	if r.code != exitFailure || !strings.Contains(r.stderr, `WebhookServer "default" not found`) {
		t.Errorf("docs without a WebhookServer: %v", r)
	}
	ws := testenv.WebhookServer(ns)
	testenv.Create(t, k8s, ws)
	r = plugin("docs", "-n", ns)
	if r.code != exitFailure || !strings.Contains(r.stderr, "no URL yet") {
		t.Errorf("docs of a WebhookServer without a URL: %v", r)
	}
	ws.Status.URL = "http://default.hooks.svc:8080"
	if err := k8s.Status().Update(context.Background(), ws); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"docs", "orders", "-n", ns}, exitOK, "https://hooks.example.com/docs\n"},
		{[]string{"docs", "no-url", "-n", ns}, exitOK, "http://default.hooks.svc:8080/docs\n"},
		{[]string{"docs", "-n", ns}, exitOK, "http://default.hooks.svc:8080/docs\n"},
		{[]string{"docs", "missing", "-n", ns}, exitFailure, ""},
		{[]string{"docs", "a", "b", "-n", ns}, exitUsage, ""},
	} {
		r := plugin(tc.args...)
		if r.code != tc.code || r.stdout != tc.out {
			t.Errorf("%v: got %v, want exit %d, stdout %q", tc.args, r, tc.code, tc.out)
		}
	}
}

func TestUsageNamesFindAndDocs(t *testing.T) {
	r := plugin("help")
	for _, want := range []string{"kubectl hookflow find ID|URL", "kubectl hookflow docs [WORKFLOW]"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("usage lacks %q", want)
		}
	}
	for _, cmd := range []string{"find", "docs"} {
		r := plugin(cmd, "--help")
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage: kubectl hookflow "+cmd) || !strings.Contains(r.stdout, "--context") {
			t.Errorf("%s --help: %v", cmd, r)
		}
	}
}

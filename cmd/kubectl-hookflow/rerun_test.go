package main

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// storedRun is a run of Workflow orders in phase, with a kept request.
func storedRun(ns, name string, phase v1alpha1.RunPhase, status v1alpha1.WorkflowRunStatus) *v1alpha1.WorkflowRun {
	status.Phase = phase
	return &v1alpha1.WorkflowRun{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{v1alpha1.WorkflowLabel: "orders"}},
		Spec:       v1alpha1.WorkflowRunSpec{Workflow: "orders", Request: &v1alpha1.RunRequest{Body: `{"order_id":"A-1"}`}},
		Status:     status,
	}
}

func getWorkflowRun(t *testing.T, ns, name string) *v1alpha1.WorkflowRun {
	t.Helper()
	run := &v1alpha1.WorkflowRun{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, run); err != nil {
		t.Fatal(err)
	}
	return run
}

// TestRerunRefusals: a run that is not Failed, that kept no request, or that
// was rerun already is refused, and is left without the rerun label; a run
// rerun already names its rerun, its phase, and what to do.
func TestRerunRefusals(t *testing.T) {
	ns := newNamespace(t)
	noRequest := storedRun(ns, "no-request", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{})
	noRequest.Spec.Request = nil
	testenv.Create(t, k8s,
		storedRun(ns, "ok", v1alpha1.RunSucceeded, v1alpha1.WorkflowRunStatus{}),
		storedRun(ns, "pending", v1alpha1.RunAccepted, v1alpha1.WorkflowRunStatus{}),
		noRequest,
		storedRun(ns, "a", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{RerunBy: "a-rerun-1"}),
		storedRun(ns, "a-rerun-1", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{RerunOf: "a"}),
		storedRun(ns, "b", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{RerunBy: "b-rerun-1"}),
		storedRun(ns, "b-rerun-1", v1alpha1.RunSucceeded, v1alpha1.WorkflowRunStatus{RerunOf: "b"}),
		storedRun(ns, "c", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{RerunBy: "c-rerun-1"}),
		storedRun(ns, "c-rerun-1", v1alpha1.RunRunning, v1alpha1.WorkflowRunStatus{RerunOf: "c"}),
	)
	for run, want := range map[string]string{
		"ok":         "run ok cannot be rerun: it is Succeeded, and only a Failed run is rerun",
		"pending":    "it is Accepted",
		"no-request": "it kept no request",
		"a":          "run a has been rerun already, as a-rerun-1, which is Failed: to run it again, rerun that one: kubectl hookflow rerun a-rerun-1 -n " + ns,
		"b":          "as b-rerun-1, which is Succeeded: nothing to rerun",
		"c":          "as c-rerun-1, which is Running: wait for it",
		"absent":     `WorkflowRun "absent" not found in namespace "` + ns + `" (the runs of a WebhookServer whose runStore is Postgres`,
	} {
		r := plugin("rerun", run, "-n", ns)
		if r.code != exitFailure || !strings.Contains(r.stderr, want) {
			t.Errorf("rerun %s: %v; want exit 1 saying %q", run, r, want)
			continue
		}
		if run == "absent" {
			continue
		}
		if got := getWorkflowRun(t, ns, run); got.Labels[v1alpha1.RerunLabel] != "" || got.Annotations[v1alpha1.RerunRequestedAtAnnotation] != "" {
			t.Errorf("refused rerun of %s left labels %v annotations %v", run, got.Labels, got.Annotations)
		}
	}
}

// TestRerunRequest: the plugin sets the label and the annotation on a failed
// run; asked again while the request is pending, it asks nothing new. With
// --wait, it prints the rerun the server made, and its exit code follows the
// rerun's phase.
func TestRerunRequest(t *testing.T) {
	rerunPoll = 20 * time.Millisecond
	ns := newNamespace(t)
	testenv.Create(t, k8s,
		storedRun(ns, "f", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{Error: "store unavailable"}),
		storedRun(ns, "g", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{}),
		storedRun(ns, "h", v1alpha1.RunFailed, v1alpha1.WorkflowRunStatus{}),
	)
	r := plugin("rerun", "f", "-n", ns)
	if r.code != exitOK || !strings.Contains(r.stdout, `Rerun of f requested: a webhook server serving Workflow "orders" runs it as f-rerun-1`) {
		t.Fatalf("%v; want exit 0 naming f-rerun-1", r)
	}
	got := getWorkflowRun(t, ns, "f")
	if got.Labels[v1alpha1.RerunLabel] != v1alpha1.RerunRequested {
		t.Errorf("labels %v, want %s=%s", got.Labels, v1alpha1.RerunLabel, v1alpha1.RerunRequested)
	}
	requested := got.Annotations[v1alpha1.RerunRequestedAtAnnotation]
	if _, err := time.Parse(time.RFC3339, requested); err != nil {
		t.Errorf("annotation %q is not an RFC 3339 time: %v", requested, err)
	}
	again := plugin("rerun", "f", "-n", ns)
	if again.code != exitOK || !strings.Contains(again.stdout, "A rerun of f was already requested (at "+requested+"): nothing new is asked for") {
		t.Errorf("asked again: %v", again)
	}
	if g := getWorkflowRun(t, ns, "f"); g.Annotations[v1alpha1.RerunRequestedAtAnnotation] != requested {
		t.Errorf("asked again: annotation %q, want the first %q", g.Annotations[v1alpha1.RerunRequestedAtAnnotation], requested)
	}

	// A run whose rerun nobody asked for yet: playRerun waits for the label
	// the plugin sets, so it answers only once the plugin has checked and
	// asked (with f, labelled already, it could answer before the plugin
	// read f, which would then find f rerun and refuse).
	for phase, code := range map[v1alpha1.RunPhase]int{v1alpha1.RunSucceeded: exitOK, v1alpha1.RunFailed: exitFailure} {
		first := "g"
		if phase == v1alpha1.RunFailed {
			first = "h"
		}
		done := make(chan result, 1)
		go func() { done <- plugin("rerun", first, "-n", ns, "--wait", "--timeout", "30s") }()
		playRerun(t, ns, first, phase)
		r := <-done
		if r.code != code || !strings.Contains(r.stdout, first+"-rerun-1   "+string(phase)) {
			t.Errorf("rerun %s --wait, rerun %s: %v; want exit %d and the rerun's line", first, phase, r, code)
		}
	}
}

// playRerun does what a webhook server does once the rerun of first is
// asked for: it creates the rerun, finished in phase, and links both.
func playRerun(t *testing.T, ns, first string, phase v1alpha1.RunPhase) {
	t.Helper()
	ctx := context.Background()
	run := &v1alpha1.WorkflowRun{}
	testenv.Eventually(t, 10*time.Second, "rerun label set", func() (bool, string) {
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: first}, run); err != nil {
			return false, err.Error()
		}
		return run.Labels[v1alpha1.RerunLabel] == v1alpha1.RerunRequested, "no label"
	})
	testenv.Create(t, k8s, storedRun(ns, first+"-rerun-1", phase, v1alpha1.WorkflowRunStatus{RerunOf: first}))
	delete(run.Labels, v1alpha1.RerunLabel)
	run.Status.RerunBy = first + "-rerun-1"
	if err := k8s.Update(ctx, run); err != nil {
		t.Fatal(err)
	}
}

// TestRerunUsage: rerun takes one RUN name, and its help lists its flags.
func TestRerunUsage(t *testing.T) {
	if r := plugin("rerun"); r.code != 2 || !strings.Contains(r.stderr, "want one RUN name") {
		t.Errorf("rerun without a name: %v; want exit 2 and %q", r, "want one RUN name")
	}
	if r := plugin("rerun", "a", "b"); r.code != 2 || !strings.Contains(r.stderr, "want at most 1 argument, got 2") {
		t.Errorf("rerun with two names: %v; want exit 2", r)
	}
	if r := plugin("rerun", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--wait") || !strings.Contains(r.stdout, "--timeout") {
		t.Errorf("rerun --help: %v; want its flags", r)
	}
}

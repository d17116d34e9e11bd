package runhistory

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runner"
)

func failedRun(name, rerunOf string) *v1alpha1.WorkflowRun {
	return &v1alpha1.WorkflowRun{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.WorkflowRunSpec{Workflow: "orders", Request: &v1alpha1.RunRequest{}},
		Status:     v1alpha1.WorkflowRunStatus{Phase: v1alpha1.RunFailed, RerunOf: rerunOf},
	}
}

func TestRerunName(t *testing.T) {
	for _, tc := range []struct{ name, rerunOf, want string }{
		{"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b-rerun-1"},
		{"a-rerun-1", "a", "a-rerun-2"},
		{"a-rerun-9", "a-rerun-8", "a-rerun-10"},
		// Only a rerun's name is read as one.
		{"a-rerun-1", "", "a-rerun-1-rerun-1"},
		{"a-rerun-x", "a", "a-rerun-x-rerun-1"},
	} {
		if got := RerunName(failedRun(tc.name, tc.rerunOf)); got != tc.want {
			t.Errorf("RerunName(%s, rerunOf %q) = %s, want %s", tc.name, tc.rerunOf, got, tc.want)
		}
	}
	long := failedRun(strings.Repeat("a", 250), "")
	got := RerunName(long)
	if len(got) > maxRunName || got != RerunName(long) || !strings.HasSuffix(got, "-rerun-1") {
		t.Errorf("RerunName of a 250-character name = %s (%d characters), want a stable name of at most %d", got, len(got), maxRunName)
	}
}

func TestRerunChainFirst(t *testing.T) {
	for name, want := range map[string]string{
		"a":                 "a",
		"a-rerun-1":         "a",
		"a-rerun-12":        "a",
		"a-rerun-1-rerun-1": "a-rerun-1",
		"a-rerun-x":         "a-rerun-x",
		"a-rerun-0":         "a-rerun-0",
	} {
		if got := RerunChainFirst(name); got != want {
			t.Errorf("RerunChainFirst(%s) = %s, want %s", name, got, want)
		}
	}
	// Every rerun of a chain keys its writes by the same first run.
	first := failedRun("0190a1b2", "")
	one := failedRun(RerunName(first), first.Name)
	two := RerunName(one)
	if RerunChainFirst(one.Name) != first.Name || RerunChainFirst(two) != first.Name {
		t.Errorf("chain %s → %s → %s does not lead back to its first run", first.Name, one.Name, two)
	}
}

func TestCheckRerun(t *testing.T) {
	if err := CheckRerun(failedRun("a", "")); err != nil {
		t.Fatalf("a failed run with its request: %v", err)
	}
	succeeded := failedRun("a", "")
	succeeded.Status.Phase = v1alpha1.RunSucceeded
	running := failedRun("a", "")
	running.Status.Phase = ""
	rerun := failedRun("a", "")
	rerun.Status.RerunBy = "a-rerun-1"
	noRequest := failedRun("a", "")
	noRequest.Spec.Request = nil
	bigBody := failedRun("a", "")
	bigBody.Spec.Request = nil
	bigBody.Annotations = map[string]string{RequestOmittedAnnotation: "300000"}
	bigParams := failedRun("a", "")
	bigParams.Annotations = map[string]string{ParamsOmittedAnnotation: "20000"}
	for name, tc := range map[string]struct {
		run  *v1alpha1.WorkflowRun
		want string
	}{
		"succeeded":  {succeeded, "it is Succeeded, and only a Failed run is rerun"},
		"running":    {running, "it is not finished"},
		"no request": {noRequest, "it kept no request"},
		"big body":   {bigBody, "request body (300000 bytes)"},
		"big params": {bigParams, "params (20000 bytes of JSON)"},
	} {
		err := CheckRerun(tc.run)
		if !errors.Is(err, ErrNotRerunnable) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrNotRerunnable saying %q", name, err, tc.want)
		}
	}
	var already *AlreadyRerunError
	if err := CheckRerun(rerun); !errors.As(err, &already) || already.By != "a-rerun-1" {
		t.Errorf("a run rerun already: %v, want an AlreadyRerunError naming a-rerun-1", err)
	}
}

// TestNewRunKeepsTheRequestOfFailedRunsOnly: a failed run keeps its request
// (what a rerun reads), up to MaxRunRequestBody; a successful one does not.
func TestNewRunKeepsTheRequestOfFailedRunsOnly(t *testing.T) {
	req := &v1alpha1.RunRequest{Body: `{"order_id":"A-1"}`, Headers: map[string]string{"x-shop": "eu"}}
	failed := NewRun(Run{ID: "f", Workflow: "orders", Request: req, Result: runner.Result{Err: errors.New("store unavailable")}})
	if failed.Spec.Request != req || CheckRerun(failed) != nil {
		t.Errorf("failed run: request %+v, CheckRerun %v; want the request kept and the run rerunnable", failed.Spec.Request, CheckRerun(failed))
	}
	if ok := NewRun(Run{ID: "s", Workflow: "orders", Request: req}); ok.Spec.Request != nil {
		t.Errorf("successful run kept its request: %+v", ok.Spec.Request)
	}
	big := &v1alpha1.RunRequest{Body: strings.Repeat("x", v1alpha1.MaxRunRequestBody+1)}
	over := NewRun(Run{ID: "b", Workflow: "orders", Request: big, Result: runner.Result{Err: errors.New("no match")}})
	if over.Spec.Request != nil || over.Annotations[RequestOmittedAnnotation] != strconv.Itoa(v1alpha1.MaxRunRequestBody+1) {
		t.Errorf("failed run with a body over the bound: request kept %v, annotations %v", over.Spec.Request != nil, over.Annotations)
	}
}

package runhistory

import (
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/utils/ptr"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runner"
)

func TestNewRun(t *testing.T) {
	received := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	run := NewRun(Run{
		ID: "0195f7a0-0000-7000-8000-000000000001", Namespace: "shop", Workflow: "orders", WorkflowUID: "uid-1",
		Params:     map[string]any{"order_id": "A-1", "amount": 12.5},
		ReceivedAt: received, StartedAt: received.Add(2 * time.Millisecond), FinishedAt: received.Add(12400 * time.Microsecond),
		Result: runner.Result{
			Steps: []runner.StepResult{
				{Name: "save", Phase: v1alpha1.RunSucceeded, RecordID: "orders-abc"},
				{Name: "pay", Phase: v1alpha1.RunFailed, Message: "no match"},
			},
			Err: errors.New("step pay: no match"),
		},
		StatusCode: 422,
	})
	checks := []struct {
		name string
		ok   bool
	}{
		{"name", run.Name == "0195f7a0-0000-7000-8000-000000000001" && run.Namespace == "shop"},
		{"labels", run.Labels[v1alpha1.WorkflowLabel] == "orders" && run.Labels[v1alpha1.RunPhaseLabel] == "Failed"},
		{"owner", len(run.OwnerReferences) == 1 && run.OwnerReferences[0].Kind == "Workflow" && run.OwnerReferences[0].Name == "orders" &&
			run.OwnerReferences[0].UID == "uid-1" && ptr.Deref(run.OwnerReferences[0].Controller, false) &&
			!ptr.Deref(run.OwnerReferences[0].BlockOwnerDeletion, false)},
		{"spec", run.Spec.Workflow == "orders" && run.Spec.ReceivedAt != nil && run.Spec.ReceivedAt.Time.Equal(received) &&
			run.Spec.Params != nil && string(run.Spec.Params.Raw) == `{"amount":12.5,"order_id":"A-1"}`},
		{"phase", run.Status.Phase == v1alpha1.RunFailed && run.Status.Error == "step pay: no match"},
		{"code", run.Status.Response != nil && run.Status.Response.StatusCode == 422},
		{"duration", run.Status.Duration == "12ms"},
		{"times", run.Status.StartedAt != nil && run.Status.FinishedAt != nil},
		{"ready", len(run.Status.Conditions) == 1 && run.Status.Conditions[0].Type == v1alpha1.ReadyCondition &&
			run.Status.Conditions[0].Status == "True" && run.Status.Conditions[0].Reason == "Failed"},
		{"steps", len(run.Status.Steps) == 2 && run.Status.Steps[0] == v1alpha1.StepStatus{Name: "save", Phase: v1alpha1.RunSucceeded, RecordRef: "orders-abc"} &&
			run.Status.Steps[1] == v1alpha1.StepStatus{Name: "pay", Phase: v1alpha1.RunFailed, Message: "no match"}},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not as expected: %+v", c.name, run)
		}
	}
	ok := NewRun(Run{ID: "x", Namespace: "shop", Workflow: "orders", StatusCode: 200})
	if ok.Status.Phase != v1alpha1.RunSucceeded || ok.Labels[v1alpha1.RunPhaseLabel] != "Succeeded" || ok.Spec.Params != nil || ok.Status.Error != "" {
		t.Errorf("successful run = %+v", ok)
	}
}

func TestNewRunBoundsItsSize(t *testing.T) {
	run := NewRun(Run{
		ID: "x", Namespace: "shop", Workflow: "orders",
		Params: map[string]any{"body": strings.Repeat("x", MaxParamsBytes)},
		Result: runner.Result{Err: errors.New(strings.Repeat("é", 10_000))},
	})
	if run.Spec.Params != nil || run.Annotations[ParamsOmittedAnnotation] == "" {
		t.Errorf("params over %d bytes kept: annotations %v", MaxParamsBytes, run.Annotations)
	}
	if len(run.Status.Error) > maxMessageBytes+len("…") || !strings.HasSuffix(run.Status.Error, "…") {
		t.Errorf("error of %d bytes kept", len(run.Status.Error))
	}
	if !strings.HasPrefix(run.Status.Error, "éé") || strings.ContainsRune(run.Status.Error, '\uFFFD') {
		t.Error("error cut inside a character")
	}
}

func TestLimitsOf(t *testing.T) {
	if got := LimitsOf(nil); got != (Limits{10, 50}) {
		t.Errorf("LimitsOf(nil) = %+v", got)
	}
	if got := LimitsOf(&v1alpha1.History{SuccessfulRunsLimit: ptr.To[int32](2)}); got != (Limits{2, 50}) {
		t.Errorf("LimitsOf(2, unset) = %+v", got)
	}
	if got := LimitsOf(&v1alpha1.History{SuccessfulRunsLimit: ptr.To[int32](0), FailedRunsLimit: ptr.To[int32](1)}); got != (Limits{0, 1}) {
		t.Errorf("LimitsOf(0, 1) = %+v", got)
	}
}

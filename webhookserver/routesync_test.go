package webhookserver

import (
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// served returns a Workflow whose status says it is served under id, with
// Ready at readyGen (0: no Ready condition yet).
func served(name, id string, gen, readyGen int64, ready metav1.ConditionStatus) v1alpha1.Workflow {
	wf := orderWorkflow(name, types.UID(name+"-uid"))
	wf.Generation = gen
	wf.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	wf.Status.WebhookID = id
	if readyGen > 0 {
		wf.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ReadyCondition, Status: ready, ObservedGeneration: readyGen}}
	}
	return *wf
}

func sheets() map[string]map[string]*v1alpha1.Worksheet {
	return map[string]map[string]*v1alpha1.Worksheet{"shop": {"orders": ordersSheet()}}
}

func ids(t *Table) map[string]string {
	out := map[string]string{}
	for id, e := range t.byID {
		out[id] = e.Route.Name
	}
	return out
}

func TestBuildServesOnlyReadyWorkflowsAtTheirGeneration(t *testing.T) {
	disabled := served("disabled", "id-disabled", 1, 1, metav1.ConditionTrue)
	disabled.Spec.Enabled = new(bool)
	otherServer := served("other-server", "id-other", 1, 1, metav1.ConditionTrue)
	otherServer.Spec.ServerRef = &v1alpha1.LocalObjectReference{Name: "other"}

	r := &RouteSync{Scope: Scope{Server: "default"}, Log: logr.Discard()}
	table := r.build([]v1alpha1.Workflow{
		served("ready", "id-ready", 2, 2, metav1.ConditionTrue),
		served("not-ready", "id-not-ready", 1, 1, metav1.ConditionFalse),
		served("stale", "id-stale", 3, 2, metav1.ConditionTrue), // never served before
		served("no-verdict", "id-no-verdict", 1, 0, ""),
		served("no-id", "", 1, 1, metav1.ConditionTrue),
		disabled,
		otherServer,
	}, sheets(), nil, nil)

	if got := ids(table); len(got) != 1 || got["id-ready"] != "ready" {
		t.Errorf("served %v, want only id-ready", got)
	}
	e := table.Lookup("id-ready")
	if e.Limits.MaxBodyBytes != v1alpha1.DefaultMaxBodyBytes || e.Limits.RequestTimeout != v1alpha1.DefaultRequestTimeout {
		t.Errorf("limits without a WebhookServer = %+v, want the defaults", e.Limits)
	}
}

func TestBuildKeepsThePreviousRouteWhileANewGenerationAwaitsItsVerdict(t *testing.T) {
	r := &RouteSync{Log: logr.Discard()}
	first := r.build([]v1alpha1.Workflow{served("orders", "id-1", 1, 1, metav1.ConditionTrue)}, sheets(), nil, nil)
	before := first.Lookup("id-1")

	// Generation 2 is not judged yet: generation 1 keeps serving.
	pending := r.build([]v1alpha1.Workflow{served("orders", "id-1", 2, 1, metav1.ConditionTrue)}, sheets(), nil, nil)
	if pending.Lookup("id-1") != before {
		t.Fatal("the previous route was dropped while the new generation awaits its verdict")
	}
	// Generation 2 judged not Ready: it stops being served.
	rejected := r.build([]v1alpha1.Workflow{served("orders", "id-1", 2, 2, metav1.ConditionFalse)}, sheets(), nil, nil)
	if rejected.Lookup("id-1") != nil {
		t.Fatal("a generation judged not Ready is served")
	}
	// ... and a later pending generation has nothing to fall back on.
	again := r.build([]v1alpha1.Workflow{served("orders", "id-1", 3, 2, metav1.ConditionFalse)}, sheets(), nil, nil)
	if again.Lookup("id-1") != nil {
		t.Fatal("a route came back without a Ready verdict")
	}
}

func TestBuildReusesCompiledRoutesUntilSomethingTheyUseChanges(t *testing.T) {
	r := &RouteSync{Log: logr.Discard()}
	wfs := []v1alpha1.Workflow{served("orders", "id-1", 1, 1, metav1.ConditionTrue)}
	a := r.build(wfs, sheets(), nil, nil).Lookup("id-1").Route
	if b := r.build(wfs, sheets(), nil, nil).Lookup("id-1").Route; b != a {
		t.Error("an unchanged Workflow was compiled again")
	}
	statusOnly := sheets()
	statusOnly["shop"]["orders"].ResourceVersion = "2"
	statusOnly["shop"]["orders"].Status.Records = 7
	if b := r.build(wfs, statusOnly, nil, nil).Lookup("id-1").Route; b != a {
		t.Error("a Worksheet status write recompiled the route")
	}
	changed := sheets()
	changed["shop"]["orders"].Generation = 2
	if c := r.build(wfs, changed, nil, nil).Lookup("id-1").Route; c == a {
		t.Error("a Worksheet spec change did not recompile the route")
	}
}

func TestBuildGivesAConflictingIDToTheOldest(t *testing.T) {
	old := served("old", "same", 1, 1, metav1.ConditionTrue)
	young := served("young", "same", 1, 1, metav1.ConditionTrue)
	young.CreationTimestamp = metav1.NewTime(old.CreationTimestamp.Add(time.Second))
	r := &RouteSync{Log: logr.Discard()}
	if got := r.build([]v1alpha1.Workflow{young, old}, sheets(), nil, nil).Lookup("same").Route.Name; got != "old" {
		t.Errorf("id served by %q, want old", got)
	}
}

func TestBuildTakesLimitsFromTheWebhookServer(t *testing.T) {
	ws := &v1alpha1.WebhookServer{Spec: v1alpha1.WebhookServerSpec{Limits: v1alpha1.ServerLimits{
		MaxBodyBytes: 42, RequestTimeout: &metav1.Duration{Duration: time.Minute},
	}}}
	r := &RouteSync{Log: logr.Discard()}
	table := r.build([]v1alpha1.Workflow{served("orders", "id-1", 1, 1, metav1.ConditionTrue)}, sheets(),
		map[string]*v1alpha1.WebhookServer{"shop/default": ws}, nil)
	if l := table.Lookup("id-1").Limits; l.MaxBodyBytes != 42 || l.RequestTimeout != time.Minute {
		t.Errorf("limits = %+v", l)
	}
	if table.MaxRequestTimeout() != time.Minute {
		t.Errorf("MaxRequestTimeout = %v", table.MaxRequestTimeout())
	}
}

func TestBuildDropsWorkflowsAndWorksheetsBeingDeleted(t *testing.T) {
	r := &RouteSync{Log: logr.Discard()}
	wfs := []v1alpha1.Workflow{served("orders", "id-1", 1, 1, metav1.ConditionTrue)}
	if r.build(wfs, sheets(), nil, nil).Lookup("id-1") == nil {
		t.Fatal("not served to begin with")
	}
	deleting := metav1.NewTime(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	gone := sheets()
	gone["shop"]["orders"].DeletionTimestamp = &deleting
	if r.build(wfs, gone, nil, nil).Lookup("id-1") != nil {
		t.Error("a Workflow writing to a Worksheet being deleted is served")
	}
	wfs[0].DeletionTimestamp = &deleting
	if r.build(wfs, sheets(), nil, nil).Lookup("id-1") != nil {
		t.Error("a Workflow being deleted is served")
	}
}

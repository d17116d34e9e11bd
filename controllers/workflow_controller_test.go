package controllers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/internal/webhookid"
)

func TestWorkflowBecomesReadyWithIDURLAndParameters(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders-hook"))

	wf := waitCondition(t, &v1alpha1.Workflow{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "orders-hook"}},
		v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")

	id := webhookid.Derive(nil, ns, "orders-hook")
	if wf.Status.WebhookID != id {
		t.Errorf("webhookID = %q, want %q", wf.Status.WebhookID, id)
	}
	if got := wf.Labels[v1alpha1.WebhookIDLabel]; got != id {
		t.Errorf("label %s = %q, want %q", v1alpha1.WebhookIDLabel, got, id)
	}
	wantURL := "http://default-hookflow." + ns + ".svc/hooks/" + id
	if wf.Status.WebhookURL != wantURL {
		t.Errorf("webhookURL = %q, want %q", wf.Status.WebhookURL, wantURL)
	}
	if wf.Status.ObservedGeneration != wf.Generation {
		t.Errorf("observedGeneration = %d, want %d", wf.Status.ObservedGeneration, wf.Generation)
	}
	if !strings.Contains(strings.Join(wf.Finalizers, ","), v1alpha1.Finalizer) {
		t.Errorf("finalizers = %v, want %s", wf.Finalizers, v1alpha1.Finalizer)
	}
	want := []v1alpha1.ParameterStatus{
		{Name: "amount", Path: "amount", Type: v1alpha1.ParameterNumber},
		{Name: "customer.email", Path: "customer.email", Type: v1alpha1.ParameterString},
		{Name: "order_id", Path: "order_id", Type: v1alpha1.ParameterString, Required: true},
	}
	if len(wf.Status.Parameters) != len(want) {
		t.Fatalf("parameters = %+v, want %+v", wf.Status.Parameters, want)
	}
	for i := range want {
		if wf.Status.Parameters[i] != want[i] {
			t.Errorf("parameter %d = %+v, want %+v", i, wf.Status.Parameters[i], want[i])
		}
	}

	// The label finds the Workflow from its URL.
	var found v1alpha1.WorkflowList
	if err := k8s.List(context.Background(), &found, client.MatchingLabels{v1alpha1.WebhookIDLabel: id}); err != nil {
		t.Fatal(err)
	}
	if len(found.Items) != 1 || found.Items[0].Name != "orders-hook" {
		t.Errorf("list by webhook id label found %d Workflows", len(found.Items))
	}
}

func TestWorkflowWithFixedID(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "fixed")
	wf.Spec.Trigger.Webhook.ID = "shop-orders-" + ns
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	if wf.Status.WebhookID != "shop-orders-"+ns || wf.Labels[v1alpha1.WebhookIDLabel] != "shop-orders-"+ns {
		t.Errorf("id = %q, label = %q", wf.Status.WebhookID, wf.Labels[v1alpha1.WebhookIDLabel])
	}
}

func TestWorkflowWithBadSpecIsNotReady(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*v1alpha1.Workflow)
		reason  string
		stalled bool
		message []string
	}{{
		name:    "mapping to a field the worksheet lacks",
		edit:    func(wf *v1alpha1.Workflow) { wf.Spec.Steps[0].CreateRecord.Fields["amont"] = "params.amount" },
		reason:  "InvalidSpec",
		stalled: true,
		message: []string{"spec.steps[0].createRecord.fields[amont]", "worksheet orders has no field amont"},
	}, {
		name:    "expression reading a parameter the sample lacks",
		edit:    func(wf *v1alpha1.Workflow) { wf.Spec.Steps[0].CreateRecord.Fields["amount"] = "params.total" },
		reason:  "InvalidSpec",
		stalled: true,
		message: []string{"spec.steps[0].createRecord.fields[amount]", "total"},
	}, {
		name:    "expression of the wrong type",
		edit:    func(wf *v1alpha1.Workflow) { wf.Spec.Steps[0].CreateRecord.Fields["amount"] = "params.customer.email" },
		reason:  "InvalidSpec",
		stalled: true,
		message: []string{"spec.steps[0].createRecord.fields[amount]"},
	}, {
		name:    "required worksheet field without a mapping",
		edit:    func(wf *v1alpha1.Workflow) { delete(wf.Spec.Steps[0].CreateRecord.Fields, "order_id") },
		reason:  "InvalidSpec",
		stalled: true,
		message: []string{"spec.steps[0].createRecord.fields[order_id]", "required"},
	}, {
		name:    "sample that is not a JSON object",
		edit:    func(wf *v1alpha1.Workflow) { wf.Spec.Trigger.Webhook.Sample.JSON = `[1,2]` },
		reason:  "InvalidSpec",
		stalled: true,
		message: []string{"spec.trigger.webhook.sample.json"},
	}, {
		name:    "unknown worksheet",
		edit:    func(wf *v1alpha1.Workflow) { wf.Spec.Steps[0].CreateRecord.Worksheet = "invoices" },
		reason:  "WorksheetNotFound",
		stalled: false,
		message: []string{"spec.steps[0].createRecord.worksheet", "invoices"},
	}}
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns))
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wf := testenv.OrderWorkflow(ns, "bad-"+string(rune('a'+i)))
			tc.edit(wf)
			create(t, wf)
			wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, tc.reason)
			msg := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition).Message
			for _, part := range tc.message {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q does not name %q", msg, part)
				}
			}
			if got := meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.StalledCondition); got != tc.stalled {
				t.Errorf("Stalled = %v, want %v", got, tc.stalled)
			}
			if len(wf.Status.Parameters) != 0 {
				t.Errorf("a Workflow that does not compile reports parameters: %+v", wf.Status.Parameters)
			}
			if wf.Status.WebhookID == "" {
				t.Error("webhookID is not reported")
			}
			waitEvent(t, wf, tc.reason)
		})
	}
}

func TestWorkflowRecoversWhenTheWorksheetAppears(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "early")
	create(t, testenv.WebhookServer(ns), wf)
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, "WorksheetNotFound")
	create(t, testenv.OrdersWorksheet(ns))
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")

	// A Worksheet change that breaks the mapping makes it not Ready again.
	testenv.Update(t, k8s, testenv.OrdersWorksheet(ns), func(ws *v1alpha1.Worksheet) {
		ws.Spec.Fields = slices.DeleteFunc(ws.Spec.Fields, func(f v1alpha1.WorksheetField) bool { return f.Name == "email" })
	})
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, "InvalidSpec")
}

func TestWorkflowWithoutItsServer(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "lonely")
	create(t, testenv.OrdersWorksheet(ns), wf)
	wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, "WebhookServerNotFound")
	if wf.Status.WebhookURL != "" {
		t.Errorf("webhookURL = %q without a server", wf.Status.WebhookURL)
	}
	if len(wf.Status.Parameters) == 0 {
		t.Error("a Workflow without its server still reports the parameters of its generation")
	}
	create(t, testenv.WebhookServer(ns))
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
}

func TestDisabledWorkflow(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "off")
	wf.Spec.Enabled = ptrTo(false)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionFalse, "Disabled")
	if len(wf.Status.Parameters) == 0 {
		t.Error("a disabled Workflow is still validated and reports its parameters")
	}
	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) { wf.Spec.Enabled = ptrTo(true) })
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
}

func TestWebhookIDConflictOldestWins(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns))
	first := testenv.OrderWorkflow(ns, "first")
	first.Spec.Trigger.Webhook.ID = "same-id-" + ns
	create(t, first)
	waitCondition(t, first, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")

	second := testenv.OrderWorkflow(ns, "second")
	second.Spec.Trigger.Webhook.ID = "same-id-" + ns
	create(t, second)
	second = waitCondition(t, second, v1alpha1.ReadyCondition, metav1.ConditionFalse, "WebhookIDConflict")
	if msg := meta.FindStatusCondition(second.Status.Conditions, v1alpha1.ReadyCondition).Message; !strings.Contains(msg, ns+"/first") {
		t.Errorf("message %q does not name the holder", msg)
	}
	waitCondition(t, first, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")

	if err := k8s.Delete(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, second, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
}

func TestWorkflowDeletionRemovesTheFinalizer(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "gone")
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	if err := k8s.Delete(context.Background(), wf); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Workflow deleted", func() (bool, string) {
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf)
		return apierrors.IsNotFound(err), "still there"
	})
}

// waitEvent waits for an event about obj with that reason.
func waitEvent(t *testing.T, obj client.Object, reason string) {
	t.Helper()
	eventually(t, "event "+reason, func() (bool, string) {
		var events eventsv1.EventList
		if err := k8s.List(context.Background(), &events, client.InNamespace(obj.GetNamespace())); err != nil {
			return false, err.Error()
		}
		for _, e := range events.Items {
			if e.Regarding.UID == obj.GetUID() && e.Reason == reason {
				return true, ""
			}
		}
		return false, "no such event"
	})
}

// TestReadyIsAnnouncedOnce checks that becoming Ready emits one event
// (RoutePublished), not one per reconcile that the Workflow's own label and
// finalizer cause; and
// that a removed webhook id label comes back.
func TestReadyIsAnnouncedOnce(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "once")
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	waitEvent(t, wf, "RoutePublished")
	// Let any further reconcile happen before counting.
	time.Sleep(time.Second)
	var events eventsv1.EventList
	if err := k8s.List(context.Background(), &events, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events.Items {
		if e.Regarding.UID == wf.UID && e.Reason == "RoutePublished" {
			n++
			if e.Series != nil {
				n += int(e.Series.Count) - 1
			}
		}
	}
	if n != 1 {
		t.Errorf("%d RoutePublished events, want 1", n)
	}

	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) { delete(wf.Labels, v1alpha1.WebhookIDLabel) })
	eventually(t, "webhook id label restored", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		return wf.Labels[v1alpha1.WebhookIDLabel] == wf.Status.WebhookID, "labels: " + fmt.Sprint(wf.Labels)
	})
}

package controllers_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestWorkflowRouteEvents follows the Events of one Workflow through its
// life: published, withdrawn by a broken step, a second validation failure,
// reconciles that change nothing, fixed, moved, disabled, enabled, deleted.
// After each step the Events listed so far must be exactly those expected:
// an extra or repeated event fails the test whenever it appears.
func TestWorkflowRouteEvents(t *testing.T) {
	ns := newNamespace(t)
	server := testenv.WebhookServer(ns)
	server.Spec.ExternalURL = "http://hooks-1.example"
	wf := testenv.OrderWorkflow(ns, "announced")
	create(t, server, testenv.OrdersWorksheet(ns), wf)
	wf = waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, controllers.ReasonSucceeded)
	urlAt := func(base string) string { return base + "/hooks/" + wf.Status.WebhookID }
	want := map[string]int{}
	expect := func(eventType, reason, note string) {
		t.Helper()
		want[eventType+" "+reason+" "+note]++
		waitEvents(t, wf, want)
	}
	expect("Normal", controllers.ReasonRoutePublished, "Route published at "+urlAt("http://hooks-1.example"))

	// A step that names an unknown field withdraws the route: one Warning
	// RouteWithdrawn, no second event with the failure's own reason.
	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) { wf.Spec.Steps[0].CreateRecord.Fields["nope"] = "'x'" })
	expect("Warning", controllers.ReasonRouteWithdrawn, "Route withdrawn: InvalidSpec: "+readyMessageWith(t, wf, "InvalidSpec"))

	// Another failure while not served: a Warning with its reason.
	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) {
		delete(wf.Spec.Steps[0].CreateRecord.Fields, "nope")
		wf.Spec.Steps[0].CreateRecord.Fields["bogus"] = "'y'"
	})
	expect("Warning", "InvalidSpec", readyMessageWith(t, wf, "InvalidSpec"))

	// Reconciles that leave Ready as it is say nothing. Each new server URL
	// reconciles the Workflow (its status.webhookURL follows), and the
	// Ready condition of a Workflow that does not compile stays the same.
	for _, base := range []string{"http://hooks-2.example", "http://hooks-3.example"} {
		moveServer(t, server, wf, base)
	}
	waitEvents(t, wf, want)

	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) {
		delete(wf.Spec.Steps[0].CreateRecord.Fields, "bogus")
	})
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, controllers.ReasonSucceeded)
	expect("Normal", controllers.ReasonRoutePublished, "Route published at "+urlAt("http://hooks-3.example"))

	// A served Workflow at a new URL is published there.
	moveServer(t, server, wf, "http://hooks-4.example")
	expect("Normal", controllers.ReasonRoutePublished, "Route published at "+urlAt("http://hooks-4.example"))

	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) { wf.Spec.Enabled = ptrTo(false) })
	expect("Normal", controllers.ReasonRouteWithdrawn, "Route withdrawn: Disabled: "+readyMessageWith(t, wf, controllers.ReasonDisabled))

	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) { wf.Spec.Enabled = ptrTo(true) })
	waitCondition(t, wf, v1alpha1.ReadyCondition, metav1.ConditionTrue, controllers.ReasonSucceeded)
	expect("Normal", controllers.ReasonRoutePublished, "Route published at "+urlAt("http://hooks-4.example"))

	if err := k8s.Delete(context.Background(), wf); err != nil {
		t.Fatal(err)
	}
	expect("Normal", controllers.ReasonRouteWithdrawn, "Route withdrawn: Deleted: Webhook "+wf.Status.WebhookID+" is no longer served")
}

// moveServer sets the server's externalURL and waits until the Workflow's
// status has the URL under it: the Workflow was reconciled.
func moveServer(t *testing.T, server *v1alpha1.WebhookServer, wf *v1alpha1.Workflow, base string) {
	t.Helper()
	testenv.Update(t, k8s, server, func(s *v1alpha1.WebhookServer) { s.Spec.ExternalURL = base })
	want := base + "/hooks/" + wf.Status.WebhookID
	eventually(t, "webhookURL "+want, func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		return wf.Status.WebhookURL == want, wf.Status.WebhookURL
	})
}

// readyMessageWith waits until wf's Ready condition has that reason at wf's
// generation and returns its message.
func readyMessageWith(t *testing.T, wf *v1alpha1.Workflow, reason string) string {
	t.Helper()
	status := metav1.ConditionFalse
	if reason == controllers.ReasonSucceeded {
		status = metav1.ConditionTrue
	}
	wf = waitCondition(t, wf, v1alpha1.ReadyCondition, status, reason)
	return meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition).Message
}

// waitEvents waits until the Events about wf are want ("type reason note":
// how many, a series counting as its count). It fails at once when an event
// is not in want or is there more often than wanted.
func waitEvents(t *testing.T, wf *v1alpha1.Workflow, want map[string]int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := workflowEvents(t, wf)
		for k, n := range got {
			if n > want[k] {
				t.Fatalf("event %q %d times, want %d; all events: %v", k, n, want[k], got)
			}
		}
		if maps.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %v, want %v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// workflowEvents counts the events.k8s.io Events about wf, listed by a
// field selector on the name of the object they regard.
func workflowEvents(t *testing.T, wf *v1alpha1.Workflow) map[string]int {
	t.Helper()
	var events eventsv1.EventList
	if err := k8s.List(context.Background(), &events, client.InNamespace(wf.Namespace),
		client.MatchingFieldsSelector{Selector: fields.OneTermEqualSelector("regarding.name", wf.Name)}); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range events.Items {
		if e.Regarding.UID != wf.UID {
			continue
		}
		n := 1
		if e.Series != nil {
			n = int(e.Series.Count)
		}
		got[fmt.Sprintf("%s %s %s", e.Type, e.Reason, e.Note)] += n
	}
	return got
}

package controllers_test

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestWebhookIDConflictAcrossNamespaces checks that a conflict names the
// holder of the id only when it is in the Workflow's own namespace: a tenant
// learns nothing of another namespace's Workflows.
func TestWebhookIDConflictAcrossNamespaces(t *testing.T) {
	theirs, ours := newNamespace(t), newNamespace(t)
	id := "shared-" + ours // not naming theirs, which the messages must not
	withID := func(ns, name string) *v1alpha1.Workflow {
		wf := testenv.OrderWorkflow(ns, name)
		wf.Spec.Trigger.Webhook.ID = id
		return wf
	}

	holder := withID(theirs, "holder")
	create(t, testenv.WebhookServer(theirs), testenv.OrdersWorksheet(theirs), holder)
	holder = waitCondition(t, holder, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	// Creation times have whole seconds; the holder must be the older.
	waitPast(holder.CreationTimestamp)

	second := withID(ours, "second")
	create(t, testenv.WebhookServer(ours), testenv.OrdersWorksheet(ours), second)
	second = waitCondition(t, second, v1alpha1.ReadyCondition, metav1.ConditionFalse, "WebhookIDConflict")
	msg := readyMessage(second)
	if want := "webhook id " + id + " is already used by a Workflow in another namespace"; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	third := withID(ours, "third")
	create(t, third)
	third = waitCondition(t, third, v1alpha1.ReadyCondition, metav1.ConditionFalse, "WebhookIDConflict")
	if msg := readyMessage(third); !strings.Contains(msg, "Workflow "+ours+"/second") {
		t.Errorf("message %q does not name the older Workflow of its own namespace", msg)
	}
	for _, wf := range []*v1alpha1.Workflow{second, third} {
		if msg := readyMessage(wf); strings.Contains(msg, theirs) || strings.Contains(msg, "holder") {
			t.Errorf("Workflow %s: message %q names a Workflow of another namespace", wf.Name, msg)
		}
	}
	waitCondition(t, holder, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
}

func readyMessage(wf *v1alpha1.Workflow) string {
	return meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition).Message
}

// waitPast waits until the API server's next creation timestamp is later
// than t (timestamps have whole seconds).
func waitPast(t metav1.Time) {
	time.Sleep(time.Until(t.Add(time.Second)))
}

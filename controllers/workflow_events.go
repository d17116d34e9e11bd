package controllers

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Reasons of the events that announce a Workflow's route.
const (
	ReasonRoutePublished = "RoutePublished"
	ReasonRouteWithdrawn = "RouteWithdrawn"
	// ReasonDeleted is the reason of the event of a deletion.
	ReasonDeleted = "Deleted"
)

// workflowEvent is one event about a Workflow.
type workflowEvent struct {
	Type, Reason, Note string
}

// routeChange is the event of a reconcile that turned before into after,
// if any. A Workflow is served while its Ready condition is True (at the
// generation it was last reconciled at). The rule is one event per change of
// what a caller of the URL sees, never one per reconcile:
//
//   - it becomes served, or is served at another URL: Normal RoutePublished
//     "Route published at <url>";
//   - it was served and is not any more: RouteWithdrawn "Route withdrawn:
//     <reason>: <message>", with Ready's reason and message. Normal when the
//     Workflow was disabled (its owner's choice), Warning otherwise. This one
//     event also tells a validation failure that withdrew the route: there is
//     no second event with the failure's reason;
//   - it was not served and is still not, but Ready's status, reason or
//     message changed (a validation failure, or another): Warning with
//     Ready's reason and message.
//
// A spec change that keeps the route at the same URL says nothing.
func routeChange(before, after *v1alpha1.Workflow) (workflowEvent, bool) {
	was := meta.FindStatusCondition(before.Status.Conditions, v1alpha1.ReadyCondition)
	now := meta.FindStatusCondition(after.Status.Conditions, v1alpha1.ReadyCondition)
	wasServed, nowServed := isTrue(was), isTrue(now)
	switch {
	case nowServed && (!wasServed || before.Status.WebhookURL != after.Status.WebhookURL):
		return workflowEvent{"Normal", ReasonRoutePublished, "Route published at " + after.Status.WebhookURL}, true
	case wasServed && !nowServed:
		eventType := "Warning"
		if now.Reason == ReasonDisabled {
			eventType = "Normal"
		}
		return workflowEvent{eventType, ReasonRouteWithdrawn, withdrawnNote(now.Reason, now.Message)}, true
	case !nowServed && now != nil &&
		(was == nil || was.Status != now.Status || was.Reason != now.Reason || was.Message != now.Message):
		return workflowEvent{"Warning", now.Reason, now.Message}, true
	}
	return workflowEvent{}, false
}

// deletionEvent is the event of a Workflow whose finalizer was removed:
// RouteWithdrawn if it was served, else Deleted.
func deletionEvent(wf *v1alpha1.Workflow) workflowEvent {
	note := fmt.Sprintf("Webhook %s is no longer served", wf.Status.WebhookID)
	if isTrue(meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)) {
		return workflowEvent{"Normal", ReasonRouteWithdrawn, withdrawnNote(ReasonDeleted, note)}
	}
	return workflowEvent{"Normal", ReasonDeleted, note}
}

func withdrawnNote(reason, message string) string {
	return truncate(fmt.Sprintf("Route withdrawn: %s: %s", reason, message))
}

func isTrue(c *metav1.Condition) bool { return c != nil && c.Status == metav1.ConditionTrue }

// routeEvents are the objectEvents of Workflows: routeChange after each
// reconcile, deletionEvent after a deletion.
type routeEvents struct {
	rec recorder.EventRecorder
}

func (e routeEvents) reconciled(before, after *v1alpha1.Workflow) {
	if ev, ok := routeChange(before, after); ok {
		e.record(after, ev, "Reconcile")
	}
}

func (e routeEvents) finalized(wf *v1alpha1.Workflow) { e.record(wf, deletionEvent(wf), "Delete") }

func (e routeEvents) record(wf *v1alpha1.Workflow, ev workflowEvent, action string) {
	if e.rec != nil {
		e.rec.Eventf(wf, nil, ev.Type, ev.Reason, action, "%s", ev.Note)
	}
}

package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestRouteChange(t *testing.T) {
	const urlA, urlB = "http://a/hooks/x", "http://b/hooks/x"
	served := func(url string) *v1alpha1.Workflow {
		return workflowWithReady(url, metav1.ConditionTrue, ReasonSucceeded, "Serving "+url)
	}
	notServed := func(reason, message string) *v1alpha1.Workflow {
		return workflowWithReady(urlA, metav1.ConditionFalse, reason, message)
	}
	none := &v1alpha1.Workflow{}
	cases := []struct {
		name          string
		before, after *v1alpha1.Workflow
		want          *workflowEvent
	}{
		{"new and valid", none, served(urlA), &workflowEvent{"Normal", ReasonRoutePublished, "Route published at " + urlA}},
		{"fixed", notServed("InvalidSpec", "bad"), served(urlA), &workflowEvent{"Normal", ReasonRoutePublished, "Route published at " + urlA}},
		{"moved to another URL", served(urlA), served(urlB), &workflowEvent{"Normal", ReasonRoutePublished, "Route published at " + urlB}},
		{"still served", served(urlA), served(urlA), nil},
		{"broken", served(urlA), notServed("InvalidSpec", "bad step"),
			&workflowEvent{"Warning", ReasonRouteWithdrawn, "Route withdrawn: InvalidSpec: bad step"}},
		{"disabled", served(urlA), notServed(ReasonDisabled, "off"),
			&workflowEvent{"Normal", ReasonRouteWithdrawn, "Route withdrawn: Disabled: off"}},
		{"new and invalid", none, notServed("InvalidSpec", "bad"), &workflowEvent{"Warning", "InvalidSpec", "bad"}},
		{"broken otherwise", notServed("InvalidSpec", "bad"), notServed("InvalidSpec", "worse"), &workflowEvent{"Warning", "InvalidSpec", "worse"}},
		{"still broken", notServed("InvalidSpec", "bad"), notServed("InvalidSpec", "bad"), nil},
		{"no condition yet", none, none, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := routeChange(tc.before, tc.after)
			switch {
			case tc.want == nil && ok:
				t.Errorf("event %+v, want none", got)
			case tc.want != nil && !ok:
				t.Errorf("no event, want %+v", *tc.want)
			case tc.want != nil && got != *tc.want:
				t.Errorf("event %+v, want %+v", got, *tc.want)
			}
		})
	}
}

func TestDeletionEvent(t *testing.T) {
	served := workflowWithReady("http://a/hooks/x", metav1.ConditionTrue, ReasonSucceeded, "Serving")
	served.Status.WebhookID = "x"
	if got, want := deletionEvent(served), (workflowEvent{"Normal", ReasonRouteWithdrawn, "Route withdrawn: Deleted: Webhook x is no longer served"}); got != want {
		t.Errorf("served: %+v, want %+v", got, want)
	}
	broken := workflowWithReady("http://a/hooks/x", metav1.ConditionFalse, "InvalidSpec", "bad")
	broken.Status.WebhookID = "x"
	if got, want := deletionEvent(broken), (workflowEvent{"Normal", ReasonDeleted, "Webhook x is no longer served"}); got != want {
		t.Errorf("not served: %+v, want %+v", got, want)
	}
}

func workflowWithReady(url string, status metav1.ConditionStatus, reason, message string) *v1alpha1.Workflow {
	wf := &v1alpha1.Workflow{}
	wf.Status.WebhookURL = url
	wf.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ReadyCondition, Status: status, Reason: reason, Message: message}}
	return wf
}

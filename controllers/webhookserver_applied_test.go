package controllers_test

import (
	"context"
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// ownedKinds are the resources a WebhookServer is deployed as.
var ownedKinds = []string{"deployments", "services", "serviceaccounts", "roles", "rolebindings", "poddisruptionbudgets", "ingresses"}

func ownedWrites(t *testing.T) int {
	t.Helper()
	n := 0
	for _, kind := range ownedKinds {
		for _, verb := range []string{"PATCH", "APPLY", "UPDATE", "POST"} {
			n += testenv.APIRequests(t, adminConfig, verb, kind, "")
		}
	}
	return n
}

// reconciles is controller-runtime's count of a controller's reconciles.
func reconciles(t *testing.T, controller string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" && l.GetValue() == controller {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

// TestWorkflowChurnDoesNotReapplyTheServer: a burst of Workflow changes,
// each of which reconciles the WebhookServer (status.routes), writes
// nothing to its Deployment, Service, ServiceAccount, Role, RoleBinding,
// PodDisruptionBudget or Ingress, which are as last applied.
func TestWorkflowChurnDoesNotReapplyTheServer(t *testing.T) {
	ns := newNamespace(t)
	const n = 10
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns))
	wfs := make([]*v1alpha1.Workflow, n)
	for i := range n {
		wfs[i] = testenv.OrderWorkflow(ns, fmt.Sprintf("wf-%d", i))
		create(t, wfs[i])
	}
	ws := testenv.WebhookServer(ns)
	waitRoutes := func(want int32) {
		t.Helper()
		eventually(t, fmt.Sprintf("status.routes = %d", want), func() (bool, string) {
			if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ws), ws); err != nil {
				return false, err.Error()
			}
			return ws.Status.Routes == want, fmt.Sprintf("routes: %d", ws.Status.Routes)
		})
	}
	waitRoutes(n)
	writes, before := ownedWrites(t), reconciles(t, "webhookserver")

	// Each change makes the Workflow not Ready at its generation, then
	// Ready again: two status changes, each a reconcile of the server.
	for i, wf := range wfs {
		testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) {
			wf.Spec.Trigger.Webhook.Parameters[0].Description = fmt.Sprintf("change %d", i)
		})
	}
	eventually(t, "every Workflow Ready at its new generation", func() (bool, string) {
		for _, wf := range wfs {
			if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
				return false, err.Error()
			}
			c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
			if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != wf.Generation {
				return false, wf.Name + " not Ready at its generation"
			}
		}
		return true, ""
	})
	waitRoutes(n)
	// Events of one WebhookServer coalesce in the work queue: a burst
	// makes a few reconciles, not one per change.
	eventually(t, "the WebhookServer reconciled for the changes", func() (bool, string) {
		got := reconciles(t, "webhookserver") - before
		return got >= 2, fmt.Sprintf("%.0f reconciles", got)
	})
	if got := ownedWrites(t) - writes; got != 0 {
		t.Errorf("%d writes to the server's objects over %.0f reconciles of a WebhookServer that did not change, want 0",
			got, reconciles(t, "webhookserver")-before)
	}
}

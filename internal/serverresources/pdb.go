package serverresources

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// PodDisruptionBudget returns the budget that lets voluntary disruptions take
// at most one server pod of ws at a time, or nil when ws runs fewer than two
// replicas (a budget would then block node drains).
func PodDisruptionBudget(ws *v1alpha1.WebhookServer) *policyv1.PodDisruptionBudget {
	if Replicas(ws) < 2 {
		return nil
	}
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(ws),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: ptr.To(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: SelectorLabels(ws)},
			// A pod that is not ready serves nothing: evicting it costs no capacity.
			UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
		},
	}
}

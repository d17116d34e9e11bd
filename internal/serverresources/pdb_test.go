package serverresources

import (
	"maps"
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestPodDisruptionBudget(t *testing.T) {
	tests := []struct {
		name    string
		server  *v1alpha1.WebhookServer
		wantNil bool
	}{
		{name: "default replicas", server: newServer()},
		{name: "zero replicas", server: newServer(withReplicas(0)), wantNil: true},
		{name: "one replica", server: newServer(withReplicas(1)), wantNil: true},
		{name: "two replicas", server: newServer(withReplicas(2))},
		{name: "many replicas", server: newServer(withReplicas(10))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdb := PodDisruptionBudget(tt.server)
			if tt.wantNil {
				if pdb != nil {
					t.Fatalf("PodDisruptionBudget = %+v, want nil", pdb)
				}
				return
			}
			if pdb == nil {
				t.Fatal("PodDisruptionBudget = nil")
			}
			if pdb.Name != "default-hookflow" || pdb.Namespace != "shop" {
				t.Errorf("name = %s/%s", pdb.Namespace, pdb.Name)
			}
			if pdb.Spec.MaxUnavailable == nil || *pdb.Spec.MaxUnavailable != intstr.FromInt32(1) {
				t.Errorf("maxUnavailable = %v, want 1", pdb.Spec.MaxUnavailable)
			}
			if pdb.Spec.MinAvailable != nil {
				t.Errorf("minAvailable = %v, want unset", pdb.Spec.MinAvailable)
			}
			if !maps.Equal(pdb.Spec.Selector.MatchLabels, SelectorLabels(tt.server)) {
				t.Errorf("selector = %v", pdb.Spec.Selector.MatchLabels)
			}
		})
	}
}

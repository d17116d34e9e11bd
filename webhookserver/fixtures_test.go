package webhookserver

import (
	"context"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
)

func ordersSheet() *v1alpha1.Worksheet {
	return &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orders", UID: "sheet-uid", ResourceVersion: "1", Generation: 1},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "email", Type: v1alpha1.FieldEmail},
			{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid"}},
		}},
	}
}

func orderWorkflow(name string, uid types.UID) *v1alpha1.Workflow {
	required := true
	return &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, UID: uid, Generation: 1},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
				Methods: []v1alpha1.HTTPMethod{"POST"},
				Sample: v1alpha1.Sample{
					Source: v1alpha1.SampleJSON,
					JSON:   `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"}}`,
				},
				Parameters: []v1alpha1.ParameterOverride{{Name: "order_id", Required: &required}},
			}},
			Steps: []v1alpha1.Step{{
				Name: "save",
				CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders",
					Fields: map[string]string{
						"order_id": "params.order_id",
						"amount":   "params.amount",
						"email":    "params.customer.email",
						"status":   "'new'",
					},
				},
			}},
		},
	}
}

func compile(t *testing.T, wf *v1alpha1.Workflow) *route.Route {
	t.Helper()
	rt, err := route.Compile(wf, map[string]*v1alpha1.Worksheet{"orders": ordersSheet()})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rt
}

// fakeRecords is a store.RecordStore in memory; err, when set, is returned
// instead of storing.
type fakeRecords struct {
	mu      sync.Mutex
	records []store.Record
	err     error
}

func (f *fakeRecords) CreateRecord(_ context.Context, r store.Record) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	f.records = append(f.records, r)
	return r.Worksheet + "-rec", nil
}

func (f *fakeRecords) all() []store.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Record(nil), f.records...)
}

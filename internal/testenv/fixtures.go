package testenv

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// OrderSample is the sample of OrderWorkflow.
const OrderSample = `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"}}`

// OrdersWorksheet is the Worksheet of the samples: order_id is required and
// unique.
func OrdersWorksheet(ns string) *v1alpha1.Worksheet {
	return &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "orders"},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "email", Type: v1alpha1.FieldEmail},
			{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
			{Name: "received_at", Type: v1alpha1.FieldDateTime},
		}},
	}
}

// OrderWorkflow is a POST webhook with the sample OrderSample, order_id
// required, whose step saves each order into OrdersWorksheet.
func OrderWorkflow(ns, name string) *v1alpha1.Workflow {
	required := true
	return &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
				Methods:    []v1alpha1.HTTPMethod{"POST"},
				Sample:     v1alpha1.Sample{Source: v1alpha1.SampleJSON, JSON: OrderSample},
				Parameters: []v1alpha1.ParameterOverride{{Name: "order_id", Required: &required}},
			}},
			Steps: []v1alpha1.Step{{
				Name: "save",
				CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders",
					Fields: map[string]string{
						"order_id":    "params.order_id",
						"amount":      "params.amount",
						"email":       "params.customer.email",
						"status":      "'new'",
						"received_at": "now",
					},
				},
			}},
		},
	}
}

// WebhookServer is the WebhookServer "default" of ns.
func WebhookServer(ns string) *v1alpha1.WebhookServer {
	return &v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "default"}}
}

package apidoc_test

import (
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/apidoc"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/testenv"
)

var required = true

// testHooks are Workflows covering every parameter type, both sample
// sources, appAuth on and off, a signature header and a custom response.
func testHooks(t *testing.T) []apidoc.Webhook {
	t.Helper()
	sheets := map[string]*v1alpha1.Worksheet{"orders": testenv.OrdersWorksheet("shop")}
	compile := func(wf *v1alpha1.Workflow) *route.Route {
		t.Helper()
		rt, err := route.Compile(wf, sheets)
		if err != nil {
			t.Fatalf("compile %s: %v", wf.Name, err)
		}
		return rt
	}

	// JSON sample: String, Number, Object, nested String, Boolean, Array;
	// appAuth on, GET and POST, full body.
	orders := testenv.OrderWorkflow("shop", "orders-json")
	hook := &orders.Spec.Trigger.Webhook
	hook.Methods = []v1alpha1.HTTPMethod{"GET", "POST"}
	hook.Sample.JSON = `{"order_id":"A-1001","amount":129.5,"paid":true,"tags":["a","b"],"customer":{"email":"ada@example.com","address":{"city":"Paris"}}}`
	hook.Sample.FullBody = true
	hook.Parameters = append(hook.Parameters, v1alpha1.ParameterOverride{Name: "customer.email", Required: &required, Description: "buyer e-mail"})
	hook.Security = &v1alpha1.WebhookSecurity{AppAuth: &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: "shop-app"}}}

	// KeyValue sample, no security, custom response.
	kv := testenv.OrderWorkflow("shop", "orders-kv")
	hook = &kv.Spec.Trigger.Webhook
	hook.Sample = v1alpha1.Sample{Source: v1alpha1.SampleKeyValue, KeyValues: []v1alpha1.KeyValue{{Name: "order_id", Value: "A-1"}, {Name: "amount", Value: "3"}}}
	hook.Parameters = []v1alpha1.ParameterOverride{{Name: "order_id", Required: &required}, {Name: "amount", Type: v1alpha1.ParameterNumber, Description: "in euros"}}
	delete(kv.Spec.Steps[0].CreateRecord.Fields, "email")
	kv.Spec.Response = &v1alpha1.Response{StatusCode: 201, Body: "{'code': 0}", OnError: &v1alpha1.ErrorResponse{StatusCode: 500, Body: "{'code': 1}"}}

	// A signature header, in another namespace.
	signed := testenv.OrderWorkflow("billing", "github")
	signed.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
		Header: "X-Hub-Signature-256", Algorithm: "sha256", Prefix: "sha256=",
		SecretRef: v1alpha1.SecretKeyReference{Name: "github-hook", Key: "secret"},
	}}
	signed.Spec.Trigger.Webhook.RateLimit = &v1alpha1.RateLimit{RequestsPerSecond: 10}

	return []apidoc.Webhook{
		{ID: "3f9c0a7d2b1e4c56", Route: compile(orders)},
		{ID: "kv00000000000001", Route: compile(kv)},
		{ID: "gh00000000000001", Route: compile(signed)},
	}
}

package celexpr

import (
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"

	"github.com/hookflow/hookflow/internal/params"
)

// orderParams are the parameters of the order sample of the design:
// {"order_id":"A-1001","amount":129.5,"paid":true,"customer":{"email":"ada@example.com"},"items":[...],"meta":{...}}
var orderParams = []params.Parameter{
	{Path: "order_id", Type: "String", Required: true},
	{Path: "amount", Type: "Number"},
	{Path: "paid", Type: "Boolean"},
	{Path: "customer.email", Type: "String", Required: true},
	{Path: "customer.name", Type: "String"},
	{Path: "items", Type: "Array"},
	{Path: "meta", Type: "Object"},
}

// newOrderEnv is the Env of a Workflow with the order parameters and the
// steps save and notify.
func newOrderEnv(t testing.TB) *Env {
	t.Helper()
	env, err := NewEnv(orderParams, []string{"save", "notify"})
	if err != nil {
		t.Fatalf("NewEnv: %v", err)
	}
	return env
}

func paramOf(path string, typ v1alpha1.ParameterType) params.Parameter {
	return params.Parameter{Path: path, Type: typ}
}

package gitops

import (
	"testing"

	"github.com/google/cel-go/cel"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// workflowWithReady is a Workflow at generation 2 whose status holds the given
// conditions, as the API server returns it.
func workflowWithReady(conditions ...map[string]any) map[string]any {
	list := make([]any, 0, len(conditions))
	for _, c := range conditions {
		list = append(list, c)
	}
	return map[string]any{
		"apiVersion": "hookflow.dev/v1alpha1",
		"kind":       "Workflow",
		"metadata":   map[string]any{"name": "order-webhook", "namespace": "orders", "generation": int64(2)},
		"spec":       map[string]any{},
		"status":     map[string]any{"observedGeneration": int64(2), "conditions": list},
	}
}

// readyCondition is a Ready condition with a status, set at a generation.
func readyCondition(status string, generation int64) map[string]any {
	return map[string]any{"type": "Ready", "status": status, "reason": "Test", "message": "test", "observedGeneration": generation}
}

// evalHealthExpr evaluates a Flux healthCheckExprs expression against an
// object whose top-level fields are the expression's variables, as Flux does.
func evalHealthExpr(t *testing.T, expr string, obj map[string]any) bool {
	t.Helper()
	env, err := cel.NewEnv(
		cel.Variable("apiVersion", cel.StringType),
		cel.Variable("kind", cel.StringType),
		cel.Variable("metadata", cel.DynType),
		cel.Variable("spec", cel.DynType),
		cel.Variable("status", cel.DynType),
	)
	if err != nil {
		t.Fatalf("creating the CEL environment: %v", err)
	}
	ast, issues := env.Compile(expr)
	if issues.Err() != nil {
		t.Fatalf("compiling %q: %v", expr, issues.Err())
	}
	program, err := env.Program(ast)
	if err != nil {
		t.Fatalf("building %q: %v", expr, err)
	}
	out, _, err := program.Eval(obj)
	if err != nil {
		t.Fatalf("evaluating %q: %v", expr, err)
	}
	result, ok := out.Value().(bool)
	if !ok {
		t.Fatalf("%q returned %T, want bool", expr, out.Value())
	}
	return result
}

// TestFluxHealthExprsReadReady runs the Kustomization's healthCheckExprs for
// Workflows: current only on Ready=True at the current generation, failed
// only on Ready=False at it, neither (in progress) otherwise.
func TestFluxHealthExprsReadReady(t *testing.T) {
	var current, failed string
	for _, k := range ofKind(loadManifests(t), "Kustomization") {
		exprs, _, err := unstructured.NestedSlice(k.obj.Object, "spec", "healthCheckExprs")
		if err != nil {
			t.Fatalf("%s: spec.healthCheckExprs: %v", k.file, err)
		}
		for _, e := range exprs {
			fields, ok := e.(map[string]any)
			if ok && fields["apiVersion"] == "hookflow.dev/v1alpha1" && fields["kind"] == "Workflow" {
				current, _ = fields["current"].(string)
				failed, _ = fields["failed"].(string)
			}
		}
	}
	if current == "" || failed == "" {
		t.Fatal("no Kustomization has healthCheckExprs with current and failed for hookflow.dev/v1alpha1 Workflow")
	}
	otherCondition := map[string]any{"type": "Other", "status": "True", "observedGeneration": int64(2)}
	cases := []struct {
		name                  string
		obj                   map[string]any
		wantCurrent, wantFail bool
	}{
		{"ready", workflowWithReady(otherCondition, readyCondition("True", 2)), true, false},
		{"not ready", workflowWithReady(readyCondition("False", 2)), false, true},
		{"ready at an old generation", workflowWithReady(readyCondition("True", 1)), false, false},
		{"not ready at an old generation", workflowWithReady(readyCondition("False", 1)), false, false},
		{"unknown", workflowWithReady(readyCondition("Unknown", 2)), false, false},
		{"no Ready condition", workflowWithReady(otherCondition), false, false},
		{"no condition", workflowWithReady(), false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := evalHealthExpr(t, current, tc.obj); got != tc.wantCurrent {
				t.Errorf("current = %v, want %v", got, tc.wantCurrent)
			}
			if got := evalHealthExpr(t, failed, tc.obj); got != tc.wantFail {
				t.Errorf("failed = %v, want %v", got, tc.wantFail)
			}
		})
	}
}

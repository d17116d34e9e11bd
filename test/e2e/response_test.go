package e2e

import (
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestCustomResponse: a Workflow whose spec.response answers 201 with a CEL
// body and header, and whose onError answers a unique violation with 409.
func TestCustomResponse(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "orders")
	wf.Spec.Response = &v1alpha1.Response{
		StatusCode: 201,
		Headers:    map[string]string{"X-Order-Id": "params.order_id"},
		Body:       "{'code': 0, 'msg': 'success', 'recordId': steps.save.recordId}",
		OnError:    &v1alpha1.ErrorResponse{StatusCode: 409, Body: "{'code': 1, 'msg': error}"},
	}
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	wf = waitServed(t, wf)
	if wf.Spec.Response.ContentType != "application/json" || wf.Spec.Response.Mode != v1alpha1.ResponseAfterRun {
		t.Errorf("defaults = %q %q, want application/json and AfterRun", wf.Spec.Response.ContentType, wf.Spec.Response.Mode)
	}

	a := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"R-1","amount":3}`)
	recs := records(t, ns)
	if len(recs) != 1 {
		t.Fatalf("%d records after a 201, want 1", len(recs))
	}
	want := `{"code":0,"msg":"success","recordId":"` + recs[0].Name + `"}`
	if a.Code != 201 || a.Raw != want {
		t.Errorf("answer = %d %s, want 201 %s", a.Code, a.Raw, want)
	}
	if got := a.Header.Get("X-Order-Id"); got != "R-1" {
		t.Errorf("X-Order-Id = %q, want R-1", got)
	}

	a = post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"R-1"}`)
	want = `{"code":1,"msg":"step save: order_id: a record with this value already exists"}`
	if a.Code != 409 || a.Raw != want {
		t.Errorf("duplicate: %d %s, want 409 %s", a.Code, a.Raw, want)
	}
	if a.Header.Get("X-Order-Id") != "" {
		t.Error("the success header was sent with onError")
	}
	if n := len(records(t, ns)); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// TestResponsesNotServed: a response that does not compile is InvalidSpec,
// and so is an OnReceipt response with onError; neither is served.
func TestResponsesNotServed(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns))
	badBody := testenv.OrderWorkflow(ns, "bad-body")
	badBody.Spec.Response = &v1alpha1.Response{ContentType: "text/plain", Body: "{'id': steps.save.recordId}"}
	onReceipt := testenv.OrderWorkflow(ns, "on-receipt")
	onReceipt.Spec.Response = &v1alpha1.Response{Mode: v1alpha1.ResponseOnReceipt, OnError: &v1alpha1.ErrorResponse{}}
	create(t, badBody, onReceipt)

	for _, tc := range []struct {
		wf     *v1alpha1.Workflow
		reason string
		names  string
	}{
		{badBody, "InvalidSpec", "spec.response.body"},
		{onReceipt, "InvalidSpec", "spec.response.onError"},
	} {
		t.Run(tc.wf.Name, func(t *testing.T) { expectNotServed(t, tc.wf, tc.reason, tc.names) })
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

func post(t *testing.T, url, contentType, body string) testenv.Answer {
	t.Helper()
	return testenv.Call(t, http.MethodPost, url, contentType, body)
}

func records(t *testing.T, ns string) []v1alpha1.WorksheetRecord {
	t.Helper()
	var list v1alpha1.WorksheetRecordList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

func TestOrderWebhookEndToEnd(t *testing.T) {
	ns := newNamespace(t)
	create(t,
		testenv.WebhookServer(ns),
		testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	url := wf.Status.WebhookURL
	if url != baseURL+"/hooks/"+wf.Status.WebhookID {
		t.Fatalf("webhookURL = %q, want the local server's", url)
	}

	a := post(t, url, "application/json", `{"order_id":"A-1001","amount":129.5,"customer":{"email":"ada@example.com"}}`)
	if a.Code != 200 || a.Body["msg"] != "success" {
		t.Fatalf("POST sample: %d %s", a.Code, a.Raw)
	}
	runID, _ := a.Body["runId"].(string)

	// The answer came after the record was durable: it is there now.
	recs := records(t, ns)
	if len(recs) != 1 {
		t.Fatalf("%d records after a 200, want 1", len(recs))
	}
	rec := recs[0]
	values := map[string]any{}
	for k, v := range rec.Spec.Values {
		var x any
		if err := json.Unmarshal(v.Raw, &x); err != nil {
			t.Fatal(err)
		}
		values[k] = x
	}
	for field, want := range map[string]any{"order_id": "A-1001", "amount": 129.5, "email": "ada@example.com", "status": "new"} {
		if values[field] != want {
			t.Errorf("record %s = %v, want %v", field, values[field], want)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, values["received_at"].(string)); err != nil {
		t.Errorf("received_at %v is not RFC 3339: %v", values["received_at"], err)
	}
	if rec.Spec.Worksheet != "orders" || rec.Labels[v1alpha1.WorksheetLabel] != "orders" || rec.Labels[v1alpha1.WorkflowLabel] != "orders" {
		t.Errorf("record worksheet/labels = %q %v", rec.Spec.Worksheet, rec.Labels)
	}
	if len(rec.OwnerReferences) != 1 || rec.OwnerReferences[0].Kind != "Worksheet" || rec.OwnerReferences[0].Name != "orders" {
		t.Errorf("owner references = %+v", rec.OwnerReferences)
	}
	if rec.Status.CreatedBy == nil || rec.Status.CreatedBy.Workflow != "orders" || rec.Status.CreatedBy.Run != runID || rec.Status.CreatedAt == nil {
		t.Errorf("status = %+v, want createdBy orders/%s and createdAt", rec.Status, runID)
	}
	if !meta.IsStatusConditionTrue(rec.Status.Conditions, v1alpha1.ReadyCondition) {
		t.Errorf("record not Ready: %+v", rec.Status.Conditions)
	}

	// The rest of the contract, against the same live route.
	for _, tc := range []struct {
		name, method, url, contentType, body string
		code                                 int
		want                                 string
	}{
		{"duplicate unique value", "POST", url, "application/json", `{"order_id":"A-1001"}`, 422, `"msg":"Run failed"`},
		{"missing required", "POST", url, "application/json", `{"amount":3}`, 400, `{"msg":"Missing required parameter","missing":["order_id"]}`},
		{"malformed JSON", "POST", url, "application/json", `{"order_id":`, 400, `{"msg":"Malformed request body"}`},
		{"invalid type", "POST", url, "application/json", `{"order_id":"A-2","amount":"many"}`, 400, `{"msg":"Invalid parameter","invalid":["amount"]}`},
		{"wrong method", "GET", url, "", "", 405, `{"msg":"Method not allowed"}`},
		{"unknown id", "POST", baseURL + "/hooks/0000000000000000", "application/json", `{}`, 404, `{"msg":"Webhook not found"}`},
		{"form body", "POST", url, "application/x-www-form-urlencoded", "order_id=A-3&amount=5&customer.email=bob%40example.com", 200, `"msg":"success"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testenv.Call(t, tc.method, tc.url, tc.contentType, tc.body)
			if a.Code != tc.code || !strings.Contains(a.Raw, tc.want) {
				t.Errorf("%d %s, want %d with %s", a.Code, a.Raw, tc.code, tc.want)
			}
		})
	}
	if n := len(records(t, ns)); n != 2 {
		t.Errorf("%d records, want 2 (the sample and the form order)", n)
	}
	testenv.Eventually(t, 10*time.Second, "worksheet counts its records", func() (bool, string) {
		sheet := &v1alpha1.Worksheet{}
		if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "orders"}, sheet); err != nil {
			return false, err.Error()
		}
		return sheet.Status.Records == 2, fmt.Sprintf("records: %d", sheet.Status.Records)
	})
}

// TestWorkflowEditIsLiveWithinASecond edits a served Workflow with a new
// required parameter and measures how long until the server enforces it.
func TestWorkflowEditIsLiveWithinASecond(t *testing.T) {
	ns := newNamespace(t)
	create(t,
		testenv.WebhookServer(ns),
		testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	withoutEmail := `{"order_id":"B-1"}`
	if a := post(t, wf.Status.WebhookURL, "application/json", withoutEmail); a.Code != 200 {
		t.Fatalf("before the edit: %d %s", a.Code, a.Raw)
	}

	required := true
	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) {
		wf.Spec.Trigger.Webhook.Parameters = append(wf.Spec.Trigger.Webhook.Parameters,
			v1alpha1.ParameterOverride{Name: "customer.email", Required: &required})
	})
	edited := time.Now()
	n := 0
	testenv.Eventually(t, time.Second, "new required parameter enforced", func() (bool, string) {
		n++
		a := post(t, wf.Status.WebhookURL, "application/json", fmt.Sprintf(`{"order_id":"B-poll-%d"}`, n))
		return a.Code == 400 && strings.Contains(a.Raw, `"missing":["customer.email"]`), a.Raw
	})
	t.Logf("new required parameter enforced %v after the update", time.Since(edited))

	// While the edit propagated, requests were answered by the old or the new
	// generation, never refused as unknown: no 404 above, or eventually
	// would have shown it as the last state.
	if a := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"B-2","customer":{"email":"c@example.com"}}`); a.Code != 200 {
		t.Errorf("with the new parameter: %d %s", a.Code, a.Raw)
	}
}

func TestUnusableWorkflowsAnswer404(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns))

	unknownSheet := testenv.OrderWorkflow(ns, "unknown-sheet")
	unknownSheet.Spec.Steps[0].CreateRecord.Worksheet = "invoices"
	badMapping := testenv.OrderWorkflow(ns, "bad-mapping")
	badMapping.Spec.Steps[0].CreateRecord.Fields["colour"] = "'red'"
	disabled := testenv.OrderWorkflow(ns, "disabled")
	disabled.Spec.Enabled = new(bool)
	create(t, unknownSheet, badMapping, disabled)

	for _, tc := range []struct {
		wf     *v1alpha1.Workflow
		reason string
		names  string
	}{
		{unknownSheet, "WorksheetNotFound", "invoices"},
		{badMapping, "InvalidSpec", "colour"},
		{disabled, "Disabled", "disabled"},
	} {
		t.Run(tc.wf.Name, func(t *testing.T) { expectNotServed(t, tc.wf, tc.reason, tc.names) })
	}
}

// expectNotServed waits until wf is Ready=False with reason at its
// generation, checks that the message names names, and that its URL
// answers 404.
func expectNotServed(t *testing.T, wf *v1alpha1.Workflow, reason, names string) {
	t.Helper()
	testenv.Eventually(t, 20*time.Second, "Ready=False "+reason, func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		return c != nil && c.Status == metav1.ConditionFalse && c.Reason == reason &&
			c.ObservedGeneration == wf.Generation && wf.Status.WebhookURL != "", "not yet"
	})
	if msg := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition).Message; !strings.Contains(msg, names) {
		t.Errorf("message %q does not name %q", msg, names)
	}
	a := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"C-1"}`)
	if a.Code != 404 || a.Body["msg"] != "Webhook not found" {
		t.Errorf("URL of a not-Ready Workflow answered %d %s", a.Code, a.Raw)
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// valuesOf decodes the values of a record.
func valuesOf(t *testing.T, rec v1alpha1.WorksheetRecord) map[string]any {
	t.Helper()
	values := map[string]any{}
	for k, raw := range rec.Spec.Values {
		var v any
		if err := json.Unmarshal(raw.Raw, &v); err != nil {
			t.Fatal(err)
		}
		values[k] = v
	}
	return values
}

// byOrder returns the records of ns by order_id.
func byOrder(t *testing.T, ns string) map[string]v1alpha1.WorksheetRecord {
	t.Helper()
	out := map[string]v1alpha1.WorksheetRecord{}
	for _, rec := range records(t, ns) {
		id, _ := valuesOf(t, rec)["order_id"].(string)
		out[id] = rec
	}
	return out
}

// stepWorkflow is OrderWorkflow with other steps.
func stepWorkflow(ns, name string, steps ...v1alpha1.Step) *v1alpha1.Workflow {
	wf := testenv.OrderWorkflow(ns, name)
	wf.Spec.Trigger.Webhook.Sample.JSON = `{"order_id":"A-1001","amount":129.5,"status":"paid","customer":{"email":"ada@example.com"}}`
	wf.Spec.Steps = steps
	return wf
}

func TestUpdateAndUpsertSteps(t *testing.T) {
	ns := newNamespace(t)
	sheet := testenv.OrdersWorksheet(ns)
	sheet.Spec.Fields[2].Indexed = true // email
	save := v1alpha1.Step{Name: "save", CreateRecord: &v1alpha1.CreateRecordAction{Worksheet: "orders",
		Fields: map[string]string{"order_id": "params.order_id", "amount": "params.amount", "status": "'new'"}}}
	pay := v1alpha1.Step{Name: "pay", When: "has(params.status)", UpdateRecord: &v1alpha1.UpdateRecordAction{Worksheet: "orders",
		Match:  map[string]string{"order_id": "params.order_id"},
		Fields: map[string]string{"status": "params.status", "email": "params.customer.email"}}}
	create(t, testenv.WebhookServer(ns), sheet,
		stepWorkflow(ns, "checkout", save, pay),
		stepWorkflow(ns, "pay", pay),
		stepWorkflow(ns, "sync", v1alpha1.Step{Name: "sync", UpsertRecord: &v1alpha1.UpdateRecordAction{Worksheet: "orders",
			Match:  map[string]string{"order_id": "params.order_id"},
			Fields: map[string]string{"amount": "params.amount", "email": "params.customer.email"}}}),
	)
	checkout := waitServed(t, stepWorkflow(ns, "checkout"))
	payOnly := waitServed(t, stepWorkflow(ns, "pay"))
	sync := waitServed(t, stepWorkflow(ns, "sync"))

	t.Run("create then update by the unique field", func(t *testing.T) {
		a := post(t, checkout.Status.WebhookURL, "application/json", `{"order_id":"A-1","amount":10,"status":"paid","customer":{"email":"ada@example.com"}}`)
		if a.Code != 200 {
			t.Fatalf("%d %s", a.Code, a.Raw)
		}
		runID, _ := a.Body["runId"].(string)
		rec, ok := byOrder(t, ns)["A-1"]
		if !ok {
			t.Fatal("no record A-1")
		}
		values := valuesOf(t, rec)
		if values["status"] != "paid" || values["amount"] != 10.0 || values["email"] != "ada@example.com" {
			t.Errorf("values = %v, want the created record with the update applied", values)
		}
		if rec.Status.CreatedBy == nil || rec.Status.CreatedBy.Run != runID || rec.Status.UpdatedBy == nil || rec.Status.UpdatedBy.Run != runID || rec.Status.UpdatedAt == nil {
			t.Errorf("provenance = %+v, want created and updated by run %s", rec.Status, runID)
		}
		// One record, and a Succeeded run that lists both steps.
		if n := len(byOrder(t, ns)); n != 1 {
			t.Errorf("%d records after create-then-update, want 1", n)
		}
		waitRunsWritten(t)
		run, ok := workflowRuns(t, ns, "checkout")[runID]
		switch {
		case !ok:
			t.Errorf("no WorkflowRun %s", runID)
		case run.Status.Phase != v1alpha1.RunSucceeded || len(run.Status.Steps) != 2 ||
			run.Status.Steps[0].Name != "save" || run.Status.Steps[1].Name != "pay" ||
			run.Status.Steps[0].RecordRef != rec.Name || run.Status.Steps[1].RecordRef != rec.Name:
			t.Errorf("run = %s %+v, want Succeeded with the steps save and pay, both on record %s", run.Status.Phase, run.Status.Steps, rec.Name)
		}
	})
	t.Run("when false skips the update", func(t *testing.T) {
		if a := post(t, checkout.Status.WebhookURL, "application/json", `{"order_id":"A-2","amount":5}`); a.Code != 200 {
			t.Fatalf("%d %s", a.Code, a.Raw)
		}
		rec := byOrder(t, ns)["A-2"]
		if v := valuesOf(t, rec); v["status"] != "new" || rec.Status.UpdatedBy != nil {
			t.Errorf("A-2 = %v, %+v: the pay step should have been skipped", v, rec.Status)
		}
	})
	t.Run("updateRecord without a match", func(t *testing.T) {
		a := post(t, payOnly.Status.WebhookURL, "application/json", `{"order_id":"Z-9","status":"paid"}`)
		if a.Code != 422 || a.Body["msg"] != "Run failed" || a.Body["error"] != `step pay: no record of worksheet orders matches order_id="Z-9"` {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
	})
	t.Run("select value outside its options", func(t *testing.T) {
		a := post(t, payOnly.Status.WebhookURL, "application/json", `{"order_id":"A-2","status":"lost"}`)
		if a.Code != 422 || !strings.HasPrefix(a.Body["error"].(string), "step pay: status: must be one of new, paid, shipped") {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
		if v := valuesOf(t, byOrder(t, ns)["A-2"]); v["status"] != "new" {
			t.Errorf("A-2 = %v after a refused update", v)
		}
	})
	t.Run("upsert creates then updates", func(t *testing.T) {
		before := len(records(t, ns))
		if a := post(t, sync.Status.WebhookURL, "application/json", `{"order_id":"S-1","amount":1,"customer":{"email":"sam@example.com"}}`); a.Code != 200 {
			t.Fatalf("first upsert: %d %s", a.Code, a.Raw)
		}
		if a := post(t, sync.Status.WebhookURL, "application/json", `{"order_id":"S-1","amount":2}`); a.Code != 200 {
			t.Fatalf("second upsert: %d %s", a.Code, a.Raw)
		}
		if n := len(records(t, ns)); n != before+1 {
			t.Errorf("%d records, want %d: two upserts of one order make one record", n, before+1)
		}
		// The absent e-mail of the second call leaves the first one's.
		if v := valuesOf(t, byOrder(t, ns)["S-1"]); v["amount"] != 2.0 || v["email"] != "sam@example.com" {
			t.Errorf("S-1 = %v", v)
		}
	})
}

func TestMatchOnAFieldNeitherUniqueNorIndexedIsInvalid(t *testing.T) {
	ns := newNamespace(t)
	wf := stepWorkflow(ns, "by-email", v1alpha1.Step{Name: "pay", UpdateRecord: &v1alpha1.UpdateRecordAction{Worksheet: "orders",
		Match:  map[string]string{"email": "params.customer.email"},
		Fields: map[string]string{"status": "'paid'"}}})
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	var msg string
	testenv.Eventually(t, 20*time.Second, "Ready=False InvalidSpec", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		if c == nil || c.Status != metav1.ConditionFalse || c.Reason != "InvalidSpec" || c.ObservedGeneration != wf.Generation {
			return false, "not yet"
		}
		msg = c.Message
		return true, ""
	})
	for _, part := range []string{"spec.steps[0].updateRecord.match[email]", "unique", "indexed"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q does not name %q", msg, part)
		}
	}
}

func TestAJSONFieldCannotBeIndexed(t *testing.T) {
	ns := newNamespace(t)
	ws := testenv.OrdersWorksheet(ns)
	ws.Spec.Fields = append(ws.Spec.Fields, v1alpha1.WorksheetField{Name: "raw", Type: v1alpha1.FieldJSON, Indexed: true})
	err := k8s.Create(context.Background(), ws)
	if err == nil || !strings.Contains(err.Error(), "a JSON field cannot be indexed") {
		t.Errorf("create: %v, want the API server to refuse an indexed JSON field", err)
	}
}

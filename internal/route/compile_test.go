package route

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func sheet() *v1alpha1.Worksheet {
	return &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Name: "orders", UID: "sheet-uid"},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "note", Type: v1alpha1.FieldText},
		}},
	}
}

func workflow() *v1alpha1.Workflow {
	return &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orders", UID: "wf-uid", Generation: 3},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
				Sample: v1alpha1.Sample{JSON: `{"order_id":"A-1","amount":1.5}`},
			}},
			Steps: []v1alpha1.Step{
				{Name: "save", When: "params.amount > 0", CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders",
					Fields:    map[string]string{"amount": "params.amount", "order_id": "params.order_id"},
				}},
				{Name: "note", CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders",
					Fields:    map[string]string{"order_id": "params.order_id + '-note'", "note": "steps.save.recordId"},
				}},
			},
		},
	}
}

func sheets() map[string]*v1alpha1.Worksheet {
	return map[string]*v1alpha1.Worksheet{"orders": sheet()}
}

func TestCompile(t *testing.T) {
	rt, err := Compile(workflow(), sheets())
	if err != nil {
		t.Fatal(err)
	}
	if rt.Namespace != "shop" || rt.Name != "orders" || rt.UID != "wf-uid" || rt.Generation != 3 {
		t.Errorf("identity = %s/%s %s gen %d", rt.Namespace, rt.Name, rt.UID, rt.Generation)
	}
	if len(rt.Methods) != 1 || !rt.AllowsMethod("POST") || rt.AllowsMethod("GET") {
		t.Errorf("methods = %v, want the default [POST]", rt.Methods)
	}
	if len(rt.Parameters) != 2 || rt.Parameters[0].Path != "amount" || rt.Parameters[1].Path != "order_id" {
		t.Errorf("parameters = %+v", rt.Parameters)
	}
	if len(rt.Steps) != 2 || rt.Steps[0].When == nil || rt.Steps[1].When != nil {
		t.Fatalf("steps = %+v", rt.Steps)
	}
	save := rt.Steps[0].CreateRecord
	if save.Worksheet.Name != "orders" || save.Worksheet.UID != "sheet-uid" || len(save.Worksheet.Fields) != 3 {
		t.Errorf("worksheet = %+v", save.Worksheet)
	}
	// Mappings follow the Worksheet's field order, not the map's.
	if len(save.Fields) != 2 || save.Fields[0].Field != "order_id" || save.Fields[1].Field != "amount" {
		t.Errorf("mappings = %+v", save.Fields)
	}
}

func TestCompileErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*v1alpha1.Workflow, map[string]*v1alpha1.Worksheet)
		reason string
		parts  []string
	}{
		{"missing worksheet", func(wf *v1alpha1.Workflow, s map[string]*v1alpha1.Worksheet) { delete(s, "orders") },
			ReasonWorksheetNotFound, []string{"spec.steps[0].createRecord.worksheet", "spec.steps[1].createRecord.worksheet", `"orders"`}},
		{"unknown field", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Steps[0].CreateRecord.Fields["colour"] = "'red'"
		}, ReasonInvalidSpec, []string{"spec.steps[0].createRecord.fields[colour]", "worksheet orders has no field colour"}},
		{"undefined parameter", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Steps[0].CreateRecord.Fields["amount"] = "params.total"
		}, ReasonInvalidSpec, []string{"spec.steps[0].createRecord.fields[amount]", "total"}},
		{"wrong type", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Steps[0].CreateRecord.Fields["amount"] = "params.order_id"
		}, ReasonInvalidSpec, []string{"spec.steps[0].createRecord.fields[amount]"}},
		{"required field unmapped", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			delete(wf.Spec.Steps[1].CreateRecord.Fields, "order_id")
		}, ReasonInvalidSpec, []string{"spec.steps[1].createRecord.fields[order_id]", "required"}},
		{"when that is not a condition", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Steps[0].When = "params.amount"
		}, ReasonInvalidSpec, []string{"spec.steps[0].when"}},
		{"a step reading a later step", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Steps[0].CreateRecord.Fields["note"] = "steps.note.recordId"
		}, ReasonInvalidSpec, []string{"spec.steps[0].createRecord.fields[note]", "note"}},
		{"bad sample", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Trigger.Webhook.Sample.JSON = `{"order_id":`
		}, ReasonInvalidSpec, []string{"spec.trigger.webhook.sample.json"}},
		{"override conflicting with the sample", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Trigger.Webhook.Parameters = []v1alpha1.ParameterOverride{{Name: "amount.cents"}}
		}, ReasonInvalidSpec, []string{"spec.trigger.webhook.parameters[0].name"}},
		{"bad ip whitelist entry", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{IPWhitelist: []string{"10.0.0.0/8", "10.0.0.300"}}
		}, ReasonInvalidSpec, []string{"spec.trigger.webhook.security.ipWhitelist", "10.0.0.300"}},
		{"capture", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Trigger.Webhook.Sample.Source = v1alpha1.SampleCapture
		}, ReasonCaptureWaiting, []string{"status.capture", "kubectl hookflow capture"}},
		{"on receipt body reading a step", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Response = &v1alpha1.Response{Mode: v1alpha1.ResponseOnReceipt, Body: "{'id': steps.save.recordId}"}
		}, ReasonInvalidSpec, []string{"spec.response.body"}},
		{"on receipt header reading a step", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Response = &v1alpha1.Response{Mode: v1alpha1.ResponseOnReceipt, Headers: map[string]string{"x-id": "steps.save.recordId"}}
		}, ReasonInvalidSpec, []string{"spec.response.headers[x-id]"}},
		{"on receipt with onError", func(wf *v1alpha1.Workflow, _ map[string]*v1alpha1.Worksheet) {
			wf.Spec.Response = &v1alpha1.Response{Mode: v1alpha1.ResponseOnReceipt, OnError: &v1alpha1.ErrorResponse{StatusCode: 409}}
		}, ReasonInvalidSpec, []string{"spec.response.onError"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wf, s := workflow(), sheets()
			tc.edit(wf, s)
			rt, err := Compile(wf, s)
			if err == nil {
				t.Fatalf("compiled: %+v", rt)
			}
			ce, ok := AsError(err)
			if !ok {
				t.Fatalf("error %v is not a *route.Error", err)
			}
			if ce.Reason != tc.reason {
				t.Errorf("reason = %s, want %s (%v)", ce.Reason, tc.reason, err)
			}
			if ce.Terminal() != (tc.reason != ReasonWorksheetNotFound && tc.reason != ReasonCaptureWaiting) {
				t.Errorf("Terminal() = %v for %s", ce.Terminal(), ce.Reason)
			}
			for _, p := range tc.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("%q does not name %q", err.Error(), p)
				}
			}
		})
	}
}

func TestWorksheetsInOrderOfFirstUse(t *testing.T) {
	wf := workflow()
	wf.Spec.Steps = append(wf.Spec.Steps,
		v1alpha1.Step{Name: "a", UpdateRecord: &v1alpha1.UpdateRecordAction{Worksheet: "invoices"}},
		v1alpha1.Step{Name: "b", UpsertRecord: &v1alpha1.UpdateRecordAction{Worksheet: "orders"}})
	if got := strings.Join(Worksheets(wf), ","); got != "orders,invoices" {
		t.Errorf("Worksheets = %s", got)
	}
}

func TestOlder(t *testing.T) {
	at := func(ns, name string, sec int) *v1alpha1.Workflow {
		return &v1alpha1.Workflow{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name,
			CreationTimestamp: metav1.NewTime(time.Unix(int64(sec), 0))}}
	}
	cases := []struct {
		a, b *v1alpha1.Workflow
		want bool
	}{
		{at("x", "b", 1), at("a", "a", 2), true},
		{at("a", "a", 2), at("x", "b", 1), false},
		{at("a", "z", 1), at("b", "a", 1), true},
		{at("a", "a", 1), at("a", "b", 1), true},
		{at("a", "b", 1), at("a", "a", 1), false},
	}
	for _, tc := range cases {
		if got := Older(tc.a, tc.b); got != tc.want {
			t.Errorf("Older(%s/%s@%v, %s/%s@%v) = %v", tc.a.Namespace, tc.a.Name, tc.a.CreationTimestamp, tc.b.Namespace, tc.b.Name, tc.b.CreationTimestamp, got)
		}
	}
}

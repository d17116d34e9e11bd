package route

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// indexedSheets are the Worksheets of sheets() with order_id unique and an
// indexed e-mail field.
func indexedSheets() map[string]*v1alpha1.Worksheet {
	s := sheets()
	fields := s["orders"].Spec.Fields
	fields[0].Unique = true
	s["orders"].Spec.Fields = append(fields,
		v1alpha1.WorksheetField{Name: "email", Type: v1alpha1.FieldEmail, Indexed: true},
		v1alpha1.WorksheetField{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid"}})
	return s
}

func withUpdate(match, fields map[string]string) *v1alpha1.Workflow {
	wf := workflow()
	wf.Spec.Steps = append(wf.Spec.Steps,
		v1alpha1.Step{Name: "pay", UpdateRecord: &v1alpha1.UpdateRecordAction{Worksheet: "orders", Match: match, Fields: fields}},
		v1alpha1.Step{Name: "ship", UpsertRecord: &v1alpha1.UpdateRecordAction{Worksheet: "orders", Match: match, Fields: fields}})
	return wf
}

func TestCompileUpdateAndUpsertMatchingUniqueOrIndexedFields(t *testing.T) {
	for _, match := range []map[string]string{
		{"order_id": "params.order_id"},
		{"email": "'ada@example.com'"},
		{"order_id": "params.order_id", "email": "'ada@example.com'"},
	} {
		wf := withUpdate(match, map[string]string{"status": "'paid'", "amount": "params.amount", "note": "steps.save.recordId"})
		if _, ok := match["order_id"]; !ok {
			// order_id is required: an upsert that may create needs it.
			wf.Spec.Steps[3].UpsertRecord = nil
			wf.Spec.Steps[3].CreateRecord = &v1alpha1.CreateRecordAction{Worksheet: "orders", Fields: map[string]string{"order_id": "'x'"}}
		}
		rt, err := Compile(wf, indexedSheets())
		if err != nil {
			t.Fatalf("match %v: %v", match, err)
		}
		pay := rt.Steps[2].UpdateRecord
		if pay == nil || pay.Upsert || rt.Steps[2].CreateRecord != nil || pay.Worksheet.Name != "orders" || pay.Worksheet.UID != "sheet-uid" {
			t.Fatalf("pay = %+v", rt.Steps[2])
		}
		if len(pay.Match) != len(match) || pay.Match[0].Field != rt.Steps[2].UpdateRecord.Match[0].Field {
			t.Errorf("match = %+v", pay.Match)
		}
		// Mappings follow the Worksheet's field order.
		if len(pay.Fields) != 3 || pay.Fields[0].Field != "amount" || pay.Fields[1].Field != "note" || pay.Fields[2].Field != "status" {
			t.Errorf("fields = %+v", pay.Fields)
		}
		if _, ok := match["order_id"]; ok && (rt.Steps[3].UpdateRecord == nil || !rt.Steps[3].UpdateRecord.Upsert) {
			t.Errorf("ship = %+v, want an upsert", rt.Steps[3])
		}
	}
}

func TestCompileUpdateErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name   string
		wf     *v1alpha1.Workflow
		sheets map[string]*v1alpha1.Worksheet
		reason string
		parts  []string
	}{
		{"match on a field neither unique nor indexed",
			withUpdate(map[string]string{"note": "params.order_id"}, map[string]string{"status": "'paid'"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[2].updateRecord.match[note]", "field note of worksheet orders", "must be the worksheet's unique field or have indexed: true"}},
		{"match on an unknown field",
			withUpdate(map[string]string{"colour": "'red'"}, map[string]string{"status": "'paid'"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[2].updateRecord.match[colour]", "worksheet orders has no field colour"}},
		{"unknown field",
			withUpdate(map[string]string{"order_id": "params.order_id"}, map[string]string{"colour": "'red'"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[2].updateRecord.fields[colour]"}},
		{"changing the unique field",
			withUpdate(map[string]string{"email": "'a@example.com'"}, map[string]string{"order_id": "'B'"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[2].updateRecord.fields[order_id]", "unique field"}},
		{"match of the wrong type",
			withUpdate(map[string]string{"order_id": "params.amount"}, map[string]string{"status": "'paid'"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[2].updateRecord.match[order_id]", "a Text field needs a string"}},
		{"value of the wrong type",
			withUpdate(map[string]string{"order_id": "params.order_id"}, map[string]string{"amount": "params.order_id"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[2].updateRecord.fields[amount]"}},
		{"upsert that cannot create its required fields",
			withUpdate(map[string]string{"email": "'a@example.com'"}, map[string]string{"status": "'paid'"}), indexedSheets(),
			ReasonInvalidSpec, []string{"spec.steps[3].upsertRecord.fields[order_id]", "required"}},
		{"unknown worksheet",
			withUpdate(map[string]string{"order_id": "params.order_id"}, map[string]string{"status": "'paid'"}), map[string]*v1alpha1.Worksheet{},
			ReasonWorksheetNotFound, []string{"spec.steps[2].updateRecord.worksheet", "spec.steps[3].upsertRecord.worksheet"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rt, err := Compile(tc.wf, tc.sheets)
			if err == nil {
				t.Fatalf("compiled: %+v", rt)
			}
			ce, ok := AsError(err)
			if !ok || ce.Reason != tc.reason {
				t.Fatalf("error %v, want reason %s", err, tc.reason)
			}
			for _, p := range tc.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("%q does not name %q", err.Error(), p)
				}
			}
		})
	}
}

func TestWorksheetsOfUpdateSteps(t *testing.T) {
	wf := withUpdate(map[string]string{"order_id": "params.order_id"}, map[string]string{"status": "'paid'"})
	wf.Spec.Steps[2].UpdateRecord.Worksheet = "invoices"
	wf.Spec.Steps[3].UpsertRecord.Worksheet = "customers"
	if got := strings.Join(Worksheets(wf), ","); got != "orders,invoices,customers" {
		t.Errorf("Worksheets = %s", got)
	}
}

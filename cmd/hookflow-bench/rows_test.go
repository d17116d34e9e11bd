package main

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestRowSQLFillsTheSystemColumnsAndEachFieldWithAValidValue(t *testing.T) {
	fields := []v1alpha1.WorksheetField{
		{Name: "order_id", Type: v1alpha1.FieldText, Unique: true},
		{Name: "amount", Type: v1alpha1.FieldNumber},
		{Name: "email", Type: v1alpha1.FieldEmail},
		{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid"}},
		{Name: "received_at", Type: v1alpha1.FieldDateTime},
	}
	columns, values := rowSQL(fields, "u", "it's")
	wantColumns := `"_id", "_write_key", "_last_write_key", "_created_by_workflow", "_created_by_run", "order_id", "amount", "email", "status", "received_at"`
	if got := strings.Join(columns, ", "); got != wantColumns {
		t.Errorf("columns %s, want %s", got, wantColumns)
	}
	wantValues := `u, u, u, 'it''s', u, u, 129.5, (u || '@example.com'), 'new', now()`
	if got := strings.Join(values, ", "); got != wantValues {
		t.Errorf("values %s, want %s", got, wantValues)
	}
}

func TestOrderBodiesDifferByOrderID(t *testing.T) {
	if got, want := string(orderBody("C", 42)), `{"order_id":"C-42","amount":129.5,"customer":{"email":"ada@example.com"}}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
	if strings.Contains(string(rejectBody), "order_id") {
		t.Error("the reject body holds the required order_id")
	}
}

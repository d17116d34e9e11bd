package pgstore

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var planFields = []v1alpha1.WorksheetField{
	{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
	{Name: "amount", Type: v1alpha1.FieldNumber},
	{Name: "customer_email", Type: v1alpha1.FieldEmail, Indexed: true},
}

func sqlOf(plan []ddl) []string {
	out := make([]string, len(plan))
	for i, s := range plan {
		out[i] = s.sql
	}
	return out
}

func TestPlanNewTable(t *testing.T) {
	plan, err := planMigration("ws_a__orders", planFields, tableState{})
	if err != nil {
		t.Fatalf("planMigration: %v", err)
	}
	want := []string{
		`CREATE TABLE "ws_a__orders" ("_id" text PRIMARY KEY, "_write_key" text, "_last_write_key" text, "_created_by_workflow" text, "_created_by_run" text, "_created_at" timestamp with time zone NOT NULL DEFAULT now(), "_updated_by_workflow" text, "_updated_by_run" text, "_updated_at" timestamp with time zone, "order_id" text, "amount" double precision, "customer_email" text)`,
		`CREATE UNIQUE INDEX "ws_a__orders_order_id_key" ON "ws_a__orders" ("order_id")`,
		`CREATE INDEX "ws_a__orders_customer_email_idx" ON "ws_a__orders" ("customer_email")`,
	}
	if got := sqlOf(plan); !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if plan[1].uniqueColumn != "order_id" || plan[2].uniqueColumn != "" {
		t.Errorf("uniqueColumn of the index statements = %q, %q; want order_id, \"\"", plan[1].uniqueColumn, plan[2].uniqueColumn)
	}
}

// existing is the state of a table made for planFields.
func existing() tableState {
	s := tableState{exists: true, columns: map[string]string{}}
	for _, c := range systemColumns {
		s.columns[c.name] = c.typ
	}
	s.columns["order_id"] = typeText
	s.columns["amount"] = typeDouble
	s.columns["customer_email"] = typeText
	s.indexes = []indexState{
		{name: "ws_a__orders_pkey", column: "_id", unique: true, primary: true},
		{name: "ws_a__orders_order_id_key", column: "order_id", unique: true},
		{name: "ws_a__orders_customer_email_idx", column: "customer_email"},
	}
	return s
}

func TestPlanUpToDateTableIsEmpty(t *testing.T) {
	plan, err := planMigration("ws_a__orders", planFields, existing())
	if err != nil || len(plan) != 0 {
		t.Errorf("plan of an up-to-date table = %q, %v; want none", sqlOf(plan), err)
	}
}

func TestPlanAddsColumnsAndKeepsRemovedOnes(t *testing.T) {
	fields := []v1alpha1.WorksheetField{
		{Name: "order_id", Type: v1alpha1.FieldText, Unique: true},
		{Name: "paid", Type: v1alpha1.FieldBoolean},
		{Name: "raw", Type: v1alpha1.FieldJSON},
	}
	state := existing()
	state.indexes = state.indexes[:2] // customer_email is no longer indexed, and its index is gone already
	delete(state.columns, "_updated_at")
	plan, err := planMigration("ws_a__orders", fields, state)
	if err != nil {
		t.Fatalf("planMigration: %v", err)
	}
	want := []string{
		`ALTER TABLE "ws_a__orders" ADD COLUMN "_updated_at" timestamp with time zone`,
		`ALTER TABLE "ws_a__orders" ADD COLUMN "paid" boolean`,
		`ALTER TABLE "ws_a__orders" ADD COLUMN "raw" jsonb`,
	}
	if got := sqlOf(plan); !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlanIndexChanges(t *testing.T) {
	fields := []v1alpha1.WorksheetField{
		{Name: "order_id", Type: v1alpha1.FieldText, Indexed: true}, // no longer unique
		{Name: "amount", Type: v1alpha1.FieldNumber},
		{Name: "customer_email", Type: v1alpha1.FieldEmail}, // no longer indexed
	}
	state := existing()
	state.indexes = append(state.indexes, indexState{name: "dba_amount", column: "amount"})
	plan, err := planMigration("ws_a__orders", fields, state)
	if err != nil {
		t.Fatalf("planMigration: %v", err)
	}
	want := []string{
		`CREATE INDEX "ws_a__orders_order_id_idx" ON "ws_a__orders" ("order_id")`,
		`DROP INDEX "ws_a__orders_order_id_key"`,
		`DROP INDEX "ws_a__orders_customer_email_idx"`,
	}
	if got := sqlOf(plan); !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant (the DBA's index left alone):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlanRefusesATypeChange(t *testing.T) {
	state := existing()
	state.columns["amount"] = typeText
	_, err := planMigration("ws_a__orders", planFields, state)
	var schemaErr *SchemaError
	if !errors.As(err, &schemaErr) {
		t.Fatalf("planMigration = %v, want a *SchemaError", err)
	}
	if got, want := err.Error(), "table ws_a__orders: column amount is text, field amount is Number"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if schemaErr.Table != "ws_a__orders" || schemaErr.Column != "amount" {
		t.Errorf("SchemaError = %+v, want table ws_a__orders, column amount", schemaErr)
	}
}

func TestPlanQuotesReservedNames(t *testing.T) {
	fields := []v1alpha1.WorksheetField{{Name: "order", Type: v1alpha1.FieldText, Unique: true}}
	plan, err := planMigration("select", fields, tableState{})
	if err != nil {
		t.Fatalf("planMigration: %v", err)
	}
	if !strings.Contains(plan[0].sql, `CREATE TABLE "select"`) || !strings.Contains(plan[0].sql, `"order" text`) {
		t.Errorf("identifiers not quoted: %s", plan[0].sql)
	}
}

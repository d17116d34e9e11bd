package pgstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

// catalog reads the state of a table as Migrate sees it.
func catalog(t *testing.T, table string) tableState {
	t.Helper()
	ctx := testContext(t)
	tx, err := testPool(t).Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer tx.Rollback(ctx)
	state, err := readTableState(ctx, tx, table)
	if err != nil {
		t.Fatalf("read the catalog: %v", err)
	}
	return state
}

func hasIndex(state tableState, name, column string, unique bool) bool {
	for _, ix := range state.indexes {
		if ix.name == name && ix.column == column && ix.unique == unique {
			return true
		}
	}
	return false
}

func TestMigrateCreatesTheTable(t *testing.T) {
	table := migratedTable(t, ordersFields)
	state := catalog(t, table.Name)
	want := map[string]string{"order_id": "text", "amount": "double precision", "status": "text", "customer_email": "text", "_id": "text", "_created_at": "timestamp with time zone"}
	for col, typ := range want {
		if state.columns[col] != typ {
			t.Errorf("column %s is %q, want %q", col, state.columns[col], typ)
		}
	}
	if !hasIndex(state, IndexName(table.Name, "order_id", true), "order_id", true) {
		t.Errorf("no unique index on order_id: %+v", state.indexes)
	}
	if !hasIndex(state, IndexName(table.Name, "customer_email", false), "customer_email", false) {
		t.Errorf("no index on customer_email: %+v", state.indexes)
	}
}

func TestMigrateAddsColumnsAndKeepsData(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields[:2])
	s := newRecords(t, Options{})
	if _, err := s.CreateRecord(ctx, order(table, "A-1", "run-1")); err == nil {
		t.Fatal("CreateRecord with a status the table lacks succeeded")
	}
	r := order(table, "A-1", "run-1")
	delete(r.Values, "status")
	if _, err := s.CreateRecord(ctx, r); err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	// Add status and customer_email, drop amount from the fields.
	fields := []v1alpha1.WorksheetField{ordersFields[0], ordersFields[2], ordersFields[3]}
	if err := Migrate(ctx, testPool(t), table.Name, fields); err != nil {
		t.Fatalf("Migrate with new fields: %v", err)
	}
	state := catalog(t, table.Name)
	for _, col := range []string{"status", "customer_email", "amount"} {
		if _, ok := state.columns[col]; !ok {
			t.Errorf("column %s missing after the migration", col)
		}
	}
	var amount float64
	if err := testPool(t).QueryRow(ctx, "SELECT amount FROM "+quote(table.Name)).Scan(&amount); err != nil || amount != 129.5 {
		t.Errorf("amount of the record after removing the field = %v, %v; want 129.5 kept", amount, err)
	}
}

func TestMigrateRefusesATypeChange(t *testing.T) {
	table := migratedTable(t, []v1alpha1.WorksheetField{{Name: "amount", Type: v1alpha1.FieldText}})
	err := Migrate(testContext(t), testPool(t), table.Name, []v1alpha1.WorksheetField{{Name: "amount", Type: v1alpha1.FieldNumber}})
	var schemaErr *SchemaError
	if !errors.As(err, &schemaErr) {
		t.Fatalf("Migrate = %v, want a *SchemaError", err)
	}
	if want := "table " + table.Name + ": column amount is text, field amount is Number"; err.Error() != want {
		t.Errorf("error = %q, want %q", err.Error(), want)
	}
}

func TestMigrateRefusesUniqueOnDuplicates(t *testing.T) {
	ctx := testContext(t)
	fields := []v1alpha1.WorksheetField{{Name: "order_id", Type: v1alpha1.FieldText}, {Name: "amount", Type: v1alpha1.FieldNumber}}
	table := migratedTable(t, fields)
	s := newRecords(t, Options{})
	for _, run := range []string{"run-1", "run-2"} {
		r := store.Record{Namespace: "shop", Worksheet: "orders", Values: map[string]any{"order_id": "A-1"}, WriteKey: run, Table: table}
		if _, err := s.CreateRecord(ctx, r); err != nil {
			t.Fatalf("CreateRecord: %v", err)
		}
	}
	fields[0].Unique = true
	fields = append(fields, v1alpha1.WorksheetField{Name: "paid", Type: v1alpha1.FieldBoolean})
	err := Migrate(ctx, testPool(t), table.Name, fields)
	var schemaErr *SchemaError
	if !errors.As(err, &schemaErr) || schemaErr.Column != "order_id" {
		t.Fatalf("Migrate = %v, want a *SchemaError on column order_id", err)
	}
	if !strings.Contains(err.Error(), table.Name) || !strings.Contains(err.Error(), "order_id") {
		t.Errorf("error %q does not name the table and the column", err)
	}
	if _, ok := catalog(t, table.Name).columns["paid"]; ok {
		t.Error("the failed migration added column paid: it must change nothing")
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	table := migratedTable(t, ordersFields)
	before := catalog(t, table.Name)
	if err := Migrate(testContext(t), testPool(t), table.Name, ordersFields); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	after := catalog(t, table.Name)
	if len(after.columns) != len(before.columns) || len(after.indexes) != len(before.indexes) {
		t.Errorf("second Migrate changed the table: %d columns, %d indexes before; %d, %d after",
			len(before.columns), len(before.indexes), len(after.columns), len(after.indexes))
	}
}

func TestConcurrentMigrationsSucceed(t *testing.T) {
	ctx := testContext(t)
	name := newTableName(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			errs[i] = Migrate(ctx, testPool(t), name, ordersFields)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	if state := catalog(t, name); len(state.indexes) != 3 {
		t.Errorf("indexes after concurrent migrations = %+v, want primary key, unique and plain", state.indexes)
	}
}

func TestMigrateOnAnUnreachableServerIsUnavailable(t *testing.T) {
	pool, err := NewPools(PoolOptions{}).Get(closedPortDSN(t))
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	defer pool.Close()
	err = Migrate(context.Background(), pool, "ws_x__orders", ordersFields)
	if !errors.Is(err, store.ErrUnavailable) || strings.Contains(err.Error(), secretPassword) {
		t.Errorf("Migrate = %v, want ErrUnavailable, without the password", err)
	}
}

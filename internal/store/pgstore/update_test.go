package pgstore

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// pay is an update of the order orderID to status paid by run.
func pay(table *store.Table, orderID, run string) store.Update {
	return store.Update{
		Namespace: "shop", Worksheet: "orders", Fields: table.Fields,
		Match:     map[string]any{"order_id": orderID},
		Values:    map[string]any{"status": "paid"},
		WriteKey:  run + "/pay",
		UpdatedBy: v1alpha1.RunReference{Workflow: "pay-webhook", Run: run},
		Table:     table,
	}
}

func TestUpdateRecord(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	id, err := s.CreateRecord(ctx, order(table, "A-1", "run-1"))
	if err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	res, err := s.UpdateRecord(ctx, pay(table, "A-1", "run-2"))
	if err != nil {
		t.Fatalf("UpdateRecord: %v", err)
	}
	want := map[string]any{"order_id": "A-1", "amount": 129.5, "status": "paid"}
	if res.ID != id || res.Created || fmt.Sprint(res.Values) != fmt.Sprint(want) {
		t.Errorf("UpdateRecord = %+v, want id %s, not created, values %v", res, id, want)
	}
	var status, updatedBy string
	if err := testPool(t).QueryRow(ctx, "SELECT status, _updated_by_run FROM "+quote(table.Name)+" WHERE _id = $1", id).Scan(&status, &updatedBy); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if status != "paid" || updatedBy != "run-2" {
		t.Errorf("stored status %q updated by %q, want paid by run-2", status, updatedBy)
	}
}

func TestRetriedUpdateWritesOnce(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	if _, err := s.CreateRecord(ctx, order(table, "A-1", "run-1")); err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	first, err := s.UpdateRecord(ctx, pay(table, "A-1", "run-2"))
	if err != nil {
		t.Fatalf("UpdateRecord: %v", err)
	}
	updatedAt := func() time.Time {
		var at time.Time
		if err := testPool(t).QueryRow(ctx, "SELECT _updated_at FROM "+quote(table.Name)).Scan(&at); err != nil {
			t.Fatalf("read back: %v", err)
		}
		return at
	}
	before := updatedAt()
	again, err := s.UpdateRecord(ctx, pay(table, "A-1", "run-2"))
	if err != nil || again.ID != first.ID || fmt.Sprint(again.Values) != fmt.Sprint(first.Values) {
		t.Errorf("retried UpdateRecord = %+v, %v; want %+v", again, err, first)
	}
	if after := updatedAt(); !after.Equal(before) {
		t.Errorf("the retried update wrote again: _updated_at %v, then %v", before, after)
	}
}

func TestUpdateNotFound(t *testing.T) {
	table := migratedTable(t, ordersFields)
	_, err := newRecords(t, Options{}).UpdateRecord(testContext(t), pay(table, "A-404", "run-1"))
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRecord of no record = %v, want ErrNotFound", err)
	}
}

func TestUpdateAmbiguous(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	for i := range 2 {
		r := order(table, fmt.Sprintf("A-%d", i), fmt.Sprintf("run-%d", i))
		r.Values["customer_email"] = "ada@example.com"
		if _, err := s.CreateRecord(ctx, r); err != nil {
			t.Fatalf("CreateRecord: %v", err)
		}
	}
	u := pay(table, "", "run-9")
	u.Match = map[string]any{"customer_email": "ada@example.com"}
	if _, err := s.UpdateRecord(ctx, u); !errors.Is(err, store.ErrAmbiguous) {
		t.Errorf("UpdateRecord matching two records = %v, want ErrAmbiguous", err)
	}
	u.Match = map[string]any{"amount": 129.5}
	if _, err := s.UpdateRecord(ctx, u); err == nil {
		t.Error("UpdateRecord matching on a field neither unique nor indexed succeeded")
	}
}

func TestUpdateValidationError(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	if _, err := s.CreateRecord(ctx, order(table, "A-1", "run-1")); err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	u := pay(table, "A-1", "run-2")
	u.Values = map[string]any{"order_id": nil} // order_id is required
	_, err := s.UpdateRecord(ctx, u)
	var verr *record.ValidationError
	if !errors.As(err, &verr) || verr.Problems[0].Field != "order_id" {
		t.Errorf("UpdateRecord clearing a required field = %v, want a ValidationError on order_id", err)
	}
}

func TestUpdateToATakenUniqueValue(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	for i := range 2 {
		if _, err := s.CreateRecord(ctx, order(table, fmt.Sprintf("A-%d", i), fmt.Sprintf("run-%d", i))); err != nil {
			t.Fatalf("CreateRecord: %v", err)
		}
	}
	u := pay(table, "A-1", "run-3")
	u.Values = map[string]any{"order_id": "A-0"}
	if _, err := s.UpdateRecord(ctx, u); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("UpdateRecord to a taken order_id = %v, want ErrDuplicate", err)
	}
}

// upsert pays the order orderID, creating it when missing.
func upsert(table *store.Table, orderID, run string) store.Update {
	u := pay(table, orderID, run)
	u.Upsert = true
	values := map[string]any{"order_id": orderID, "status": "paid"}
	field, key, _ := record.UniqueKey(table.Fields, values)
	u.Create = store.Record{Namespace: "shop", Worksheet: "orders", Values: values, UniqueField: field, UniqueKey: key,
		WriteKey: u.WriteKey, CreatedBy: u.UpdatedBy, Table: table}
	return u
}

func TestUpsertCreatesThenUpdates(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	created, err := s.UpdateRecord(ctx, upsert(table, "A-1", "run-1"))
	if err != nil || !created.Created {
		t.Fatalf("upsert of a new order = %+v, %v; want created", created, err)
	}
	again, err := s.UpdateRecord(ctx, upsert(table, "A-1", "run-1"))
	if err != nil || again.ID != created.ID || !again.Created {
		t.Errorf("retried upsert = %+v, %v; want the same record, created by this write", again, err)
	}
	updated, err := s.UpdateRecord(ctx, upsert(table, "A-1", "run-2"))
	if err != nil || updated.ID != created.ID || updated.Created {
		t.Errorf("second upsert = %+v, %v; want the record updated", updated, err)
	}
	if n := countRows(t, table.Name); n != 1 {
		t.Errorf("rows = %d, want 1", n)
	}
}

func TestUpsertValidatesTheRecordItCreates(t *testing.T) {
	table := migratedTable(t, ordersFields)
	u := upsert(table, "A-1", "run-1")
	u.Create.Values = map[string]any{"status": "paid"} // no order_id, which is required
	_, err := newRecords(t, Options{}).UpdateRecord(testContext(t), u)
	var verr *record.ValidationError
	if !errors.As(err, &verr) {
		t.Errorf("upsert creating an invalid record = %v, want a ValidationError", err)
	}
}

func TestConcurrentUpsertsMakeOneRecord(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	results := make([]store.Updated, 10)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			res, err := s.UpdateRecord(ctx, upsert(table, "A-1", fmt.Sprintf("run-%d", i)))
			if err != nil {
				t.Errorf("upsert %d: %v", i, err)
			}
			results[i] = res
		})
	}
	wg.Wait()
	if n := countRows(t, table.Name); n != 1 {
		t.Errorf("rows after 10 concurrent upserts = %d, want 1", n)
	}
	created := 0
	for _, res := range results {
		if res.Created {
			created++
		}
		if res.ID != results[0].ID {
			t.Errorf("upserts answered different ids: %q and %q", res.ID, results[0].ID)
		}
	}
	if created != 1 {
		t.Errorf("%d upserts say they created the record, want 1", created)
	}
}

// An upsert racing a create of the same unique value updates it.
func TestUpsertMeetingACreate(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	var wg sync.WaitGroup
	for i := range 20 {
		id := fmt.Sprintf("A-%d", i)
		wg.Go(func() {
			if _, err := s.CreateRecord(ctx, order(table, id, "create-"+id)); err != nil && !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("CreateRecord: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := s.UpdateRecord(ctx, upsert(table, id, "upsert-"+id)); err != nil {
				t.Errorf("upsert: %v", err)
			}
		})
	}
	wg.Wait()
	if n := countRows(t, table.Name); n != 20 {
		t.Errorf("rows = %d, want 20", n)
	}
}

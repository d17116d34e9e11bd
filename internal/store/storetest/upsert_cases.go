package storetest

import (
	"errors"
	"testing"

	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

func upsertCreatesThenUpdates(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	first, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-1", map[string]any{"order_id": "A-1"}, map[string]any{"status": "new", "email": "ada@example.com", "note": nil}))
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]any{"order_id": "A-1", "status": "new", "email": "ada@example.com"}
	if !first.Created || first.ID == "" {
		t.Errorf("upsert with no match = {ID: %q, Created: %t}, want a created record", first.ID, first.Created)
	}
	checkValues(t, s, "Updated.Values", first.Values, created)
	checkStored(t, s, first.ID, created)

	second, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"status": "paid"}))
	if err != nil {
		t.Fatal(err)
	}
	checkUpdated(t, s, second, first.ID, merge(created, map[string]any{"status": "paid"}))
	checkCount(t, s, 1)

	// By an indexed field: created, then found by it.
	third, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-3", map[string]any{"email": "bob@example.com"}, map[string]any{"order_id": "B-1"}))
	if err != nil || !third.Created {
		t.Fatalf("upsert by a new e-mail = {ID: %q, Created: %t}, %v; want a created record", third.ID, third.Created, err)
	}
	// The step that created it, retried, reports it created, and it stays one.
	retry, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-3", map[string]any{"email": "bob@example.com"}, map[string]any{"order_id": "B-1"}))
	if err != nil || retry.ID != third.ID || !retry.Created {
		t.Errorf("retry of the creating upsert = {ID: %q, Created: %t}, %v; want {ID: %q, Created: true}", retry.ID, retry.Created, err, third.ID)
	}
	checkCount(t, s, 2)

	fourth, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-4", map[string]any{"email": "bob@example.com"}, map[string]any{"note": "again"}))
	if err != nil {
		t.Fatal(err)
	}
	checkUpdated(t, s, fourth, third.ID, map[string]any{"order_id": "B-1", "email": "bob@example.com", "note": "again"})
	checkCount(t, s, 2)
}

func upsertCreatingARecordThatBreaksARuleIsRefused(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	id := create(t, s, "run-1", map[string]any{"order_id": "A-1", "email": "ada@example.com"})
	// Without the required order_id, an upsert may update a record...
	res, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-2", map[string]any{"email": "ada@example.com"}, map[string]any{"status": "paid"}))
	if err != nil {
		t.Fatalf("upsert that updates: %v", err)
	}
	checkUpdated(t, s, res, id, map[string]any{"order_id": "A-1", "email": "ada@example.com", "status": "paid"})
	// ...but not create one.
	_, err = s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-3", map[string]any{"email": "cy@example.com"}, map[string]any{"status": "paid"}))
	var invalid *record.ValidationError
	if !errors.As(err, &invalid) || err.Error() != "order_id: required" {
		t.Errorf("upsert creating a record without order_id: %v, want the ValidationError %q", err, "order_id: required")
	}
	checkCount(t, s, 1)
}

func upsertOfATakenUniqueValueThatDoesNotMatchIsDuplicate(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	values := map[string]any{"order_id": "A-1", "email": "ada@example.com"}
	id := create(t, s, "run-1", values)
	version := s.Version(t, id)
	_, err := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-2", map[string]any{"order_id": "A-1", "email": "bob@example.com"}, map[string]any{"note": "x"}))
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("upsert of A-1 with another e-mail: %v, want ErrDuplicate", err)
	}
	checkCount(t, s, 1)
	checkUnwritten(t, s, id, version, "a refused upsert")
	checkStored(t, s, id, values)
}

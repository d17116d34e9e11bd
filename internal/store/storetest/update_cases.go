package storetest

import (
	"errors"
	"testing"

	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// checkUpdated fails t unless an update wrote record id, not creating it,
// with want, and reported so.
func checkUpdated(t *testing.T, s Sheet, res store.Updated, id string, want map[string]any) {
	t.Helper()
	if res.ID != id || res.Created {
		t.Errorf("updated = {ID: %q, Created: %t}, want {ID: %q, Created: false}", res.ID, res.Created, id)
	}
	checkValues(t, s, "Updated.Values", res.Values, want)
	checkStored(t, s, id, want)
}

func updateByTheUniqueFieldChangesOnlyMappedFields(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	id := create(t, s, "run-1", fullOrder())
	changes := map[string]any{"status": "paid", "amount": "20.5", "email": "bob@example.com"}
	res, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-2", map[string]any{"order_id": "A-1"}, changes))
	if err != nil {
		t.Fatal(err)
	}
	// Every other field keeps its value, the JSON field its exact digits.
	checkUpdated(t, s, res, id, merge(fullOrder(), changes))
	checkCount(t, s, 1)
}

func updateByAnIndexedField(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	ada := map[string]any{"order_id": "A-1", "email": "ada@example.com"}
	bob := map[string]any{"order_id": "A-2", "email": "bob@example.com"}
	adaID, bobID := create(t, s, "run-1", ada), create(t, s, "run-2", bob)
	adaVersion := s.Version(t, adaID)
	res, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-3", map[string]any{"email": "bob@example.com"}, map[string]any{"note": "vip"}))
	if err != nil {
		t.Fatal(err)
	}
	checkUpdated(t, s, res, bobID, merge(bob, map[string]any{"note": "vip"}))
	checkUnwritten(t, s, adaID, adaVersion, "an update of bob's record")
	checkStored(t, s, adaID, ada)

	// The new value of an indexed field finds the record; the old one not.
	if _, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-4", map[string]any{"email": "bob@example.com"}, map[string]any{"email": "cy@example.com"})); err != nil {
		t.Fatal(err)
	}
	res, err = s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-5", map[string]any{"email": "cy@example.com"}, map[string]any{"note": "moved"}))
	if err != nil || res.ID != bobID {
		t.Errorf("update by the new e-mail = %q, %v; want %q", res.ID, err, bobID)
	}
	_, err = s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-6", map[string]any{"email": "bob@example.com"}, map[string]any{"note": "old"}))
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update by the old e-mail: %v, want ErrNotFound", err)
	}
}

func updateWithNilClearsAField(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	id := create(t, s, "run-1", fullOrder())
	changes := map[string]any{"amount": nil, "note": "", "raw": nil}
	res, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-2", map[string]any{"order_id": "A-1"}, changes))
	if err != nil {
		t.Fatal(err)
	}
	want := merge(fullOrder(), map[string]any{"amount": nil, "note": nil, "raw": nil})
	checkUpdated(t, s, res, id, want)
	for _, f := range []string{"amount", "note", "raw"} {
		if v, ok := s.Values(t, id)[f]; ok && v != nil {
			t.Errorf("%s = %v after clearing it", f, v)
		}
	}
}

func updateWithoutAMatchIsNotFound(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	values := map[string]any{"order_id": "A-1", "email": "ada@example.com", "status": "new"}
	id := create(t, s, "run-1", values)
	version := s.Version(t, id)
	for _, match := range []map[string]any{
		{"order_id": "A-9"},
		{"email": "zed@example.com"},
		{"order_id": "A-1", "email": "zed@example.com"},
	} {
		_, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-2", match, map[string]any{"status": "paid"}))
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("match %v: %v, want ErrNotFound", match, err)
		}
	}
	checkCount(t, s, 1)
	checkUnwritten(t, s, id, version, "updates that match nothing")
	checkStored(t, s, id, values)
}

func updateMatchingTwoRecordsIsAmbiguous(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	a := map[string]any{"order_id": "A-1", "email": "ada@example.com"}
	b := map[string]any{"order_id": "A-2", "email": "ada@example.com"}
	aID, bID := create(t, s, "run-1", a), create(t, s, "run-2", b)
	aVersion, bVersion := s.Version(t, aID), s.Version(t, bID)
	_, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-3", map[string]any{"email": "ada@example.com"}, map[string]any{"note": "which?"}))
	if !errors.Is(err, store.ErrAmbiguous) {
		t.Fatalf("two matches: %v, want ErrAmbiguous", err)
	}
	checkUnwritten(t, s, aID, aVersion, "an ambiguous update")
	checkUnwritten(t, s, bID, bVersion, "an ambiguous update")
	checkStored(t, s, aID, a)
	checkStored(t, s, bID, b)
	checkCount(t, s, 2)
}

func updateThatBreaksARuleIsRefused(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	values := map[string]any{"order_id": "A-1", "status": "new"}
	id := create(t, s, "run-1", values)
	version := s.Version(t, id)

	clear := newUpdate(t, s, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"order_id": nil})
	// The Worksheet was edited since the record was written: "new" is no
	// longer an option, and the record as it would be written must fit.
	edited := newUpdate(t, s, "run-3", map[string]any{"order_id": "A-1"}, map[string]any{"note": "x"})
	edited.Fields = withOptions(s.Fields, "paid", "shipped")
	if edited.Table != nil {
		table := *edited.Table
		table.Fields = edited.Fields
		edited.Table = &table
	}
	for _, c := range []struct {
		name string
		u    store.Update
		want string
	}{
		{"clearing a required field", clear, "order_id: required"},
		{"keeping an option the Worksheet no longer has", edited, "status: must be one of paid, shipped"},
	} {
		_, err := s.Store.UpdateRecord(t.Context(), c.u)
		var invalid *record.ValidationError
		if !errors.As(err, &invalid) || err.Error() != c.want {
			t.Errorf("%s: %v, want the ValidationError %q", c.name, err, c.want)
		}
	}
	checkUnwritten(t, s, id, version, "refused updates")
	checkStored(t, s, id, values)
}

func updateOntoATakenUniqueValueIsDuplicate(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	a := map[string]any{"order_id": "A-1", "note": "a"}
	b := map[string]any{"order_id": "A-2", "note": "b"}
	aID, bID := create(t, s, "run-1", a), create(t, s, "run-2", b)
	aVersion, bVersion := s.Version(t, aID), s.Version(t, bID)
	_, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-3", map[string]any{"order_id": "A-2"}, map[string]any{"order_id": "A-1"}))
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("moving A-2 onto A-1: %v, want ErrDuplicate", err)
	}
	checkUnwritten(t, s, aID, aVersion, "an update onto a taken unique value")
	checkUnwritten(t, s, bID, bVersion, "an update onto a taken unique value")
	checkStored(t, s, aID, a)
	checkStored(t, s, bID, b)
}

func updateOfTheUniqueValueMovesIt(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	create(t, s, "run-1", map[string]any{"order_id": "A-1", "note": "a"})
	res, err := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"order_id": "A-9"}))
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, s, "Updated.Values", res.Values, map[string]any{"order_id": "A-9", "note": "a"})
	checkCount(t, s, 1)
	// The record is found by its new value...
	res, err = s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-3", map[string]any{"order_id": "A-9"}, map[string]any{"note": "moved"}))
	if err != nil {
		t.Errorf("update by the new value A-9: %v", err)
	} else {
		checkStored(t, s, res.ID, map[string]any{"order_id": "A-9", "note": "moved"})
	}
	// ...and no longer by the old one, which is free again.
	_, err = s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-4", map[string]any{"order_id": "A-1"}, map[string]any{"note": "old"}))
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update by the old value A-1: %v, want ErrNotFound", err)
	}
	if _, err := s.Store.CreateRecord(t.Context(), newRecord(t, s, "run-5", map[string]any{"order_id": "A-1"})); err != nil {
		t.Errorf("create A-1 after the record moved to A-9: %v", err)
	}
	checkCount(t, s, 2)
}

func updateRetriedWithOneWriteKeyWritesOnce(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	id := create(t, s, "run-1", map[string]any{"order_id": "A-1", "status": "new"})
	before := s.Version(t, id)
	u := newUpdate(t, s, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"status": "paid"})
	first, err := s.Store.UpdateRecord(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	written := s.Version(t, id)
	if written == before {
		t.Fatalf("version %s unchanged by an update: Version does not tell writes apart", written)
	}
	again, err := s.Store.UpdateRecord(t.Context(), u)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if again.ID != first.ID || again.Created != first.Created {
		t.Errorf("retry = {ID: %q, Created: %t}, first = {ID: %q, Created: %t}", again.ID, again.Created, first.ID, first.Created)
	}
	checkValues(t, s, "Updated.Values of the retry", again.Values, first.Values)
	checkUnwritten(t, s, id, written, "a retry of the same write")
	checkStored(t, s, id, map[string]any{"order_id": "A-1", "status": "paid"})
}

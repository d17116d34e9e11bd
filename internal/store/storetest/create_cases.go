package storetest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/hookflow/hookflow/internal/store"
)

// create writes values as a createRecord step of run and returns the id.
func create(t *testing.T, s Sheet, run string, values map[string]any) string {
	t.Helper()
	id, err := s.Store.CreateRecord(t.Context(), newRecord(t, s, run, values))
	if err != nil {
		t.Fatalf("create record of %s: %v", run, err)
	}
	if id == "" {
		t.Fatalf("create record of %s: empty id", run)
	}
	return id
}

// fullOrder is an order with a value in every field, each in a form that
// normalization changes.
func fullOrder() map[string]any {
	return map[string]any{
		"order_id":    "A-1",
		"email":       " ada@example.com ",
		"status":      "new",
		"amount":      int64(12),
		"paid":        "true",
		"received_at": "2026-11-27T10:00:00.123456+02:00",
		"note":        "first",
		"raw":         map[string]any{"big": json.Number("1234567890123456789"), "list": []any{1, "x", true, nil}, "f": 0.5},
	}
}

func createKeepsEveryFieldType(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	r := newRecord(t, s, "run-1", fullOrder())
	id, err := s.Store.CreateRecord(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	checkStored(t, s, id, r.Values)
	// The normalized forms, spelled out: the comparison above must not
	// pass merely because both sides normalize alike.
	got := canonical(t, s.Fields, s.Values(t, id))
	want := `{"amount":12,"email":"ada@example.com","note":"first","order_id":"A-1","paid":true,` +
		`"raw":{"big":1234567890123456789,"f":0.5,"list":[1,"x",true,null]},` +
		`"received_at":"2026-11-27T08:00:00.123456Z","status":"new"}`
	if got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
	checkCount(t, s, 1)
}

func createTwiceWithOneWriteKeyIsOneRecord(t *testing.T, h Harness) {
	for name, values := range map[string]map[string]any{
		"unique value":    {"order_id": "A-1", "amount": 1},
		"no unique field": {"note": "same", "amount": 1},
	} {
		t.Run(name, func(t *testing.T) {
			fields := orderFields()
			if _, ok := values["order_id"]; !ok {
				fields = noteFields()
			}
			s := h.NewSheet(t, fields)
			r := newRecord(t, s, "run-1", values)
			first, err := s.Store.CreateRecord(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			again, err := s.Store.CreateRecord(t.Context(), r)
			if err != nil || again != first {
				t.Errorf("the same write again = %q, %v; want %q, nil", again, err, first)
			}
			checkCount(t, s, 1)
		})
	}
}

func createOfATakenUniqueValueIsDuplicate(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	first := map[string]any{"order_id": "A-1", "amount": 1}
	id := create(t, s, "run-1", first)
	_, err := s.Store.CreateRecord(t.Context(), newRecord(t, s, "run-2", map[string]any{"order_id": "A-1", "amount": 2}))
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("another write of A-1: %v, want ErrDuplicate", err)
	}
	checkCount(t, s, 1)
	checkStored(t, s, id, first)
	create(t, s, "run-3", map[string]any{"order_id": "A-2"})
	checkCount(t, s, 2)
}

func createWithoutAUniqueFieldKeepsEveryWrite(t *testing.T, h Harness) {
	s := h.NewSheet(t, noteFields())
	values := map[string]any{"note": "same", "amount": 1}
	a := create(t, s, "run-1", values)
	b := create(t, s, "run-2", values)
	if a == b {
		t.Errorf("two writes got one id %q", a)
	}
	checkCount(t, s, 2)
	checkStored(t, s, a, values)
	checkStored(t, s, b, values)
}

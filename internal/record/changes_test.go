package record

import (
	"errors"
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestNormalizeChangesKeepsClearsAndChecksOnlyTheGivenFields(t *testing.T) {
	got, err := NormalizeChanges(ordersFields, map[string]any{"amount": "12.50", "status": "", "email": nil, "raw": ""})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"amount": 12.5, "status": nil, "email": nil, "raw": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NormalizeChanges = %#v, want %#v (order_id, required, is not checked)", got, want)
	}
	_, err = NormalizeChanges(ordersFields, map[string]any{"status": "lost", "colour": "red"})
	var verr *ValidationError
	if !errors.As(err, &verr) || err.Error() != "colour: unknown field; status: must be one of new, paid, shipped" {
		t.Errorf("err = %v", err)
	}
}

func TestApplyMergesAndValidatesTheWholeRecord(t *testing.T) {
	existing := map[string]any{"order_id": "A-1", "amount": 3.0, "status": "new"}
	got, err := Apply(ordersFields, existing, map[string]any{"status": "paid", "amount": nil})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"order_id": "A-1", "status": "paid"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Apply = %#v, want %#v", got, want)
	}
	if existing["status"] != "new" || existing["amount"] != 3.0 {
		t.Errorf("Apply changed its input: %#v", existing)
	}
	if _, err := Apply(ordersFields, existing, map[string]any{"order_id": nil}); err == nil || err.Error() != "order_id: required" {
		t.Errorf("clearing a required field: %v", err)
	}
}

func TestIndexKeysAreValueKeysOfTheIndexedFields(t *testing.T) {
	fields := []v1alpha1.WorksheetField{
		{Name: "order_id", Type: v1alpha1.FieldText, Unique: true},
		{Name: "email", Type: v1alpha1.FieldEmail, Indexed: true},
		{Name: "amount", Type: v1alpha1.FieldNumber, Indexed: true},
		{Name: "note", Type: v1alpha1.FieldText},
	}
	if keys := IndexKeys(fields, map[string]any{"order_id": "A-1", "note": "x"}); keys != nil {
		t.Errorf("IndexKeys without indexed values = %v, want nil", keys)
	}
	keys := IndexKeys(fields, map[string]any{"order_id": "A-1", "email": "ada@example.com", "amount": 5.0})
	if len(keys) != 2 || len(keys["email"]) != 32 {
		t.Fatalf("IndexKeys = %v", keys)
	}
	if k, _ := ValueKey(fields[2], "5"); keys["amount"] != k {
		t.Errorf("amount 5.0 and \"5\" have different keys: %s, %s", keys["amount"], k)
	}
	_, unique, _ := UniqueKey(fields, map[string]any{"order_id": "A-1"})
	if k, _ := ValueKey(fields[0], "A-1"); k != unique {
		t.Errorf("ValueKey of the unique field %s != UniqueKey %s", k, unique)
	}
}

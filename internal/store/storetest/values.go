package storetest

import (
	"encoding/json"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
)

// canonical is values normalized by record.Normalize and encoded as JSON
// (with sorted keys), so that values that normalize alike compare equal.
func canonical(t *testing.T, fields []v1alpha1.WorksheetField, values map[string]any) string {
	t.Helper()
	normalized, err := record.Normalize(fields, values)
	if err != nil {
		t.Fatalf("values %v do not fit the Worksheet: %v", values, err)
	}
	enc, err := json.Marshal(normalized)
	if err != nil {
		t.Fatalf("encode values: %v", err)
	}
	return string(enc)
}

// checkStored fails t unless record id holds want, read from the backend.
func checkStored(t *testing.T, s Sheet, id string, want map[string]any) {
	t.Helper()
	checkValues(t, s, "record "+id+" as stored", s.Values(t, id), want)
}

// checkValues fails t unless got normalizes to want.
func checkValues(t *testing.T, s Sheet, what string, got, want map[string]any) {
	t.Helper()
	if g, w := canonical(t, s.Fields, got), canonical(t, s.Fields, want); g != w {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

// checkCount fails t unless the Worksheet has want records.
func checkCount(t *testing.T, s Sheet, want int) {
	t.Helper()
	if got := s.Count(t); got != want {
		t.Errorf("%d records, want %d", got, want)
	}
}

// checkUnwritten fails t unless record id is still at version.
func checkUnwritten(t *testing.T, s Sheet, id, version, after string) {
	t.Helper()
	if got := s.Version(t, id); got != version {
		t.Errorf("record %s written (version %s, was %s) by %s, want it untouched", id, got, version, after)
	}
}

// merge returns a copy of base with changes applied: a nil change removes
// the field.
func merge(base, changes map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(changes))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

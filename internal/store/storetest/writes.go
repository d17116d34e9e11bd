package storetest

import (
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// The workflow and the steps whose writes the suite makes.
const (
	workflow   = "orders"
	createStep = "save"
	updateStep = "pay"
)

// newRecord is the record a createRecord step of run writes with values,
// built as the runner builds it.
func newRecord(t *testing.T, s Sheet, run string, values map[string]any) store.Record {
	t.Helper()
	normalized, err := record.Normalize(s.Fields, values)
	if err != nil {
		t.Fatalf("test data: %v", err)
	}
	uniqueField, uniqueKey, _ := record.UniqueKey(s.Fields, normalized)
	return store.Record{
		Namespace:    s.Namespace,
		Worksheet:    s.Name,
		WorksheetUID: s.UID,
		Values:       normalized,
		UniqueField:  uniqueField,
		UniqueKey:    uniqueKey,
		IndexKeys:    record.IndexKeys(s.Fields, normalized),
		WriteKey:     run + "/" + createStep,
		CreatedBy:    v1alpha1.RunReference{Workflow: workflow, Run: run},
		Table:        s.Table,
	}
}

// newUpdate is the update an updateRecord step of run makes, built as the
// runner builds it: match and changes normalized by NormalizeChanges.
func newUpdate(t *testing.T, s Sheet, run string, match, changes map[string]any) store.Update {
	t.Helper()
	match, err := record.NormalizeChanges(s.Fields, match)
	if err != nil {
		t.Fatalf("test data: match %v", err)
	}
	changes, err = record.NormalizeChanges(s.Fields, changes)
	if err != nil {
		t.Fatalf("test data: %v", err)
	}
	return store.Update{
		Namespace:    s.Namespace,
		Worksheet:    s.Name,
		WorksheetUID: s.UID,
		Fields:       s.Fields,
		Match:        match,
		Values:       changes,
		WriteKey:     run + "/" + updateStep,
		UpdatedBy:    v1alpha1.RunReference{Workflow: workflow, Run: run},
		Table:        s.Table,
	}
}

// newUpsert is the update an upsertRecord step of run makes: newUpdate,
// and the record it creates when none matches, the match and the changes
// together (the runner's newRecord).
func newUpsert(t *testing.T, s Sheet, run string, match, changes map[string]any) store.Update {
	t.Helper()
	u := newUpdate(t, s, run, match, changes)
	u.Upsert = true
	values := make(map[string]any, len(u.Match)+len(u.Values))
	for k, v := range u.Values {
		if v != nil {
			values[k] = v
		}
	}
	for k, v := range u.Match {
		values[k] = v
	}
	uniqueField, uniqueKey, _ := record.UniqueKey(s.Fields, values)
	u.Create = store.Record{
		Namespace:    s.Namespace,
		Worksheet:    s.Name,
		WorksheetUID: s.UID,
		Values:       values,
		UniqueField:  uniqueField,
		UniqueKey:    uniqueKey,
		IndexKeys:    record.IndexKeys(s.Fields, values),
		WriteKey:     u.WriteKey,
		CreatedBy:    u.UpdatedBy,
		Table:        s.Table,
	}
	return u
}

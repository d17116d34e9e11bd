package main

import (
	"fmt"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// orderRecord is the record that the sample's createRecord step writes for
// the order orderID into Worksheet ws, in run of workflow, built as
// internal/runner builds it: the values normalized by package record,
// their unique and index keys, and the write key "<run>/save". Given to
// crstore.Records.CreateRecord, it becomes the same WorksheetRecord as the
// server's.
func orderRecord(ws *v1alpha1.Worksheet, workflow, run, orderID string, now time.Time) (store.Record, error) {
	normalized, err := record.Normalize(ws.Spec.Fields, map[string]any{
		"order_id":    orderID,
		"amount":      129.5,
		"email":       "ada@example.com",
		"status":      "new",
		"received_at": now.UTC().Format(time.RFC3339Nano),
	})
	if err != nil {
		return store.Record{}, fmt.Errorf("normalize the record: %w", err)
	}
	r := store.Record{
		Namespace:    ws.Namespace,
		Worksheet:    ws.Name,
		WorksheetUID: ws.UID,
		Values:       normalized,
		IndexKeys:    record.IndexKeys(ws.Spec.Fields, normalized),
		WriteKey:     run + "/save",
		CreatedBy:    v1alpha1.RunReference{Workflow: workflow, Run: run},
	}
	r.UniqueField, r.UniqueKey, _ = record.UniqueKey(ws.Spec.Fields, normalized)
	return r, nil
}

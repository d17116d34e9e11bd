package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/internal/store"
)

func concurrentUpsertsOfOneUniqueValueMakeOneRecord(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	const n = 10
	results := make([]store.Updated, n)
	errs := make([]error, n)
	updates := make([]store.Update, n)
	for i := range n {
		updates[i] = newUpsert(t, s, fmt.Sprintf("run-%d", i), map[string]any{"order_id": "A-1"}, map[string]any{"amount": i})
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i], errs[i] = s.Store.UpdateRecord(t.Context(), updates[i]) })
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("upsert %d: %v", i, errs[i])
			continue
		}
		if results[i].Created {
			created++
		}
		if results[i].ID != results[0].ID {
			t.Errorf("upsert %d wrote %q, upsert 0 wrote %q", i, results[i].ID, results[0].ID)
		}
	}
	if created != 1 {
		t.Errorf("%d of %d concurrent upserts of one value created a record, want 1", created, n)
	}
	checkCount(t, s, 1)
}

func concurrentCreatesOfDistinctValuesAllLand(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	const n = 50
	records := make([]store.Record, n)
	for i := range n {
		records[i] = newRecord(t, s, fmt.Sprintf("run-%d", i), map[string]any{"order_id": fmt.Sprintf("A-%d", i), "amount": i})
	}
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { ids[i], errs[i] = s.Store.CreateRecord(t.Context(), records[i]) })
	}
	wg.Wait()
	seen := make(map[string]int, n)
	for i := range n {
		if errs[i] != nil {
			t.Errorf("create %d: %v", i, errs[i])
			continue
		}
		if j, ok := seen[ids[i]]; ok {
			t.Errorf("creates %d and %d got one id %q", j, i, ids[i])
		}
		seen[ids[i]] = i
	}
	checkCount(t, s, n)
	for id, i := range seen {
		checkStored(t, s, id, records[i].Values)
	}
}

package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/store"
)

func unreachableBackendIsUnavailable(t *testing.T, h Harness) {
	s, password := h.DownSheet(t, orderFields())
	if password == "" {
		t.Fatal("the harness gave the unreachable backend's connection no password to look for")
	}
	_, createErr := s.Store.CreateRecord(t.Context(), newRecord(t, s, "run-1", map[string]any{"order_id": "A-1"}))
	_, updateErr := s.Store.UpdateRecord(t.Context(), newUpdate(t, s, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"note": "x"}))
	_, upsertErr := s.Store.UpdateRecord(t.Context(), newUpsert(t, s, "run-3", map[string]any{"order_id": "A-1"}, map[string]any{"note": "x"}))
	checkUnavailable(t, map[string]error{"CreateRecord": createErr, "UpdateRecord": updateErr, "upsert": upsertErr}, password)
}

func passedDeadlineIsUnavailable(t *testing.T, h Harness) {
	s := h.NewSheet(t, orderFields())
	id := create(t, s, "run-1", map[string]any{"order_id": "A-1"})
	version := s.Version(t, id)
	ctx, cancel := context.WithDeadline(t.Context(), time.Unix(0, 0))
	defer cancel()
	_, createErr := s.Store.CreateRecord(ctx, newRecord(t, s, "run-2", map[string]any{"order_id": "A-2"}))
	_, updateErr := s.Store.UpdateRecord(ctx, newUpdate(t, s, "run-3", map[string]any{"order_id": "A-1"}, map[string]any{"note": "x"}))
	_, upsertErr := s.Store.UpdateRecord(ctx, newUpsert(t, s, "run-4", map[string]any{"order_id": "A-3"}, nil))
	checkUnavailable(t, map[string]error{"CreateRecord": createErr, "UpdateRecord": updateErr, "upsert": upsertErr}, "")
	checkCount(t, s, 1)
	checkUnwritten(t, s, id, version, "an update past its deadline")
}

// checkUnavailable fails t unless each error wraps store.ErrUnavailable;
// none may contain password. The errors are printed only when they do not
// hold it.
func checkUnavailable(t *testing.T, errs map[string]error, password string) {
	t.Helper()
	for op, err := range errs {
		switch {
		case password != "" && err != nil && strings.Contains(err.Error(), password):
			t.Errorf("%s: the error holds the connection's password", op)
		case !errors.Is(err, store.ErrUnavailable):
			t.Errorf("%s: %v, want ErrUnavailable", op, err)
		}
	}
}

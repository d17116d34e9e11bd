package fault

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/pglocal"
)

// countTimeout bounds the reading of the records.
const countTimeout = 30 * time.Second

// records counts the records of st's Worksheet by order id, for the order
// ids that start with prefix (the orders of one load), read from the store
// itself: the API server (no cache) or PostgreSQL.
func (s *site) records(t *testing.T, st store, prefix string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), countTimeout)
	defer cancel()
	if st == pgStore {
		return tableRecords(ctx, t, s.table, prefix)
	}
	return worksheetRecords(ctx, t, s.namespace, st.sheet, prefix)
}

// worksheetRecords counts the WorksheetRecords of a Worksheet by order id.
func worksheetRecords(ctx context.Context, t *testing.T, ns, sheet, prefix string) map[string]int {
	t.Helper()
	list := &v1alpha1.WorksheetRecordList{}
	if err := k8s.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{v1alpha1.WorksheetLabel: sheet}); err != nil {
		t.Fatalf("list the WorksheetRecords of %s: %v", sheet, err)
	}
	counts := map[string]int{}
	for _, r := range list.Items {
		var id string
		if err := json.Unmarshal(r.Spec.Values["order_id"].Raw, &id); err != nil {
			t.Fatalf("WorksheetRecord %s: order_id %s: %v", r.Name, r.Spec.Values["order_id"].Raw, err)
		}
		if strings.HasPrefix(id, prefix) {
			counts[id]++
		}
	}
	return counts
}

// tableRecords counts the rows of a Worksheet's table by order id.
func tableRecords(ctx context.Context, t *testing.T, table, prefix string) map[string]int {
	t.Helper()
	conn, err := pgx.Connect(ctx, postgres.DSN(pglocal.Database))
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, "SELECT order_id FROM "+pgx.Identifier{table}.Sanitize()+" WHERE starts_with(order_id, $1)", prefix)
	if err != nil {
		t.Fatalf("read table %s: %v", table, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("read table %s: %v", table, err)
	}
	counts := map[string]int{}
	for _, id := range ids {
		counts[id]++
	}
	return counts
}

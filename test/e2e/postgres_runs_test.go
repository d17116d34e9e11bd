package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/store/pgruns"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

// TestRunsInPostgres: two servers whose runs are kept in PostgreSQL share
// the Idempotency-Key of 40 concurrent requests through the runs table
// (one record, one answer), and write the run history there, not as
// WorkflowRuns.
func TestRunsInPostgres(t *testing.T) {
	ns := newNamespace(t)
	table := "runs_" + strings.ReplaceAll(ns, "-", "_")
	db := sql(t)
	pool := testPool(t)
	if err := pgruns.Migrate(context.Background(), pool, table); err != nil {
		t.Fatal(err)
	}
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	cfg := webhookserver.Config{
		RunStore:         &webhookserver.PostgresRuns{Connection: postgres.DSN(pglocal.Database), Table: table},
		RunFlushInterval: runFlushInterval,
	}
	_, first := anotherServerWith(t, cfg)
	_, second := anotherServerWith(t, cfg)
	urls := []string{strings.Replace(wf.Status.WebhookURL, baseURL, first, 1), strings.Replace(wf.Status.WebhookURL, baseURL, second, 1)}
	for i, u := range urls {
		testenv.Eventually(t, 20*time.Second, "served by "+u, func() (bool, string) {
			a := postWithKey(t, u, fmt.Sprintf("warm-up-%d", i), fmt.Sprintf(`{"order_id":"W-%d"}`, i))
			return a.code == 200, a.body
		})
	}

	const n = 40
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { answers[i] = postWithKey(t, urls[i%2], "order-P-1", `{"order_id":"P-1","amount":3}`) })
	}
	wg.Wait()
	for i, a := range answers {
		if a != answers[0] || a.code != 200 {
			t.Fatalf("answer %d = %d %s, want the same 200 as answer 0 (%d %s)", i, a.code, a.body, answers[0].code, answers[0].body)
		}
	}
	recs := records(t, ns)
	if got := countOrder(recs, "P-1"); got != 1 {
		t.Errorf("%d records of P-1 for one Idempotency-Key, want 1", got)
	}
	var keyed int
	q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE namespace = $1 AND workflow = 'orders' AND idempotency_key = 'order-P-1'`, pgx.Identifier{table}.Sanitize())
	if err := db.QueryRow(context.Background(), q, ns).Scan(&keyed); err != nil || keyed != 1 {
		t.Errorf("runs of the key in %s: %d (%v), want 1", table, keyed, err)
	}

	// A run without a key reaches the table with the next flush.
	plain := post(t, urls[0], "application/json", `{"order_id":"P-2"}`)
	if plain.Code != 200 {
		t.Fatalf("POST: %d %s", plain.Code, plain.Raw)
	}
	runID := plain.Body["runId"].(string)
	q = fmt.Sprintf(`SELECT count(*) FROM %s WHERE namespace = $1 AND name = $2`, pgx.Identifier{table}.Sanitize())
	testenv.Eventually(t, 10*time.Second, "run "+runID+" in the runs table", func() (bool, string) {
		var found int
		if err := db.QueryRow(context.Background(), q, ns, runID).Scan(&found); err != nil {
			return false, err.Error()
		}
		return found == 1, fmt.Sprintf("%d rows", found)
	})
	var runs v1alpha1.WorkflowRunList
	if err := k8s.List(context.Background(), &runs, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs.Items {
		if strings.Contains(r.Name, runID) || r.Spec.IdempotencyKey == "order-P-1" {
			t.Errorf("WorkflowRun %s written by a server whose runs are kept in PostgreSQL", r.Name)
		}
	}
}

func countOrder(recs []v1alpha1.WorksheetRecord, orderID string) int {
	n := 0
	for _, r := range recs {
		if v, ok := r.Spec.Values["order_id"]; ok && string(v.Raw) == `"`+orderID+`"` {
			n++
		}
	}
	return n
}

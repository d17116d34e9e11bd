package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/testenv"
)

// postgresSecret holds the connection string of the test's PostgreSQL.
func postgresSecret(ns string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "pg"},
		Data:       map[string][]byte{"dsn": []byte(postgres.DSN(pglocal.Database))},
	}
}

// postgresOrders is testenv.OrdersWorksheet kept in PostgreSQL.
func postgresOrders(ns, table string) *v1alpha1.Worksheet {
	ws := testenv.OrdersWorksheet(ns)
	ws.Spec.Storage = v1alpha1.StoreSpec{Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{
		ConnectionSecretRef: v1alpha1.SecretKeyReference{Name: "pg"}, Table: table,
	}}
	return ws
}

func sql(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), postgres.DSN(pglocal.Database))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), postgres.DSN(pglocal.Database))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// waitSheet waits until the Worksheet's Ready condition has status and
// reason at its generation, and returns it.
func waitSheet(t *testing.T, ws *v1alpha1.Worksheet, status metav1.ConditionStatus, reason string) *v1alpha1.Worksheet {
	t.Helper()
	testenv.Eventually(t, 20*time.Second, fmt.Sprintf("Worksheet %s Ready=%s %s", ws.Name, status, reason), func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ws), ws); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition)
		return c != nil && c.Status == status && c.Reason == reason && c.ObservedGeneration == ws.Generation, fmt.Sprintf("Ready: %+v", c)
	})
	return ws
}

// TestPostgresWorksheetEndToEnd: a Worksheet kept in PostgreSQL gets its
// table; a webhook call writes a row before its 200, with its provenance;
// the unique field holds; the count reaches the status.
func TestPostgresWorksheetEndToEnd(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), postgresSecret(ns), postgresOrders(ns, ""), testenv.OrderWorkflow(ns, "orders"))
	sheet := waitSheet(t, postgresOrders(ns, ""), metav1.ConditionTrue, "Succeeded")
	table := "ws_" + strings.ReplaceAll(ns, "-", "_") + "__orders"
	if sheet.Status.Table != table {
		t.Fatalf("status.table = %q, want %q", sheet.Status.Table, table)
	}
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))

	a := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"P-1","amount":12.5,"customer":{"email":"ada@example.com"}}`)
	if a.Code != http.StatusOK {
		t.Fatalf("POST: %d %s", a.Code, a.Raw)
	}
	// The answer came after the commit: the row is there now.
	db := sql(t)
	var (
		orderID, email, status string
		amount                 float64
		n                      int
	)
	q := fmt.Sprintf(`SELECT order_id, amount, email, status, count(*) OVER () FROM %s`, pgx.Identifier{table}.Sanitize())
	if err := db.QueryRow(context.Background(), q).Scan(&orderID, &amount, &email, &status, &n); err != nil {
		t.Fatalf("read the row: %v", err)
	}
	if orderID != "P-1" || amount != 12.5 || email != "ada@example.com" || status != "new" || n != 1 {
		t.Errorf("row = %s %v %s %s (%d rows), want P-1 12.5 ada@example.com new (1 row)", orderID, amount, email, status, n)
	}
	if len(records(t, ns)) != 0 {
		t.Errorf("a WorksheetRecord was written for a Worksheet kept in PostgreSQL")
	}

	again := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"P-1","amount":1}`)
	if again.Code != http.StatusUnprocessableEntity || !strings.Contains(again.Body["error"].(string), "order_id") {
		t.Errorf("same order_id again: %d %s, want 422 naming order_id", again.Code, again.Raw)
	}
	testenv.Eventually(t, 10*time.Second, "status.records = 1", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(sheet), sheet); err != nil {
			return false, err.Error()
		}
		return sheet.Status.Records == 1, fmt.Sprintf("records: %d", sheet.Status.Records)
	})
}

// TestPostgresWorksheetNotReady: a missing connection Secret, then a field
// whose type no longer fits its column, make the Worksheet not Ready,
// naming the Secret, then the table and column; the Secret's arrival
// mends the first.
func TestPostgresWorksheetNotReady(t *testing.T) {
	ns := newNamespace(t)
	create(t, postgresOrders(ns, ""))
	sheet := waitSheet(t, postgresOrders(ns, ""), metav1.ConditionFalse, "SecretNotFound")
	if msg := meta.FindStatusCondition(sheet.Status.Conditions, v1alpha1.ReadyCondition).Message; !strings.Contains(msg, "pg") {
		t.Errorf("message %q does not name the Secret", msg)
	}
	create(t, postgresSecret(ns))
	waitSheet(t, sheet, metav1.ConditionTrue, "Succeeded")

	// A field whose type changes under a table that has rows of the old
	// type: the table is kept as it is, and the Worksheet says why.
	testenv.Update(t, k8s, sheet, func(ws *v1alpha1.Worksheet) {
		for i := range ws.Spec.Fields {
			if ws.Spec.Fields[i].Name == "amount" {
				ws.Spec.Fields[i].Type = v1alpha1.FieldText
			}
		}
	})
	other := waitSheet(t, sheet, metav1.ConditionFalse, "SchemaConflict")
	table := other.Status.Table
	msg := meta.FindStatusCondition(other.Status.Conditions, v1alpha1.ReadyCondition).Message
	if !strings.Contains(msg, table) || !strings.Contains(msg, "amount") {
		t.Errorf("message %q does not name table %s and column amount", msg, table)
	}
	if strings.Contains(msg, "postgres://") {
		t.Errorf("message %q shows the connection string", msg)
	}
}

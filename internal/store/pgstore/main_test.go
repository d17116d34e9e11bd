package pgstore

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// The package's tests share one fast cluster, each on its own tables.
var (
	cluster *pglocal.Cluster
	dsn     string
	pools   *Pools
)

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := pglocal.Start(ctx, pglocal.Options{})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cluster, dsn, pools = c, c.DSN(pglocal.Database), NewPools(PoolOptions{})
	code := m.Run()
	pools.Close()
	c.Stop()
	stopDurable()
	os.Exit(code)
}

// The benchmark's durable cluster, started on first use.
var (
	durableOnce    sync.Once
	durableCluster *pglocal.Cluster
	durableErr     error
)

func durable(ctx context.Context) (*pglocal.Cluster, error) {
	durableOnce.Do(func() {
		durableCluster, durableErr = pglocal.Start(ctx, pglocal.Options{Durable: true})
	})
	return durableCluster, durableErr
}

func stopDurable() {
	if durableCluster != nil {
		durableCluster.Stop()
	}
}

var tableSeq atomic.Int64

var nonIdentifier = regexp.MustCompile(`[^a-z0-9_]+`)

// newTableName is a table name of its own for a test.
func newTableName(t testing.TB) string {
	name := nonIdentifier.ReplaceAllString(strings.ToLower(t.Name()), "_")
	return fmt.Sprintf("t%d_%s", tableSeq.Add(1), name)
}

// migratedTable makes a table for fields and returns its location.
func migratedTable(t testing.TB, fields []v1alpha1.WorksheetField) *store.Table {
	t.Helper()
	table := &store.Table{Connection: dsn, Name: newTableName(t), Fields: fields}
	if err := Migrate(testContext(t), testPool(t), table.Name, fields); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return table
}

func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pools.Get(dsn)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	return pool
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newRecords is a record store closed at the end of the test.
func newRecords(t testing.TB, opts Options) *Records {
	s := NewRecords(pools, opts)
	t.Cleanup(s.Close)
	return s
}

// countRows counts the rows of a table.
func countRows(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := testPool(t).QueryRow(testContext(t), "SELECT count(*) FROM "+quote(table)).Scan(&n); err != nil {
		t.Fatalf("count rows: %v", err)
	}
	return n
}

var ordersFields = []v1alpha1.WorksheetField{
	{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
	{Name: "amount", Type: v1alpha1.FieldNumber},
	{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
	{Name: "customer_email", Type: v1alpha1.FieldEmail, Indexed: true},
}

// order is a record of ordersFields written by run.
func order(table *store.Table, orderID, run string) store.Record {
	values := map[string]any{"order_id": orderID, "amount": 129.5, "status": "new"}
	field, key, _ := record.UniqueKey(table.Fields, values)
	return store.Record{
		Namespace:   "shop",
		Worksheet:   "orders",
		Values:      values,
		UniqueField: field,
		UniqueKey:   key,
		WriteKey:    run + "/save",
		CreatedBy:   v1alpha1.RunReference{Workflow: "order-webhook", Run: run},
		Table:       table,
	}
}

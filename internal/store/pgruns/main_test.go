package pgruns

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/internal/pglocal"
)

// testPool is a pool on the package's PostgreSQL cluster, started by
// TestMain.
var testPool *pgxpool.Pool

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cluster, err := pglocal.Start(ctx, pglocal.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start PostgreSQL:", err)
		return 1
	}
	defer cluster.Stop()
	cfg, err := pgxpool.ParseConfig(cluster.DSN(pglocal.Database))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pool config:", err)
		return 1
	}
	cfg.MaxConns = 20
	if testPool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "pool:", err)
		return 1
	}
	defer testPool.Close()
	return m.Run()
}

var tables atomic.Int64

// newRuns returns Runs on a new table of their own, migrated, with a clock
// that only moves when told.
func newRuns(t *testing.T) (*Runs, *testClock) {
	t.Helper()
	ctx := context.Background()
	table := fmt.Sprintf("runs_%d", tables.Add(1))
	if err := Migrate(ctx, testPool, table); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	t.Cleanup(func() {
		if _, err := testPool.Exec(ctx, "DROP TABLE "+pgx.Identifier{table}.Sanitize()); err != nil {
			t.Errorf("drop table: %v", err)
		}
	})
	runs, err := New(testPool, table)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	clock := &testClock{now: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)}
	runs.Now = clock.Now
	return runs, clock
}

// countRows counts the rows of the table of runs.
func countRows(t *testing.T, runs *Runs) int {
	t.Helper()
	var n int
	if err := testPool.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{runs.Table()}.Sanitize()).Scan(&n); err != nil {
		t.Fatalf("count rows: %v", err)
	}
	return n
}

// testClock is a clock that moves only with Add.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

package pgruns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestUnreachableDatabaseIsUnavailableWithoutThePassword(t *testing.T) {
	const password = "pw-that-must-not-leak"
	dsn := fmt.Sprintf("postgres://hookflow:%s@127.0.0.1:%d/hookflow?sslmode=disable&connect_timeout=5", password, closedPort(t))
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	defer pool.Close()
	runs, err := New(pool, "")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run := historyRun("orders", 1, v1alpha1.RunSucceeded, time.Now())
	begun := run.DeepCopy()
	begun.ResourceVersion = "1"
	calls := map[string]func() error{
		"Migrate": func() error { return Migrate(ctx, pool, "") },
		"Begin": func() error {
			_, _, err := runs.Begin(ctx, onReceipt("k", "h"))
			return err
		},
		"Get": func() error {
			_, err := runs.Get(ctx, "shop", "r")
			return err
		},
		"Pending": func() error {
			_, err := runs.Pending(ctx, "")
			return err
		},
		"TakeOver": func() error { return runs.TakeOver(ctx, begun.DeepCopy(), time.Minute) },
		"Finish":   func() error { return runs.Finish(ctx, begun.DeepCopy()) },
		"Abandon":  func() error { return runs.Abandon(ctx, begun.DeepCopy()) },
		"Create":   func() error { return runs.Create(ctx, run.DeepCopy()) },
		"Prune": func() error {
			_, err := runs.Prune(ctx, time.Now())
			return err
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s = %v, want an error wrapping store.ErrUnavailable", name, err)
			continue
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("%s: the error holds the password", name)
		}
	}
}

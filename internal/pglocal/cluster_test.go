package pglocal

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestClusterLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer c.Stop()

	mustExec(t, ctx, c, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
	if got := count(t, ctx, c); got != 1 {
		t.Fatalf("rows before Pause = %d, want 1", got)
	}

	if err := c.Pause(); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	short, cancelShort := context.WithTimeout(ctx, 5*time.Second)
	defer cancelShort()
	if conn, err := pgx.Connect(short, c.DSN(Database)); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a paused cluster")
	}
	if err := c.Resume(ctx); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	if got := count(t, ctx, c); got != 1 {
		t.Fatalf("rows after Resume = %d, want 1", got)
	}

	if err := c.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	if conn, err := pgx.Connect(short, c.DSN(Database)); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a killed cluster")
	}
	if err := c.Resume(ctx); err != nil {
		t.Fatalf("Resume after Kill: %v", err)
	}
	if got := count(t, ctx, c); got != 1 {
		t.Fatalf("rows after Kill and Resume = %d, want 1", got)
	}

	dir := c.Dir()
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("cluster directory after Stop: %v, want it removed", err)
	}
	if err := c.Resume(ctx); !errors.Is(err, errStopped) {
		t.Fatalf("Resume after Stop = %v, want errStopped", err)
	}
}

func TestDurableSettings(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, durable := range []bool{false, true} {
		c, err := Start(ctx, Options{Durable: durable, MaxConnections: 20})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		want := map[bool]string{false: "off", true: "on"}[durable]
		if got := show(t, ctx, c, "fsync"); got != want {
			t.Errorf("Durable=%v: fsync = %s, want %s", durable, got, want)
		}
		if got := show(t, ctx, c, "max_connections"); got != "20" {
			t.Errorf("max_connections = %s, want 20", got)
		}
		if err := c.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
	}
}

func mustExec(t *testing.T, ctx context.Context, c *Cluster, sql string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, c.DSN(Database))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("exec: %v", err)
	}
}

func count(t *testing.T, ctx context.Context, c *Cluster) int {
	t.Helper()
	conn, err := pgx.Connect(ctx, c.DSN(Database))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM kept WHERE v = 42").Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

func show(t *testing.T, ctx context.Context, c *Cluster, setting string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, "SELECT current_setting($1)", setting).Scan(&v); err != nil {
		t.Fatalf("show %s: %v", setting, err)
	}
	return v
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// pgbenchTable is the throwaway table of the pgbench loop: the records
// table's columns, defaults and indexes.
const pgbenchTable = "hookflow_bench_pgbench"

// pgbenchLoop is a plain pgbench single-row insert loop on the database of
// the Postgres store, run in one or more slices.
type pgbenchLoop struct {
	Binary string
	// DSN is the connection string; it holds a password and is handed to
	// pgbench through its environment, never on its command line.
	DSN string
	// Table is the records table whose shape the loop copies.
	Table   string
	Fields  []v1alpha1.WorksheetField
	Clients int
	Threads int
	// Dir receives the script and the per-transaction logs.
	Dir string

	env       []string
	script    string
	slices    int
	seconds   int
	processed int64
	failed    int64
	// busy is the time of the slices without their initial connections:
	// processed / tps, summed.
	busy      float64
	latencies latencies
}

// prepare creates the throwaway table and the script.
func (p *pgbenchLoop) prepare(ctx context.Context, pool *pgxpool.Pool) error {
	table := pgx.Identifier{pgbenchTable}.Sanitize()
	if _, err := pool.Exec(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
		return fmt.Errorf("drop the pgbench table: %w", err)
	}
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (LIKE "+pgx.Identifier{p.Table}.Sanitize()+" INCLUDING ALL)"); err != nil {
		return fmt.Errorf("create the pgbench table: %w", err)
	}
	p.script = filepath.Join(p.Dir, "insert.sql")
	if err := os.WriteFile(p.script, []byte(p.scriptText()), 0o644); err != nil {
		return fmt.Errorf("write the pgbench script: %w", err)
	}
	var err error
	p.env, err = pgEnvironment(p.DSN)
	return err
}

// slice runs pgbench for d, rounded to whole seconds, and adds its
// committed transactions, its time without the initial connections, and
// the latencies of its per-transaction log (-l).
func (p *pgbenchLoop) slice(ctx context.Context, d time.Duration) error {
	p.slices++
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	logPrefix := filepath.Join(p.Dir, "pgbench_log_"+strconv.Itoa(p.slices))
	cmd := exec.CommandContext(ctx, p.Binary, "-n", "-M", "prepared",
		"-c", strconv.Itoa(p.Clients), "-j", strconv.Itoa(p.Threads), "-T", strconv.Itoa(secs),
		"-f", p.script, "-l", "--log-prefix", logPrefix)
	cmd.Env = append(os.Environ(), p.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgbench: %w: %s", err, lastLines(stderr.String(), 5))
	}
	summary, err := parsePgbenchSummary(stdout.String())
	if err != nil {
		return err
	}
	ls, failed, err := readPgbenchLogs(logPrefix)
	if err != nil {
		return err
	}
	p.seconds += secs
	p.processed += summary.Processed
	p.failed += max(failed, summary.Failed)
	if summary.TPS > 0 {
		p.busy += float64(summary.Processed) / summary.TPS
	}
	p.latencies = append(p.latencies, ls...)
	return nil
}

// measurement is the pgbench line: committed transactions per second
// without the initial connections (pgbench's tps, over all slices), and
// the exact p50 and p99 of the per-transaction logs.
func (p *pgbenchLoop) measurement() Measurement {
	ls := merge([]latencies{p.latencies})
	m := Measurement{
		Name:     linePgbench,
		Requests: p.processed + p.failed,
		OK:       p.processed,
		Seconds:  float64(p.seconds),
		P50ms:    ls.percentileMs(0.50),
		P99ms:    ls.percentileMs(0.99),
		How: fmt.Sprintf("pgbench -n -M prepared -c %d -j %d, %d run(s) of %d s in all, one single-row INSERT per transaction into a copy of %s (LIKE ... INCLUDING ALL); req/s is pgbench's tps without connection time; p50/p99 exact over its per-transaction log (-l, %d transactions)",
			p.Clients, p.Threads, p.slices, p.seconds, p.Table, len(ls)),
	}
	if p.busy > 0 {
		m.PerSecond = float64(p.processed) / p.busy
	}
	if p.failed > 0 {
		m.Errors = []string{fmt.Sprintf("%d transactions failed", p.failed)}
	}
	return m
}

// script is the pgbench script: one INSERT of a row like the server's,
// with a random id (a collision among 2^53 values is negligible).
func (p *pgbenchLoop) scriptText() string {
	columns, values := rowSQL(p.Fields, "('pgbench-' || CAST(:client_id AS text) || '-' || CAST(:n AS text))", "pgbench")
	return "\\set n random(1, 9007199254740991)\n" + insertRowSQL(pgbenchTable, columns, values) + ";\n"
}

// readPgbenchLogs reads the per-transaction logs of every pgbench thread.
func readPgbenchLogs(prefix string) (latencies, int64, error) {
	files, err := filepath.Glob(prefix + ".*")
	if err != nil {
		return nil, 0, err
	}
	if len(files) == 0 {
		return nil, 0, errors.New("pgbench wrote no per-transaction log")
	}
	var (
		all    latencies
		failed int64
	)
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, 0, fmt.Errorf("open pgbench log: %w", err)
		}
		ls, n, err := readPgbenchLog(f)
		f.Close()
		if err != nil {
			return nil, 0, err
		}
		all = append(all, ls...)
		failed += n
	}
	return all, failed, nil
}

// pgEnvironment is the libpq environment (PGHOST, PGPASSWORD, ...) of a
// connection string, so that the password is not on a command line.
func pgEnvironment(dsn string) ([]string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// The error of a connection string may quote it: not wrapped.
		return nil, errors.New("the PostgreSQL connection string does not parse")
	}
	sslmode := "disable"
	if cfg.TLSConfig != nil {
		sslmode = "require"
	}
	return []string{
		"PGHOST=" + cfg.Host,
		"PGPORT=" + strconv.Itoa(int(cfg.Port)),
		"PGUSER=" + cfg.User,
		"PGPASSWORD=" + cfg.Password,
		"PGDATABASE=" + cfg.Database,
		"PGSSLMODE=" + sslmode,
	}, nil
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

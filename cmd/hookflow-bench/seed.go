package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

// seedWorkflow is the workflow named in the seeded records' provenance.
const seedWorkflow = "bench-seed"

// seedRecords creates WorksheetRecords in ws until it holds want of them,
// with workers goroutines, for at most budget; it counts what is there
// afterwards and says so when it falls short.
func seedRecords(ctx context.Context, c client.Client, ws *v1alpha1.Worksheet, want int64, workers int, budget time.Duration) (Seeding, error) {
	s := Seeding{Store: "CustomResource (" + ws.Name + ")", Wanted: want}
	present, err := countRecords(ctx, c, ws.Name)
	if err != nil {
		return s, err
	}
	start := time.Now()
	if need := want - present; need > 0 {
		loop := &createLoop{Client: c, Workers: workers, Limit: need,
			Record: func(n uint64) (store.Record, error) {
				id := strconv.FormatUint(n, 10)
				return orderRecord(ws, seedWorkflow, "seed-"+id, "SEED-"+id, time.Now())
			}}
		loop.slice(ctx, budget)
		res := loop.measurement()
		if len(res.Errors) > 0 {
			s.Note = "create errors: " + strings.Join(res.Errors, "; ")
		}
	}
	s.Seconds = time.Since(start).Seconds()
	if s.Present, err = countRecords(ctx, c, ws.Name); err != nil {
		return s, err
	}
	s.Seeded = s.Present - present
	if s.Present < want {
		s.Note = strings.TrimPrefix(s.Note+fmt.Sprintf("; only %d of %d records within the %s budget", s.Present, want, budget.Round(time.Second)), "; ")
	}
	return s, nil
}

// seedRows inserts rows into table until it holds want of them, in one
// INSERT ... SELECT over generate_series, with ids and write keys
// ("seed-<n>") that no request of the server produces; then it vacuums and
// analyzes the table and takes a checkpoint.
func seedRows(ctx context.Context, pool *pgxpool.Pool, table string, fields []v1alpha1.WorksheetField, want int64) (Seeding, error) {
	s := Seeding{Store: "Postgres (" + table + ")", Wanted: want}
	present, err := countRows(ctx, pool, table)
	if err != nil {
		return s, err
	}
	start := time.Now()
	if need := want - present; need > 0 {
		columns, values := rowSQL(fields, "('seed-' || g)", seedWorkflow)
		sql := "INSERT INTO " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(columns, ", ") +
			") SELECT " + strings.Join(values, ", ") + " FROM generate_series(1, $1::bigint) AS g"
		if _, err := pool.Exec(ctx, sql, need); err != nil {
			return s, fmt.Errorf("seed %s: %w", table, err)
		}
		// What the database would have done by itself had the rows come
		// one by one: the run measures 50,000 rows present, not the
		// aftermath of one bulk insert.
		if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) "+pgx.Identifier{table}.Sanitize()); err != nil {
			return s, fmt.Errorf("vacuum %s: %w", table, err)
		}
		if _, err := pool.Exec(ctx, "CHECKPOINT"); err != nil {
			s.Note = "no CHECKPOINT after the seeding: " + err.Error()
		}
	}
	s.Seconds = time.Since(start).Seconds()
	if s.Present, err = countRows(ctx, pool, table); err != nil {
		return s, err
	}
	s.Seeded = s.Present - present
	return s, nil
}

// seed fills each Worksheet up to opts.Seed records, keeping the
// WorksheetRecords within what is left of the budget.
func (b *bench) seed(ctx context.Context) error {
	// What remains to be done after the seeding: two runs, the checks and
	// the stop.
	after := 2*b.opts.Duration + 12*time.Second
	budget := b.opts.Budget - time.Since(b.start) - after
	b.log.Info("Seeding WorksheetRecords", "want", b.opts.Seed, "budgetSeconds", budget.Seconds())
	s, err := seedRecords(ctx, b.c, b.crSheet, b.opts.Seed, b.opts.SeedWorkers, max(budget, 0))
	if err != nil {
		return err
	}
	b.crSeeded = s.Seeded
	b.results.Seeding = append(b.results.Seeding, s)
	if b.pool == nil {
		return nil
	}
	b.log.Info("Seeding rows", "want", b.opts.Seed)
	if s, err = seedRows(ctx, b.pool, b.pgTable, b.pgSheet.Spec.Fields, b.opts.Seed); err != nil {
		return err
	}
	b.pgSeeded = s.Seeded
	b.results.Seeding = append(b.results.Seeding, s)
	return nil
}

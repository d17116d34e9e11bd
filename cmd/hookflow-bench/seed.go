package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// seedWorkflow is the workflow named in the seeded records' provenance.
const seedWorkflow = "bench-seed"

// seedRecordsThroughEtcd fills ws up to want records by writing them into
// etcd (seedRecordsInEtcd), then waits until the API server lists them all.
func seedRecordsThroughEtcd(ctx context.Context, c client.Client, etcd string, ws *v1alpha1.Worksheet, want int64, workers int) (Seeding, error) {
	s := Seeding{Store: "CustomResource (" + ws.Name + "), written into etcd", Wanted: want}
	present, err := countRecords(ctx, c, ws.Name)
	if err != nil {
		return s, err
	}
	start := time.Now()
	if _, err := seedRecordsInEtcd(ctx, etcd, ws, present, want, workers); err != nil {
		return s, err
	}
	// The API server's watch cache catches up with etcd within moments.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if s.Present, err = countRecords(ctx, c, ws.Name); err != nil {
			return s, err
		}
		if s.Present >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.Seconds = time.Since(start).Seconds()
	s.Seeded = s.Present - present
	if s.Present < want {
		s.Note = fmt.Sprintf("the API server lists only %d of %d records 30 s after they were written into etcd", s.Present, want)
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

// seed fills each Worksheet up to opts.Seed records.
func (b *bench) seed(ctx context.Context) error {
	b.log.Info("Seeding WorksheetRecords into etcd", "want", b.opts.Seed)
	s, err := seedRecordsThroughEtcd(ctx, b.c, b.etcd, b.crSheet, b.opts.Seed, b.opts.SeedWorkers)
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

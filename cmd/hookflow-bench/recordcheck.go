package main

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// listPage is the size of a page when counting WorksheetRecords.
const listPage = 5000

// countRecords counts the WorksheetRecords of a Worksheet on the API
// server: a paginated LIST of their metadata by the Worksheet label.
func countRecords(ctx context.Context, c client.Client, worksheet string) (int64, error) {
	var (
		n    int64
		next string
	)
	for {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("WorksheetRecordList"))
		opts := []client.ListOption{
			client.InNamespace(sampleNamespace),
			client.MatchingLabels{v1alpha1.WorksheetLabel: worksheet},
			client.Limit(listPage),
		}
		if next != "" {
			opts = append(opts, client.Continue(next))
		}
		if err := c.List(ctx, list, opts...); err != nil {
			return 0, fmt.Errorf("list the records of Worksheet %s: %w", worksheet, err)
		}
		n += int64(len(list.Items))
		if next = list.Continue; next == "" {
			return n, nil
		}
	}
}

// countRows counts the rows of a table.
func countRows(ctx context.Context, pool *pgxpool.Pool, table string) (int64, error) {
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the rows of %s: %w", table, err)
	}
	return n, nil
}

// check compares found with expected.
func check(store, when string, expected, found int64) RecordCheck {
	return RecordCheck{Store: store, When: when, Expected: expected, Found: found, OK: expected == found}
}

// checkRecords compares the records of each store with the 2xx answers
// of its accept runs plus the records seeded.
func (b *bench) checkRecords(ctx context.Context, when string) error {
	found, err := countRecords(ctx, b.c, crWorksheet)
	if err != nil {
		return err
	}
	b.results.Checks = append(b.results.Checks, check("CustomResource ("+crWorksheet+")", when, b.crAccepted+b.crSeeded, found))
	if b.pool == nil {
		return nil
	}
	if found, err = countRows(ctx, b.pool, b.pgTable); err != nil {
		return err
	}
	b.results.Checks = append(b.results.Checks, check("Postgres ("+b.pgTable+")", when, b.pgAccepted+b.pgSeeded, found))
	return nil
}

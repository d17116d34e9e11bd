package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store/pgruns"
)

// Tables is what the manager does to the tables of Worksheets and
// WebhookServers kept in PostgreSQL: create and migrate them, and count a
// Worksheet's rows.
type Tables struct {
	Pools *Pools
}

// Migrate creates or migrates the table of a Worksheet.
func (t Tables) Migrate(ctx context.Context, connection, table string, fields []v1alpha1.WorksheetField) error {
	pool, err := t.Pools.Get(connection)
	if err != nil {
		return err
	}
	return Migrate(ctx, pool, table, fields)
}

// MigrateRuns creates the runs table of a WebhookServer.
func (t Tables) MigrateRuns(ctx context.Context, connection, table string) error {
	pool, err := t.Pools.Get(connection)
	if err != nil {
		return err
	}
	return pgruns.Migrate(ctx, pool, table)
}

// Count returns the number of rows of a table.
func (t Tables) Count(ctx context.Context, connection, table string) (int64, error) {
	pool, err := t.Pools.Get(connection)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		return 0, classify("count records", table, err)
	}
	return n, nil
}

// IsSchemaConflict tells whether err is a *SchemaError: the table cannot
// take the Worksheet's fields as they are.
func (t Tables) IsSchemaConflict(err error) bool {
	var se *SchemaError
	return errors.As(err, &se)
}

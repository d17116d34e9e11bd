package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store/pgerr"
)

// Migrate makes table fit fields (see planMigration) in one transaction
// that holds an advisory lock on the table's name, so that managers
// migrating at once take turns, the second finding the work done. A column
// of another type, or a unique index that existing duplicates prevent, is
// a *SchemaError and changes nothing.
//
// A connection the server dropped (it restarted since the pool opened it)
// fails the first attempt: then the pool's idle connections are all stale,
// so they are dropped and the migration is tried once more.
func Migrate(ctx context.Context, pool *pgxpool.Pool, table string, fields []v1alpha1.WorksheetField) error {
	err := migrateOnce(ctx, pool, table, fields)
	if err != nil && ctx.Err() == nil && pgerr.ConnectionLost(err) {
		pool.Reset()
		err = migrateOnce(ctx, pool, table, fields)
	}
	return err
}

func migrateOnce(ctx context.Context, pool *pgxpool.Pool, table string, fields []v1alpha1.WorksheetField) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return classify("migrate", table, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey("table", table)); err != nil {
		return classify("migrate: lock", table, err)
	}
	current, err := readTableState(ctx, tx, table)
	if err != nil {
		return classify("migrate: read the catalog", table, err)
	}
	plan, err := planMigration(table, fields, current)
	if err != nil {
		return err
	}
	for _, step := range plan {
		if _, err := tx.Exec(ctx, step.sql); err != nil {
			var pgErr *pgconn.PgError
			if step.uniqueColumn != "" && errors.As(err, &pgErr) && pgErr.Code == codeUniqueViolation {
				return &SchemaError{Table: table, Column: step.uniqueColumn, Reason: fmt.Sprintf(
					"column %s holds the same value in several records, so field %s cannot be unique", step.uniqueColumn, step.uniqueColumn)}
			}
			return classify("migrate", table, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return classify("migrate: commit", table, err)
	}
	return nil
}

// readTableState reads the columns and indexes of table from the catalog.
func readTableState(ctx context.Context, tx pgx.Tx, table string) (tableState, error) {
	state := tableState{columns: map[string]string{}}
	name := quote(table)
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", name).Scan(&state.exists); err != nil {
		return state, err
	}
	if !state.exists {
		return state, nil
	}
	rows, err := tx.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`, name)
	if err != nil {
		return state, err
	}
	var col, typ string
	if _, err := pgx.ForEachRow(rows, []any{&col, &typ}, func() error {
		state.columns[col] = typ
		return nil
	}); err != nil {
		return state, err
	}
	rows, err = tx.Query(ctx, `SELECT c.relname, i.indisunique, i.indisprimary,
			CASE WHEN i.indnatts = 1 AND i.indexprs IS NULL AND i.indpred IS NULL THEN a.attname::text ELSE '' END
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indrelid = to_regclass($1)`, name)
	if err != nil {
		return state, err
	}
	state.indexes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (indexState, error) {
		var ix indexState
		err := row.Scan(&ix.name, &ix.unique, &ix.primary, &ix.column)
		return ix, err
	})
	return state, err
}

// lockKey is the key of an advisory lock on a name of a kind.
func lockKey(kind, name string) int64 {
	sum := sha256.Sum256([]byte("hookflow/pgstore/" + kind + "\x00" + name))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

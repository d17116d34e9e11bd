package pgruns

import (
	"context"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultTable is the table of a WebhookServer that names none.
const DefaultTable = "hookflow_runs"

// tableName is the pattern of spec.runStore.postgres.table.
var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Phases as the SQL literals of the table's partial indexes and queries.
const (
	pendingPhases  = `('Accepted', 'Running')`
	finishedPhases = `('Succeeded', 'Failed')`
)

// checkTable returns the table's name, DefaultTable when empty, or an
// error when it is not a plain lower-case SQL name.
func checkTable(table string) (string, error) {
	if table == "" {
		return DefaultTable, nil
	}
	if !tableName.MatchString(table) {
		return "", fmt.Errorf("run table %q: not a lower-case SQL name of at most 63 characters", table)
	}
	return table, nil
}

// indexName is the name of one of the table's indexes, within the 63
// bytes of a PostgreSQL name.
func indexName(table, suffix string) string {
	if n := 63 - len(suffix); len(table) > n {
		table = table[:n]
	}
	return pgx.Identifier{table + suffix}.Sanitize()
}

// ddl is the DDL of the table, idempotent. The run itself (labels,
// annotations, spec and status) is kept as json, the text the server
// wrote: jsonb would refuse the \u0000 that a request body may hold, and
// nothing queries inside it.
func ddl(table string) []string {
	t := pgx.Identifier{table}.Sanitize()
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + t + ` (
			namespace text NOT NULL,
			name text NOT NULL,
			workflow text NOT NULL,
			workflow_uid text NOT NULL,
			phase text NOT NULL,
			idempotency_key text NOT NULL DEFAULT '',
			request_hash text NOT NULL DEFAULT '',
			received_at timestamptz NOT NULL,
			created_at timestamptz NOT NULL,
			lease_until timestamptz,
			keep_until timestamptz,
			successful_runs_limit integer NOT NULL,
			failed_runs_limit integer NOT NULL,
			version bigint NOT NULL,
			run json NOT NULL,
			PRIMARY KEY (namespace, name)
		)`,
		// Pending: the runs that began and have not finished, by lease.
		`CREATE INDEX IF NOT EXISTS ` + indexName(table, "_pending") + ` ON ` + t +
			` (lease_until) WHERE phase IN ` + pendingPhases,
		// Prune: the finished runs of each Workflow and phase, newest first.
		`CREATE INDEX IF NOT EXISTS ` + indexName(table, "_history") + ` ON ` + t +
			` (namespace, workflow, phase, received_at DESC, name DESC) WHERE phase IN ` + finishedPhases,
	}
}

// Migrate creates the run table and its indexes, if they do not exist, in
// one transaction under an advisory lock on the table's name: replicas
// that start together migrate one after the other.
func Migrate(ctx context.Context, pool *pgxpool.Pool, table string) error {
	table, err := checkTable(table)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "hookflow.dev/pgruns/"+table); err != nil {
			return err
		}
		for _, stmt := range ddl(table) {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return classify("migrate run table "+table, err)
	}
	return nil
}

package pgruns

import (
	"strconv"

	"github.com/jackc/pgx/v5"
)

// queries are the statements of one table.
type queries struct {
	insert, get, pending, update, abandon, prune string
}

func queriesOf(table string) queries {
	t := pgx.Identifier{table}.Sanitize()
	return queries{
		insert: `INSERT INTO ` + t + ` (namespace, name, workflow, workflow_uid, phase, idempotency_key, request_hash,
				received_at, created_at, lease_until, keep_until, successful_runs_limit, failed_runs_limit, version, run)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14)
			ON CONFLICT (namespace, name) DO NOTHING`,
		get: `SELECT ` + columns + ` FROM ` + t + ` WHERE namespace = $1 AND name = $2`,
		pending: `SELECT ` + columns + ` FROM ` + t + `
			WHERE phase IN ` + pendingPhases + ` AND lease_until < $1 AND ($2 = '' OR namespace = $2)`,
		// The update and, from the statement's snapshot, whether the run
		// exists: no new version and a run is a Conflict, no run a
		// NotFound.
		update: `WITH updated AS (
				UPDATE ` + t + ` SET phase = $3, lease_until = $4, keep_until = $5, run = $6, version = version + 1
				WHERE namespace = $1 AND name = $2 AND version = $7
				RETURNING version)
			SELECT (SELECT version FROM updated), EXISTS (SELECT 1 FROM ` + t + ` WHERE namespace = $1 AND name = $2)`,
		abandon: `DELETE FROM ` + t + ` WHERE namespace = $1 AND name = $2 AND version = $3`,
		prune:   pruneQuery(t),
	}
}

func formatVersion(v int64) string { return strconv.FormatInt(v, 10) }

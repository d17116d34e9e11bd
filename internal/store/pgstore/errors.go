package pgstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/pgerr"
)

// SQLSTATE codes the store tells apart.
const (
	codeUniqueViolation = "23505"
	codeUndefinedTable  = "42P01"
	codeUndefinedColumn = "42703"
)

// errClosed is the answer of a store that was closed.
var errClosed = errors.New("the Postgres record store is closed")

// classify wraps err with op, marking with store.ErrUnavailable what a
// later retry may not meet: the server unreachable, shutting down, out of
// connections or read-only; a timeout; and a table or column that the
// migration has not made yet (naming table). pgx's errors never carry the
// connection string (a connection error names the user, database and
// address, never the password), so err is kept for errors.As.
func classify(op, table string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case codeUndefinedTable:
			return fmt.Errorf("%s: %w: table %s does not exist: its Worksheet is not migrated yet", op, store.ErrUnavailable, table)
		case codeUndefinedColumn:
			return fmt.Errorf("%s: %w: table %s lacks a column of its Worksheet, which is not migrated yet: %s", op, store.ErrUnavailable, table, pgErr.Message)
		}
	}
	if unavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unavailable tells whether err comes from the server being out of reach
// or unable to serve, or from a closed store, rather than from what was
// asked of it.
func unavailable(err error) bool {
	return pgerr.Unavailable(err) || errors.Is(err, errClosed)
}

// serverDown tells whether err comes from the server being out of reach,
// shutting down, starting, read-only or out of connections: then no
// statement can succeed now, whatever it is.
func serverDown(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03",
			pgErr.Code == "53300", pgErr.Code == "25006", strings.HasPrefix(pgErr.Code, "08"):
			return true
		}
		return false
	}
	return connectionLost(err)
}

// connectionLost tells whether err is a failure to reach the server or to
// keep talking to it: the pool's connections may all be stale.
func connectionLost(err error) bool {
	return pgerr.ConnectionLost(err) || errors.Is(err, errClosed)
}

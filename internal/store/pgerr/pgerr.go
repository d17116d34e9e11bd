// Package pgerr tells apart the PostgreSQL errors that a later retry may
// not meet (the server out of reach, shutting down, out of connections)
// from those that come from what was asked. Both PostgreSQL stores
// classify their errors with it, so that they report store.ErrUnavailable
// alike.
package pgerr

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// unavailableCodes are the SQLSTATE codes of a server that cannot serve
// now but may later: shut down or starting (57P01-57P03), a cancelled
// statement (57014), read-only or in recovery (25006), and a transaction
// that lost a serialization or deadlock race (40001, 40P01). Classes 08
// (connection) and 53 (resources, such as too many connections) count
// whole.
var unavailableCodes = map[string]bool{
	"57P01": true, "57P02": true, "57P03": true, "57014": true,
	"25006": true, "40001": true, "40P01": true,
}

// Unavailable tells whether err comes from the server being out of reach
// or unable to serve, rather than from what was asked of it.
func Unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableCodes[pgErr.Code] || strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53")
	}
	return ConnectionLost(err)
}

// ConnectionLost tells whether err is a failure to reach the server or to
// keep talking to it (including the server ending the connection as it
// shuts down: 57P01-57P03), or a deadline passed: a pool's connections may
// all be stale.
func ConnectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "57P0") || strings.HasPrefix(pgErr.Code, "08")
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) ||
		errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, puddle.ErrClosedPool) ||
		pgconn.Timeout(err) ||
		pgconn.SafeToRetry(err)
}

package pgerr

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailableClassifiesServerErrors(t *testing.T) {
	for code, want := range map[string]bool{
		"08006": true,  // connection failure
		"57P01": true,  // admin shutdown
		"57P03": true,  // cannot connect now
		"53300": true,  // too many connections
		"57014": true,  // statement timeout
		"25006": true,  // read-only transaction
		"40001": true,  // serialization failure
		"23505": false, // unique violation
		"42P01": false, // undefined table
		"22P02": false, // invalid text representation
	} {
		err := fmt.Errorf("query: %w", &pgconn.PgError{Code: code})
		if got := Unavailable(err); got != want {
			t.Errorf("Unavailable(%s) = %v, want %v", code, got, want)
		}
	}
	for _, err := range []error{context.DeadlineExceeded, fmt.Errorf("dial: %w", syscall.ECONNREFUSED)} {
		if !Unavailable(err) {
			t.Errorf("Unavailable(%v) = false, want true", err)
		}
	}
	if Unavailable(errors.New("decode run: bad json")) {
		t.Error("an error of our own is unavailable")
	}
}

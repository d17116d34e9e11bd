package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/internal/store"
)

// Defaults of Options.
const (
	defaultMaxBatch      = 128
	defaultMaxWait       = time.Millisecond
	defaultCommitters    = 4
	defaultCommitTimeout = 10 * time.Second
)

// Options tune the group commit of creates.
type Options struct {
	// MaxBatch is the most records one transaction inserts; 128 when zero.
	MaxBatch int
	// MaxWait is how long a free committer waits for more records while
	// another commit is in flight; 1ms when zero, no wait when negative.
	MaxWait time.Duration
	// Committers is the number of transactions in flight at once per
	// connection string; 4 when zero.
	Committers int
	// CommitTimeout bounds a batch's transaction, which the callers'
	// contexts do not: a write, once started, is finished or abandoned by
	// the store, never by a caller hanging up. 10s when zero.
	CommitTimeout time.Duration
	// Log receives debug messages (never a connection string).
	Log logr.Logger
}

// CommitStats count the transactions of the group commit.
type CommitStats struct {
	// Batches is the number of transactions committed.
	Batches int64
	// Records is the number of inserts they held.
	Records int64
}

// Records is a store.RecordStore for the records of Worksheets kept in
// PostgreSQL, whose store.Record.Table and store.Update.Table are set.
// Close stops it.
type Records struct {
	pools *Pools
	opts  Options
	stats commitStats

	mu         sync.Mutex
	committers map[*pgxpool.Pool]*groupCommitter
	closed     bool
}

var _ store.RecordStore = (*Records)(nil)

// NewRecords returns a record store on the pools.
func NewRecords(pools *Pools, opts Options) *Records {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = defaultMaxBatch
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = defaultMaxWait
	}
	if opts.Committers <= 0 {
		opts.Committers = defaultCommitters
	}
	if opts.CommitTimeout <= 0 {
		opts.CommitTimeout = defaultCommitTimeout
	}
	if opts.Log.GetSink() == nil {
		opts.Log = logr.Discard()
	}
	return &Records{pools: pools, opts: opts, committers: map[*pgxpool.Pool]*groupCommitter{}}
}

// Close stops the group committers, after their current batch; the pools
// stay open (they belong to the caller).
func (s *Records) Close() {
	s.mu.Lock()
	s.closed = true
	committers := s.committers
	s.committers = map[*pgxpool.Pool]*groupCommitter{}
	s.mu.Unlock()
	for _, g := range committers {
		g.close()
	}
}

// CommitStats returns the counts of the group commit so far.
func (s *Records) CommitStats() CommitStats {
	return CommitStats{Batches: s.stats.batches.Load(), Records: s.stats.records.Load()}
}

// CreateRecord inserts r into its table together with the other creates
// waiting for the same connection string (group commit), and returns its
// id once the batch committed. The id derives from the write key: a retry
// of the same write finds the record and returns its id, writing nothing.
// Another record holding the unique value is store.ErrDuplicate.
func (s *Records) CreateRecord(ctx context.Context, r store.Record) (string, error) {
	if r.Table == nil {
		return "", fmt.Errorf("create record: Worksheet %s/%s: %w", r.Namespace, r.Worksheet, errNoTable)
	}
	t := r.Table
	args, err := columnArgs(t.Fields, r.Values)
	if err != nil {
		return "", err
	}
	id := RecordID(r.Namespace, r.Worksheet, r.WriteKey)
	pool, err := s.pools.Get(t.Connection)
	if err != nil {
		return "", classify("create record", t.Name, err)
	}
	g, err := s.committer(pool)
	if err != nil {
		return "", classify("create record", t.Name, err)
	}
	writeKey := nullable(r.WriteKey)
	req := &insertRequest{
		table:  t.Name,
		order:  r.UniqueKey + "\x00" + id,
		sql:    insertSQL(t.Name, t.Fields),
		args:   append([]any{id, writeKey, writeKey, nullable(r.CreatedBy.Workflow), nullable(r.CreatedBy.Run)}, args...),
		fields: t.Fields,
	}
	inserted, err := g.insert(ctx, req)
	switch {
	case err != nil:
		return "", classify("create record", t.Name, err)
	case inserted:
		return id, nil
	}
	return s.resolveConflict(ctx, pool, r, id)
}

// resolveConflict tells apart, for a record that was not inserted, an
// earlier attempt of the same write (its id is taken: return it) from
// another record holding the unique value.
func (s *Records) resolveConflict(ctx context.Context, pool *pgxpool.Pool, r store.Record, id string) (string, error) {
	var exists bool
	sql := "SELECT EXISTS (SELECT 1 FROM " + quote(r.Table.Name) + " WHERE " + quote(colID) + " = $1)"
	if err := pool.QueryRow(ctx, sql, id).Scan(&exists); err != nil {
		return "", classify("create record", r.Table.Name, err)
	}
	if exists {
		return id, nil
	}
	field := r.UniqueField
	if field == "" {
		field = "record"
	}
	return "", fmt.Errorf("%s: %w", field, store.ErrDuplicate)
}

// committer returns the group committer of pool, starting it on first use.
func (s *Records) committer(pool *pgxpool.Pool) (*groupCommitter, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	g, ok := s.committers[pool]
	if !ok {
		g = newGroupCommitter(pool, s.opts, &s.stats)
		s.committers[pool] = g
	}
	return g, nil
}

// RecordID is the id of the record that a write creates: the Worksheet's
// name and 16 hex digits of the SHA-256 of its namespace, name and the
// write key, so that a retried write finds its record. A write without a
// key gets a random id.
func RecordID(namespace, worksheet, writeKey string) string {
	if writeKey == "" {
		return worksheet + "-" + hex.EncodeToString(uuidBytes())[:16]
	}
	sum := sha256.Sum256([]byte(namespace + "/" + worksheet + "\x00" + writeKey))
	return worksheet + "-" + hex.EncodeToString(sum[:])[:16]
}

func uuidBytes() []byte {
	u := uuid.New()
	return u[:]
}

// nullable is NULL for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// errNoTable is the error of a write whose Worksheet is not kept in
// PostgreSQL.
var errNoTable = errors.New("the Worksheet is not kept in PostgreSQL")

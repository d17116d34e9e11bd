package pgstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// insertRequest is a record waiting for its batch.
type insertRequest struct {
	ctx   context.Context
	table string
	// order sorts the batch: by table, then unique key, then id, so that
	// two batches take their locks in the same order and never deadlock.
	order string
	sql   string
	args  []any
	// fields are the Worksheet's, for insertManySQL.
	fields []v1alpha1.WorksheetField
	answer chan insertAnswer // buffered: the committer never waits on it
}

// insertAnswer tells whether the record was inserted, once its batch
// committed: not inserted means that its id or its unique value was
// already taken.
type insertAnswer struct {
	inserted bool
	err      error
}

// groupCommitter inserts the records of one pool, a batch per
// transaction. Each of its committers takes the waiting requests as soon
// as it is free (up to MaxBatch); when another commit is in flight it
// waits up to MaxWait for more, as the database is busy anyway. A request
// is answered only after COMMIT returned.
type groupCommitter struct {
	pool  *pgxpool.Pool
	opts  Options
	log   logr.Logger
	stats *commitStats

	queue    chan *insertRequest
	inFlight atomic.Int32
	stop     chan struct{} // closed by close: committers finish their batch and drain the queue
	stopped  chan struct{} // closed once every committer has returned
	wg       sync.WaitGroup
}

// commitStats count the transactions of the group committers.
type commitStats struct {
	batches atomic.Int64
	records atomic.Int64
}

func newGroupCommitter(pool *pgxpool.Pool, opts Options, stats *commitStats) *groupCommitter {
	g := &groupCommitter{
		pool:    pool,
		opts:    opts,
		log:     opts.Log,
		stats:   stats,
		queue:   make(chan *insertRequest, opts.MaxBatch*opts.Committers),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	g.wg.Add(opts.Committers)
	for range opts.Committers {
		go g.run()
	}
	go func() {
		g.wg.Wait()
		close(g.stopped)
	}()
	return g
}

// insert queues r and waits for its batch to commit. When ctx ends first,
// the insert may still commit: a retry with the same write key finds it.
func (g *groupCommitter) insert(ctx context.Context, r *insertRequest) (bool, error) {
	r.ctx = ctx
	r.answer = make(chan insertAnswer, 1)
	select {
	case g.queue <- r:
	case <-ctx.Done():
		return false, ctx.Err()
	case <-g.stop:
		return false, errClosed
	}
	select {
	case a := <-r.answer:
		return a.inserted, a.err
	case <-ctx.Done():
		return false, ctx.Err()
	case <-g.stopped:
		return false, errClosed
	}
}

// close stops the committers after their current batch and answers the
// requests still queued.
func (g *groupCommitter) close() {
	close(g.stop)
	<-g.stopped
}

func (g *groupCommitter) run() {
	defer g.wg.Done()
	for {
		select {
		case first := <-g.queue:
			g.commit(g.collect(first))
		case <-g.stop:
			for {
				select {
				case r := <-g.queue:
					r.answer <- insertAnswer{err: errClosed}
				default:
					return
				}
			}
		}
	}
}

// collect gathers a batch starting with first.
func (g *groupCommitter) collect(first *insertRequest) []*insertRequest {
	batch := []*insertRequest{first}
drain:
	for len(batch) < g.opts.MaxBatch {
		select {
		case r := <-g.queue:
			batch = append(batch, r)
		default:
			break drain
		}
	}
	if len(batch) == g.opts.MaxBatch || g.opts.MaxWait <= 0 || g.inFlight.Load() == 0 {
		return batch
	}
	timer := time.NewTimer(g.opts.MaxWait)
	defer timer.Stop()
	for len(batch) < g.opts.MaxBatch {
		select {
		case r := <-g.queue:
			batch = append(batch, r)
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// commit inserts the live requests of batch in one transaction and
// answers them. When the server is down, all fail alike; when the batch
// fails for another reason (one Worksheet's table is missing a column,
// say), each request is tried alone, so that one broken Worksheet does
// not fail the others.
func (g *groupCommitter) commit(batch []*insertRequest) {
	live := make([]*insertRequest, 0, len(batch))
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.answer <- insertAnswer{err: err}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	slices.SortFunc(live, func(a, b *insertRequest) int {
		return cmp.Or(cmp.Compare(a.table, b.table), cmp.Compare(a.order, b.order))
	})
	g.inFlight.Add(1)
	defer g.inFlight.Add(-1)

	inserted, err := g.insertBatch(live)
	switch {
	case err == nil:
		for i, r := range live {
			r.answer <- insertAnswer{inserted: inserted[i]}
		}
	case serverDown(err) || len(live) == 1:
		if connectionLost(err) {
			// Idle connections may be stale too: open new ones next time.
			g.pool.Reset()
		}
		for _, r := range live {
			r.answer <- insertAnswer{err: err}
		}
	default:
		g.log.V(1).Info("Batch of records failed, inserting them one by one", "records", len(live), "error", err.Error())
		for _, r := range live {
			ok, err := g.insertBatch([]*insertRequest{r})
			if err != nil {
				r.answer <- insertAnswer{err: err}
				continue
			}
			r.answer <- insertAnswer{inserted: ok[0]}
		}
	}
}

// insertBatch sends the inserts in one pipeline, which PostgreSQL runs as
// one implicit transaction committed at its end (the Sync message): when
// it returns without error, every row it reports inserted is committed,
// and when one statement fails, none is. The records of one table go in
// one statement (insertManySQL); a lone record, in its own.
func (g *groupCommitter) insertBatch(reqs []*insertRequest) ([]bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), g.opts.CommitTimeout)
	defer cancel()
	b := &pgx.Batch{}
	var runs [][]*insertRequest
	for i := 0; i < len(reqs); {
		j := i + 1
		for j < len(reqs) && reqs[j].sql == reqs[i].sql {
			j++
		}
		if sql, args, ok := manyInsert(reqs[i:j]); ok {
			b.Queue(sql, args...)
			runs = append(runs, reqs[i:j])
		} else {
			for _, r := range reqs[i:j] {
				b.Queue(r.sql, r.args...)
				runs = append(runs, []*insertRequest{r})
			}
		}
		i = j
	}
	br := g.pool.SendBatch(ctx, b)
	inserted := make([]bool, 0, len(reqs))
	var err error
	for _, run := range runs {
		var ids map[string]bool
		if ids, err = insertedIDs(br); err != nil {
			break
		}
		for _, r := range run {
			// The first request of an id inserted it; a second one with
			// the same id (a retry racing its first attempt) did not.
			id := r.args[0].(string)
			inserted = append(inserted, ids[id])
			delete(ids, id)
		}
	}
	if closeErr := br.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, err
	}
	g.stats.batches.Add(1)
	g.stats.records.Add(int64(len(reqs)))
	return inserted, nil
}

// insertedIDs reads the ids returned by the next statement of br.
func insertedIDs(br pgx.BatchResults) (map[string]bool, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids[id] = true
	}
	rows.Close()
	return ids, rows.Err()
}

// manyInsert is the statement and arguments that insert the records of
// reqs (same table, same fields) at once: one text array per column; ok
// is false for a single record, or a value without a text form here.
func manyInsert(reqs []*insertRequest) (sql string, args []any, ok bool) {
	if len(reqs) < 2 {
		return "", nil, false
	}
	sql, err := insertManySQL(reqs[0].table, reqs[0].fields)
	if err != nil {
		return "", nil, false
	}
	columns := len(reqs[0].args)
	args = make([]any, columns)
	for c := range columns {
		column := make([]*string, len(reqs))
		for i, r := range reqs {
			if column[i], ok = textOf(r.args[c]); !ok {
				return "", nil, false
			}
		}
		args[c] = column
	}
	return sql, args, true
}

// textOf is the text form of a column value, which PostgreSQL casts back
// to the column's type: nil for NULL.
func textOf(v any) (*string, bool) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		s = x
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64) // the shortest form that reads back as x
	case bool:
		s = strconv.FormatBool(x)
	case time.Time:
		s = x.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
	default:
		return nil, false
	}
	return &s, true
}

package runhistory

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Writer creates WorkflowRuns: the Recorder's only I/O.
type Writer interface {
	// Create writes a run. An AlreadyExists error means it was written
	// before, which is fine.
	Create(ctx context.Context, run *v1alpha1.WorkflowRun) error
}

// Defaults of Options.
const (
	DefaultFlushInterval      = 5 * time.Second
	DefaultFailedPerSecond    = 10
	DefaultFailedBurst        = 50
	DefaultMaxRunsPerWorkflow = 100
	DefaultWorkers            = 4
	DefaultWriteTimeout       = 10 * time.Second
	DefaultShutdownTimeout    = 10 * time.Second
	DefaultDrainTimeout       = 60 * time.Second
)

// Options configure a Recorder. Zero values take the defaults.
type Options struct {
	// FlushInterval is how often the runs held are written.
	FlushInterval time.Duration
	// FailedPerSecond and FailedBurst are the token bucket of failed runs on
	// this replica: failed runs over it are dropped and counted.
	FailedPerSecond float64
	FailedBurst     int
	// MaxRunsPerWorkflow bounds, for each outcome, the runs of one Workflow
	// held and written per flush, whatever its history limits (up to 10,000).
	MaxRunsPerWorkflow int
	// Workers is the number of creates in flight during a flush.
	Workers int
	// WriteTimeout bounds each create.
	WriteTimeout time.Duration
	// ShutdownTimeout bounds the last flush, once the context is done.
	ShutdownTimeout time.Duration
	// Drained, when set, is closed once no more runs will be recorded (the
	// server has finished its in-flight requests): on shutdown the
	// Recorder waits for it, up to DrainTimeout, before its last flush.
	Drained      <-chan struct{}
	DrainTimeout time.Duration
	// Clock is the time source; the real clock when nil.
	Clock clock.WithTicker
	// Log receives a line per flush that dropped or could not write runs.
	Log logr.Logger
}

// Stats count what a Recorder did since it was built.
type Stats struct {
	// Recorded runs were kept in memory to be written.
	Recorded uint64
	// Written runs were created (or found already created).
	Written uint64
	// Superseded runs were replaced in memory by newer runs of the same
	// Workflow and outcome before they were written: beyond the history
	// limit, the pruner would have deleted them.
	Superseded uint64
	// Dropped failed runs came over the token bucket.
	Dropped uint64
	// Refused runs were refused by the API server for good (invalid, or
	// their namespace is gone) and are not kept.
	Refused uint64
	// WriteErrors counts the creates that failed and were kept for the next
	// flush.
	WriteErrors uint64
	// Flushes done.
	Flushes uint64
	// Pending runs are held, not yet written.
	Pending int
}

// Recorder keeps the runs of one server replica and writes them as
// WorkflowRuns on its own goroutine. Record is O(1) and does no I/O; every
// FlushInterval, the runs held are written: for each Workflow at most its
// successfulRunsLimit latest successful runs and failedRunsLimit latest
// failed ones (each capped by MaxRunsPerWorkflow). A burst of 1,000
// successful requests to a Workflow with the default limit thus costs at
// most 10 creates per flush. Failed runs also pass a token bucket.
//
// A Recorder is a controller-runtime Runnable that every replica runs. A
// nil *Recorder records nothing.
type Recorder struct {
	opts   Options
	writer Writer
	bucket *rate.Limiter

	mu      sync.Mutex
	pending map[workflowKey]*workflowRuns

	flushMu       sync.Mutex // one flush at a time
	droppedLogged uint64     // guarded by flushMu

	recorded, written, superseded, dropped, refused, writeErrors, flushes atomic.Uint64
}

type workflowKey struct {
	namespace, name string
	uid             types.UID
}

// workflowRuns are the runs of one Workflow not yet written, newest last.
type workflowRuns struct {
	succeeded, failed *ring
}

// NewRecorder builds a Recorder that writes through w.
func NewRecorder(w Writer, opts Options) *Recorder {
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultFlushInterval
	}
	if opts.FailedPerSecond <= 0 {
		opts.FailedPerSecond = DefaultFailedPerSecond
	}
	if opts.FailedBurst <= 0 {
		opts.FailedBurst = DefaultFailedBurst
	}
	if opts.MaxRunsPerWorkflow <= 0 {
		opts.MaxRunsPerWorkflow = DefaultMaxRunsPerWorkflow
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = DefaultShutdownTimeout
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = DefaultDrainTimeout
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	return &Recorder{
		opts:    opts,
		writer:  w,
		bucket:  rate.NewLimiter(rate.Limit(opts.FailedPerSecond), opts.FailedBurst),
		pending: map[workflowKey]*workflowRuns{},
	}
}

// Record keeps a finished run to be written at the next flush, within the
// Workflow's limits. It never blocks on I/O.
func (r *Recorder) Record(run *v1alpha1.WorkflowRun, limits Limits) {
	if r == nil || run == nil {
		return
	}
	failed := run.Status.Phase == v1alpha1.RunFailed
	limit := limits.Successful
	if failed {
		limit = limits.Failed
	}
	limit = min(limit, r.opts.MaxRunsPerWorkflow)
	if limit <= 0 {
		return // nothing of this outcome is kept
	}
	if failed && !r.bucket.AllowN(r.opts.Clock.Now(), 1) {
		r.dropped.Add(1)
		return
	}
	key := keyOf(run)
	r.mu.Lock()
	defer r.mu.Unlock()
	wr := r.pending[key]
	if wr == nil {
		wr = &workflowRuns{}
		r.pending[key] = wr
	}
	rg := r.ringOf(wr, failed, limit)
	if rg.push(run) {
		r.superseded.Add(1)
	}
	r.recorded.Add(1)
}

// ringOf returns the ring of one outcome of wr, of the given capacity.
// Callers hold r.mu.
func (r *Recorder) ringOf(wr *workflowRuns, failed bool, capacity int) *ring {
	rp := &wr.succeeded
	if failed {
		rp = &wr.failed
	}
	switch {
	case *rp == nil:
		*rp = newRing(capacity)
	case (*rp).cap() != capacity:
		var lost int
		*rp, lost = (*rp).resized(capacity)
		r.superseded.Add(uint64(lost))
	}
	return *rp
}

func keyOf(run *v1alpha1.WorkflowRun) workflowKey {
	k := workflowKey{namespace: run.Namespace, name: run.Spec.Workflow}
	if len(run.OwnerReferences) > 0 {
		k.uid = run.OwnerReferences[0].UID
	}
	return k
}

// Stats returns the counters of the Recorder.
func (r *Recorder) Stats() Stats {
	if r == nil {
		return Stats{}
	}
	s := Stats{
		Recorded:    r.recorded.Load(),
		Written:     r.written.Load(),
		Superseded:  r.superseded.Load(),
		Dropped:     r.dropped.Load(),
		Refused:     r.refused.Load(),
		WriteErrors: r.writeErrors.Load(),
		Flushes:     r.flushes.Load(),
	}
	r.mu.Lock()
	for _, wr := range r.pending {
		for _, rg := range []*ring{wr.succeeded, wr.failed} {
			if rg != nil {
				s.Pending += rg.len()
			}
		}
	}
	r.mu.Unlock()
	return s
}

// Dropped is the number of failed runs dropped over the token bucket.
func (r *Recorder) Dropped() uint64 {
	if r == nil {
		return 0
	}
	return r.dropped.Load()
}

// NeedLeaderElection is false: every replica writes its own runs.
func (r *Recorder) NeedLeaderElection() bool { return false }

// Start flushes every FlushInterval until ctx is done; then it waits for
// Drained (if set, up to DrainTimeout, still flushing) and flushes once
// more, bounded by ShutdownTimeout.
func (r *Recorder) Start(ctx context.Context) error {
	ticker := r.opts.Clock.NewTicker(r.opts.FlushInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C():
			r.Flush(ctx)
			continue
		case <-ctx.Done():
		}
		break
	}
	if r.opts.Drained != nil {
		timeout := r.opts.Clock.After(r.opts.DrainTimeout)
	drain:
		for {
			select {
			case <-r.opts.Drained:
				break drain
			case <-timeout:
				r.opts.Log.Info("Server not drained in time, writing the runs held", "timeout", r.opts.DrainTimeout)
				break drain
			case <-ticker.C():
				r.flushWithin(r.opts.ShutdownTimeout)
			}
		}
	}
	r.flushWithin(r.opts.ShutdownTimeout)
	if n := r.Stats().Pending; n > 0 {
		r.opts.Log.Info("Runs not written at shutdown", "runs", n)
	}
	return nil
}

func (r *Recorder) flushWithin(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r.Flush(ctx)
}

// pendingRun is a run taken for a flush.
type pendingRun struct {
	key      workflowKey
	failed   bool
	capacity int
	run      *v1alpha1.WorkflowRun
}

// Flush writes the runs held. Runs whose create fails for a reason that may
// pass (API server unreachable, throttled, not yet authorized) are held
// again for the next flush, within the same bounds; once the API server
// looks unreachable, the flush stops calling it.
func (r *Recorder) Flush(ctx context.Context) {
	if r == nil {
		return
	}
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	defer r.flushes.Add(1)

	if total := r.dropped.Load(); total > r.droppedLogged {
		r.opts.Log.Info("Failed runs dropped over the rate limit", "dropped", total-r.droppedLogged, "total", total,
			"perSecond", r.opts.FailedPerSecond, "burst", r.opts.FailedBurst)
		r.droppedLogged = total
	}
	batch := r.take()
	if len(batch) == 0 {
		return
	}
	retry := r.write(ctx, batch)
	r.requeue(retry)
}

// take empties the rings, oldest first within each.
func (r *Recorder) take() []pendingRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	var batch []pendingRun
	for key, wr := range r.pending {
		for _, failed := range []bool{false, true} {
			rg := wr.succeeded
			if failed {
				rg = wr.failed
			}
			if rg == nil {
				continue
			}
			for _, run := range rg.drain() {
				batch = append(batch, pendingRun{key: key, failed: failed, capacity: rg.cap(), run: run})
			}
		}
		// Gone from the map until its next run: a deleted Workflow leaves
		// nothing behind.
		delete(r.pending, key)
	}
	return batch
}

// outcome of one create.
type outcome int

const (
	outcomeWritten outcome = iota
	outcomeRefused
	outcomeRetry
)

// write creates the runs of batch with a few workers and returns those to
// try again.
func (r *Recorder) write(ctx context.Context, batch []pendingRun) []pendingRun {
	outcomes := make([]outcome, len(batch))
	errs := make([]error, len(batch))
	var unreachable atomic.Bool
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(r.opts.Workers, len(batch)) {
		wg.Go(func() {
			for i := range jobs {
				if unreachable.Load() || ctx.Err() != nil {
					outcomes[i] = outcomeRetry
					continue
				}
				outcomes[i], errs[i] = r.create(ctx, batch[i].run)
				if errs[i] != nil && outcomes[i] == outcomeRetry && isUnreachable(errs[i]) {
					unreachable.Store(true)
				}
			}
		})
	}
	for i := range batch {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var retry []pendingRun
	var refused, failed int
	var refusedErr, failedErr error
	for i, o := range outcomes {
		switch o {
		case outcomeWritten:
			r.written.Add(1)
		case outcomeRefused:
			refused++
			refusedErr = errs[i]
		case outcomeRetry:
			retry = append(retry, batch[i])
			if errs[i] != nil {
				failed++
				failedErr = errs[i]
			}
		}
	}
	r.refused.Add(uint64(refused))
	r.writeErrors.Add(uint64(failed))
	if refused > 0 {
		r.opts.Log.Info("Runs refused by the API server, not kept", "runs", refused, "error", refusedErr.Error())
	}
	if failed > 0 {
		r.opts.Log.Info("Runs not written, kept for the next flush", "runs", len(retry), "errors", failed, "error", failedErr.Error())
	}
	return retry
}

func (r *Recorder) create(ctx context.Context, run *v1alpha1.WorkflowRun) (outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, r.opts.WriteTimeout)
	defer cancel()
	err := r.writer.Create(ctx, run)
	switch {
	case err == nil, apierrors.IsAlreadyExists(err):
		return outcomeWritten, nil
	case isRefused(err):
		return outcomeRefused, err
	default:
		return outcomeRetry, err
	}
}

// requeue holds again the runs of a flush that were not written. They are
// older than any run recorded since the flush began: they go in front, if
// there is still room for them.
func (r *Recorder) requeue(retry []pendingRun) {
	if len(retry) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(retry) - 1; i >= 0; i-- {
		p := retry[i]
		wr := r.pending[p.key]
		if wr == nil {
			wr = &workflowRuns{}
			r.pending[p.key] = wr
		}
		rp := &wr.succeeded
		if p.failed {
			rp = &wr.failed
		}
		if *rp == nil {
			*rp = newRing(p.capacity)
		}
		if !(*rp).pushOldest(p.run) {
			r.superseded.Add(1)
		}
	}
}

// isRefused tells whether the API server refused a run for good: invalid,
// or its namespace is gone or going.
func isRefused(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) || apierrors.IsNotFound(err) ||
		apierrors.IsRequestEntityTooLargeError(err) || apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause)
}

// isUnreachable tells whether a create failed because the API server could
// not take it (down, overloaded, timing out): the other creates of the
// flush would fail the same way.
func isUnreachable(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return true // transport error, or the flush's context is done
	}
	return apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err) || apierrors.IsUnexpectedServerError(err)
}

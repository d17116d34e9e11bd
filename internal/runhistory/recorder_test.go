package runhistory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runner"
)

var runsResource = schema.GroupResource{Group: "hookflow.dev", Resource: "workflowruns"}

// fakeWriter records the creates it is asked for; fail decides the error of
// each (nil: written).
type fakeWriter struct {
	mu      sync.Mutex
	created []string
	calls   int
	fail    func(run *v1alpha1.WorkflowRun) error
}

func (w *fakeWriter) Create(_ context.Context, run *v1alpha1.WorkflowRun) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	if w.fail != nil {
		if err := w.fail(run); err != nil {
			return err
		}
	}
	w.created = append(w.created, run.Name)
	return nil
}

func (w *fakeWriter) setFail(f func(*v1alpha1.WorkflowRun) error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fail = f
}

// take returns and forgets what was created and how many calls were made.
func (w *fakeWriter) take() (created []string, calls int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	created, calls = w.created, w.calls
	w.created, w.calls = nil, 0
	return created, calls
}

// logLines collects the log lines of a Recorder.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, args)
	}, funcr.Options{})
}

func (l *logLines) matching(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

func newRun(workflow string, i int, phase v1alpha1.RunPhase) *v1alpha1.WorkflowRun {
	res := runner.Result{Steps: []runner.StepResult{{Name: "save", Phase: phase}}}
	if phase == v1alpha1.RunFailed {
		res.Err = errors.New("step save: duplicate")
	}
	return NewRun(Run{
		ID: fmt.Sprintf("%s-%05d", workflow, i), Namespace: "shop", Workflow: workflow, WorkflowUID: types.UID("uid-" + workflow),
		Result: res, StatusCode: 200,
	})
}

func names(workflow string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s-%05d", workflow, i))
	}
	return out
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

var defaults = Limits{Successful: DefaultSuccessfulRunsLimit, Failed: DefaultFailedRunsLimit}

func TestBurstOfSuccessfulRunsCostsTheLimitPerFlush(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{Clock: testingclock.NewFakeClock(time.Now())})
	for i := range 1000 {
		r.Record(newRun("orders", i, v1alpha1.RunSucceeded), defaults)
	}
	r.Flush(context.Background())
	created, calls := w.take()
	if calls != 10 {
		t.Errorf("1,000 successful runs: %d creates in the flush, want the limit, 10", calls)
	}
	if want := names("orders", 990, 1000); !slices.Equal(sorted(created), want) {
		t.Errorf("written %v, want the latest %v", created, want)
	}
	st := r.Stats()
	if st.Written != 10 || st.Superseded != 990 || st.Pending != 0 || st.Flushes != 1 {
		t.Errorf("stats = %+v", st)
	}
	r.Flush(context.Background())
	if _, calls := w.take(); calls != 0 {
		t.Errorf("a flush with nothing new made %d creates", calls)
	}
}

func TestConcurrentRecordsAreBoundedPerWorkflow(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{})
	limits := Limits{Successful: 3, Failed: 2}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 250 {
				for _, wf := range []string{"a", "b"} {
					r.Record(newRun(wf, g*1000+i, v1alpha1.RunSucceeded), limits)
				}
			}
		})
	}
	// Flushes race with the records.
	for range 5 {
		r.Flush(context.Background())
		_, calls := w.take()
		if calls > 2*3 {
			t.Errorf("a flush made %d creates, want at most 2 Workflows × 3", calls)
		}
	}
	wg.Wait()
	// The records may all have come before the flushes above: this one
	// writes what is left, at most the limits (6 when nothing was left).
	r.Flush(context.Background())
	if _, calls := w.take(); calls > 2*3 {
		t.Errorf("last flush: %d creates, want at most 6", calls)
	}
	r.Flush(context.Background())
	if _, calls := w.take(); calls != 0 {
		t.Errorf("a flush with nothing recorded since the last one made %d creates", calls)
	}
	if st := r.Stats(); st.Recorded != 4000 || st.Written+st.Superseded != 4000 {
		t.Errorf("stats = %+v, want every run written or superseded", st)
	}
}

func TestFailedRunsOverTheBucketAreDroppedAndCounted(t *testing.T) {
	w := &fakeWriter{}
	clk := testingclock.NewFakeClock(time.Now())
	var logs logLines
	r := NewRecorder(w, Options{Clock: clk, Log: logs.logger(), MaxRunsPerWorkflow: 1000})
	limits := Limits{Successful: 10, Failed: 1000}
	for i := range 200 {
		r.Record(newRun("orders", i, v1alpha1.RunFailed), limits)
	}
	if got := r.Dropped(); got != 150 {
		t.Errorf("Dropped() = %d after 200 failures at once, want 150 (burst 50)", got)
	}
	r.Flush(context.Background())
	created, _ := w.take()
	if want := names("orders", 0, 50); !slices.Equal(sorted(created), want) {
		t.Errorf("written %d failed runs, want the 50 of the burst", len(created))
	}
	if lines := logs.matching("dropped"); len(lines) != 1 || !strings.Contains(lines[0], `"dropped"=150`) {
		t.Errorf("log lines about drops: %q, want one saying 150", lines)
	}

	// One second later the bucket holds 10 tokens again.
	clk.Step(time.Second)
	for i := 200; i < 230; i++ {
		r.Record(newRun("orders", i, v1alpha1.RunFailed), limits)
	}
	r.Flush(context.Background())
	if created, _ := w.take(); len(created) != 10 {
		t.Errorf("after 1s: %d failed runs written, want 10", len(created))
	}
	if got := r.Dropped(); got != 170 {
		t.Errorf("Dropped() = %d, want 170", got)
	}
	if lines := logs.matching("dropped"); len(lines) != 2 || !strings.Contains(lines[1], `"dropped"=20`) {
		t.Errorf("log lines about drops: %q, want a second one saying 20", lines)
	}
	// Successful runs do not take from the bucket.
	r.Record(newRun("orders", 999, v1alpha1.RunSucceeded), limits)
	if r.Stats().Pending != 1 {
		t.Error("a successful run was not kept while the failed runs' bucket was empty")
	}
}

func TestFailedRunsAreBoundedByTheFailedLimit(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{})
	for i := range 20 {
		r.Record(newRun("orders", i, v1alpha1.RunFailed), Limits{Successful: 10, Failed: 5})
	}
	r.Flush(context.Background())
	if created, _ := w.take(); !slices.Equal(sorted(created), names("orders", 15, 20)) {
		t.Errorf("written %v, want the latest 5", created)
	}
}

func TestUnreachableAPIServerKeepsRunsForTheNextFlush(t *testing.T) {
	w := &fakeWriter{}
	var logs logLines
	r := NewRecorder(w, Options{Log: logs.logger(), Workers: 1})
	down := func(*v1alpha1.WorkflowRun) error { return apierrors.NewServiceUnavailable("etcd down") }
	w.setFail(down)
	for i := range 5 {
		r.Record(newRun("orders", i, v1alpha1.RunSucceeded), defaults)
	}
	r.Flush(context.Background())
	if _, calls := w.take(); calls != 1 {
		t.Errorf("API server down: %d creates in the flush, want 1 (stop at the first)", calls)
	}
	if st := r.Stats(); st.Pending != 5 || st.WriteErrors != 1 {
		t.Errorf("stats = %+v, want the 5 runs held and 1 error", st)
	}
	if len(logs.matching("kept for the next flush")) != 1 {
		t.Errorf("no log line about runs kept: %q", logs.lines)
	}

	// Memory stays bounded while it is down: the latest 10 are held.
	for flush := range 20 {
		for i := range 100 {
			r.Record(newRun("orders", 100+flush*100+i, v1alpha1.RunSucceeded), defaults)
		}
		r.Flush(context.Background())
		if p := r.Stats().Pending; p > 10 {
			t.Fatalf("%d runs held while the API server is down, want at most 10", p)
		}
	}
	w.take()
	w.setFail(nil)
	r.Flush(context.Background())
	created, calls := w.take()
	if calls != 10 || !slices.Equal(sorted(created), names("orders", 2090, 2100)) {
		t.Errorf("after recovery: %d creates of %v, want the latest 10", calls, created)
	}
	if r.Stats().Pending != 0 {
		t.Errorf("runs still held: %+v", r.Stats())
	}
}

func TestRetriedRunsKeepTheirPlaceBehindNewerOnes(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{Workers: 1})
	limits := Limits{Successful: 4, Failed: 4}
	w.setFail(func(*v1alpha1.WorkflowRun) error { return errors.New("connection refused") })
	for i := range 3 {
		r.Record(newRun("orders", i, v1alpha1.RunSucceeded), limits)
	}
	r.Flush(context.Background()) // 0, 1, 2 held again
	r.Record(newRun("orders", 3, v1alpha1.RunSucceeded), limits)
	r.Record(newRun("orders", 4, v1alpha1.RunSucceeded), limits)
	// Held: 1, 2, 3, 4 (0 is the oldest and made room).
	w.setFail(nil)
	w.take()
	r.Flush(context.Background())
	if created, _ := w.take(); !slices.Equal(created, names("orders", 1, 5)) {
		t.Errorf("written %v, want runs 1 to 4 in order", created)
	}
}

func TestWriteOutcomes(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{Workers: 1})
	w.setFail(func(run *v1alpha1.WorkflowRun) error {
		switch run.Spec.Workflow {
		case "exists":
			return apierrors.NewAlreadyExists(runsResource, run.Name)
		case "invalid":
			return apierrors.NewInvalid(schema.GroupKind{Group: "hookflow.dev", Kind: "WorkflowRun"}, run.Name, nil)
		case "forbidden":
			return apierrors.NewForbidden(runsResource, run.Name, errors.New("no create"))
		}
		return nil
	})
	for _, wf := range []string{"exists", "invalid", "forbidden", "fine"} {
		r.Record(newRun(wf, 0, v1alpha1.RunSucceeded), defaults)
	}
	r.Flush(context.Background())
	created, calls := w.take()
	if calls != 4 || !slices.Equal(created, []string{"fine-00000"}) {
		t.Errorf("%d calls, created %v: a Forbidden run must not stop the flush", calls, created)
	}
	st := r.Stats()
	if st.Written != 2 || st.Refused != 1 || st.WriteErrors != 1 || st.Pending != 1 {
		t.Errorf("stats = %+v, want AlreadyExists written, Invalid refused, Forbidden held", st)
	}
}

func TestLimitsOfZeroKeepNothing(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{})
	r.Record(newRun("orders", 0, v1alpha1.RunSucceeded), Limits{Successful: 0, Failed: 1})
	r.Record(newRun("orders", 1, v1alpha1.RunFailed), Limits{Successful: 1, Failed: 0})
	if st := r.Stats(); st.Pending != 0 || st.Recorded != 0 {
		t.Errorf("stats = %+v, want nothing kept", st)
	}
}

func TestNilRecorder(t *testing.T) {
	var r *Recorder
	r.Record(newRun("orders", 0, v1alpha1.RunSucceeded), defaults)
	r.Flush(context.Background())
	if r.Dropped() != 0 || r.Stats() != (Stats{}) {
		t.Error("a nil Recorder counted something")
	}
}

func TestChangedLimitsResizeTheRing(t *testing.T) {
	w := &fakeWriter{}
	r := NewRecorder(w, Options{})
	for i := range 10 {
		r.Record(newRun("orders", i, v1alpha1.RunSucceeded), defaults)
	}
	r.Record(newRun("orders", 10, v1alpha1.RunSucceeded), Limits{Successful: 2, Failed: 1})
	r.Flush(context.Background())
	if created, _ := w.take(); !slices.Equal(sorted(created), names("orders", 9, 11)) {
		t.Errorf("written %v, want the latest 2", created)
	}
}

func TestStartFlushesEveryIntervalAndOnShutdown(t *testing.T) {
	w := &fakeWriter{}
	clk := testingclock.NewFakeClock(time.Now())
	drained := make(chan struct{})
	r := NewRecorder(w, Options{Clock: clk, FlushInterval: 5 * time.Second, Drained: drained})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Start(ctx) }()
	waitFor(t, "the ticker", clk.HasWaiters)

	for i := range 3 {
		r.Record(newRun("orders", i, v1alpha1.RunSucceeded), defaults)
	}
	clk.Step(4 * time.Second)
	time.Sleep(20 * time.Millisecond)
	if created, _ := w.take(); len(created) != 0 {
		t.Errorf("%d runs written before the interval", len(created))
	}
	clk.Step(time.Second)
	waitFor(t, "the first flush", func() bool { return r.Stats().Written == 3 })

	// On shutdown, runs recorded until the server is drained are written.
	r.Record(newRun("orders", 3, v1alpha1.RunSucceeded), defaults)
	cancel()
	time.Sleep(20 * time.Millisecond)
	r.Record(newRun("orders", 4, v1alpha1.RunSucceeded), defaults) // a request still in flight
	select {
	case <-done:
		t.Fatal("Start returned before the server was drained")
	default:
	}
	close(drained)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Start did not return after shutdown")
	}
	if st := r.Stats(); st.Written != 5 || st.Pending != 0 {
		t.Errorf("after shutdown: %+v, want all 5 written", st)
	}
}

func TestShutdownFlushIsBounded(t *testing.T) {
	blocked := make(chan struct{})
	w := writerFunc(func(ctx context.Context, _ *v1alpha1.WorkflowRun) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-blocked:
			return nil
		}
	})
	r := NewRecorder(w, Options{ShutdownTimeout: 100 * time.Millisecond, FlushInterval: time.Hour})
	r.Record(newRun("orders", 0, v1alpha1.RunSucceeded), defaults)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %v with a hanging API server, want about the 100ms bound", d)
	}
	if r.Stats().Pending != 1 {
		t.Errorf("stats = %+v, want the run still held", r.Stats())
	}
	close(blocked)
}

type writerFunc func(context.Context, *v1alpha1.WorkflowRun) error

func (f writerFunc) Create(ctx context.Context, run *v1alpha1.WorkflowRun) error { return f(ctx, run) }

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

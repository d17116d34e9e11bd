package fault

import (
	"context"
	"testing"
	"time"
)

// The tests of this file stop a store under load. TestAPIServerStoppedDuringLoad
// stops the control plane's API server that every test uses: it stays the
// last test of the package that uses the control plane (Go runs the tests
// in file order, then in declaration order).

// TestPostgresStoppedDuringLoad stops PostgreSQL for a while under a load of
// signed requests on a Workflow writing there: the answers turn 503 with
// Retry-After, never a 2xx without its row, and once PostgreSQL is back the
// server answers 2xx again by itself.
func TestPostgresStoppedDuringLoad(t *testing.T) {
	s := newSite(t)
	prefix := "pgstop"
	l := startLoad(s.url(pgStore), prefix)
	t.Cleanup(func() { l.stop() })
	loadFor(t, l, phaseBefore, loadTime)

	l.enter(phaseFault)
	if err := postgres.Pause(); err != nil {
		t.Fatalf("stop PostgreSQL: %v", err)
	}
	resumed := false
	resume := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := postgres.Resume(ctx); err != nil {
			t.Fatalf("start PostgreSQL again: %v", err)
		}
		resumed = true
	}
	t.Cleanup(func() {
		if !resumed {
			resume()
		}
	})
	time.Sleep(outageTime) // the outage's length, not an assertion
	resume()
	l.enter(phaseAfter)
	t.Logf("first 2xx %v after PostgreSQL was back", waitOK(t, l, phaseAfter, recoveryTimeout).Round(time.Millisecond))

	answers := l.stop()
	t.Log(summary(answers))
	checkOnlyOKOrUnavailable(t, answers, false)
	if checkUnavailable(t, answers, phaseFault) == 0 {
		t.Errorf("no 503 to a request sent while PostgreSQL was stopped")
	}
	records := s.records(t, pgStore, prefix)
	unanswered := checkEveryOKStored(t, answers, records)
	t.Logf("%d answered 2xx, %d rows; written but not answered 2xx: %s", oks(answers), len(records), summary(unanswered))
}

// TestAPIServerStoppedDuringLoad stops the API server for a while under a
// load of signed requests on a Workflow writing WorksheetRecords: the
// answers turn 503 with Retry-After (the routes are served from the
// cache), never a 2xx without its record, and once the API server is back
// the server process and the manager carry on by themselves. It must stay
// the package's last test.
func TestAPIServerStoppedDuringLoad(t *testing.T) {
	s := newSite(t)
	prefix := "apistop"
	l := startLoad(s.url(crStore), prefix)
	t.Cleanup(func() { l.stop() })
	loadFor(t, l, phaseBefore, loadTime)

	l.enter(phaseFault)
	stopped := time.Now()
	unclean, err := plane.stopAPIServer()
	if err != nil {
		t.Fatalf("%v", err)
	}
	if unclean != nil {
		t.Logf("API server not stopped within %v of SIGTERM, killed: %v", apiServerStopGrace, unclean)
	}
	t.Logf("API server down %v after it was told to stop", time.Since(stopped).Round(time.Millisecond))
	time.Sleep(outageTime) // the outage's length, not an assertion
	started := time.Now()
	if err := plane.startAPIServer(); err != nil {
		t.Fatalf("%v", err)
	}
	t.Logf("API server started again in %v", time.Since(started).Round(time.Millisecond))
	l.enter(phaseAfter)
	t.Logf("first 2xx %v after the API server was back", waitOK(t, l, phaseAfter, recoveryTimeout).Round(time.Millisecond))

	answers := l.stop()
	t.Log(summary(answers))
	checkOnlyOKOrUnavailable(t, answers, false)
	if checkUnavailable(t, answers, phaseFault) == 0 {
		t.Errorf("no 503 to a request sent while the API server was stopped")
	}
	records := s.records(t, crStore, prefix)
	unanswered := checkEveryOKStored(t, answers, records)
	t.Logf("%d answered 2xx, %d records; written but not answered 2xx: %s", oks(answers), len(records), summary(unanswered))
}

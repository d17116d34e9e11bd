package fault

import (
	"testing"
	"time"
)

// TestKillNineDuringSignedLoad kills the server process with SIGKILL under
// a load of signed requests and starts it again on the same port, the
// senders going on throughout (no answer while it is down is fine: not a
// 2xx). Every order answered 2xx has exactly one record, in both stores;
// an order written but not answered (killed before its answer) is allowed
// and counted.
func TestKillNineDuringSignedLoad(t *testing.T) {
	s := newSite(t)
	for _, st := range []store{crStore, pgStore} {
		t.Run(st.name, func(t *testing.T) {
			prefix := "kill-" + st.name
			l := startLoad(s.url(st), prefix)
			t.Cleanup(func() { l.stop() })
			loadFor(t, l, phaseBefore, loadTime)

			l.enter(phaseFault)
			killed := time.Now()
			s.server.kill()
			s.server.start()
			t.Logf("server process killed and ready again in %v", time.Since(killed).Round(time.Millisecond))
			l.enter(phaseAfter)
			loadFor(t, l, phaseAfter, loadTime)

			answers := l.stop()
			t.Log(summary(answers))
			checkOnlyOKOrUnavailable(t, answers, true)
			checkUnavailable(t, answers, phaseFault)
			records := s.records(t, st, prefix)
			unanswered := checkEveryOKStored(t, answers, records)
			t.Logf("%d answered 2xx, %d records; written but not answered 2xx: %s", oks(answers), len(records), summary(unanswered))
		})
	}
}

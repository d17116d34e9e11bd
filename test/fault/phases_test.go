package fault

import (
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/testenv"
)

const (
	// loadTime is how long a load runs before a fault and after it.
	loadTime = 1500 * time.Millisecond
	// outageTime is how long a store stays stopped.
	outageTime = 2 * time.Second
	// recoveryTimeout bounds the server's own recovery once its store is
	// back: the first 2xx to a request sent after.
	recoveryTimeout = 30 * time.Second
)

// loadFor lets the load run for d in phase p, then waits until a request
// sent in p was answered 2xx: the server works in that phase.
func loadFor(t *testing.T, l *load, p phase, d time.Duration) {
	t.Helper()
	time.Sleep(d) // the load's length, not an assertion
	waitOK(t, l, p, recoveryTimeout)
}

// waitOK waits until a request sent in phase p was answered 2xx, and
// returns how long that took.
func waitOK(t *testing.T, l *load, p phase, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	testenv.Eventually(t, timeout, "a 2xx to a request sent "+p.String()+" the fault", func() (bool, string) {
		n := l.okCount(p)
		return n > 0, fmt.Sprintf("%d 2xx", n)
	})
	return time.Since(start)
}

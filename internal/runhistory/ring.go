package runhistory

import "github.com/hookflow/hookflow/api/v1alpha1"

// ring holds the latest runs, up to its capacity: a push over it drops the
// oldest.
type ring struct {
	items []*v1alpha1.WorkflowRun
	head  int // index of the oldest
	n     int
}

func newRing(capacity int) *ring { return &ring{items: make([]*v1alpha1.WorkflowRun, capacity)} }

func (r *ring) cap() int { return len(r.items) }

func (r *ring) len() int { return r.n }

// push adds the newest run; it tells whether the oldest was dropped for it.
func (r *ring) push(run *v1alpha1.WorkflowRun) (dropped bool) {
	if len(r.items) == 0 {
		return true
	}
	if r.n == len(r.items) {
		r.items[r.head] = run
		r.head = (r.head + 1) % len(r.items)
		return true
	}
	r.items[(r.head+r.n)%len(r.items)] = run
	r.n++
	return false
}

// pushOldest adds a run older than every run held, if there is room.
func (r *ring) pushOldest(run *v1alpha1.WorkflowRun) bool {
	if r.n == len(r.items) {
		return false
	}
	r.head = (r.head - 1 + len(r.items)) % len(r.items)
	r.items[r.head] = run
	r.n++
	return true
}

// drain returns the runs held, oldest first, and empties the ring.
func (r *ring) drain() []*v1alpha1.WorkflowRun {
	out := make([]*v1alpha1.WorkflowRun, r.n)
	for i := range out {
		j := (r.head + i) % len(r.items)
		out[i] = r.items[j]
		r.items[j] = nil
	}
	r.head, r.n = 0, 0
	return out
}

// resized returns a ring of the new capacity with the latest runs of r,
// and how many older ones did not fit.
func (r *ring) resized(capacity int) (*ring, int) {
	next, dropped := newRing(capacity), 0
	for _, run := range r.drain() {
		if next.push(run) {
			dropped++
		}
	}
	return next, dropped
}

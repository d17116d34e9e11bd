package webhookserver

import (
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/internal/clientip"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// Limits bound the handling of one request: the limits of the route's
// WebhookServer.
type Limits struct {
	MaxBodyBytes   int64
	RequestTimeout time.Duration
	// ReadTimeout bounds the reading of the request; zero leaves the
	// http.Server's own deadline in place.
	ReadTimeout time.Duration
}

// Entry is a served webhook: its compiled route and everything its checks
// need, resolved when the table is built so that a request does no more
// than read it.
type Entry struct {
	ID     string
	Route  *route.Route
	Limits Limits
	// Peers finds the client address: the WebhookServer's trusted proxies.
	Peers clientip.Resolver
	// App holds the appAuth keys; nil when appAuth is off.
	App *signing.AppCredentials
	// Signature verifies the sender's signature; nil when off.
	Signature signing.Verifier
	// DeliveryHeader holds the sender's delivery id, the run's idempotency
	// key when the request has no Idempotency-Key; "" when none.
	DeliveryHeader string
	// Limiter is the route's token bucket on this replica; nil without rateLimit.
	Limiter *rate.Limiter
	// Runs bounds the runs in progress of the route's WebhookServer on this
	// replica; nil for no bound.
	Runs *Slots
	// History is how many runs of the Workflow are kept as WorkflowRuns.
	History runhistory.Limits
	// Capture is set while the Workflow waits for a sample capture: a
	// request is then stored as the sample (capture.go), nothing is run.
	Capture *CaptureWindow
	// Tables locate, by Worksheet name, the tables of the Worksheets kept in
	// PostgreSQL that the steps write to.
	Tables map[string]*store.Table
}

// Table maps webhook ids to entries. A Table is never changed once built.
type Table struct {
	byID       map[string]*Entry
	byWorkflow map[types.NamespacedName]*Entry
	maxTimeout time.Duration
}

// NewTable builds a table from entries; for a repeated id the first wins.
func NewTable(entries []*Entry) *Table {
	t := &Table{byID: make(map[string]*Entry, len(entries)), byWorkflow: make(map[types.NamespacedName]*Entry, len(entries))}
	for _, e := range entries {
		if _, dup := t.byID[e.ID]; !dup {
			t.byID[e.ID] = e
			t.byWorkflow[types.NamespacedName{Namespace: e.Route.Namespace, Name: e.Route.Name}] = e
			t.maxTimeout = max(t.maxTimeout, e.Limits.RequestTimeout)
		}
	}
	return t
}

// Lookup returns the entry of an id, or nil.
func (t *Table) Lookup(id string) *Entry { return t.byID[id] }

// Workflow returns the entry of the Workflow namespace/name, or nil.
func (t *Table) Workflow(namespace, name string) *Entry {
	return t.byWorkflow[types.NamespacedName{Namespace: namespace, Name: name}]
}

// MaxRequestTimeout is the longest request timeout of the entries.
func (t *Table) MaxRequestTimeout() time.Duration { return t.maxTimeout }

// Len is the number of entries.
func (t *Table) Len() int { return len(t.byID) }

// Routes holds the current table; readers never wait for writers.
type Routes struct {
	current atomic.Pointer[Table]
}

// NewRoutes returns Routes holding an empty table.
func NewRoutes() *Routes {
	r := &Routes{}
	r.current.Store(NewTable(nil))
	return r
}

// Load returns the current table.
func (r *Routes) Load() *Table { return r.current.Load() }

// Store swaps in a new table.
func (r *Routes) Store(t *Table) { r.current.Store(t) }

// Entries returns the entries, in no particular order.
func (t *Table) Entries() []*Entry {
	out := make([]*Entry, 0, len(t.byID))
	for _, e := range t.byID {
		out = append(out, e)
	}
	return out
}

// Package recordcount counts the records of each Worksheet from a stream of
// WorksheetRecord metadata, keeping their names only: memory grows with the
// number of records by one name each, and an event costs a map update,
// whatever the number of records.
package recordcount

import (
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Counter is a client-go ReflectorStore that keeps, per Worksheet, the set of
// its records' names, and remembers which Worksheets' counts changed since
// Dirty was last called. It is safe for concurrent use.
type Counter struct {
	mu     sync.Mutex
	synced bool
	// records holds the names of the records of each Worksheet.
	records map[types.NamespacedName]map[string]struct{}
	dirty   map[types.NamespacedName]struct{}
}

// New returns an empty Counter, not yet synced.
func New() *Counter {
	return &Counter{
		records: map[types.NamespacedName]map[string]struct{}{},
		dirty:   map[types.NamespacedName]struct{}{},
	}
}

// Count returns the number of records of a Worksheet; ok is false until the
// first complete list has been counted.
func (c *Counter) Count(worksheet types.NamespacedName) (n int64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(len(c.records[worksheet])), c.synced
}

// Synced tells whether the first complete list has been counted.
func (c *Counter) Synced() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.synced
}

// Dirty returns the Worksheets whose count changed since the last call, and
// forgets them.
func (c *Counter) Dirty() []types.NamespacedName {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]types.NamespacedName, 0, len(c.dirty))
	for k := range c.dirty {
		out = append(out, k)
	}
	clear(c.dirty)
	return out
}

// Add counts a record.
func (c *Counter) Add(obj any) error {
	ws, name, ok := keyOf(obj)
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	set := c.records[ws]
	if set == nil {
		set = map[string]struct{}{}
		c.records[ws] = set
	}
	if _, seen := set[name]; !seen {
		set[name] = struct{}{}
		c.dirty[ws] = struct{}{}
	}
	return nil
}

// Update counts a record that may not have been seen (a relabelled one).
func (c *Counter) Update(obj any) error { return c.Add(obj) }

// Delete forgets a record.
func (c *Counter) Delete(obj any) error {
	ws, name, ok := keyOf(obj)
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	set := c.records[ws]
	if _, seen := set[name]; !seen {
		return nil
	}
	delete(set, name)
	if len(set) == 0 {
		delete(c.records, ws)
	}
	c.dirty[ws] = struct{}{}
	return nil
}

// Replace recounts from a complete list: a Worksheet whose count differs
// from before becomes dirty, as does every Worksheet on the first list.
func (c *Counter) Replace(list []any, _ string) error {
	fresh := map[types.NamespacedName]map[string]struct{}{}
	for _, obj := range list {
		ws, name, ok := keyOf(obj)
		if !ok {
			continue
		}
		set := fresh[ws]
		if set == nil {
			set = map[string]struct{}{}
			fresh[ws] = set
		}
		set[name] = struct{}{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for ws, set := range fresh {
		if !c.synced || len(c.records[ws]) != len(set) {
			c.dirty[ws] = struct{}{}
		}
	}
	for ws := range c.records {
		if _, still := fresh[ws]; !still {
			c.dirty[ws] = struct{}{}
		}
	}
	c.records = fresh
	c.synced = true
	return nil
}

// Resync does nothing: there is nothing to resync.
func (c *Counter) Resync() error { return nil }

// keyOf returns the Worksheet (from the record's label) and the name of a
// record; ok is false for an object that belongs to no Worksheet.
func keyOf(obj any) (types.NamespacedName, string, bool) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return types.NamespacedName{}, "", false
	}
	ws := m.GetLabels()[v1alpha1.WorksheetLabel]
	if ws == "" {
		return types.NamespacedName{}, "", false
	}
	return types.NamespacedName{Namespace: m.GetNamespace(), Name: ws}, m.GetName(), true
}

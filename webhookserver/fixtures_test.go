package webhookserver

import (
	"context"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/testenv"
)

// now is the clock of the test servers.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func ordersSheet() *v1alpha1.Worksheet {
	ws := testenv.OrdersWorksheet("shop")
	ws.UID, ws.ResourceVersion, ws.Generation = "sheet-uid", "1", 1
	return ws
}

func orderWorkflow(name string, uid types.UID) *v1alpha1.Workflow {
	wf := testenv.OrderWorkflow("shop", name)
	wf.UID, wf.Generation = uid, 1
	return wf
}

func compile(t *testing.T, wf *v1alpha1.Workflow) *route.Route {
	t.Helper()
	rt, err := route.Compile(wf, map[string]*v1alpha1.Worksheet{"orders": ordersSheet()})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rt
}

// fakeRecords is a store.RecordStore in memory; err, when set, is returned
// instead of storing.
type fakeRecords struct {
	mu      sync.Mutex
	records []store.Record
	err     error
}

func (f *fakeRecords) CreateRecord(_ context.Context, r store.Record) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	f.records = append(f.records, r)
	return r.Worksheet + "-rec", nil
}

// UpdateRecord answers as if one record matched, and keeps nothing.
func (f *fakeRecords) UpdateRecord(_ context.Context, u store.Update) (store.Updated, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return store.Updated{}, f.err
	}
	return store.Updated{ID: u.Worksheet + "-rec", Values: u.Values}, nil
}

func (f *fakeRecords) all() []store.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Record(nil), f.records...)
}

package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

// losingClient sends every create to the API server but, for one create in
// three, loses the answer: as a connection that breaks after the request
// was sent. The record is stored; the server does not know it.
type losingClient struct {
	client.Client
	creates atomic.Int64
}

var errConnectionLost = fmt.Errorf("connection lost after the request was sent: %w", errors.New("unexpected EOF"))

func (l *losingClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	err := l.Client.Create(ctx, obj, opts...)
	if err == nil && l.creates.Add(1)%3 == 0 {
		return &timeoutError{errConnectionLost}
	}
	return err
}

// timeoutError is a net.Error: the store reports it as unavailable (503).
type timeoutError struct{ error }

func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestLostAnswersLoseNothing: when the record store's answers get lost, the
// server answers 503 for records it may have stored; senders retry with
// their Idempotency-Key; in the end the 2xx answers equal the records, one
// per order, none twice.
func TestLostAnswersLoseNothing(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))

	mgr, err := ctrl.NewManager(adminConfig, scheme.LocalManagerOptions())
	if err != nil {
		t.Fatal(err)
	}
	routes := webhookserver.NewRoutes()
	addr := testenv.FreeAddress(t)
	lossy := &losingClient{Client: mgr.GetClient()}
	srv := webhookserver.New(webhookserver.Options{
		BindAddress: addr, Routes: routes, Log: mgr.GetLogger(),
		Records:     &crstore.Records{Client: lossy},
		Idempotency: &crstore.IdempotentRuns{Client: mgr.GetClient()},
	})
	if err := mgr.Add(&webhookserver.RouteSync{Cache: mgr.GetCache(), Routes: routes, Log: mgr.GetLogger()}); err != nil {
		t.Fatal(err)
	}
	if err := mgr.Add(srv); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	testenv.Eventually(t, 20*time.Second, "lossy server serves the Workflow", func() (bool, string) {
		return routes.Load().Lookup(wf.Status.WebhookID) != nil, "not yet"
	})
	url := "http://" + addr + "/hooks/" + wf.Status.WebhookID

	const orders = 30
	var ok2xx, unavailable atomic.Int64
	var wg sync.WaitGroup
	for i := range orders {
		wg.Go(func() {
			body := fmt.Sprintf(`{"order_id":"L-%d"}`, i)
			for attempt := 0; attempt < 10; attempt++ {
				a := postWithKey(t, url, fmt.Sprintf("order-L-%d", i), body)
				switch {
				case a.code == 200:
					ok2xx.Add(1)
					return
				case a.code == 503:
					unavailable.Add(1)
				default:
					t.Errorf("order %d: %d %s", i, a.code, a.body)
					return
				}
			}
			t.Errorf("order %d: no 2xx after 10 attempts", i)
		})
	}
	wg.Wait()
	if unavailable.Load() == 0 {
		t.Fatal("no answer was lost: the test proves nothing")
	}
	seen := map[string]int{}
	for _, r := range records(t, ns) {
		if id := string(r.Spec.Values["order_id"].Raw); strings.HasPrefix(id, `"L-`) {
			seen[id]++
		}
	}
	if int64(len(seen)) != ok2xx.Load() || ok2xx.Load() != orders {
		t.Errorf("%d orders answered 2xx, %d stored, want %d each", ok2xx.Load(), len(seen), orders)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("order %s stored %d times", id, n)
		}
	}
	t.Logf("%d orders, %d answers lost and retried, %d records", orders, unavailable.Load(), len(seen))
}

package crstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/testenv"
)

var (
	k8s client.Client
	// adminConfig is the control plane's admin config.
	adminConfig *rest.Config
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(logr.Discard())
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	adminConfig = env.Config
	k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()})
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	_ = env.Stop()
	os.Exit(code)
}

func sheet(t *testing.T) *v1alpha1.Worksheet {
	t.Helper()
	ws := &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: testenv.NewNamespace(t, k8s, "s"), Name: "orders"},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Unique: true},
		}},
	}
	testenv.Create(t, k8s, ws)
	return ws
}

func record(ws *v1alpha1.Worksheet, run, uniqueKey string) store.Record {
	return store.Record{
		Namespace:    ws.Namespace,
		Worksheet:    ws.Name,
		WorksheetUID: ws.UID,
		Values:       map[string]any{"order_id": "A-1", "amount": 12.5},
		UniqueField:  "order_id",
		UniqueKey:    uniqueKey,
		WriteKey:     run + "/save",
		CreatedBy:    v1alpha1.RunReference{Workflow: "orders", Run: run},
	}
}

// writeCounter counts the writes that reach the client.
type writeCounter struct {
	client.Client
	creates, others int
}

func (w *writeCounter) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	w.creates++
	return w.Client.Create(ctx, obj, opts...)
}

func (w *writeCounter) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	w.others++
	return w.Client.Update(ctx, obj, opts...)
}

func (w *writeCounter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	w.others++
	return w.Client.Patch(ctx, obj, patch, opts...)
}

func (w *writeCounter) Status() client.SubResourceWriter { w.others++; return w.Client.Status() }

func TestCreateRecordWritesValuesAndProvenance(t *testing.T) {
	ws := sheet(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	writes := &writeCounter{Client: k8s}
	s := &crstore.Records{Client: writes, Now: func() time.Time { return now }}
	id, err := s.CreateRecord(context.Background(), record(ws, "run-1", ""))
	if err != nil {
		t.Fatal(err)
	}
	if writes.creates != 1 || writes.others != 0 {
		t.Errorf("%d creates and %d other writes for one record, want one create", writes.creates, writes.others)
	}
	got := &v1alpha1.WorksheetRecord{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ws.Namespace, Name: id}, got); err != nil {
		t.Fatal(err)
	}
	if string(got.Spec.Values["order_id"].Raw) != `"A-1"` || string(got.Spec.Values["amount"].Raw) != `12.5` {
		t.Errorf("values = %s, %s", got.Spec.Values["order_id"].Raw, got.Spec.Values["amount"].Raw)
	}
	if got.Status.CreatedBy == nil || *got.Status.CreatedBy != (v1alpha1.RunReference{Workflow: "orders", Run: "run-1"}) {
		t.Errorf("createdBy = %+v", got.Status.CreatedBy)
	}
	if got.Status.CreatedAt == nil || !got.Status.CreatedAt.Time.Equal(now) {
		t.Errorf("createdAt = %v, want %v", got.Status.CreatedAt, now)
	}
	if !meta.IsStatusConditionTrue(got.Status.Conditions, v1alpha1.ReadyCondition) || got.Status.ObservedGeneration != got.Generation {
		t.Errorf("status = %+v", got.Status)
	}
	owner := got.OwnerReferences
	if len(owner) != 1 || owner[0].UID != ws.UID || owner[0].Kind != "Worksheet" {
		t.Errorf("owner references = %+v", owner)
	}
}

func TestNameDependsOnTheUniqueValueElseOnTheWrite(t *testing.T) {
	ws := &v1alpha1.Worksheet{ObjectMeta: metav1.ObjectMeta{Name: "orders"}}
	a, b := record(ws, "run-1", "k1"), record(ws, "run-2", "k1")
	if crstore.Name(a) != crstore.Name(b) {
		t.Error("two writes of one unique value get different names: the API server could not refuse the second")
	}
	c, d := record(ws, "run-1", ""), record(ws, "run-2", "")
	if crstore.Name(c) == crstore.Name(d) {
		t.Error("two writes without a unique value get the same name")
	}
}

// TestClientThrottlingPastTheDeadlineIsUnavailable: a write that the
// client's own rate limit would delay past the request's deadline is
// ErrUnavailable (a 503 the sender retries), not an internal error.
func TestClientThrottlingPastTheDeadlineIsUnavailable(t *testing.T) {
	ws := sheet(t)
	cfg := rest.CopyConfig(adminConfig)
	// A burst of 5 requests (discovery takes some), then one per 100 s.
	cfg.QPS, cfg.Burst = 0.01, 5
	slow, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}
	s := &crstore.Records{Client: slow}
	for i := range 6 {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		_, err := s.CreateRecord(ctx, record(ws, fmt.Sprintf("run-%d", i), ""))
		cancel()
		if err != nil {
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("create throttled past its deadline = %v, want ErrUnavailable", err)
			}
			return
		}
	}
	t.Fatal("6 creates passed a client limited to a burst of 5 requests")
}

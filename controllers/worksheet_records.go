package controllers

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/recordcount"
)

// DefaultRecordCountInterval is how often the Worksheets whose record count
// changed are reconciled: a burst of records costs one status patch per
// Worksheet per interval.
const DefaultRecordCountInterval = 2 * time.Second

// recordPageSize bounds the pages of the LIST that starts (or, after a watch
// expired, restarts) the record count.
const recordPageSize = 500

// RecordCounts is the event source of the Worksheet controller for records.
// It streams WorksheetRecord metadata from the API server (one paginated
// LIST when it starts, then one WATCH; again a LIST only when the watch
// expires) into a recordcount.Counter, which keeps one name per record and
// no object. Every Interval, the Worksheets whose count changed are
// enqueued, each once. So a record costs no API request of its own to the
// manager, and at most one status patch per Worksheet per Interval.
type RecordCounts struct {
	// Config reaches the API server.
	Config *rest.Config
	// Counter holds the counts.
	Counter *recordcount.Counter
	// Interval: DefaultRecordCountInterval when 0.
	Interval time.Duration
}

// Start runs the stream and the periodic enqueue until ctx ends.
func (s *RecordCounts) Start(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
	mc, err := metadata.NewForConfig(s.Config)
	if err != nil {
		return fmt.Errorf("metadata client: %w", err)
	}
	records := mc.Resource(v1alpha1.GroupVersion.WithResource("worksheetrecords"))
	lw := &toolscache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return records.List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			return records.Watch(ctx, opts)
		},
	}
	reflector := toolscache.NewReflectorWithOptions(lw, &metav1.PartialObjectMetadata{}, s.Counter,
		toolscache.ReflectorOptions{Name: "worksheetrecord-count"})
	reflector.WatchListPageSize = recordPageSize
	go reflector.RunWithContext(ctx)
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultRecordCountInterval
	}
	go wait.UntilWithContext(ctx, func(context.Context) {
		for _, ws := range s.Counter.Dirty() {
			q.Add(reconcile.Request{NamespacedName: ws})
		}
	}, interval)
	return nil
}

// WaitForSync returns once the first list has been counted, so that no
// Worksheet is given a count from a partial list.
func (s *RecordCounts) WaitForSync(ctx context.Context) error {
	return wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(context.Context) (bool, error) {
		return s.Counter.Synced(), nil
	})
}

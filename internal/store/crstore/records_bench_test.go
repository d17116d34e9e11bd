package crstore_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/testenv"
)

// BenchmarkCreateRecord measures the CustomResource store's accept path
// against the test API server, 32 writers at once: one write per record
// (values and provenance in one create), and, for comparison, the two
// writes per record of the foundation (a create, then a patch carrying the
// provenance). Run with -benchtime 3000x; the second variant runs first, so
// that it does not gain from an emptier etcd.
func BenchmarkCreateRecord(b *testing.B) {
	cfg := *adminConfig
	cfg.QPS, cfg.Burst = -1, 0 // no client-side throttling: measure the server
	c, err := client.New(&cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		b.Fatal(err)
	}
	ns := testenv.NewNamespace(b, k8s, "bench")
	ws := &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "orders"},
		Spec:       v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{{Name: "order_id", Type: v1alpha1.FieldText, Unique: true}}},
	}
	testenv.Create(b, k8s, ws)
	var n atomic.Int64
	for _, writes := range []int{2, 1} {
		b.Run(strconv.Itoa(writes)+"-write", func(b *testing.B) {
			s := &crstore.Records{Client: c}
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := strconv.FormatInt(n.Add(1), 10)
					id, err := s.CreateRecord(context.Background(), record(ws, "run-"+i, "key-"+i))
					if err != nil {
						b.Error(err)
						return
					}
					if writes == 2 {
						obj := &v1alpha1.WorksheetRecord{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: id}}
						provenance := client.RawPatch(types.MergePatchType, []byte(`{"status":{"updatedBy":{"workflow":"orders","run":"run-`+i+`"}}}`))
						if err := c.Patch(context.Background(), obj, provenance); err != nil {
							b.Error(err)
							return
						}
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

package controllers

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/internal/store/crstore"
)

func TestRunsToPrune(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// Ten runs of UUIDv7 ids, one millisecond apart, all created in the same
	// second: their ids order them. They come in no particular order.
	var runs []metav1.PartialObjectMetadata
	var ids []string
	for i := range 10 {
		id := v7At(t, now.Add(time.Duration(i)*time.Millisecond))
		ids = append(ids, id)
		runs = append(runs, metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
			Name: id, CreationTimestamp: metav1.NewTime(now.Truncate(time.Second)),
		}})
	}
	slices.Reverse(runs[3:7])
	// The oldest is an idempotent run a retry may still ask for; the second
	// oldest was one, but its window has passed.
	runs[0].Annotations = map[string]string{crstore.KeepUntilAnnotation: now.Add(time.Hour).Format(time.RFC3339)}
	runs[1].Annotations = map[string]string{crstore.KeepUntilAnnotation: now.Add(-time.Hour).Format(time.RFC3339)}

	names := func(rs []metav1.PartialObjectMetadata) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(runsToPrune(runs, 7, now)), ids[1:3]; !slices.Equal(got, want) {
		t.Errorf("limit 7: prune %v, want %v (the oldest is kept until its keep-until)", got, want)
	}
	if got := runsToPrune(runs, 10, now); len(got) != 0 {
		t.Errorf("limit 10 of 10 runs: prune %v", names(got))
	}
	if got, want := names(runsToPrune(runs, 0, now)), ids[1:]; !slices.Equal(got, want) {
		t.Errorf("limit 0: prune %v, want all but the kept one", got)
	}
	// Names that are not UUIDv7 (idempotent runs) go by creation time.
	old := metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "idem-1", CreationTimestamp: metav1.NewTime(now.Add(-time.Minute))}}
	young := metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "idem-0", CreationTimestamp: metav1.NewTime(now)}}
	if got := names(runsToPrune([]metav1.PartialObjectMetadata{young, old}, 1, now)); !slices.Equal(got, []string{"idem-1"}) {
		t.Errorf("prune %v, want the older idem-1", got)
	}
}

// v7At returns a UUIDv7 of time at.
func v7At(t *testing.T, at time.Time) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	ms := uint64(at.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	return id.String()
}

package recordcount

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func rec(ns, ws, name string) *metav1.PartialObjectMetadata {
	o := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if ws != "" {
		o.Labels = map[string]string{v1alpha1.WorksheetLabel: ws}
	}
	return o
}

func nn(ns, name string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: name} }

func count(t *testing.T, c *Counter, ws types.NamespacedName) int64 {
	t.Helper()
	n, ok := c.Count(ws)
	if !ok {
		t.Fatalf("Count(%s): not synced", ws)
	}
	return n
}

func dirty(c *Counter) []string {
	var out []string
	for _, k := range c.Dirty() {
		out = append(out, k.String())
	}
	slices.Sort(out)
	return out
}

func TestCounterNotSyncedBeforeFirstList(t *testing.T) {
	c := New()
	_ = c.Add(rec("a", "orders", "r1"))
	if _, ok := c.Count(nn("a", "orders")); ok {
		t.Fatal("Count reported synced before the first Replace")
	}
}

func TestCounterCountsAddsAndDeletesOnce(t *testing.T) {
	c := New()
	_ = c.Replace([]any{rec("a", "orders", "r1"), rec("a", "orders", "r2"), rec("b", "orders", "r1"), rec("a", "", "unlabelled")}, "1")
	if got, want := dirty(c), []string{"a/orders", "b/orders"}; !slices.Equal(got, want) {
		t.Fatalf("dirty after first list = %v, want %v", got, want)
	}
	if n := count(t, c, nn("a", "orders")); n != 2 {
		t.Fatalf("a/orders = %d, want 2", n)
	}
	_ = c.Add(rec("a", "orders", "r3"))
	_ = c.Add(rec("a", "orders", "r3")) // seen again: not counted twice
	_ = c.Update(rec("a", "orders", "r1"))
	_ = c.Delete(rec("b", "orders", "r1"))
	_ = c.Delete(rec("b", "orders", "r1")) // already gone
	_ = c.Delete(rec("c", "orders", "never-seen"))
	if n := count(t, c, nn("a", "orders")); n != 3 {
		t.Fatalf("a/orders = %d, want 3", n)
	}
	if n := count(t, c, nn("b", "orders")); n != 0 {
		t.Fatalf("b/orders = %d, want 0", n)
	}
	if got, want := dirty(c), []string{"a/orders", "b/orders"}; !slices.Equal(got, want) {
		t.Fatalf("dirty = %v, want %v", got, want)
	}
	if got := dirty(c); len(got) != 0 {
		t.Fatalf("dirty after Dirty = %v, want none", got)
	}
}

func TestCounterRelistMarksOnlyChangedWorksheets(t *testing.T) {
	c := New()
	_ = c.Replace([]any{rec("a", "orders", "r1"), rec("a", "leads", "l1"), rec("a", "gone", "g1")}, "1")
	_ = c.Dirty()
	// A relist after a watch expired: orders grew, leads did not, gone is empty.
	_ = c.Replace([]any{rec("a", "orders", "r1"), rec("a", "orders", "r2"), rec("a", "leads", "l1")}, "2")
	if got, want := dirty(c), []string{"a/gone", "a/orders"}; !slices.Equal(got, want) {
		t.Fatalf("dirty after relist = %v, want %v", got, want)
	}
	if n := count(t, c, nn("a", "gone")); n != 0 {
		t.Fatalf("a/gone = %d, want 0", n)
	}
}

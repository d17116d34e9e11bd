package pgstore

import (
	"strings"
	"testing"
)

func TestTableName(t *testing.T) {
	if got, want := TableName("shop-eu", "orders.v2"), "ws_shop_eu__orders_v2"; got != want {
		t.Errorf("TableName = %q, want %q", got, want)
	}
	long := strings.Repeat("n", 63)
	a := TableName(long, strings.Repeat("w", 62)+"a")
	b := TableName(long, strings.Repeat("w", 62)+"b")
	for _, name := range []string{a, b} {
		if len(name) != 63 || !strings.HasPrefix(name, "ws_nnn") {
			t.Errorf("long TableName = %q (%d bytes), want 63 bytes starting ws_", name, len(name))
		}
	}
	if a == b {
		t.Errorf("two long Worksheets share the table %q", a)
	}
}

func TestIndexName(t *testing.T) {
	if got, want := IndexName("ws_a__orders", "order_id", true), "ws_a__orders_order_id_key"; got != want {
		t.Errorf("unique IndexName = %q, want %q", got, want)
	}
	if got, want := IndexName("ws_a__orders", "email", false), "ws_a__orders_email_idx"; got != want {
		t.Errorf("IndexName = %q, want %q", got, want)
	}
	table := TableName(strings.Repeat("n", 63), "orders")
	x := IndexName(table, "customer_email", false)
	y := IndexName(table, "customer_phone", false)
	if len(x) > 63 || !strings.HasSuffix(x, "_idx") || x == y {
		t.Errorf("long IndexNames %q and %q: want distinct, at most 63 bytes, ending _idx", x, y)
	}
}

package pgstore

import (
	"strings"
	"testing"
)

func TestIndexName(t *testing.T) {
	if got, want := IndexName("ws_a__orders", "order_id", true), "ws_a__orders_order_id_key"; got != want {
		t.Errorf("unique IndexName = %q, want %q", got, want)
	}
	if got, want := IndexName("ws_a__orders", "email", false), "ws_a__orders_email_idx"; got != want {
		t.Errorf("IndexName = %q, want %q", got, want)
	}
	table := "ws_" + strings.Repeat("n", 60) // a table name of 63 bytes
	x := IndexName(table, "customer_email", false)
	y := IndexName(table, "customer_phone", false)
	if len(x) > 63 || !strings.HasSuffix(x, "_idx") || x == y {
		t.Errorf("long IndexNames %q and %q: want distinct, at most 63 bytes, ending _idx", x, y)
	}
}

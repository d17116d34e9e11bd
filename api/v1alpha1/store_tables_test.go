package v1alpha1

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPostgresTable(t *testing.T) {
	pg := func(ns, name, table string) *Worksheet {
		return &Worksheet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: WorksheetSpec{Storage: StoreSpec{Type: StorePostgres, Postgres: &PostgresStore{
				ConnectionSecretRef: SecretKeyReference{Name: "pg"}, Table: table,
			}}},
		}
	}
	long := strings.Repeat("n", 63)
	cases := []struct {
		name string
		ws   *Worksheet
		want string
	}{
		{"kept as WorksheetRecords", &Worksheet{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "b"}}, ""},
		{"default", pg("shop-eu", "orders.v2", ""), "ws_shop_eu__orders_v2"},
		{"named in the spec", pg("shop", "orders", "orders_table"), "orders_table"},
	}
	for _, c := range cases {
		if got := c.ws.PostgresTable(); got != c.want {
			t.Errorf("%s: PostgresTable() = %q, want %q", c.name, got, c.want)
		}
	}
	a, b := pg(long, "x", "").PostgresTable(), pg(long, "y", "").PostgresTable()
	if len(a) != 63 || len(b) != 63 || a == b {
		t.Errorf("long names: %q and %q, want two different 63-byte names", a, b)
	}
}

func TestRunsTable(t *testing.T) {
	ws := &WebhookServer{}
	if got := ws.RunsTable(); got != "" {
		t.Errorf("CustomResource run store: RunsTable() = %q, want empty", got)
	}
	ws.Spec.RunStore = StoreSpec{Type: StorePostgres, Postgres: &PostgresStore{ConnectionSecretRef: SecretKeyReference{Name: "pg"}}}
	if got := ws.RunsTable(); got != DefaultRunsTable {
		t.Errorf("RunsTable() = %q, want %q", got, DefaultRunsTable)
	}
	if got := ws.Spec.RunStore.Postgres.ConnectionKey(); got != "dsn" {
		t.Errorf("ConnectionKey() = %q, want dsn", got)
	}
}

package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store"
)

// ordersSheet is the Worksheet of config/samples.
func ordersSheet() *v1alpha1.Worksheet {
	return &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: sampleNamespace, Name: crWorksheet, UID: "orders-uid"},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "email", Type: v1alpha1.FieldEmail},
			{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
			{Name: "received_at", Type: v1alpha1.FieldDateTime},
		}},
	}
}

func TestCreateLoopCreatesUpToItsLimitAndTheCountFindsThem(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme.New()).Build()
	ws := ordersSheet()
	loop := &createLoop{Client: c, Workers: 3, Limit: 7,
		Record: func(n uint64) (store.Record, error) {
			id := strconv.FormatUint(n, 10)
			return orderRecord(ws, "bench", "run-"+id, "T-"+id, time.Now())
		}}
	// Two slices: the limit holds across them.
	loop.slice(ctx, time.Hour)
	loop.slice(ctx, time.Hour)
	m := loop.measurement()
	if m.OK != 7 || m.Requests != 7 || len(loop.latencies) != 7 || len(m.Errors) != 0 {
		t.Fatalf("created %d of %d attempts, %d latencies, errors %v; want 7, 7, 7, none", m.OK, m.Requests, len(loop.latencies), m.Errors)
	}
	n, err := countRecords(ctx, c, crWorksheet)
	if err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Errorf("counted %d records, want 7", n)
	}
	if other, err := countRecords(ctx, c, clientGoSheet); err != nil || other != 0 {
		t.Errorf("counted %d records of another Worksheet (err %v), want 0", other, err)
	}
}

func TestOrderRecordsAreStoredLikeTheServersAndRefuseADuplicateOrder(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme.New()).Build()
	ws := ordersSheet()
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	loop := &createLoop{Client: c, Workers: 1, Limit: 2,
		Record: func(n uint64) (store.Record, error) {
			// Two runs, one order: the second is a duplicate.
			return orderRecord(ws, "bench", "run-"+strconv.FormatUint(n, 10), "A-1", now)
		}}
	loop.slice(ctx, time.Hour)
	if m := loop.measurement(); m.OK != 1 || len(m.Errors) != 1 {
		t.Fatalf("created %d, errors %v; want 1 and the duplicate's error", m.OK, m.Errors)
	}
	var list v1alpha1.WorksheetRecordList
	if err := c.List(ctx, &list, client.MatchingLabels{v1alpha1.WorksheetLabel: crWorksheet}); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("%d records, want 1", len(list.Items))
	}
	got := list.Items[0]
	if string(got.Spec.Values["order_id"].Raw) != `"A-1"` || string(got.Spec.Values["amount"].Raw) != `129.5` || string(got.Spec.Values["status"].Raw) != `"new"` {
		t.Errorf("values %v", got.Spec.Values)
	}
	if got.Status.CreatedBy == nil || got.Status.CreatedBy.Run != "run-1" || got.OwnerReferences[0].UID != ws.UID {
		t.Errorf("provenance %+v, owners %+v", got.Status.CreatedBy, got.OwnerReferences)
	}
}

package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/controllers"
	"github.com/hookflow/hookflow/internal/testenv"
)

func TestWorksheetIsReadyAndCountsItsRecords(t *testing.T) {
	ns := newNamespace(t)
	sheet := testenv.OrdersWorksheet(ns)
	create(t, sheet)
	sheet = waitCondition(t, sheet, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	if sheet.Status.Records != 0 || sheet.Status.ObservedGeneration != sheet.Generation {
		t.Errorf("status = %+v", sheet.Status)
	}
	record := func(name, worksheet string) *v1alpha1.WorksheetRecord {
		return &v1alpha1.WorksheetRecord{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{v1alpha1.WorksheetLabel: worksheet}},
			Spec:       v1alpha1.WorksheetRecordSpec{Worksheet: worksheet},
		}
	}
	create(t, record("r1", "orders"), record("r2", "orders"), record("other", "invoices"))
	waitRecords := func(want int64) {
		t.Helper()
		eventually(t, fmt.Sprintf("records = %d", want), func() (bool, string) {
			if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(sheet), sheet); err != nil {
				return false, err.Error()
			}
			return sheet.Status.Records == want, fmt.Sprintf("records: %d", sheet.Status.Records)
		})
	}
	waitRecords(2)
	if err := k8s.Delete(context.Background(), record("r1", "orders")); err != nil {
		t.Fatal(err)
	}
	waitRecords(1)
}

func TestWorksheetSchemaRules(t *testing.T) {
	ns := newNamespace(t)
	cases := map[string][]v1alpha1.WorksheetField{
		"two unique fields":          {{Name: "a", Type: v1alpha1.FieldText, Unique: true}, {Name: "b", Type: v1alpha1.FieldText, Unique: true}},
		"select without options":     {{Name: "a", Type: v1alpha1.FieldSelect}},
		"options on a text field":    {{Name: "a", Type: v1alpha1.FieldText, Options: []string{"x"}}},
		"unique JSON":                {{Name: "a", Type: v1alpha1.FieldJSON, Unique: true}},
		"field name with upper case": {{Name: "Amount", Type: v1alpha1.FieldNumber}},
		"same field twice":           {{Name: "a", Type: v1alpha1.FieldText}, {Name: "a", Type: v1alpha1.FieldNumber}},
		"unknown type":               {{Name: "a", Type: "Money"}},
	}
	i := 0
	for name, fields := range cases {
		i++
		sheet := &v1alpha1.Worksheet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("s%d", i)},
			Spec:       v1alpha1.WorksheetSpec{Fields: fields},
		}
		if err := k8s.Create(context.Background(), sheet); err == nil {
			t.Errorf("%s: accepted by the API server", name)
		}
	}
}

// TestRecordCountCostsNoRequestPerRecord: 300 records created in a burst
// are counted without the manager listing records (the count comes from
// one watch), and with a number of status patches bounded by the count
// interval, not by the number of records.
func TestRecordCountCostsNoRequestPerRecord(t *testing.T) {
	ns := newNamespace(t)
	sheet := testenv.OrdersWorksheet(ns)
	create(t, sheet)
	waitCondition(t, sheet, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	lists := testenv.APIRequests(t, adminConfig, "LIST", "worksheetrecords", "")
	patches := testenv.APIRequests(t, adminConfig, "PATCH", "worksheets", "status")
	start := time.Now()
	const n = 300
	for i := range n {
		create(t, &v1alpha1.WorksheetRecord{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("r%03d", i), Labels: map[string]string{v1alpha1.WorksheetLabel: sheet.Name}},
			Spec:       v1alpha1.WorksheetRecordSpec{Worksheet: sheet.Name},
		})
	}
	eventually(t, fmt.Sprintf("records = %d", n), func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(sheet), sheet); err != nil {
			return false, err.Error()
		}
		return sheet.Status.Records == n, fmt.Sprintf("records: %d", sheet.Status.Records)
	})
	elapsed := time.Since(start)
	if got := testenv.APIRequests(t, adminConfig, "LIST", "worksheetrecords", "") - lists; got != 0 {
		t.Errorf("the API server served %d LISTs of worksheetrecords while %d records were counted, want 0", got, n)
	}
	// One patch per interval at most, plus one for a reconcile already
	// queued; the test runs alone, but allow another test's Worksheet to
	// be patched once more.
	bound := int(elapsed/controllers.DefaultRecordCountInterval) + 3
	if got := testenv.APIRequests(t, adminConfig, "PATCH", "worksheets", "status") - patches; got > bound {
		t.Errorf("%d status patches of Worksheets for %d records in %s, want at most %d", got, n, elapsed.Round(time.Millisecond), bound)
	}
	t.Logf("%d records counted in %s with %d LISTs of records", n, elapsed.Round(time.Millisecond), testenv.APIRequests(t, adminConfig, "LIST", "worksheetrecords", "")-lists)
}

// TestStorageSchemaRules: the API server refuses a Postgres store without
// its connection, a connection without the Postgres store, and a table
// name PostgreSQL would not take unquoted.
func TestStorageSchemaRules(t *testing.T) {
	ns := newNamespace(t)
	conn := &v1alpha1.PostgresStore{ConnectionSecretRef: v1alpha1.SecretKeyReference{Name: "pg"}}
	cases := map[string]v1alpha1.StoreSpec{
		"Postgres without postgres":      {Type: v1alpha1.StorePostgres},
		"postgres with CustomResource":   {Type: v1alpha1.StoreCustomResource, Postgres: conn},
		"postgres without a type":        {Postgres: conn},
		"table with upper case":          {Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{ConnectionSecretRef: conn.ConnectionSecretRef, Table: "Orders"}},
		"table of 64 bytes":              {Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{ConnectionSecretRef: conn.ConnectionSecretRef, Table: strings.Repeat("t", 64)}},
		"connection without Secret name": {Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{}},
		"unknown store type":             {Type: "Redis"},
	}
	i := 0
	for name, storage := range cases {
		i++
		sheet := &v1alpha1.Worksheet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("s%d", i)},
			Spec:       v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{{Name: "a", Type: v1alpha1.FieldText}}, Storage: storage},
		}
		if err := k8s.Create(context.Background(), sheet); err == nil {
			t.Errorf("%s: accepted by the API server", name)
		}
	}
	ok := &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ok"},
		Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{{Name: "a", Type: v1alpha1.FieldText}},
			Storage: v1alpha1.StoreSpec{Type: v1alpha1.StorePostgres, Postgres: conn}},
	}
	if err := k8s.Create(context.Background(), ok); err != nil {
		t.Errorf("a valid Postgres store was refused: %v", err)
	}
}

package crstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	records "github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/testenv"
)

var customerFields = []v1alpha1.WorksheetField{
	{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
	{Name: "email", Type: v1alpha1.FieldEmail, Indexed: true},
	{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
	{Name: "amount", Type: v1alpha1.FieldNumber},
	{Name: "note", Type: v1alpha1.FieldText},
	{Name: "raw", Type: v1alpha1.FieldJSON},
}

// indexedSheet is a Worksheet with a unique and an indexed field.
func indexedSheet(t *testing.T) *v1alpha1.Worksheet {
	t.Helper()
	ws := &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: testenv.NewNamespace(t, k8s, "u"), Name: "orders"},
		Spec:       v1alpha1.WorksheetSpec{Fields: customerFields},
	}
	testenv.Create(t, k8s, ws)
	return ws
}

// put creates a record as a createRecord step does.
func put(t *testing.T, s *crstore.Records, ws *v1alpha1.Worksheet, run string, values map[string]any) string {
	t.Helper()
	normalized, err := records.Normalize(customerFields, values)
	if err != nil {
		t.Fatal(err)
	}
	field, key, _ := records.UniqueKey(customerFields, normalized)
	id, err := s.CreateRecord(context.Background(), store.Record{
		Namespace: ws.Namespace, Worksheet: ws.Name, WorksheetUID: ws.UID,
		Values: normalized, UniqueField: field, UniqueKey: key,
		IndexKeys: records.IndexKeys(customerFields, normalized),
		WriteKey:  run + "/save", CreatedBy: v1alpha1.RunReference{Workflow: "orders", Run: run},
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// change is the Update of a run step "pay" of run.
func change(ws *v1alpha1.Worksheet, run string, match, values map[string]any) store.Update {
	return store.Update{
		Namespace: ws.Namespace, Worksheet: ws.Name, WorksheetUID: ws.UID, Fields: customerFields,
		Match: match, Values: values,
		WriteKey: run + "/pay", UpdatedBy: v1alpha1.RunReference{Workflow: "orders", Run: run},
	}
}

// upsert is change made an upsert that creates match and values together.
func upsert(ws *v1alpha1.Worksheet, run string, match, values map[string]any) store.Update {
	u := change(ws, run, match, values)
	u.Upsert = true
	create := map[string]any{}
	for k, v := range values {
		create[k] = v
	}
	for k, v := range match {
		create[k] = v
	}
	field, key, _ := records.UniqueKey(customerFields, create)
	u.Create = store.Record{
		Namespace: ws.Namespace, Worksheet: ws.Name, WorksheetUID: ws.UID,
		Values: create, UniqueField: field, UniqueKey: key,
		WriteKey: u.WriteKey, CreatedBy: u.UpdatedBy,
	}
	return u
}

func get(t *testing.T, ns, id string) (*v1alpha1.WorksheetRecord, map[string]any) {
	t.Helper()
	obj := &v1alpha1.WorksheetRecord{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: id}, obj); err != nil {
		t.Fatal(err)
	}
	values := map[string]any{}
	for k, raw := range obj.Spec.Values {
		var v any
		if err := json.Unmarshal(raw.Raw, &v); err != nil {
			t.Fatal(err)
		}
		values[k] = v
	}
	return obj, values
}

func countRecords(t *testing.T, ns string) int {
	t.Helper()
	var list v1alpha1.WorksheetRecordList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

// callCounter counts the API calls that reach the client; beforeUpdate,
// when set, runs before each Update.
type callCounter struct {
	client.Client
	mu                           sync.Mutex
	gets, lists, creates, writes int
	beforeUpdate                 func(obj client.Object)
}

func (c *callCounter) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return c.Client.Get(ctx, key, obj, opts...)
}

func (c *callCounter) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	c.mu.Lock()
	c.lists++
	c.mu.Unlock()
	return c.Client.List(ctx, list, opts...)
}

func (c *callCounter) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	c.mu.Lock()
	c.creates++
	c.mu.Unlock()
	return c.Client.Create(ctx, obj, opts...)
}

func (c *callCounter) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	c.mu.Lock()
	c.writes++
	before := c.beforeUpdate
	c.mu.Unlock()
	if before != nil {
		before(obj)
	}
	return c.Client.Update(ctx, obj, opts...)
}

func (c *callCounter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return c.Client.Patch(ctx, obj, patch, opts...)
}

func (c *callCounter) calls() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%d GET, %d LIST, %d CREATE, %d UPDATE", c.gets, c.lists, c.creates, c.writes)
}

func (c *callCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets, c.lists, c.creates, c.writes = 0, 0, 0, 0
}

func TestUpdateByTheUniqueFieldIsOneGetAndOneUpdate(t *testing.T) {
	ws := indexedSheet(t)
	now := time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)
	calls := &callCounter{Client: k8s}
	s := &crstore.Records{Client: calls, Now: func() time.Time { return now }}
	id := put(t, s, ws, "run-1", map[string]any{"order_id": "A-1", "email": "ada@example.com", "status": "new", "amount": 3, "raw": map[string]any{"big": json.Number("1234567890123456789")}})
	calls.reset()

	res, err := s.UpdateRecord(context.Background(), change(ws, "run-2",
		map[string]any{"order_id": "A-1"}, map[string]any{"status": "paid", "email": "bob@example.com", "amount": nil}))
	if err != nil {
		t.Fatal(err)
	}
	if got := calls.calls(); got != "1 GET, 0 LIST, 0 CREATE, 1 UPDATE" {
		t.Errorf("API calls: %s", got)
	}
	if res.ID != id || res.Created || res.Values["status"] != "paid" || res.Values["order_id"] != "A-1" {
		t.Errorf("result = %+v", res)
	}
	obj, values := get(t, ws.Namespace, id)
	if values["status"] != "paid" || values["email"] != "bob@example.com" || values["order_id"] != "A-1" {
		t.Errorf("values = %v", values)
	}
	if _, ok := values["amount"]; ok {
		t.Errorf("amount = %v, want it cleared", values["amount"])
	}
	if raw := string(obj.Spec.Values["raw"].Raw); raw != `{"big":1234567890123456789}` {
		t.Errorf("raw = %s: a JSON field the update did not touch must keep its exact numbers", raw)
	}
	if obj.Status.UpdatedBy == nil || obj.Status.UpdatedBy.Run != "run-2" || obj.Status.UpdatedAt == nil || !obj.Status.UpdatedAt.Time.Equal(now) {
		t.Errorf("updatedBy/At = %+v %v", obj.Status.UpdatedBy, obj.Status.UpdatedAt)
	}
	if obj.Status.CreatedBy == nil || obj.Status.CreatedBy.Run != "run-1" {
		t.Errorf("createdBy = %+v, want the creating run kept", obj.Status.CreatedBy)
	}
	if obj.Status.ObservedGeneration != obj.Generation || !meta.IsStatusConditionTrue(obj.Status.Conditions, v1alpha1.ReadyCondition) {
		t.Errorf("generation %d, status %+v", obj.Generation, obj.Status)
	}
	bobKey, _ := records.ValueKey(customerFields[1], "bob@example.com")
	if obj.Labels[crstore.IndexLabel("email")] != bobKey || obj.Labels[v1alpha1.WorksheetLabel] != "orders" {
		t.Errorf("labels = %v, want the index label of the new e-mail", obj.Labels)
	}

	// The same step again (a retry) writes nothing.
	calls.reset()
	if _, err := s.UpdateRecord(context.Background(), change(ws, "run-2",
		map[string]any{"order_id": "A-1"}, map[string]any{"status": "paid", "email": "bob@example.com", "amount": nil})); err != nil {
		t.Fatal(err)
	}
	if got := calls.calls(); got != "1 GET, 0 LIST, 0 CREATE, 0 UPDATE" {
		t.Errorf("API calls of a retried update: %s", got)
	}
}

func TestUpdateByAnIndexedFieldListsByLabel(t *testing.T) {
	ws := indexedSheet(t)
	calls := &callCounter{Client: k8s}
	s := &crstore.Records{Client: calls}
	ada := put(t, s, ws, "run-1", map[string]any{"order_id": "A-1", "email": "ada@example.com"})
	bob := put(t, s, ws, "run-2", map[string]any{"order_id": "A-2", "email": "bob@example.com"})
	calls.reset()

	res, err := s.UpdateRecord(context.Background(), change(ws, "run-3", map[string]any{"email": "bob@example.com"}, map[string]any{"note": "vip"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := calls.calls(); got != "0 GET, 1 LIST, 0 CREATE, 1 UPDATE" {
		t.Errorf("API calls: %s", got)
	}
	if res.ID != bob {
		t.Errorf("updated %s, want bob's record %s", res.ID, bob)
	}
	if _, values := get(t, ws.Namespace, bob); values["note"] != "vip" {
		t.Errorf("bob = %v", values)
	}
	if _, values := get(t, ws.Namespace, ada); values["note"] != nil {
		t.Errorf("ada = %v, want it untouched", values)
	}

	// Both on the unique and an indexed field: the GET, then the check.
	_, err = s.UpdateRecord(context.Background(), change(ws, "run-4", map[string]any{"order_id": "A-1", "email": "bob@example.com"}, map[string]any{"note": "x"}))
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("A-1 with bob's e-mail: %v, want ErrNotFound", err)
	}

	// Two records with one e-mail: an update changes none.
	put(t, s, ws, "run-5", map[string]any{"order_id": "A-3", "email": "bob@example.com"})
	_, err = s.UpdateRecord(context.Background(), change(ws, "run-6", map[string]any{"email": "bob@example.com"}, map[string]any{"note": "y"}))
	if !errors.Is(err, store.ErrAmbiguous) {
		t.Errorf("two matches: %v, want ErrAmbiguous", err)
	}
	if _, values := get(t, ws.Namespace, bob); values["note"] != "vip" {
		t.Errorf("bob = %v after a refused update", values)
	}
}

func TestUpsertCreatesThenUpdates(t *testing.T) {
	ws := indexedSheet(t)
	calls := &callCounter{Client: k8s}
	s := &crstore.Records{Client: calls}
	first, err := s.UpdateRecord(context.Background(), upsert(ws, "run-1", map[string]any{"order_id": "A-1"}, map[string]any{"status": "new", "email": "ada@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := calls.calls(); got != "1 GET, 0 LIST, 1 CREATE, 0 UPDATE" {
		t.Errorf("API calls of an upsert that creates: %s", got)
	}
	if !first.Created || first.Values["status"] != "new" {
		t.Errorf("first upsert = %+v, want a created record", first)
	}
	obj, _ := get(t, ws.Namespace, first.ID)
	if obj.Status.CreatedBy == nil || obj.Status.CreatedBy.Run != "run-1" || obj.Labels[crstore.IndexLabel("email")] == "" {
		t.Errorf("created record: status %+v, labels %v", obj.Status, obj.Labels)
	}

	calls.reset()
	second, err := s.UpdateRecord(context.Background(), upsert(ws, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"status": "paid"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := calls.calls(); got != "1 GET, 0 LIST, 0 CREATE, 1 UPDATE" {
		t.Errorf("API calls of an upsert that updates: %s", got)
	}
	if second.Created || second.ID != first.ID {
		t.Errorf("second upsert = %+v, want an update of %s", second, first.ID)
	}
	if _, values := get(t, ws.Namespace, first.ID); values["status"] != "paid" || values["email"] != "ada@example.com" {
		t.Errorf("values = %v", values)
	}

	// By an indexed field: a LIST, then a create named after the write.
	third, err := s.UpdateRecord(context.Background(), upsert(ws, "run-3", map[string]any{"email": "bob@example.com"}, map[string]any{"order_id": "B-1"}))
	if err != nil || !third.Created {
		t.Fatalf("upsert by e-mail = %+v, %v", third, err)
	}
	if n := countRecords(t, ws.Namespace); n != 2 {
		t.Errorf("%d records, want 2", n)
	}

	// A record that cannot be created fails only when it must be.
	_, err = s.UpdateRecord(context.Background(), upsert(ws, "run-4", map[string]any{"email": "cy@example.com"}, map[string]any{"status": "paid"}))
	var invalid *records.ValidationError
	if !errors.As(err, &invalid) {
		t.Errorf("upsert creating a record without its required order_id: %v", err)
	}
}

func TestUpdateRetriesAfterAConflict(t *testing.T) {
	ws := indexedSheet(t)
	calls := &callCounter{Client: k8s}
	s := &crstore.Records{Client: calls}
	id := put(t, s, ws, "run-1", map[string]any{"order_id": "A-1", "status": "new"})
	// Another writer changes the record between our read and our write, once.
	var once sync.Once
	calls.beforeUpdate = func(client.Object) {
		once.Do(func() {
			other := &v1alpha1.WorksheetRecord{}
			if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ws.Namespace, Name: id}, other); err != nil {
				t.Error(err)
				return
			}
			other.Spec.Values["note"] = apiextensionsJSON(`"by the other writer"`)
			if err := k8s.Update(context.Background(), other); err != nil {
				t.Error(err)
			}
		})
	}
	calls.reset()
	if _, err := s.UpdateRecord(context.Background(), change(ws, "run-2", map[string]any{"order_id": "A-1"}, map[string]any{"status": "paid"})); err != nil {
		t.Fatal(err)
	}
	if got := calls.calls(); got != "2 GET, 0 LIST, 0 CREATE, 2 UPDATE" {
		t.Errorf("API calls with one conflict: %s", got)
	}
	if _, values := get(t, ws.Namespace, id); values["status"] != "paid" || values["note"] != "by the other writer" {
		t.Errorf("values = %v, want both writes", values)
	}
}

func TestIndexLabelIsAValidLabelForEveryFieldName(t *testing.T) {
	for field, want := range map[string]string{"email": "idx.hookflow.dev/email", "e_": "idx.hookflow.dev/eX", "e__": "idx.hookflow.dev/e_X"} {
		if got := crstore.IndexLabel(field); got != want {
			t.Errorf("IndexLabel(%q) = %q, want %q", field, got, want)
		}
	}
}

func apiextensionsJSON(raw string) apiextensionsv1.JSON {
	return apiextensionsv1.JSON{Raw: []byte(raw)}
}

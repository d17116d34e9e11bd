package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
)

// UpdateRecord of records, the create-only fake of runner_test.go, finds
// nothing.
func (r *records) UpdateRecord(context.Context, store.Update) (store.Updated, error) {
	if r.err != nil {
		return store.Updated{}, r.err
	}
	return store.Updated{}, store.ErrNotFound
}

// sheetStore is a store.RecordStore in memory with the semantics of a real
// one: records are matched by the keys of their values, updates merge and
// validate the whole record, upserts create.
type sheetStore struct {
	recs    map[string]map[string]any // by id
	order   []string
	updates []store.Update
	err     error
}

func newSheetStore() *sheetStore { return &sheetStore{recs: map[string]map[string]any{}} }

func (s *sheetStore) add(values map[string]any) string {
	id := fmt.Sprintf("rec-%d", len(s.order)+1)
	s.recs[id] = values
	s.order = append(s.order, id)
	return id
}

func (s *sheetStore) CreateRecord(_ context.Context, r store.Record) (string, error) {
	if s.err != nil {
		return "", s.err
	}
	return s.add(r.Values), nil
}

func (s *sheetStore) UpdateRecord(_ context.Context, u store.Update) (store.Updated, error) {
	s.updates = append(s.updates, u)
	if s.err != nil {
		return store.Updated{}, s.err
	}
	var found []string
	for _, id := range s.order {
		if s.matches(u, s.recs[id]) {
			found = append(found, id)
		}
	}
	switch {
	case len(found) > 1:
		return store.Updated{}, store.ErrAmbiguous
	case len(found) == 0 && !u.Upsert:
		return store.Updated{}, fmt.Errorf("update: %w", store.ErrNotFound)
	case len(found) == 0:
		values, err := record.Normalize(u.Fields, u.Create.Values)
		if err != nil {
			return store.Updated{}, err
		}
		return store.Updated{ID: s.add(values), Created: true, Values: values}, nil
	}
	merged, err := record.Apply(u.Fields, s.recs[found[0]], u.Values)
	if err != nil {
		return store.Updated{}, err
	}
	s.recs[found[0]] = merged
	return store.Updated{ID: found[0], Values: merged}, nil
}

func (s *sheetStore) matches(u store.Update, values map[string]any) bool {
	for _, f := range u.Fields {
		want, ok := u.Match[f.Name]
		if !ok {
			continue
		}
		a, _ := record.ValueKey(f, want)
		b, ok := record.ValueKey(f, values[f.Name])
		if !ok || a != b {
			return false
		}
	}
	return true
}

func customers() map[string]*v1alpha1.Worksheet {
	return map[string]*v1alpha1.Worksheet{
		"orders": {ObjectMeta: metav1.ObjectMeta{Name: "orders", UID: "o-uid"}, Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "email", Type: v1alpha1.FieldEmail, Indexed: true},
			{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid"}},
			{Name: "note", Type: v1alpha1.FieldText},
			{Name: "raw", Type: v1alpha1.FieldJSON},
		}}},
	}
}

// updateFlow creates an order, then pays it by its unique order_id, then
// notes the amount the update left, read from steps.pay.values.
func updateFlow(t *testing.T, edit func(*v1alpha1.Workflow)) *route.Route {
	t.Helper()
	wf := &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orders"},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
				Sample: v1alpha1.Sample{JSON: `{"order_id":"A","amount":1,"email":"a@example.com","status":"paid","note":"n"}`},
			}},
			Steps: []v1alpha1.Step{
				{Name: "pay", UpdateRecord: &v1alpha1.UpdateRecordAction{
					Worksheet: "orders",
					Match:     map[string]string{"order_id": "params.order_id"},
					Fields:    map[string]string{"status": "params.status", "note": "params.note", "raw": "{'n': 1}"},
				}},
				{Name: "echo", When: "has(steps.pay)", UpsertRecord: &v1alpha1.UpdateRecordAction{
					Worksheet: "orders",
					Match:     map[string]string{"order_id": "'echo'"},
					Fields:    map[string]string{"note": "steps.pay.recordId + ':' + string(steps.pay.values.status) + ':' + string(steps.pay.values.raw.n)"},
				}},
			},
		},
	}
	if edit != nil {
		edit(wf)
	}
	rt, err := route.Compile(wf, customers())
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestUpdateMergesIntoTheMatchingRecordAndExposesItsValues(t *testing.T) {
	rs := newSheetStore()
	id := rs.add(map[string]any{"order_id": "A-1", "amount": 3.0, "status": "new", "note": "old"})
	res := Run(context.Background(), updateFlow(t, nil), vars(map[string]any{"order_id": "A-1", "status": "paid"}), rs)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	// note reads an absent optional parameter: it keeps its value.
	want := map[string]any{"order_id": "A-1", "amount": 3.0, "status": "paid", "note": "old", "raw": map[string]any{"n": int64(1)}}
	if !reflect.DeepEqual(rs.recs[id], want) {
		t.Errorf("record = %#v, want %#v", rs.recs[id], want)
	}
	u := rs.updates[0]
	if u.Upsert || u.WriteKey != "run-1/pay" || u.UpdatedBy != (v1alpha1.RunReference{Workflow: "orders", Run: "run-1"}) || u.WorksheetUID != "o-uid" {
		t.Errorf("update = %+v", u)
	}
	if !reflect.DeepEqual(u.Match, map[string]any{"order_id": "A-1"}) || len(u.Values) != 2 {
		t.Errorf("match %v, values %v: want the normalized match and only the fields given", u.Match, u.Values)
	}
	if res.Steps[0].RecordID != id || res.Steps[0].Values["status"] != "paid" {
		t.Errorf("pay = %+v", res.Steps[0])
	}
	// The upsert created "echo" from steps.pay.recordId and .values.
	echo := rs.recs[res.Steps[1].RecordID]
	if echo["note"] != id+":paid:1" || echo["order_id"] != "echo" {
		t.Errorf("echo = %#v", echo)
	}
	if len(rs.updates[1].Create.Values) != 2 || rs.updates[1].Create.UniqueKey == "" || rs.updates[1].Create.WriteKey != "run-1/echo" {
		t.Errorf("create of the upsert = %+v", rs.updates[1].Create)
	}
}

func TestUpsertCreatesThenUpdates(t *testing.T) {
	rs := newSheetStore()
	rt := updateFlow(t, func(wf *v1alpha1.Workflow) {
		wf.Spec.Steps = wf.Spec.Steps[:1]
		wf.Spec.Steps[0].UpsertRecord, wf.Spec.Steps[0].UpdateRecord = wf.Spec.Steps[0].UpdateRecord, nil
	})
	for i, status := range []string{"new", "paid"} {
		res := Run(context.Background(), rt, vars(map[string]any{"order_id": "A-1", "status": status}), rs)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		if len(rs.order) != 1 || rs.recs[rs.order[0]]["status"] != status {
			t.Errorf("after upsert %d: %v", i, rs.recs)
		}
	}
}

func TestUpdateFailures(t *testing.T) {
	cases := []struct {
		name     string
		edit     func(*v1alpha1.Workflow)
		params   map[string]any
		storeErr error
		input    bool
		message  string
	}{
		{"no match", nil, map[string]any{"order_id": "A-9"}, nil, true,
			`step pay: no record of worksheet orders matches order_id="A-9"`},
		{"select value outside its options", nil, map[string]any{"order_id": "A-1", "status": "lost"}, nil, true,
			"step pay: status: must be one of new, paid"},
		{"match value absent", func(wf *v1alpha1.Workflow) {
			wf.Spec.Steps[0].UpdateRecord.Match = map[string]string{"email": "params.email"}
		}, map[string]any{"order_id": "A-1"}, nil, true, "step pay: match email: value absent from the request"},
		{"match value invalid", func(wf *v1alpha1.Workflow) {
			wf.Spec.Steps[0].UpdateRecord.Match = map[string]string{"email": "'nope'"}
		}, map[string]any{"order_id": "A-1"}, nil, true, "step pay: match email: must be a bare e-mail address"},
		{"several matches", func(wf *v1alpha1.Workflow) {
			wf.Spec.Steps[0].UpdateRecord.Match = map[string]string{"email": "'ada@example.com'"}
		}, map[string]any{"order_id": "A-1"}, nil, true, `step pay: more than one record of worksheet orders matches email="ada@example.com"`},
		{"merged record no longer fitting the worksheet", nil, map[string]any{"order_id": "A-2", "note": "x"}, nil, true,
			"step pay: status: must be one of new, paid"},
		{"store unavailable", nil, map[string]any{"order_id": "A-1"}, fmt.Errorf("update: %w", store.ErrUnavailable), false,
			"step pay: update: store unavailable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := newSheetStore()
			rs.add(map[string]any{"order_id": "A-1", "email": "ada@example.com"})
			// A-2 was written before the option "gone" was removed.
			rs.add(map[string]any{"order_id": "A-2", "email": "ada@example.com", "status": "gone"})
			rs.err = tc.storeErr
			res := Run(context.Background(), updateFlow(t, tc.edit), vars(tc.params), rs)
			var in *InputError
			if got := errors.As(res.Err, &in); got != tc.input {
				t.Errorf("InputError = %v, want %v (%v)", got, tc.input, res.Err)
			}
			if res.Err == nil || !strings.HasPrefix(res.Err.Error(), tc.message) {
				t.Errorf("err = %v, want it to start with %q", res.Err, tc.message)
			}
			if len(res.Steps) != 1 || res.Steps[0].Phase != v1alpha1.RunFailed {
				t.Errorf("steps = %+v", res.Steps)
			}
		})
	}
}

func TestCreateRecordExposesItsValuesAndIndexKeys(t *testing.T) {
	rs := newSheetStore()
	wf := &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orders"},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{Sample: v1alpha1.Sample{JSON: `{"order_id":"A","email":"a@example.com"}`}}},
			Steps: []v1alpha1.Step{
				{Name: "save", CreateRecord: &v1alpha1.CreateRecordAction{Worksheet: "orders",
					Fields: map[string]string{"order_id": "params.order_id", "email": "params.email", "amount": "12"}}},
				{Name: "copy", CreateRecord: &v1alpha1.CreateRecordAction{Worksheet: "orders",
					Fields: map[string]string{"order_id": "steps.save.values.order_id + '-copy'", "amount": "steps.save.values.amount * 2.0"}}},
			},
		},
	}
	rt, err := route.Compile(wf, customers())
	if err != nil {
		t.Fatal(err)
	}
	res := Run(context.Background(), rt, vars(map[string]any{"order_id": "A-1", "email": "ada@example.com"}), rs)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := rs.recs[res.Steps[1].RecordID]; got["order_id"] != "A-1-copy" || got["amount"] != 24.0 {
		t.Errorf("copy = %v", got)
	}
}

func TestOutputValuesMakeJSONNumbersReadable(t *testing.T) {
	got := outputValues(map[string]any{"raw": map[string]any{"a": []any{jsonNumber("12"), jsonNumber("1.5")}}, "n": 2.0})
	want := map[string]any{"raw": map[string]any{"a": []any{int64(12), 1.5}}, "n": 2.0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outputValues = %#v", got)
	}
}

func jsonNumber(s string) any { return json.Number(s) }

package runner

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
)

// records is a store.RecordStore in memory that fails with err, when set.
type records struct {
	got []store.Record
	err error
}

func (r *records) CreateRecord(_ context.Context, rec store.Record) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	r.got = append(r.got, rec)
	return fmt.Sprintf("%s-%d", rec.Worksheet, len(r.got)), nil
}

func compiled(t *testing.T) *route.Route {
	t.Helper()
	sheets := map[string]*v1alpha1.Worksheet{
		"orders": {ObjectMeta: metav1.ObjectMeta{Name: "orders", UID: "o-uid"}, Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
			{Name: "amount", Type: v1alpha1.FieldNumber},
			{Name: "email", Type: v1alpha1.FieldEmail},
		}}},
		"audit": {ObjectMeta: metav1.ObjectMeta{Name: "audit"}, Spec: v1alpha1.WorksheetSpec{Fields: []v1alpha1.WorksheetField{
			{Name: "ref", Type: v1alpha1.FieldText, Required: true},
			{Name: "at", Type: v1alpha1.FieldDateTime},
		}}},
	}
	wf := &v1alpha1.Workflow{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orders"},
		Spec: v1alpha1.WorkflowSpec{
			Trigger: v1alpha1.Trigger{Webhook: v1alpha1.WebhookTrigger{
				Sample: v1alpha1.Sample{JSON: `{"order_id":"A","amount":1,"email":"a@example.com"}`},
			}},
			Steps: []v1alpha1.Step{
				{Name: "save", When: "!has(params.amount) || params.amount > 0", CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "orders",
					Fields:    map[string]string{"order_id": "params.order_id", "amount": "params.amount", "email": "params.email"},
				}},
				{Name: "audit", CreateRecord: &v1alpha1.CreateRecordAction{
					Worksheet: "audit",
					Fields:    map[string]string{"ref": "steps.save.recordId", "at": "now"},
				}},
			},
		},
	}
	rt, err := route.Compile(wf, sheets)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func vars(p map[string]any) *celexpr.Vars {
	return &celexpr.Vars{Params: p, RunID: "run-1", Now: now}
}

func TestRunWritesEachStepsRecordAndChainsTheirIDs(t *testing.T) {
	rs := &records{}
	res := Run(context.Background(), compiled(t), vars(map[string]any{"order_id": "A-1", "amount": 2.5}), rs)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if len(rs.got) != 2 {
		t.Fatalf("%d records, want 2", len(rs.got))
	}
	order, audit := rs.got[0], rs.got[1]
	if fmt.Sprint(order.Values) != fmt.Sprint(map[string]any{"order_id": "A-1", "amount": 2.5}) {
		t.Errorf("order values = %v (the absent optional email must be left empty)", order.Values)
	}
	if order.UniqueField != "order_id" || order.UniqueKey == "" || order.WriteKey != "run-1/save" || order.WorksheetUID != "o-uid" {
		t.Errorf("order record = %+v", order)
	}
	if order.CreatedBy != (v1alpha1.RunReference{Workflow: "orders", Run: "run-1"}) {
		t.Errorf("createdBy = %+v", order.CreatedBy)
	}
	if audit.Values["ref"] != "orders-1" || audit.Values["at"] != now.Format(time.RFC3339Nano) {
		t.Errorf("audit values = %v, want the first record's id and the request time", audit.Values)
	}
	if audit.UniqueKey != "" {
		t.Errorf("audit has no unique field but got key %q", audit.UniqueKey)
	}
	for i, s := range res.Steps {
		if s.Phase != v1alpha1.RunSucceeded || s.RecordID == "" {
			t.Errorf("step %d = %+v", i, s)
		}
	}
}

func TestRunSkipsAStepWhoseConditionIsFalse(t *testing.T) {
	rs := &records{}
	res := Run(context.Background(), compiled(t), vars(map[string]any{"order_id": "A-1", "amount": -1.0}), rs)
	// The audit step reads steps.save.recordId, absent when save was
	// skipped; its required ref field then fails the run, with its reason.
	var in *InputError
	if !errors.As(res.Err, &in) {
		t.Fatalf("err = %v, want an InputError", res.Err)
	}
	if res.Steps[0].Phase != v1alpha1.RunSkipped {
		t.Errorf("save = %+v, want Skipped", res.Steps[0])
	}
	if res.Steps[1].Phase != v1alpha1.RunFailed || res.Err.Error() != "step audit: ref: required" {
		t.Errorf("audit = %+v, err %q", res.Steps[1], res.Err)
	}
	if len(rs.got) != 0 {
		t.Errorf("%d records written", len(rs.got))
	}
}

func TestRunFailures(t *testing.T) {
	cases := []struct {
		name     string
		params   map[string]any
		storeErr error
		input    bool
		wrapped  error
		message  string
	}{
		{"record breaking the worksheet", map[string]any{"order_id": "A-1", "email": "nope"}, nil, true, nil, "step save: email: "},
		{"duplicate", map[string]any{"order_id": "A-1"}, fmt.Errorf("order_id: %w", store.ErrDuplicate), true, store.ErrDuplicate, "step save: order_id: a record with this value already exists"},
		{"store unavailable", map[string]any{"order_id": "A-1"}, fmt.Errorf("create: %w", store.ErrUnavailable), false, store.ErrUnavailable, "step save: create: store unavailable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := &records{err: tc.storeErr}
			res := Run(context.Background(), compiled(t), vars(tc.params), rs)
			var in *InputError
			if got := errors.As(res.Err, &in); got != tc.input {
				t.Errorf("InputError = %v, want %v (%v)", got, tc.input, res.Err)
			}
			if tc.wrapped != nil && !errors.Is(res.Err, tc.wrapped) {
				t.Errorf("err %v does not wrap %v", res.Err, tc.wrapped)
			}
			if res.Err == nil || len(res.Err.Error()) < len(tc.message) || res.Err.Error()[:len(tc.message)] != tc.message {
				t.Errorf("err = %v, want it to start with %q", res.Err, tc.message)
			}
			if len(res.Steps) != 1 || res.Steps[0].Phase != v1alpha1.RunFailed {
				t.Errorf("steps = %+v: the run must stop at the failed step", res.Steps)
			}
		})
	}
}

// A rerun keys its writes by the first run of its chain, so that a record
// an earlier run wrote before failing is not written twice, while the
// record's provenance names the rerun that wrote it.
func TestRerunKeysItsWritesByTheFirstRunOfItsChain(t *testing.T) {
	rs := &records{}
	v := vars(map[string]any{"order_id": "A-1", "amount": 2.5})
	v.RunID, v.WriteID = "run-1-rerun-2", "run-1"
	if res := Run(context.Background(), compiled(t), v, rs); res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := rs.got[0]; got.WriteKey != "run-1/save" || got.CreatedBy.Run != "run-1-rerun-2" {
		t.Errorf("rerun's record: write key %q, created by run %q; want run-1/save, run-1-rerun-2", got.WriteKey, got.CreatedBy.Run)
	}
}

package webhookserver

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/store"
)

// runWriter keeps the runs a Recorder writes.
type runWriter struct {
	mu   sync.Mutex
	runs []*v1alpha1.WorkflowRun
}

func (w *runWriter) Create(_ context.Context, run *v1alpha1.WorkflowRun) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs = append(w.runs, run)
	return nil
}

// TestRunsAreRecordedAfterTheirAnswer: the runs that reached their steps
// are recorded with their answer's code; rejections before the steps are
// not.
func TestRunsAreRecordedAfterTheirAnswer(t *testing.T) {
	records := &fakeRecords{}
	writer := &runWriter{}
	runs := runhistory.NewRecorder(writer, runhistory.Options{})
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{
		ID: hookID, Route: compile(t, orderWorkflow("orders", "wf-uid")), Limits: defaultLimits,
		History: runhistory.Limits{Successful: 10, Failed: 50},
	}}))
	srv := New(Options{Routes: routes, Records: records, Runs: runs, Log: logr.Discard(), Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	answered := map[string]int{}
	for _, req := range []struct {
		storeErr error
		body     string
		code     int
	}{
		{nil, `{"order_id":"A-1","amount":5}`, 200},
		{fmt.Errorf("order_id: %w", store.ErrDuplicate), `{"order_id":"A-1"}`, 422},
		{fmt.Errorf("create: %w", store.ErrUnavailable), `{"order_id":"A-2"}`, 503},
		{nil, `{"amount":5}`, 400}, // missing parameter: rejected before the steps
		{nil, `{"order_id":`, 400}, // malformed
	} {
		records.mu.Lock()
		records.err = req.storeErr
		records.mu.Unlock()
		a := (&testServer{Server: ts}).do(t, "POST", "/hooks/"+hookID, jsonType, req.body)
		if a.Code != req.code {
			t.Fatalf("%s: %d %s, want %d", req.body, a.Code, a.Raw, req.code)
		}
		if id, _ := a.Body["runId"].(string); id != "" {
			answered[id] = a.Code
		}
	}
	runs.Flush(context.Background())

	writer.mu.Lock()
	defer writer.mu.Unlock()
	if len(writer.runs) != 3 {
		t.Fatalf("%d runs recorded, want the 3 that reached their steps", len(writer.runs))
	}
	wantPhase := map[int]v1alpha1.RunPhase{200: v1alpha1.RunSucceeded, 422: v1alpha1.RunFailed, 503: v1alpha1.RunFailed}
	for _, run := range writer.runs {
		code, ok := answered[run.Name]
		if !ok {
			t.Errorf("run %s was not answered with its id", run.Name)
			continue
		}
		st := run.Status
		if st.Response == nil || int(st.Response.StatusCode) != code || st.Phase != wantPhase[code] {
			t.Errorf("run answered %d recorded as %s %+v", code, st.Phase, st.Response)
		}
		if run.Namespace != "shop" || run.Spec.Workflow != "orders" || run.OwnerReferences[0].UID != "wf-uid" ||
			run.Spec.ReceivedAt == nil || !run.Spec.ReceivedAt.Time.Equal(now) || st.Duration != "0s" {
			t.Errorf("run %s: %+v %+v", run.Name, run.ObjectMeta, run.Spec)
		}
		if len(st.Steps) != 1 || st.Steps[0].Name != "save" {
			t.Errorf("steps = %+v", st.Steps)
		}
		// A failed run keeps its request, for a rerun; a successful one not.
		if failed := st.Phase == v1alpha1.RunFailed; failed != (run.Spec.Request != nil) ||
			failed && (run.Spec.Request.Body == "" || run.Spec.Request.Headers["content-type"] != jsonType) {
			t.Errorf("run answered %d: request %+v", code, run.Spec.Request)
		}
	}
}

// TestFailedRunsKeepNoSecret: the request a failed run keeps has none of the
// credentials and signature headers of its request.
func TestFailedRunsKeepNoSecret(t *testing.T) {
	e := &Entry{}
	kept := withoutSecrets(e, map[string]string{
		"authorization": "Bearer x", "cookie": "s=1", "x-hookflow-sign": "abc", "x-hookflow-appkey": "k",
		"x-hookflow-timestamp": "1", "proxy-authorization": "Basic y", "x-shop": "eu",
	})
	if len(kept) != 1 || kept["x-shop"] != "eu" {
		t.Errorf("kept headers %v, want x-shop alone", kept)
	}
}

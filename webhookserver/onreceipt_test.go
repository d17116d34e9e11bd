package webhookserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/crstore"
)

// heldRecords holds every write until unblock is closed.
type heldRecords struct {
	fakeRecords
	unblock chan struct{}
}

func (b *heldRecords) CreateRecord(ctx context.Context, r store.Record) (string, error) {
	<-b.unblock
	return b.fakeRecords.CreateRecord(ctx, r)
}

func onReceiptServer(t *testing.T, records store.RecordStore, k8s client.Client) *Server {
	t.Helper()
	wf := orderWorkflow("orders", "wf-uid")
	wf.Spec.Response = &v1alpha1.Response{Mode: v1alpha1.ResponseOnReceipt}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: compile(t, wf), Limits: defaultLimits}}))
	return New(Options{Routes: routes, Records: records, Log: logr.Discard(), Now: func() time.Time { return now },
		Idempotency: &crstore.IdempotentRuns{Client: k8s}})
}

func getRun(t *testing.T, k8s client.Client, name string) *v1alpha1.WorkflowRun {
	t.Helper()
	run := &v1alpha1.WorkflowRun{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: name}, run); err != nil {
		t.Fatalf("get run %s: %v", name, err)
	}
	return run
}

// TestOnReceiptAnswersBeforeTheSteps: the run is written Accepted, with its
// request (without credentials), then the answer is sent while the steps
// are still blocked; the run is finished once they are done.
func TestOnReceiptAnswersBeforeTheSteps(t *testing.T) {
	k8s := fake.NewClientBuilder().WithScheme(scheme.New()).Build()
	records := &heldRecords{unblock: make(chan struct{})}
	srv := onReceiptServer(t, records, k8s)

	req := httptest.NewRequest(http.MethodPost, "/hooks/"+hookID+"?src=shop", strings.NewReader(`{"order_id":"A-1","amount":2}`))
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("X-Trace", "t-1")
	w := httptest.NewRecorder()
	answered := make(chan struct{})
	go func() { srv.Handler().ServeHTTP(w, req); close(answered) }()
	select {
	case <-answered:
	case <-time.After(5 * time.Second):
		close(records.unblock)
		t.Fatal("no answer while the steps are blocked")
	}
	var body successBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer %d %s: %v", w.Code, w.Body, err)
	}
	if w.Code != http.StatusOK || body.Msg != "accepted" || body.RunID == "" {
		t.Fatalf("answer %d %s", w.Code, w.Body)
	}
	run := getRun(t, k8s, body.RunID)
	if run.Status.Phase != v1alpha1.RunAccepted || run.Labels[v1alpha1.RunPhaseLabel] != "Accepted" || run.Status.LeaseUntil == nil {
		t.Errorf("run before the steps: phase %s, labels %v, lease %v", run.Status.Phase, run.Labels, run.Status.LeaseUntil)
	}
	rq := run.Spec.Request
	if rq == nil || rq.Body != `{"order_id":"A-1","amount":2}` || rq.Headers["x-trace"] != "t-1" || rq.Query["src"] != "shop" {
		t.Errorf("request kept = %+v", rq)
	} else if _, ok := rq.Headers["authorization"]; ok {
		t.Error("the Authorization header was kept in the run")
	}
	if len(records.all()) != 0 {
		t.Error("a record was written before the answer")
	}

	close(records.unblock)
	srv.accepted.Wait()
	run = getRun(t, k8s, body.RunID)
	if run.Status.Phase != v1alpha1.RunSucceeded || run.Labels[v1alpha1.RunPhaseLabel] != "Succeeded" || run.Status.LeaseUntil != nil ||
		len(run.Status.Steps) != 1 || run.Status.Response.StatusCode != 200 {
		t.Errorf("run after the steps: %+v", run.Status)
	}
	if n := len(records.all()); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// TestOnReceiptNoRunNoAnswer: when the run cannot be written, the answer
// is a 503 and no step runs.
func TestOnReceiptNoRunNoAnswer(t *testing.T) {
	k8s := fake.NewClientBuilder().WithScheme(scheme.New()).WithInterceptorFuncs(interceptor.Funcs{
		Create: func(context.Context, client.WithWatch, client.Object, ...client.CreateOption) error {
			return netTimeout{errors.New("i/o timeout")}
		},
	}).Build()
	records := &fakeRecords{}
	srv := onReceiptServer(t, records, k8s)
	req := httptest.NewRequest(http.MethodPost, "/hooks/"+hookID, strings.NewReader(`{"order_id":"A-1"}`))
	req.Header.Set("Content-Type", jsonType)
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, req)
	srv.accepted.Wait()
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("answer %d %v %s, want 503 with Retry-After", w.Code, w.Header(), w.Body)
	}
	if len(records.all()) != 0 {
		t.Error("a step ran for a run that was not accepted")
	}
}

// TestRecoveryFinishesAnExpiredRun: a run left Accepted, whose lease has
// passed, is taken over and finished with the variables it kept.
func TestRecoveryFinishesAnExpiredRun(t *testing.T) {
	k8s := fake.NewClientBuilder().WithScheme(scheme.New()).Build()
	records := &fakeRecords{}
	srv := onReceiptServer(t, records, k8s)
	runs := srv.opts.Idempotency
	ctx := context.Background()
	accepted := func(id string, lease time.Duration) {
		if _, mine, err := runs.Begin(ctx, crstore.IdempotentRun{
			Namespace: "shop", Workflow: "orders", WorkflowUID: "wf-uid", ID: id, Lease: lease, Phase: v1alpha1.RunAccepted,
			Params:  &apiextensionsv1.JSON{Raw: []byte(`{"order_id":"R-1"}`)},
			Request: &v1alpha1.RunRequest{Body: `{"order_id":"R-1"}`},
		}); err != nil || !mine {
			t.Fatalf("begin %s: %v %v", id, mine, err)
		}
	}
	accepted("expired", -time.Second)
	accepted("leased", time.Hour)

	(&Recovery{Server: srv, Log: logr.Discard()}).recoverRuns(ctx, time.Second)

	if run := getRun(t, k8s, "expired"); run.Status.Phase != v1alpha1.RunSucceeded {
		t.Errorf("expired run: phase %s, error %q", run.Status.Phase, run.Status.Error)
	}
	if run := getRun(t, k8s, "leased"); run.Status.Phase != v1alpha1.RunAccepted {
		t.Errorf("run still leased: phase %s, want Accepted", run.Status.Phase)
	}
	got := records.all()
	if len(got) != 1 || !strings.HasPrefix(got[0].WriteKey, "expired") {
		t.Errorf("records = %+v, want one of run expired", got)
	}
}

// netTimeout is a net.Error: the store reports it as unavailable.
type netTimeout struct{ error }

func (netTimeout) Timeout() bool   { return true }
func (netTimeout) Temporary() bool { return true }

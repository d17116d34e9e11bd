package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/webhookserver"
)

// workflowRuns lists the WorkflowRuns of a Workflow, by name.
func workflowRuns(t *testing.T, ns, workflow string) map[string]v1alpha1.WorkflowRun {
	t.Helper()
	var list v1alpha1.WorkflowRunList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns), client.MatchingLabels{v1alpha1.WorkflowLabel: workflow}); err != nil {
		t.Fatal(err)
	}
	out := map[string]v1alpha1.WorkflowRun{}
	for _, r := range list.Items {
		out[r.Name] = r
	}
	return out
}

// waitRunsWritten waits until the server's run history holds nothing and
// has finished a flush that began after the call: every run answered
// before it is then written (or given up).
func waitRunsWritten(t *testing.T) {
	t.Helper()
	start := server.Runs().Stats().Flushes
	testenv.Eventually(t, 20*runFlushInterval, "runs flushed", func() (bool, string) {
		st := server.Runs().Stats()
		return st.Flushes >= start+2 && st.Pending == 0, fmt.Sprintf("%+v", st)
	})
}

// adminGet GETs a path of the API server as its admin.
func adminGet(t *testing.T, path, accept string) []byte {
	t.Helper()
	hc, err := rest.HTTPClientFor(adminConfig)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(adminConfig.Host, "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, body)
	}
	return body
}

// workflowRunPOSTs is what the API server counted of the create requests on
// workflowruns (apiserver_request_total, every code).
func workflowRunPOSTs(t *testing.T) int { t.Helper(); return workflowRunRequests(t, "POST") }

// workflowRunRequests is what the API server counted of the requests of a
// verb on workflowruns.
func workflowRunRequests(t *testing.T, verb string) int {
	t.Helper()
	return testenv.APIRequests(t, adminConfig, verb, "workflowruns", "")
}

// counter reads a counter of the manager's metrics registry.
func counter(t *testing.T, name string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no counter %s", name)
	return 0
}

// TestRunsAreWorkflowRuns: a successful and a failed run are WorkflowRuns,
// with their phase, answer, steps and duration, as `kubectl get` shows.
func TestRunsAreWorkflowRuns(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))

	ok := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"R-1","amount":3}`)
	dup := post(t, wf.Status.WebhookURL, "application/json", `{"order_id":"R-1","amount":4}`)
	if ok.Code != 200 || dup.Code != 422 {
		t.Fatalf("answers %d %s, %d %s; want 200 and 422", ok.Code, ok.Raw, dup.Code, dup.Raw)
	}
	okID, _ := ok.Body["runId"].(string)
	dupID, _ := dup.Body["runId"].(string)
	var runs map[string]v1alpha1.WorkflowRun
	testenv.Eventually(t, 10*time.Second, "the two runs written", func() (bool, string) {
		runs = workflowRuns(t, ns, "orders")
		return len(runs) == 2, fmt.Sprintf("%d runs", len(runs))
	})
	recs := records(t, ns)
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}

	for _, tc := range []struct {
		id        string
		phase     v1alpha1.RunPhase
		code      int32
		step      v1alpha1.StepStatus
		wantError bool
	}{
		{okID, v1alpha1.RunSucceeded, 200, v1alpha1.StepStatus{Name: "save", Phase: v1alpha1.RunSucceeded, RecordRef: recs[0].Name}, false},
		{dupID, v1alpha1.RunFailed, 422, v1alpha1.StepStatus{Name: "save", Phase: v1alpha1.RunFailed}, true},
	} {
		run, found := runs[tc.id]
		if !found {
			t.Errorf("no WorkflowRun named after run %q: %v", tc.id, slices.Collect(maps.Keys(runs)))
			continue
		}
		st := run.Status
		var params map[string]any
		if run.Spec.Params != nil {
			_ = json.Unmarshal(run.Spec.Params.Raw, &params)
		}
		d, err := time.ParseDuration(st.Duration)
		checks := []struct {
			name string
			ok   bool
		}{
			{"labels", run.Labels[v1alpha1.WorkflowLabel] == "orders" && run.Labels[v1alpha1.RunPhaseLabel] == string(tc.phase)},
			{"owner", len(run.OwnerReferences) == 1 && run.OwnerReferences[0].UID == wf.UID && ptr.Deref(run.OwnerReferences[0].Controller, false)},
			{"spec", run.Spec.Workflow == "orders" && run.Spec.ReceivedAt != nil && params["order_id"] == "R-1"},
			{"phase", st.Phase == tc.phase},
			{"code", st.Response != nil && st.Response.StatusCode == tc.code},
			{"duration", err == nil && d >= 0 && d < 30*time.Second},
			{"times", st.StartedAt != nil && st.FinishedAt != nil},
			{"error", (st.Error != "") == tc.wantError},
			{"steps", len(st.Steps) == 1 && st.Steps[0].Name == tc.step.Name && st.Steps[0].Phase == tc.step.Phase &&
				st.Steps[0].RecordRef == tc.step.RecordRef && (st.Steps[0].Message != "") == tc.wantError},
		}
		for _, c := range checks {
			if !c.ok {
				t.Errorf("run %s (%s): %s not as expected: spec %+v status %+v", tc.id, tc.phase, c.name, run.Spec, st)
			}
		}
	}

	// `kubectl get workflowruns`: the API server's table of them.
	var table metav1.Table
	raw := adminGet(t, "/apis/hookflow.dev/v1alpha1/namespaces/"+ns+"/workflowruns", "application/json;as=Table;v=v1;g=meta.k8s.io")
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range table.ColumnDefinitions {
		col[c.Name] = i
	}
	for _, name := range []string{"Workflow", "Phase", "Code", "Duration"} {
		if _, ok := col[name]; !ok {
			t.Errorf("kubectl get workflowruns: no column %s in %v", name, table.ColumnDefinitions)
		}
	}
	for _, row := range table.Rows {
		if row.Cells[0] == okID {
			cells := fmt.Sprint(row.Cells[col["Phase"]], " ", row.Cells[col["Code"]])
			if cells != "Succeeded 200" || row.Cells[col["Duration"]] == "" {
				t.Errorf("kubectl get workflowruns row %v, want Succeeded 200 and a duration", row.Cells)
			}
			t.Logf("kubectl get workflowruns: %v", row.Cells)
		}
	}
}

// TestRunHistoryCostDoesNotGrowWithRequests: 1,000 successful requests to
// one Workflow cost at most successfulRunsLimit WorkflowRun creates per
// flush, as the API server counts them. They go to a server replica of
// their own, with the default flush interval, stopped at the end: its last
// flush writes what it holds.
func TestRunHistoryCostDoesNotGrowWithRequests(t *testing.T) {
	const requests, workers, limit = 1000, 8, 10
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))

	mgr, err := ctrl.NewManager(adminConfig, scheme.LocalManagerOptions())
	if err != nil {
		t.Fatal(err)
	}
	addr := testenv.FreeAddress(t)
	replica, err := webhookserver.AddToManager(mgr, webhookserver.Config{BindAddress: addr})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("replica: %v", err)
		}
	}
	defer func() {
		if ctx.Err() == nil {
			stop()
		}
	}()
	testenv.Eventually(t, 20*time.Second, "the replica serves the Workflow", func() (bool, string) {
		return replica.Routes().Load().Lookup(wf.Status.WebhookID) != nil, "not in its route table"
	})
	url := "http://" + addr + "/hooks/" + wf.Status.WebhookID
	waitRunsWritten(t) // the suite server's runs are not counted

	postsBefore := workflowRunPOSTs(t)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 30 * time.Second}
	var next, okCount atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > requests {
					return
				}
				resp, err := hc.Post(url, "application/json", strings.NewReader(fmt.Sprintf(`{"order_id":"C-%d"}`, i)))
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					okCount.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if okCount.Load() != requests {
		t.Fatalf("%d of %d requests answered 200", okCount.Load(), requests)
	}
	stop()
	st := replica.Runs().Stats()
	posts := workflowRunPOSTs(t) - postsBefore
	flushes := int(st.Flushes) // since it started, the last one included

	t.Logf("%d requests in %v (%.0f/s); %d flushes (every %v, and on shutdown); the API server received %d WorkflowRun creates "+
		"(%d written, %d superseded in memory, %d held); bound %d × (%d + 1) = %d",
		requests, elapsed.Round(time.Millisecond), float64(requests)/elapsed.Seconds(), flushes, runhistory.DefaultFlushInterval,
		posts, st.Written, st.Superseded, st.Pending, limit, flushes, limit*(flushes+1))
	if posts > limit*(flushes+1) {
		t.Errorf("%d WorkflowRun creates over %d flushes, want at most %d", posts, flushes, limit*(flushes+1))
	}
	if posts > requests/10 {
		t.Errorf("%d WorkflowRun creates for %d requests, want far fewer", posts, requests)
	}
	if st.Pending != 0 || posts == 0 || int(st.Written) != posts || len(workflowRuns(t, ns, "orders")) == 0 {
		t.Errorf("runs not all written on shutdown: %+v, %d creates", st, posts)
	}
}

// TestRunHistoryIsPruned: with history {successfulRunsLimit: 2,
// failedRunsLimit: 1}, after 5 successes and 3 failures, each written, a
// prune pass leaves the 2 latest successes and the latest failure.
func TestRunHistoryIsPruned(t *testing.T) {
	ns := newNamespace(t)
	wf := testenv.OrderWorkflow(ns, "orders")
	wf.Spec.History = &v1alpha1.History{SuccessfulRunsLimit: ptr.To[int32](2), FailedRunsLimit: ptr.To[int32](1)}
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), wf)
	wf = waitServed(t, wf)
	waitRunsWritten(t)
	written := server.Runs().Stats().Written
	pruned := counter(t, "hookflow_workflowruns_pruned_total")

	var succeeded, failed []string
	for i, body := range []string{
		`{"order_id":"P-1"}`, `{"order_id":"P-2"}`, `{"order_id":"P-1"}`, `{"order_id":"P-3"}`,
		`{"order_id":"P-2"}`, `{"order_id":"P-4"}`, `{"order_id":"P-1"}`, `{"order_id":"P-5"}`,
	} {
		a := post(t, wf.Status.WebhookURL, "application/json", body)
		id, _ := a.Body["runId"].(string)
		switch a.Code {
		case 200:
			succeeded = append(succeeded, id)
		case 422:
			failed = append(failed, id)
		default:
			t.Fatalf("request %d: %d %s", i, a.Code, a.Raw)
		}
		// Each run is written before the next: the Recorder keeps only the
		// latest 2 and 1 of a flush, and the pruner is what is tested.
		waitRunsWritten(t)
	}
	if len(succeeded) != 5 || len(failed) != 3 {
		t.Fatalf("%d successes and %d failures, want 5 and 3", len(succeeded), len(failed))
	}
	if w := server.Runs().Stats().Written - written; w != 8 {
		t.Fatalf("%d runs written, want the 8", w)
	}
	// Every run was written before the passes counted from here: two more
	// mean a whole pass began after the last run was there. Two more after
	// them measure what a pass costs once nothing is left to prune.
	var workflows v1alpha1.WorkflowList
	if err := k8s.List(context.Background(), &workflows); err != nil {
		t.Fatal(err)
	}
	waitPasses := func(n float64) float64 {
		t.Helper()
		from := counter(t, "hookflow_workflowrun_prune_passes_total")
		testenv.Eventually(t, 60*time.Second, "prune passes", func() (bool, string) {
			p := counter(t, "hookflow_workflowrun_prune_passes_total")
			return p >= from+n, fmt.Sprintf("%v of %v passes", p-from, n)
		})
		return counter(t, "hookflow_workflowrun_prune_passes_total") - from
	}
	waitPasses(2)
	lists, deletes := workflowRunRequests(t, "LIST"), workflowRunRequests(t, "DELETE")
	p := waitPasses(2)
	lists, deletes = workflowRunRequests(t, "LIST")-lists, workflowRunRequests(t, "DELETE")-deletes
	runs := workflowRuns(t, ns, "orders")
	var gotOK, gotFailed []string
	for name, r := range runs {
		switch r.Status.Phase {
		case v1alpha1.RunSucceeded:
			gotOK = append(gotOK, name)
		case v1alpha1.RunFailed:
			gotFailed = append(gotFailed, name)
		}
	}
	slices.Sort(gotOK)
	if want := succeeded[3:]; !slices.Equal(gotOK, want) || !slices.Equal(gotFailed, failed[2:]) {
		t.Errorf("runs left: succeeded %v, failed %v; want the latest %v and %v", gotOK, gotFailed, want, failed[2:])
	}
	d := counter(t, "hookflow_workflowruns_pruned_total") - pruned
	if d < 5 {
		t.Errorf("%v runs pruned, want at least 5", d)
	}
	t.Logf("%v runs pruned; then %v prune passes over %d Workflows with nothing left to prune cost %d LISTs and %d DELETEs of workflowruns",
		d, p, len(workflows.Items), lists, deletes)
}

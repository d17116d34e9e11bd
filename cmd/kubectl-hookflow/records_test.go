package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// fixedNow is the clock of the AGE columns in the tests.
var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fixClock(t *testing.T) {
	clock = func() time.Time { return fixedNow }
	t.Cleanup(func() { clock = time.Now })
}

// assertGolden compares got with testdata/name.golden, or rewrites it
// with -update.
func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func values(pairs ...string) map[string]apiextensionsv1.JSON {
	v := map[string]apiextensionsv1.JSON{}
	for i := 0; i < len(pairs); i += 2 {
		v[pairs[i]] = apiextensionsv1.JSON{Raw: []byte(pairs[i+1])}
	}
	return v
}

func record(ns, worksheet, name string, createdAt time.Time, run string, vals map[string]apiextensionsv1.JSON) *v1alpha1.WorksheetRecord {
	at := metav1.NewTime(createdAt)
	return &v1alpha1.WorksheetRecord{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{v1alpha1.WorksheetLabel: worksheet}},
		Spec:       v1alpha1.WorksheetRecordSpec{Worksheet: worksheet, Values: vals},
		Status: v1alpha1.WorksheetRecordStatus{
			CreatedBy: &v1alpha1.RunReference{Workflow: "orders", Run: run},
			CreatedAt: &at,
		},
	}
}

func TestRecords(t *testing.T) {
	fixClock(t)
	ns := newNamespace(t)
	ws := testenv.OrdersWorksheet(ns)
	ws.Spec.Fields = append(ws.Spec.Fields, v1alpha1.WorksheetField{Name: "payload", Type: v1alpha1.FieldJSON})
	pg := &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ledger"},
		Spec: v1alpha1.WorksheetSpec{
			Fields: []v1alpha1.WorksheetField{{Name: "entry", Type: v1alpha1.FieldText}},
			Storage: v1alpha1.StoreSpec{Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{
				ConnectionSecretRef: v1alpha1.SecretKeyReference{Name: "ledger-db"},
			}},
		},
	}
	testenv.Create(t, k8s, ws, pg,
		// The oldest, then the newest, then the middle one: the API lists by name.
		record(ns, "orders", "rec-a", fixedNow.Add(-72*time.Hour), "run-1", values(
			"order_id", `"A-1001"`, "amount", `129.5`, "email", `"ada@example.com"`, "status", `"paid"`,
			"received_at", `"2026-02-26T12:00:00Z"`, "payload", `{"lines": [{"sku": "X-1", "qty": 2}, {"sku": "Y-22", "qty": 1}]}`)),
		record(ns, "orders", "rec-b", fixedNow.Add(-5*time.Minute), "run-3", values(
			"order_id", `"A-1003"`, "amount", `7`, "status", `"new"`, "payload", `[1,2]`)),
		record(ns, "orders", "rec-c", fixedNow.Add(-2*time.Hour), "run-2", values(
			"order_id", `"A-1002\ttab"`, "amount", `0.25`, "email", `"bob@example.com"`)),
		// Another Worksheet's record is not listed.
		record(ns, "invoices", "inv-1", fixedNow, "run-9", values("order_id", `"I-1"`)),
	)
	pg.Status.Table = "hookflow_ledger_entries"
	if err := k8s.Status().Update(context.Background(), pg); err != nil {
		t.Fatal(err)
	}

	t.Run("table", func(t *testing.T) {
		r := plugin("records", "orders", "-n", ns)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%v; want exit 0", r)
		}
		assertGolden(t, "records", r.stdout)
	})

	t.Run("--limit 2", func(t *testing.T) {
		r := plugin("records", "orders", "-n", ns, "--limit", "2")
		if r.code != 0 {
			t.Fatalf("%v; want exit 0", r)
		}
		assertGolden(t, "records-limit", r.stdout)
	})

	t.Run("-o json", func(t *testing.T) {
		r := plugin("records", "orders", "-n", ns, "-o", "json", "--limit", "2")
		if r.code != 0 {
			t.Fatalf("%v; want exit 0", r)
		}
		var got []struct {
			Name      string                `json:"name"`
			Values    map[string]any        `json:"values"`
			CreatedBy v1alpha1.RunReference `json:"createdBy"`
			CreatedAt time.Time             `json:"createdAt"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v: %q", err, r.stdout)
		}
		if len(got) != 2 || got[0].Name != "rec-b" || got[1].Name != "rec-c" {
			t.Fatalf("got %+v, want rec-b then rec-c", got)
		}
		b := got[0]
		want := map[string]any{"order_id": "A-1003", "amount": 7.0, "status": "new", "payload": []any{1.0, 2.0}}
		if !reflect.DeepEqual(b.Values, want) {
			t.Errorf("values of rec-b = %#v, want %#v", b.Values, want)
		}
		if b.CreatedBy != (v1alpha1.RunReference{Workflow: "orders", Run: "run-3"}) || !b.CreatedAt.Equal(fixedNow.Add(-5*time.Minute)) {
			t.Errorf("rec-b created by %+v at %v", b.CreatedBy, b.CreatedAt)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"Postgres Worksheet", []string{"ledger"}, 1, `error: Worksheet "ledger" keeps its records in PostgreSQL, in table "hookflow_ledger_entries"`},
		{"unknown Worksheet", []string{"absent"}, 1, fmt.Sprintf(`error: Worksheet "absent" not found in namespace %q`, ns)},
		{"bad limit", []string{"orders", "--limit", "0"}, 2, "--limit 0: want at least 1"},
		{"bad output", []string{"orders", "-o", "yaml"}, 2, `--output "yaml": want json`},
		{"no name", nil, 2, "want one WORKSHEET name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := plugin(append([]string{"records", "-n", ns}, tc.args...)...)
			if r.code != tc.code || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%v; want exit %d, no stdout, stderr holding %q", r, tc.code, tc.want)
			}
			if tc.code == 1 && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("error of several lines: %q", r.stderr)
			}
		})
	}
}

func TestRecordsEmpty(t *testing.T) {
	ns := newNamespace(t)
	testenv.Create(t, k8s, testenv.OrdersWorksheet(ns))
	r := plugin("records", "orders", "-n", ns, "-o", "json")
	if r.code != 0 || r.stdout != "[]\n" {
		t.Errorf("%v; want exit 0 and []", r)
	}
}

func workflowRun(ns, workflow, name string, received time.Duration, status v1alpha1.WorkflowRunStatus) *v1alpha1.WorkflowRun {
	at := metav1.NewTime(fixedNow.Add(-received))
	return &v1alpha1.WorkflowRun{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{v1alpha1.WorkflowLabel: workflow}},
		Spec:       v1alpha1.WorkflowRunSpec{Workflow: workflow, ReceivedAt: &at},
		Status:     status,
	}
}

func TestRuns(t *testing.T) {
	fixClock(t)
	ns := newNamespace(t)
	started := metav1.NewTime(fixedNow.Add(-10 * time.Minute))
	// metav1.Time keeps whole seconds.
	finished := metav1.NewTime(started.Add(2 * time.Second))
	testenv.Create(t, k8s,
		workflowRun(ns, "orders", "run-1", 3*time.Hour, v1alpha1.WorkflowRunStatus{
			Phase: v1alpha1.RunSucceeded, Response: &v1alpha1.RunResponse{StatusCode: 200}, Duration: "12.345ms",
		}),
		workflowRun(ns, "orders", "run-3", 30*time.Second, v1alpha1.WorkflowRunStatus{Phase: v1alpha1.RunRunning}),
		workflowRun(ns, "orders", "run-2", 10*time.Minute, v1alpha1.WorkflowRunStatus{
			Phase: v1alpha1.RunFailed, Response: &v1alpha1.RunResponse{StatusCode: 500}, StartedAt: &started, FinishedAt: &finished,
			Error: "step save: insert into worksheet orders: order_id \"A-1001\" is already taken by record rec-a",
		}),
		workflowRun(ns, "invoices", "run-9", 0, v1alpha1.WorkflowRunStatus{Phase: v1alpha1.RunSucceeded}),
		workflowRun(ns, "orders", "run-2-rerun-1", 5*time.Minute, v1alpha1.WorkflowRunStatus{
			Phase: v1alpha1.RunSucceeded, Duration: "40ms", RerunOf: "run-2",
		}),
	)

	t.Run("table", func(t *testing.T) {
		r := plugin("runs", "orders", "-n", ns)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%v; want exit 0", r)
		}
		assertGolden(t, "runs", r.stdout)
	})

	t.Run("--limit 2 -o json", func(t *testing.T) {
		r := plugin("runs", "orders", "-n", ns, "--limit", "2", "-o", "json")
		if r.code != 0 {
			t.Fatalf("%v; want exit 0", r)
		}
		var got []runJSON
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v: %q", err, r.stdout)
		}
		if len(got) != 2 || got[0].Name != "run-3" || got[1].Name != "run-2-rerun-1" || got[1].RerunOf != "run-2" {
			t.Fatalf("got %+v, want run-3 then run-2-rerun-1 (rerun of run-2)", got)
		}
		r = plugin("runs", "orders", "-n", ns, "--limit", "3", "-o", "json")
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 3 {
			t.Fatalf("%v: %q", err, r.stdout)
		}
		if f := got[2]; f.Phase != v1alpha1.RunFailed || f.StatusCode != 500 || f.Duration != "2s" ||
			!strings.HasSuffix(f.Error, "taken by record rec-a") || !f.ReceivedAt.Equal(&started) {
			t.Errorf("run-2 = %+v", f)
		}
	})

	t.Run("no runs", func(t *testing.T) {
		r := plugin("runs", "absent", "-n", ns)
		if r.code != 0 || r.stdout != "NAME   PHASE   CODE   DURATION   ERROR   RERUN OF   AGE\n" {
			t.Errorf("%v; want exit 0 and the header alone", r)
		}
	})

	t.Run("help", func(t *testing.T) {
		r := plugin("runs", "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: kubectl hookflow runs WORKFLOW") || !strings.Contains(r.stdout, "--limit") {
			t.Errorf("%v; want the usage with --limit", r)
		}
	})
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		450 * time.Microsecond:   "450µs",
		12345 * time.Microsecond: "12ms",
		1234 * time.Millisecond:  "1.2s",
		125 * time.Second:        "2m5s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

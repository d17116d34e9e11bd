package devenv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/jackc/pgx/v5"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/cmd/hookflow/devenv"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
	"github.com/hookflow/hookflow/internal/webhookid"
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(logr.Discard())
	os.Exit(m.Run())
}

// syncBuffer is written by Run and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// brokenSample is a Workflow mapping to a field its Worksheet lacks.
const brokenSample = `apiVersion: hookflow.dev/v1alpha1
kind: Workflow
metadata:
  name: broken
spec:
  trigger:
    webhook:
      sample: {json: '{"order_id":"A-1"}'}
  steps:
    - name: save
      createRecord:
        worksheet: orders
        fields: {order_id: params.order_id, colour: "'red'"}
`

// TestDevServesTheSamples runs what `make dev` runs, on the repository's
// samples plus a broken one, then does what its summary says: sends the
// sample with the printed curl line's data to the printed URL, and lists
// the records with the printed kubectl line. The broken sample is reported,
// not served, and does not stop the others. Without Postgres, nothing of
// PostgreSQL happens: the samples' postgres/ directory is not applied.
func TestDevServesTheSamples(t *testing.T) {
	samples := copySamples(t)
	if err := os.WriteFile(filepath.Join(samples, "zz_broken.yaml"), []byte(brokenSample), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	dev := startDev(t, devenv.Options{SamplesDir: samples, StateDir: state})
	defer dev.stopAndCheck(t)
	summary := dev.waitSummary(t)
	t.Log(summary)
	if !regexp.MustCompile(`Workflow default/broken\n  NOT SERVED: InvalidSpec: spec.steps\[0\].createRecord.fields\[colour\]`).MatchString(summary) {
		t.Error("the broken sample is not reported with its reason")
	}
	checkSalt(t, filepath.Join(state, devenv.SaltFile), summary)
	// A signed sample gets the plugin's send line, which signs; a plain
	// curl would be refused.
	if !regexp.MustCompile(`Workflow default/signed-order-webhook\n  URL:\s+\S+\n  send:\s+\S* --kubeconfig \S+ send signed-order-webhook -n default --data '\{"order_id":"S-1001"`).MatchString(summary) {
		t.Error("no send line for the signed sample")
	}
	if strings.Contains(summary, "order-webhook-pg") || strings.Contains(summary, "postgres") {
		t.Error("without Postgres, the summary shows the PostgreSQL samples or a PostgreSQL line")
	}
	for _, name := range []string{devenv.PostgresDSNFile, "postgres"} {
		if _, err := os.Stat(filepath.Join(state, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("without Postgres, %s is in the state directory: %v", name, err)
		}
	}

	call := sendPrintedCall(t, summary, "default/order-webhook", dev.addr)
	if call != "A-1001" {
		t.Fatalf("the printed curl line sent order %q, want the sample's A-1001", call)
	}
	checkConsoleLogsAndMetrics(t, dev, summary)
	// The printed kubectl line lists the record with the sample's values.
	records := regexp.MustCompile(`Workflow default/order-webhook\n(?:  .*\n)*?  records:\s+(.+)`).FindStringSubmatch(summary)
	if records == nil {
		t.Fatal("no records line for order-webhook in the summary")
	}
	cmd := exec.Command("sh", "-c", records[1]+" -o jsonpath='{.items[*].spec.values.order_id}'")
	listed, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", records[1], err, listed)
	}
	if string(listed) != "A-1001" {
		t.Errorf("records listed: %q, want the sample's order A-1001", listed)
	}
}

// TestDevWithPostgres runs what `make dev STORE=postgres` runs: a local
// PostgreSQL in the state directory, the Secret hookflow-postgres, and the
// samples of postgres/. It does what the summary says: sends the Postgres
// sample with its printed curl line, and lists the row with the printed
// psql line; the row is also read with pgx through the DSN file. On exit
// the cluster, its directory and the DSN file are gone.
func TestDevWithPostgres(t *testing.T) {
	samples := copySamples(t)
	// Running as root, the server runs as the postgres OS user, which must
	// reach the state directory (t.TempDir's parent is private).
	state, err := os.MkdirTemp("", "devenv-state-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(state) })
	if err := os.Chmod(state, 0o711); err != nil {
		t.Fatal(err)
	}
	dev := startDev(t, devenv.Options{SamplesDir: samples, StateDir: state, Postgres: true})
	stopped := false
	defer func() {
		if !stopped {
			dev.stopAndCheck(t)
		}
	}()
	summary := dev.waitSummary(t)
	t.Log(summary)
	ctx := context.Background()

	dsnFile := filepath.Join(state, devenv.PostgresDSNFile)
	info, err := os.Stat(dsnFile)
	if err != nil {
		t.Fatalf("DSN file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %v, want 0600", dsnFile, perm)
	}
	dsn, err := os.ReadFile(dsnFile)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, strings.TrimSpace(string(dsn)))
	if err != nil {
		t.Fatalf("connect with the DSN of %s: %v", dsnFile, err)
	}
	defer conn.Close(ctx)
	var dataDir string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory')").Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dataDir, filepath.Join(state, "postgres")+"/") {
		t.Errorf("the cluster's data is in %s, want it under the state directory's postgres/", dataDir)
	}
	var fsync string
	if err := conn.QueryRow(ctx, "SELECT current_setting('fsync')").Scan(&fsync); err != nil || fsync != "on" {
		t.Errorf("fsync = %q (%v), want on: the dev PostgreSQL keeps what it acknowledged", fsync, err)
	}

	header := regexp.MustCompile(`\n  postgres\s+(postgres://postgres@127\.0\.0\.1:(\d+)/hookflow)\s+\(psql '(\S+)'\)\n`).FindStringSubmatch(summary)
	if header == nil || header[3] != header[1] {
		t.Fatal("no postgres line with its psql command in the summary's header")
	}
	if want := ":" + header[2] + "/"; !strings.Contains(string(dsn), want) {
		t.Errorf("the DSN file's port is not the printed one %s", header[2])
	}

	table := worksheetTable(t, filepath.Join(state, "kubeconfig"), client.ObjectKey{Namespace: "default", Name: "orders-pg"})
	if call := sendPrintedCall(t, summary, "default/order-webhook-pg", dev.addr); call != "A-1001" {
		t.Fatalf("the printed curl line sent order %q, want the sample's A-1001", call)
	}
	var orders []string
	rows, err := conn.Query(ctx, "SELECT order_id FROM "+pgx.Identifier{table}.Sanitize())
	if err == nil {
		orders, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil || len(orders) != 1 || orders[0] != "A-1001" {
		t.Errorf("rows of %s: %q (%v), want the sample's order A-1001", table, orders, err)
	}

	// The printed psql line lists the row.
	psql := regexp.MustCompile(`Workflow default/order-webhook-pg\n(?:  .*\n)*?  records:\s+(psql .+)`).FindStringSubmatch(summary)
	if psql == nil {
		t.Fatal("no psql records line for order-webhook-pg in the summary")
	}
	if want := "psql '" + header[1] + "' -c 'SELECT * FROM " + table + "'"; psql[1] != want {
		t.Errorf("records line %q, want %q", psql[1], want)
	}
	listed, err := exec.Command("sh", "-c", psql[1]+" -At").CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", psql[1], err, listed)
	}
	if !hasField(string(listed), "A-1001") {
		t.Errorf("psql listed %q, want the row of order A-1001", listed)
	}
	// The Workflow kept as WorksheetRecords keeps its kubectl line.
	if !regexp.MustCompile(`Workflow default/order-webhook\n(?:  .*\n)*?  records:\s+\S+ --kubeconfig \S+ get worksheetrecords -n default\n`).MatchString(summary) {
		t.Error("order-webhook lost its kubectl records line")
	}

	conn.Close(ctx)
	stopped = true
	dev.stopAndCheck(t)
	for _, name := range []string{devenv.PostgresDSNFile, "postgres"} {
		if _, err := os.Stat(filepath.Join(state, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left in the state directory after stop: %v", name, err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if c, err := pgx.Connect(short, strings.TrimSpace(string(dsn))); err == nil {
		c.Close(ctx)
		t.Error("PostgreSQL still accepts connections after stop")
	}
}

// checkConsoleLogsAndMetrics checks, once the printed curl line of
// default/order-webhook was sent, what the console, the log file and the
// metrics show: a request line each for it and for an unknown id, JSON
// logs in the file the summary names, and the requests on the printed
// metrics URL.
func checkConsoleLogsAndMetrics(t *testing.T, dev *devRun, summary string) {
	t.Helper()
	resp, err := http.Post("http://"+dev.addr+"/hooks/0000000000000000", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lines := regexp.MustCompile(`(?m)^POST  default/order-webhook  200  [0-9.]+(µs|ms|s)\n(?:.*\n)*POST  -  404  [0-9.]+(µs|ms|s)\n`)
	deadline := time.Now().Add(10 * time.Second)
	for !lines.MatchString(dev.requests.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no request lines for the curl line and the unknown id; the console has:\n%s", dev.requests.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(dev.requests.String(), "0000000000000000") {
		t.Error("a request line shows the webhook id")
	}

	logs := regexp.MustCompile(`\n  logs\s+(\S+)  \(--verbose also shows them here\)\n`).FindStringSubmatch(summary)
	if logs == nil {
		t.Fatal("the summary does not name the log file")
	}
	named, errNamed := os.Stat(logs[1])
	actual, errActual := os.Stat(dev.opts.LogPath)
	if errNamed != nil || errActual != nil || !os.SameFile(named, actual) {
		t.Fatalf("the summary names the log file %s, not %s: %v %v", logs[1], dev.opts.LogPath, errNamed, errActual)
	}
	data, err := os.ReadFile(logs[1])
	if err != nil {
		t.Fatal(err)
	}
	serving := false
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var entry struct {
			Msg string `json:"msg"`
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		serving = serving || entry.Msg == "Serving webhooks"
	}
	if !serving {
		t.Errorf("the log file lacks the server's %q:\n%s", "Serving webhooks", data)
	}

	metricsURL := regexp.MustCompile(`\n  metrics\s+(http://\S+/metrics)\n`).FindStringSubmatch(summary)
	if metricsURL == nil || metricsURL[1] != "http://"+dev.opts.MetricsAddress+"/metrics" {
		t.Fatalf("the summary does not print the metrics URL of %s", dev.opts.MetricsAddress)
	}
	resp, err = http.Get(metricsURL[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `hookflow_webhook_requests_total{code="200",namespace="default",workflow="order-webhook"} 1`; resp.StatusCode != 200 || !strings.Contains(string(body), want) {
		t.Errorf("GET %s: %d, without %s:\n%s", metricsURL[1], resp.StatusCode, want, body)
	}
}

// worksheetTable waits until the Worksheet is Ready, reading it with the
// dev environment's kubeconfig, and returns its status.table.
func worksheetTable(t *testing.T, kubeconfig string, key client.ObjectKey) string {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}
	ws := &v1alpha1.Worksheet{}
	if err := c.Get(context.Background(), key, ws); err != nil {
		t.Fatal(err)
	}
	// The summary is printed once the Worksheet is Ready at its generation.
	ready := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.ObservedGeneration != ws.Generation {
		t.Fatalf("Worksheet %s is not Ready: %+v", key, ready)
	}
	if want := ws.PostgresTable(); ws.Status.Table != want || want == "" {
		t.Fatalf("Worksheet %s has status.table %q, want %q", key, ws.Status.Table, want)
	}
	return ws.Status.Table
}

// sendPrintedCall sends, with the data of the printed curl line of a
// Workflow, a request to its printed URL, which must be on the local
// server; it fails unless the answer is 200, and returns the order_id sent.
func sendPrintedCall(t *testing.T, summary, workflow, addr string) string {
	t.Helper()
	call := regexp.MustCompile(`Workflow ` + regexp.QuoteMeta(workflow) + `\n  URL:\s+(\S+)\n  call:\s+curl -sS -H 'Content-Type: application/json' -d '([^']*)' '(\S+)'`).FindStringSubmatch(summary)
	if call == nil || call[3] != call[1] {
		t.Fatalf("no curl line for %s's URL in the summary", workflow)
	}
	url, data := call[1], call[2]
	if !strings.HasPrefix(url, "http://"+addr+"/hooks/") {
		t.Errorf("URL %s is not on the local server %s", url, addr)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the printed curl line's request to %s answered %d: %s", workflow, resp.StatusCode, body)
	}
	var sent struct {
		OrderID string `json:"order_id"`
	}
	if err := json.Unmarshal([]byte(data), &sent); err != nil {
		t.Fatal(err)
	}
	return sent.OrderID
}

// copySamples copies the repository's samples, postgres/ included, to a
// temporary directory.
func copySamples(t *testing.T) string {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	for _, sub := range []string{"", "postgres"} {
		files, err := filepath.Glob(filepath.Join(root, "config", "samples", sub, "*.yaml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("samples of config/samples/%s: %d files, %v", sub, len(files), err)
		}
		if err := os.MkdirAll(filepath.Join(dst, sub), 0o700); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err == nil {
				err = os.WriteFile(filepath.Join(dst, sub, filepath.Base(f)), data, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return dst
}

// devRun is a dev environment running for a test.
type devRun struct {
	opts devenv.Options
	out  *syncBuffer
	// requests receives the request lines.
	requests *syncBuffer
	done     chan error
	stop     context.CancelFunc
	addr     string
}

// startDev runs devenv.Run with opts, completed with the control plane of
// the tests, the repository's CRDs, free addresses for the server and its
// metrics, and logs in the state directory's log file, as `hookflow dev`
// writes them.
func startDev(t *testing.T, opts devenv.Options) *devRun {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		out, err := exec.Command(filepath.Join(root, "hack", "control-plane.sh")).Output()
		if err != nil {
			t.Fatal(err)
		}
		assets = strings.TrimSpace(string(out))
	}
	d := &devRun{out: &syncBuffer{}, requests: &syncBuffer{}, done: make(chan error, 1), addr: testenv.FreeAddress(t)}
	logFile, err := devenv.OpenLog(opts.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	opts.AssetsDir = assets
	opts.CRDDir = filepath.Join(root, "config", "crd", "bases")
	opts.BindAddress = d.addr
	opts.MetricsAddress = testenv.FreeAddress(t)
	opts.KubectlPath = filepath.Join(assets, "kubectl")
	opts.Out = d.out
	opts.Requests = d.requests
	opts.Log = devenv.NewLogger(zap.Options{}, logFile, nil)
	opts.LogPath = logFile.Name()
	d.opts = opts
	ctx, stop := context.WithCancel(context.Background())
	d.stop = stop
	go func() { d.done <- devenv.Run(ctx, opts) }()
	return d
}

// waitSummary waits for the summary, printed in one write once every
// sample was judged, and returns it.
func (d *devRun) waitSummary(t *testing.T) string {
	t.Helper()
	urlLine := regexp.MustCompile(`URL:\s+(http://\S+/hooks/[0-9a-f]{16})`)
	deadline := time.Now().Add(3 * time.Minute)
	for !urlLine.MatchString(d.out.String()) {
		select {
		case err := <-d.done:
			d.done <- err
			t.Fatalf("Run ended before printing a URL: %v\n%s", err, d.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed:\n%s", d.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return d.out.String()
}

// stopAndCheck stops the environment and checks that it stopped cleanly:
// no error, no kubeconfig left, the server's address free.
func (d *devRun) stopAndCheck(t *testing.T) {
	t.Helper()
	d.stop()
	if err := <-d.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d.opts.StateDir, "kubeconfig")); !os.IsNotExist(err) {
		t.Errorf("kubeconfig left behind after stop: %v", err)
	}
	if err := checkFree(d.addr); err != nil {
		t.Errorf("server address still taken after stop: %v", err)
	}
}

// hasField tells whether a line of psql's unaligned output has a field
// equal to value.
func hasField(out, value string) bool {
	for _, line := range strings.Split(out, "\n") {
		for _, f := range strings.Split(line, "|") {
			if f == value {
				return true
			}
		}
	}
	return false
}

func checkFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ln.Close()
}

// checkSalt checks that the webhook id salt is kept in its file, readable by
// the user only, and keys the ids of the printed URLs.
func checkSalt(t *testing.T, path, summary string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("webhook id salt: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, perm)
	}
	salt, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	served := regexp.MustCompile(`Workflow (\S+)/(\S+)\n\s+URL:\s+http://\S+/hooks/([0-9a-f]{16})`).FindAllStringSubmatch(summary, -1)
	if len(served) == 0 {
		t.Fatal("no served Workflow in the summary")
	}
	for _, m := range served {
		if want := webhookid.Derive(salt, m[1], m[2]); m[3] != want {
			t.Errorf("Workflow %s/%s has webhook id %s, want %s, keyed by the salt of %s", m[1], m[2], m[3], want, path)
		}
	}
}

package devenv_test

import (
	"bytes"
	"context"
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
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/hookflow/hookflow/internal/devenv"
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
// not served, and does not stop the others.
func TestDevServesTheSamples(t *testing.T) {
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
	samples := t.TempDir()
	repoSamples, err := filepath.Glob(filepath.Join(root, "config", "samples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range repoSamples {
		data, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(samples, filepath.Base(f)), data, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(samples, "zz_broken.yaml"), []byte(brokenSample), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := testenv.FreeAddress(t)
	state := t.TempDir()
	var out syncBuffer
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- devenv.Run(ctx, devenv.Options{
			AssetsDir:   assets,
			CRDDir:      filepath.Join(root, "config", "crd", "bases"),
			SamplesDir:  samples,
			StateDir:    state,
			BindAddress: addr,
			KubectlPath: filepath.Join(assets, "kubectl"),
			Out:         &out,
			Log:         logr.Discard(),
		})
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if _, err := os.Stat(filepath.Join(state, "kubeconfig")); !os.IsNotExist(err) {
			t.Errorf("kubeconfig left behind after stop: %v", err)
		}
		if err := checkFree(addr); err != nil {
			t.Errorf("server address still taken after stop: %v", err)
		}
	}()

	urlLine := regexp.MustCompile(`URL:\s+(http://\S+/hooks/[0-9a-f]{16})`)
	deadline := time.Now().Add(2 * time.Minute)
	for !urlLine.MatchString(out.String()) {
		select {
		case err := <-done:
			t.Fatalf("Run ended before printing a URL: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	summary := out.String()
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

	// The printed curl line carries the sample; send exactly its data.
	call := regexp.MustCompile(`Workflow default/order-webhook\n  URL:\s+(\S+)\n  call:\s+curl -sS -H 'Content-Type: application/json' -d '([^']*)' '(\S+)'`).FindStringSubmatch(summary)
	if call == nil || call[3] != call[1] {
		t.Fatalf("no curl line for order-webhook's URL in the summary")
	}
	call = call[1:]
	url := call[2]
	if !strings.HasPrefix(url, "http://"+addr+"/hooks/") {
		t.Errorf("URL %s is not on the local server %s", url, addr)
	}
	resp, err := http.Post(call[2], "application/json", strings.NewReader(call[1]))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the printed curl line's request answered %d", resp.StatusCode)
	}

	// The printed kubectl line lists the record with the sample's values.
	records := regexp.MustCompile(`records:\s+(.+)`).FindStringSubmatch(summary)
	if records == nil {
		t.Fatal("no records line in the summary")
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

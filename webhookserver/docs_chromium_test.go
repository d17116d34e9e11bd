package webhookserver

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// chromiumInstall is how to get the browser TestDocsInChromium needs.
const chromiumInstall = "apt-get update && apt-get install -y chromium"

// TestDocsInChromium loads /docs in headless Chromium and checks the
// rendered text names each Workflow and its required parameters. A missing
// browser fails the test: it is part of the CI image.
func TestDocsInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium not found (%v): install it with `%s`", err, chromiumInstall)
	}
	kv := orderWorkflow("refunds", "uid-2")
	kv.Spec.Trigger.Webhook.Methods = []v1alpha1.HTTPMethod{"GET"}
	s := docsServer(t, orderWorkflow("orders", "uid-1"), kv)

	var served, docsOK atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		s.Handler().ServeHTTP(rec, r)
		if r.URL.Path == "/docs" {
			served.Add(1)
			if rec.code == http.StatusOK {
				docsOK.Add(1)
			}
		}
	}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--user-data-dir="+profile, "--dump-dom", srv.URL+"/docs")
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	if served.Load() == 0 || docsOK.Load() == 0 {
		t.Fatalf("the server did not serve /docs to chromium (%d requests, %d OK); stderr:\n%s", served.Load(), docsOK.Load(), stderr.String())
	}
	dom := stdout.String()
	if dom == "" {
		t.Fatalf("chromium dumped an empty DOM; stderr:\n%s", stderr.String())
	}
	for _, want := range []string{
		"orders", "refunds", "shop",
		srv.URL + "/hooks/ida0000000000000", srv.URL + "/hooks/idb0000000000000",
		// order_id is the required parameter of both.
		"<td><code>order_id</code></td><td>String</td><td>required</td>",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q:\n%s", want, dom)
		}
	}
	if n := strings.Count(dom, "<td><code>order_id</code></td><td>String</td><td>required</td>"); n != 2 {
		t.Errorf("order_id shown required %d times, want 2 (one per Workflow)", n)
	}
}

// statusRecorder remembers the status code of an answer.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

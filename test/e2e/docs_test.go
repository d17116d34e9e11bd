package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestAPIDocs checks /openapi.json and /docs of the local server list the
// Ready Workflows of every namespace, and drop a Workflow once disabled.
func TestAPIDocs(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns),
		testenv.OrderWorkflow(ns, "orders"), testenv.OrderWorkflow(ns, "refunds"))
	orders := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	refunds := waitServed(t, testenv.OrderWorkflow(ns, "refunds"))

	get := func(path string) (string, string) {
		t.Helper()
		resp, err := http.Get(baseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return resp.Header.Get("Content-Type"), string(b)
	}
	ct, doc := get("/openapi.json")
	if !strings.HasPrefix(ct, "application/json") || !strings.Contains(doc, `"openapi":"3.1.0"`) || !strings.Contains(doc, `"servers":[{"url":"`+baseURL+`"}]`) {
		t.Errorf("openapi.json: %s %.300s", ct, doc)
	}
	for _, wf := range []*v1alpha1.Workflow{orders, refunds} {
		if !strings.Contains(doc, `"/hooks/`+wf.Status.WebhookID+`"`) {
			t.Errorf("openapi.json lacks %s", wf.Name)
		}
	}
	ct, page := get("/docs")
	if !strings.HasPrefix(ct, "text/html") || !strings.Contains(page, "Namespace "+ns) || !strings.Contains(page, orders.Status.WebhookURL) {
		t.Errorf("docs: %s lacks namespace %s or %s", ct, ns, orders.Status.WebhookURL)
	}

	disabled := false
	testenv.Update(t, k8s, refunds, func(wf *v1alpha1.Workflow) { wf.Spec.Enabled = &disabled })
	testenv.Eventually(t, 20*time.Second, "refunds gone from the docs", func() (bool, string) {
		_, doc := get("/openapi.json")
		_, page := get("/docs")
		gone := !strings.Contains(doc, refunds.Status.WebhookID) && !strings.Contains(page, refunds.Status.WebhookID)
		return gone && strings.Contains(doc, orders.Status.WebhookID), "refunds still listed, or orders gone"
	})
}

package webhookserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// docsServer serves the Workflows wfs (compiled against ordersSheet).
func docsServer(t *testing.T, wfs ...*v1alpha1.Workflow) *Server {
	t.Helper()
	var entries []*Entry
	for i, wf := range wfs {
		entries = append(entries, &Entry{ID: "id" + string(rune('a'+i)) + "0000000000000", Route: compile(t, wf)})
	}
	routes := NewRoutes()
	routes.Store(NewTable(entries))
	return New(Options{Routes: routes, Records: &fakeRecords{}})
}

func TestDocsEndpoints(t *testing.T) {
	s := docsServer(t, orderWorkflow("orders", "uid-1"))
	for _, tc := range []struct{ path, contentType, want string }{
		{"/openapi.json", "application/json; charset=utf-8", `"servers":[{"url":"http://hooks.example.com"}]`},
		{"/docs", "text/html; charset=utf-8", "http://hooks.example.com/hooks/ida0000000000000"},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		r.Host = "hooks.example.com"
		s.Handler().ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != tc.contentType || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("GET %s: %d %q, body lacks %q:\n%s", tc.path, w.Code, w.Header().Get("Content-Type"), tc.want, w.Body)
		}
		if !strings.Contains(w.Body.String(), "order_id") {
			t.Errorf("GET %s: no order_id", tc.path)
		}
	}
}

// TestDocsBuiltOncePerTable checks the documentation is built once per
// route table, and rebuilt when the table changes.
func TestDocsBuiltOncePerTable(t *testing.T) {
	s := docsServer(t, orderWorkflow("orders", "uid-1"))
	first, err := s.docs.get(s.Routes().Load())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	}
	if again, _ := s.docs.get(s.Routes().Load()); again != first {
		t.Error("documentation rebuilt for the same table")
	}
	s.Routes().Store(NewTable(nil))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if strings.Contains(w.Body.String(), "order_id") {
		t.Error("a Workflow gone from the table is still documented")
	}
	if again, _ := s.docs.get(s.Routes().Load()); again == first {
		t.Error("documentation not rebuilt for a new table")
	}
}

// TestDocsSkipCapture checks a Workflow waiting for a sample capture is not
// documented.
func TestDocsSkipCapture(t *testing.T) {
	s := docsServer(t, orderWorkflow("orders", "uid-1"), orderWorkflow("waiting", "uid-2"))
	table := s.Routes().Load()
	waiting := *table.Workflow("shop", "waiting")
	waiting.Capture = &CaptureWindow{}
	s.Routes().Store(NewTable([]*Entry{table.Workflow("shop", "orders"), &waiting}))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs", nil))
	if !strings.Contains(w.Body.String(), "orders") || strings.Contains(w.Body.String(), "waiting") {
		t.Errorf("docs list a Workflow waiting for a capture, or miss orders:\n%s", w.Body)
	}
}

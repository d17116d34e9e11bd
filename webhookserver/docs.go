package webhookserver

import (
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/hookflow/hookflow/internal/apidoc"
)

// Content types of the documentation.
const (
	contentOpenAPI = "application/json; charset=utf-8"
	contentHTML    = "text/html; charset=utf-8"
)

// docsCache holds the documentation of one route table: it is built on the
// first request after the table changed, never per request.
type docsCache struct {
	mu    sync.Mutex
	table *Table
	docs  *apidoc.Docs
	err   error
}

// get returns the documentation of t, building it when t is not the table
// of the cached one.
func (c *docsCache) get(t *Table) (*apidoc.Docs, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.table != t {
		c.docs, c.err = buildDocs(t)
		c.table = t
	}
	return c.docs, c.err
}

func buildDocs(t *Table) (*apidoc.Docs, error) {
	entries := t.Entries()
	hooks := make([]apidoc.Webhook, 0, len(entries))
	for _, e := range entries {
		if e.Capture != nil {
			continue // waiting for its sample: not Ready, nothing to document yet
		}
		hooks = append(hooks, apidoc.Webhook{ID: e.ID, Route: e.Route})
	}
	return apidoc.Build(hooks)
}

// openAPI serves GET /openapi.json.
func (s *Server) openAPI(c *gin.Context) {
	d, ok := s.currentDocs(c)
	if ok {
		c.Data(http.StatusOK, contentOpenAPI, d.OpenAPI(requestBaseURL(c.Request)))
	}
}

// docsPage serves GET /docs.
func (s *Server) docsPage(c *gin.Context) {
	d, ok := s.currentDocs(c)
	if ok {
		c.Data(http.StatusOK, contentHTML, d.HTML(requestBaseURL(c.Request)))
	}
}

func (s *Server) currentDocs(c *gin.Context) (*apidoc.Docs, bool) {
	d, err := s.docs.get(s.opts.Routes.Load())
	if err != nil {
		s.opts.Log.Error(err, "Failed to build the API documentation")
		abort(c, http.StatusInternalServerError, errorBody{Msg: msgInternal})
		return nil, false
	}
	return d, true
}

// requestBaseURL is the scheme and host the request came to, or "" when the
// request names no host.
func requestBaseURL(r *http.Request) string {
	if r.Host == "" {
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

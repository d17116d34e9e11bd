// Package apidoc builds the API documentation of the webhooks a server
// serves: an OpenAPI 3.1 document and an HTML page, from the compiled
// routes. It does no I/O: the server builds the documentation once per
// route table and serves the bytes.
package apidoc

import (
	"cmp"
	"slices"

	"github.com/hookflow/hookflow/internal/route"
)

// Webhook is one served webhook: its id (the last segment of its URL) and
// its compiled Workflow.
type Webhook struct {
	ID    string
	Route *route.Route
}

// Path is the URL path of the webhook.
func (w Webhook) Path() string { return "/hooks/" + w.ID }

// Docs is the documentation of a set of webhooks, rendered once. The base
// URL the request came to is the only part added per request.
type Docs struct {
	openAPIHead, openAPITail []byte
	page                     []string // the HTML page, split where the base URL goes
}

// Build renders the documentation of webhooks. The order of webhooks does
// not matter: they are sorted by namespace and name.
func Build(webhooks []Webhook) (*Docs, error) {
	hooks := slices.Clone(webhooks)
	slices.SortFunc(hooks, func(a, b Webhook) int {
		return cmp.Or(cmp.Compare(a.Route.Namespace, b.Route.Namespace), cmp.Compare(a.Route.Name, b.Route.Name), cmp.Compare(a.ID, b.ID))
	})
	d := &Docs{}
	var err error
	if d.openAPIHead, d.openAPITail, err = renderOpenAPI(hooks); err != nil {
		return nil, err
	}
	if d.page, err = renderPage(hooks); err != nil {
		return nil, err
	}
	return d, nil
}

// OpenAPI returns the OpenAPI document; baseURL, when not empty, is its
// only server.
func (d *Docs) OpenAPI(baseURL string) []byte {
	out := make([]byte, 0, len(d.openAPIHead)+len(d.openAPITail)+len(baseURL)+32)
	out = append(out, d.openAPIHead...)
	if baseURL != "" {
		out = append(out, `,"servers":[{"url":`...)
		out = appendJSONString(out, baseURL)
		out = append(out, `}]`...)
	}
	return append(out, d.openAPITail...)
}

// HTML returns the HTML page; baseURL prefixes the webhook paths.
func (d *Docs) HTML(baseURL string) []byte {
	b := escapeHTML(baseURL)
	n := 0
	for _, p := range d.page {
		n += len(p) + len(b)
	}
	out := make([]byte, 0, n)
	for i, p := range d.page {
		if i > 0 {
			out = append(out, b...)
		}
		out = append(out, p...)
	}
	return out
}

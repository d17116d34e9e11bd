package webhookserver

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/params"
	"github.com/hookflow/hookflow/internal/payload"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/runner"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// notFound answers a request for an id the route table does not hold: 404,
// unless the first route table is not built yet (a replica that just
// started): then the Workflow may well exist, and a sender told 404 might
// drop its event, so the answer is 503 + Retry-After.
func (s *Server) notFound(c *gin.Context) {
	if !s.ready.Load() {
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
		return
	}
	abort(c, http.StatusNotFound, errorBody{Msg: msgNotFound})
}

// hook serves GET|POST /hooks/{id}. It is the list of checks of DESIGN §4,
// in its order: route, method, client IP, size, signature, rate limit,
// parse, parameters; then a run slot, the Idempotency-Key, the steps, the
// answer, and the run's history. An OnReceipt route, once it has its slot,
// is accepted instead: run written, answer, steps after.
func (s *Server) hook(c *gin.Context) {
	received := s.opts.Now()
	entry := s.opts.Routes.Load().Lookup(c.Param("id"))
	if entry == nil {
		s.notFound(c)
		return
	}
	rt := entry.Route
	if !rt.AllowsMethod(c.Request.Method) {
		c.Header("Allow", strings.Join(rt.Methods, ", "))
		abort(c, http.StatusMethodNotAllowed, errorBody{Msg: msgMethodNotAllowed})
		return
	}
	if !s.checkClientIP(c, entry) {
		return
	}
	body, ok := s.readBody(c, entry)
	if !ok || !s.checkSignature(c, entry, body) || !s.takeToken(c, entry) {
		return
	}
	if entry.Capture != nil {
		// A Workflow waiting for a capture stores the request as its sample.
		s.capture(c, entry, body)
		return
	}
	query := c.Request.URL.Query()
	if entry.App != nil {
		// The AppKey, timestamp and sign of appAuth are never parameters.
		query.Del(signing.QueryAppKey)
		query.Del(signing.QueryTimestamp)
		query.Del(signing.QuerySign)
	}
	bound, ok := bindParameters(c, rt, body, query)
	if !ok {
		return
	}
	release, ok := s.takeSlot(c, entry)
	if !ok {
		return
	}
	if onReceipt(rt) {
		// Answered once the accepted run is durable; the steps run after,
		// holding the slot (onreceipt.go).
		s.accept(c, entry, bound, body, query, received, release)
		return
	}
	defer release()

	started := s.opts.Now()
	idem, ok := s.beginIdempotent(c, entry, body, query)
	if !ok {
		return
	}
	runID := newRunID()
	if idem != nil {
		runID = idem.run.Name // a retried run writes under the same id: once
	}
	// A run, once started, is finished or abandoned by the server, never by
	// the caller hanging up: the request's cancellation does not reach it,
	// only its own timeout.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), entry.Limits.RequestTimeout)
	defer cancel()
	vars := &celexpr.Vars{
		Params:  bound.Values,
		Body:    string(body),
		Headers: firstValues(c.Request.Header, strings.ToLower),
		Query:   firstValues(query, nil),
		RunID:   runID,
		Now:     s.opts.Now(),
	}
	res := runner.Run(ctx, rt, vars, store.WithTables(s.opts.Records, entry.Tables))
	log := s.opts.Log.WithValues("namespace", rt.Namespace, "workflow", rt.Name, "run", runID)
	s.answer(c, rt, vars, res.Err, log)
	s.opts.Metrics.runFinished(entry, res)
	s.recordRun(c, entry, idem, vars, res, received, started)
}

// bindParameters parses the body for its content type, merges the query
// and binds the route's parameters; it answers 400 when that fails.
func bindParameters(c *gin.Context, rt *route.Route, body []byte, query url.Values) (params.Bound, bool) {
	doc, err := payload.Parse(c.GetHeader("Content-Type"), body)
	if err != nil {
		// A JSON body that is not an object is fine when the Workflow takes
		// the raw body: its data is in the body parameter.
		if !errors.Is(err, payload.ErrNotObject) || !rt.FullBody {
			abort(c, http.StatusBadRequest, parseFailure(err))
			return params.Bound{}, false
		}
		doc = payload.Document{}
	}
	if err := doc.MergeQuery(query); err != nil {
		abort(c, http.StatusBadRequest, parseFailure(err))
		return params.Bound{}, false
	}
	bound := params.Bind(rt.Parameters, doc, body)
	if len(bound.Missing) > 0 {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgMissing, Missing: bound.Missing, Invalid: bound.Invalid})
		return bound, false
	}
	if len(bound.Invalid) > 0 {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgInvalid, Invalid: bound.Invalid})
		return bound, false
	}
	return bound, true
}

// firstValues keeps the first value of each key, with keys mapped by key.
func firstValues(values map[string][]string, key func(string) string) map[string]string {
	out := make(map[string]string, len(values))
	for k, vs := range values {
		if len(vs) == 0 {
			continue
		}
		if key != nil {
			k = key(k)
		}
		out[k] = vs[0]
	}
	return out
}

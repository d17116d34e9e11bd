package webhookserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/params"
	"github.com/hookflow/hookflow/internal/payload"
	"github.com/hookflow/hookflow/internal/runner"
	"github.com/hookflow/hookflow/internal/store"
)

// hook serves GET|POST /hooks/{id}. Checks run in the order of DESIGN §4:
// route, method, size, parse, parameters; then the steps.
func (s *Server) hook(c *gin.Context) {
	entry := s.opts.Routes.Load().Lookup(c.Param("id"))
	if entry == nil {
		abort(c, http.StatusNotFound, errorBody{Msg: msgNotFound})
		return
	}
	rt := entry.Route
	if !rt.AllowsMethod(c.Request.Method) {
		c.Header("Allow", strings.Join(rt.Methods, ", "))
		abort(c, http.StatusMethodNotAllowed, errorBody{Msg: msgMethodNotAllowed})
		return
	}

	body, err := readBody(c.Request, entry.Limits.MaxBodyBytes)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			abort(c, http.StatusRequestEntityTooLarge, errorBody{Msg: msgTooLarge})
			return
		}
		abort(c, http.StatusBadRequest, errorBody{Msg: msgMalformed})
		return
	}

	doc, err := payload.Parse(c.GetHeader("Content-Type"), body)
	if err != nil {
		// A JSON body that is not an object is fine when the Workflow takes
		// the raw body: its data is in the body parameter.
		if !errors.Is(err, payload.ErrNotObject) || !rt.FullBody {
			abort(c, http.StatusBadRequest, errorBody{Msg: msgMalformed})
			return
		}
		doc = payload.Document{}
	}
	query := c.Request.URL.Query()
	doc.AddQuery(query)
	bound := params.Bind(rt.Parameters, doc, body)
	if len(bound.Missing) > 0 {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgMissing, Missing: bound.Missing, Invalid: bound.Invalid})
		return
	}
	if len(bound.Invalid) > 0 {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgInvalid, Invalid: bound.Invalid})
		return
	}

	runID := newRunID()
	ctx, cancel := context.WithTimeout(c.Request.Context(), entry.Limits.RequestTimeout)
	defer cancel()
	res := runner.Run(ctx, rt, &celexpr.Vars{
		Params:  bound.Values,
		Body:    string(body),
		Headers: firstValues(c.Request.Header, strings.ToLower),
		Query:   firstValues(query, nil),
		RunID:   runID,
		Now:     s.opts.Now(),
	}, s.opts.Records)
	log := s.opts.Log.WithValues("namespace", rt.Namespace, "workflow", rt.Name, "run", runID)
	var inputErr *runner.InputError
	switch {
	case res.Err == nil:
		log.V(1).Info("Run succeeded")
		c.JSON(http.StatusOK, successBody{Msg: msgSuccess, RunID: runID})
	case errors.Is(res.Err, store.ErrUnavailable):
		log.Info("Run not stored: store unavailable", "error", res.Err.Error())
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable, RunID: runID})
	case errors.As(res.Err, &inputErr):
		log.V(1).Info("Run failed on its input", "error", res.Err.Error())
		abort(c, http.StatusUnprocessableEntity, errorBody{Msg: msgRunFailed, RunID: runID, Error: res.Err.Error()})
	default:
		log.Error(res.Err, "Run failed")
		abort(c, http.StatusInternalServerError, errorBody{Msg: msgRunFailed, RunID: runID, Error: msgInternal})
	}
}

// readBody reads at most limit bytes of the body; more is a *http.MaxBytesError.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	return io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
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

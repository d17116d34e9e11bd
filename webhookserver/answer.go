package webhookserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/go-logr/logr"

	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/runner"
	"github.com/hookflow/hookflow/internal/store"
)

// msgResponseFailed is the answer of a successful run whose configured
// response could not be rendered.
const msgResponseFailed = "Response failed"

// answer sends the answer of a run, vars being what its expressions read
// (with the steps' outputs). Without spec.response it is DESIGN §4's; with
// it, a success is the configured answer, and onError replaces a run that
// failed on the request's data and a response that failed. A store that
// was unavailable and an internal error keep their answers whatever
// onError says: a custom or 2xx answer must never cover lost data.
func (s *Server) answer(c *gin.Context, rt *route.Route, vars *celexpr.Vars, runErr error, log logr.Logger) {
	var inputErr *runner.InputError
	switch {
	case runErr == nil:
		log.V(1).Info("Run succeeded")
		answerSuccess(c, rt.Response, vars, log)
	case errors.Is(runErr, store.ErrUnavailable):
		log.Info("Run not stored: store unavailable", "error", runErr.Error())
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable, RunID: vars.RunID})
	case errors.As(runErr, &inputErr):
		log.V(1).Info("Run failed on its input", "error", runErr.Error())
		fallback := errorBody{Msg: msgRunFailed, RunID: vars.RunID, Error: runErr.Error()}
		if !answerOnError(c, rt.Response, vars, runErr.Error(), fallback, log) {
			abort(c, http.StatusUnprocessableEntity, fallback)
		}
	default:
		log.Error(runErr, "Run failed")
		abort(c, http.StatusInternalServerError, errorBody{Msg: msgRunFailed, RunID: vars.RunID, Error: msgInternal})
	}
}

// answerSuccess sends the answer of a run whose steps all succeeded: the
// default {"msg":"success","runId":...}, or the configured response. The
// records are written by then; if the response cannot be rendered, the
// answer is onError's, else a 500.
func answerSuccess(c *gin.Context, resp *route.Response, vars *celexpr.Vars, log logr.Logger) {
	if resp == nil {
		c.JSON(http.StatusOK, successBody{Msg: msgSuccess, RunID: vars.RunID})
		return
	}
	// The cost limit bounds the evaluation; the run's timeout bounds the
	// steps only, whose records are already written.
	a, err := resp.Success(context.Background(), vars)
	if err != nil {
		reason := "response: " + err.Error()
		log.Info("Response failed", "error", reason)
		fallback := errorBody{Msg: msgResponseFailed, RunID: vars.RunID}
		if !answerOnError(c, resp, vars, reason, fallback, log) {
			abort(c, http.StatusInternalServerError, fallback)
		}
		return
	}
	writeAnswer(c, a, successBody{Msg: msgSuccess, RunID: vars.RunID})
}

// answerOnError sends onError's answer, with fallback as the body when it
// has none, and tells whether it did. When onError's body fails, nothing
// is sent: the caller sends the answer it would without onError.
func answerOnError(c *gin.Context, resp *route.Response, vars *celexpr.Vars, reason string, fallback errorBody, log logr.Logger) bool {
	a, ok, err := resp.Failure(context.Background(), vars, reason)
	if !ok {
		return false
	}
	if err != nil {
		log.Info("Response onError failed", "error", err.Error(), "reason", reason)
		return false
	}
	c.Abort()
	writeAnswer(c, a, fallback)
	return true
}

// writeAnswer writes a rendered answer, with defaultBody as JSON when it
// has no body of its own.
func writeAnswer(c *gin.Context, a route.Answer, defaultBody any) {
	h := c.Writer.Header()
	for _, hv := range a.Headers {
		h.Set(hv.Name, hv.Value)
	}
	if a.DefaultBody {
		c.JSON(a.StatusCode, defaultBody)
		return
	}
	c.Data(a.StatusCode, a.ContentType, a.Body)
}

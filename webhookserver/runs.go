package webhookserver

import (
	"maps"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/runner"
)

// recordRun hands a finished run, once its answer is written, to the run
// history (no I/O: the Recorder writes on its own goroutine). An idempotent
// run is not recorded there: it was written as it began, and is finished
// with its answer, for the retries.
func (s *Server) recordRun(c *gin.Context, e *Entry, idem *idempotentRun, vars *celexpr.Vars, res runner.Result, received, started time.Time) {
	if idem != nil {
		s.finishIdempotent(c, idem, s.finishedRun(c, e, vars, res, received, started), res.Err)
		return
	}
	if s.opts.Runs == nil {
		return
	}
	s.opts.Runs.Record(s.finishedRun(c, e, vars, res, received, started), e.History)
}

// finishedRun is the WorkflowRun of a run whose answer is written.
func (s *Server) finishedRun(c *gin.Context, e *Entry, vars *celexpr.Vars, res runner.Result, received, started time.Time) *v1alpha1.WorkflowRun {
	rt := e.Route
	var req *v1alpha1.RunRequest
	if res.Err != nil {
		// A failed run keeps its request, without credentials: what a
		// rerun's steps read besides the params.
		req = &v1alpha1.RunRequest{Body: vars.Body, Headers: withoutSecrets(e, maps.Clone(vars.Headers)), Query: vars.Query}
	}
	return runhistory.NewRun(runhistory.Run{
		ID:          vars.RunID,
		Namespace:   rt.Namespace,
		Workflow:    rt.Name,
		WorkflowUID: rt.UID,
		Params:      vars.Params,
		ReceivedAt:  received,
		StartedAt:   started,
		FinishedAt:  s.opts.Now(),
		Result:      res,
		StatusCode:  c.Writer.Status(),
		Request:     req,
	})
}

// Runs returns the run history of the server; nil when it keeps none.
func (s *Server) Runs() *runhistory.Recorder { return s.opts.Runs }

package webhookserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/params"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/runner"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// msgAccepted is the default answer of an OnReceipt run.
const msgAccepted = "accepted"

// finishTimeout bounds the write of a run's outcome.
const finishTimeout = 10 * time.Second

// secretHeaders are the request headers never kept in a run: credentials,
// and appAuth's signature. The route's own signature header is added.
var secretHeaders = []string{
	"authorization", "proxy-authorization", "cookie",
	strings.ToLower(signing.HeaderAppKey), strings.ToLower(signing.HeaderTimestamp), strings.ToLower(signing.HeaderSign),
}

// onReceipt tells whether a route answers before its steps run.
func onReceipt(rt *route.Route) bool { return rt.Response != nil && rt.Response.OnReceipt }

// accept serves a request to an OnReceipt route once its parameters are
// bound and a run slot is taken: it writes the run in phase Accepted, with
// everything its steps read, answers once that write succeeded (a 503 when
// it failed: never a 2xx for a run that could be lost), and runs the steps
// after, on a goroutine of their own that keeps the slot until they are
// done. With an Idempotency-Key, a retry gets the first answer again.
func (s *Server) accept(c *gin.Context, e *Entry, bound params.Bound, body []byte, query url.Values, received time.Time, release func()) {
	held := true
	defer func() {
		if held {
			release()
		}
	}()
	rt := e.Route
	runs := s.opts.Idempotency
	log := s.opts.Log.WithValues("namespace", rt.Namespace, "workflow", rt.Name)
	if runs == nil {
		log.Info("OnReceipt run refused: this server keeps no runs")
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
		return
	}
	if len(body) > v1alpha1.MaxRunRequestBody {
		// The body is kept in the run, an object of the API server.
		abort(c, http.StatusRequestEntityTooLarge, errorBody{Msg: msgTooLarge})
		return
	}
	key, ok := idempotencyKey(c, e)
	if !ok {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgInvalidIdempotencyKey})
		return
	}
	runID, hash := newRunID(), ""
	if key != "" {
		runID, hash = store.RunName(rt.UID, key), requestHash(c.Request.Method, query, body)
	}
	log = log.WithValues("run", runID)
	req := runRequest(e, c.Request.Header, body, query)
	vars := requestVars(bound.Values, req, runID, received)
	resp, err := acceptedAnswer(rt.Response, vars)
	if err != nil {
		log.Info("Response failed", "error", err.Error())
		abort(c, http.StatusInternalServerError, errorBody{Msg: msgResponseFailed, RunID: runID})
		return
	}
	var ps *apiextensionsv1.JSON
	if len(bound.Values) > 0 {
		raw, err := json.Marshal(bound.Values)
		if err != nil {
			log.Error(err, "Parameters not encoded")
			abort(c, http.StatusInternalServerError, errorBody{Msg: msgInternal})
			return
		}
		ps = &apiextensionsv1.JSON{Raw: raw}
	}

	parent := context.WithoutCancel(c.Request.Context())
	ctx, cancel := context.WithTimeout(parent, e.Limits.RequestTimeout)
	defer cancel()
	run, mine, err := runs.Begin(ctx, store.IdempotentRun{
		Namespace: rt.Namespace, Workflow: rt.Name, WorkflowUID: rt.UID,
		Key: key, ID: runID, RequestHash: hash,
		Lease: e.Limits.RequestTimeout + s.opts.LeaseMargin, Phase: v1alpha1.RunAccepted, ReceivedAt: received,
		Params: ps, Request: req, Response: resp,
	})
	switch {
	case err != nil:
		log.Info("OnReceipt run not accepted: store unavailable", "error", err.Error())
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
		return
	case !mine && run.Spec.RequestHash != hash:
		abort(c, http.StatusUnprocessableEntity, errorBody{Msg: msgKeyReused})
		return
	case !mine && run.Status.Response != nil:
		replay(c, run.Status.Response)
		return
	case !mine:
		// A run of the same key begun before the Workflow answered on
		// receipt, still running: its answer comes when it is done.
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
		return
	}
	log.V(1).Info("Run accepted")
	// The answer as kept for the retries, byte for byte.
	replay(c, resp)

	held = false
	s.accepted.Add(1)
	go func() {
		defer s.accepted.Done()
		defer release()
		s.runAccepted(parent, e, run, vars, log)
	}()
}

// runAccepted runs the steps of an accepted run (or of a rerun) and writes
// its outcome, in one update: phase Succeeded or Failed, the steps and the
// error. A run
// whose store was unavailable is left as it is: once its lease has passed,
// a replica runs it again, under the same run id, so that each record is
// written once.
func (s *Server) runAccepted(parent context.Context, e *Entry, run *v1alpha1.WorkflowRun, vars *celexpr.Vars, log logr.Logger) {
	ctx, cancel := context.WithTimeout(parent, e.Limits.RequestTimeout)
	defer cancel()
	started := s.opts.Now()
	res := runner.Run(ctx, e.Route, vars, store.WithTables(s.opts.Records, e.Tables))
	s.opts.Metrics.runFinished(e, res)
	if errors.Is(res.Err, store.ErrUnavailable) {
		log.Info("OnReceipt run not finished: store unavailable; it runs again once its lease has passed", "error", res.Err.Error())
		return
	}
	var inputErr *runner.InputError
	switch {
	case res.Err == nil:
		log.V(1).Info("Run succeeded")
	case errors.As(res.Err, &inputErr):
		log.V(1).Info("Run failed on its input", "error", res.Err.Error())
	default:
		log.Error(res.Err, "Run failed")
	}
	var received time.Time
	if run.Spec.ReceivedAt != nil {
		received = run.Spec.ReceivedAt.Time
	}
	finished := runhistory.NewRun(runhistory.Run{
		ID: run.Name, Namespace: run.Namespace, Workflow: run.Spec.Workflow, WorkflowUID: e.Route.UID,
		ReceivedAt: received, StartedAt: started, FinishedAt: s.opts.Now(), Result: res,
	})
	keep, resp, rerunOf := run.Status.KeepUntil, run.Status.Response, run.Status.RerunOf
	run.Status = finished.Status
	run.Status.KeepUntil, run.Status.Response, run.Status.RerunOf = keep, resp, rerunOf
	fctx, fcancel := context.WithTimeout(parent, finishTimeout)
	defer fcancel()
	if err := s.opts.Idempotency.Finish(fctx, run); err != nil {
		log.Info("OnReceipt run's outcome not written; it runs again under the same run id once its lease has passed", "error", err.Error())
	}
}

// acceptedAnswer renders the answer of an accepted run, as kept in the
// run: the configured response, whose expressions see no step, with the
// default body {"msg":"accepted","runId":...}.
func acceptedAnswer(resp *route.Response, vars *celexpr.Vars) (*v1alpha1.RunResponse, error) {
	// The cost limit bounds the evaluation.
	a, err := resp.Success(context.Background(), vars)
	if err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	out := &v1alpha1.RunResponse{StatusCode: int32(a.StatusCode), ContentType: a.ContentType, Body: string(a.Body)}
	if a.DefaultBody {
		raw, err := json.Marshal(successBody{Msg: msgAccepted, RunID: vars.RunID})
		if err != nil {
			return nil, fmt.Errorf("response: %w", err)
		}
		out.ContentType, out.Body = "application/json; charset=utf-8", string(raw)
	}
	if len(out.Body) > maxStoredBody {
		return nil, fmt.Errorf("response: body of %d bytes, over %d", len(out.Body), maxStoredBody)
	}
	for _, h := range a.Headers {
		if out.Headers == nil {
			out.Headers = make(map[string]string, len(a.Headers))
		}
		out.Headers[h.Name] = h.Value
	}
	return out, nil
}

// runRequest is what an OnReceipt run keeps of its request, for its steps:
// the body, the headers by lower-case name without credentials and
// signatures, and the query (without appAuth's values, already removed).
func runRequest(e *Entry, header http.Header, body []byte, query url.Values) *v1alpha1.RunRequest {
	headers := withoutSecrets(e, firstValues(header, strings.ToLower))
	return &v1alpha1.RunRequest{Body: string(body), Headers: headers, Query: firstValues(query, nil)}
}

// withoutSecrets deletes from headers (by lower-case name) those never kept
// in a run, and returns it: credentials, appAuth's signature and the
// route's signature headers.
func withoutSecrets(e *Entry, headers map[string]string) map[string]string {
	for _, h := range secretHeaders {
		delete(headers, h)
	}
	if e.Signature != nil {
		for _, h := range e.Signature.SignatureHeaders() {
			delete(headers, strings.ToLower(h))
		}
	}
	return headers
}

// requestVars are the CEL variables of an OnReceipt run: the same whether
// it runs on the replica that accepted it or on another.
func requestVars(ps map[string]any, req *v1alpha1.RunRequest, runID string, received time.Time) *celexpr.Vars {
	v := &celexpr.Vars{Params: ps, RunID: runID, Now: received, Headers: map[string]string{}, Query: map[string]string{}}
	if req != nil {
		v.Body = req.Body
		if req.Headers != nil {
			v.Headers = req.Headers
		}
		if req.Query != nil {
			v.Query = req.Query
		}
	}
	if v.Params == nil {
		v.Params = map[string]any{}
	}
	return v
}

// runVars rebuilds the CEL variables of an accepted run from what it kept.
func runVars(run *v1alpha1.WorkflowRun) (*celexpr.Vars, error) {
	var ps map[string]any
	if run.Spec.Params != nil && len(run.Spec.Params.Raw) > 0 {
		if err := json.Unmarshal(run.Spec.Params.Raw, &ps); err != nil {
			return nil, fmt.Errorf("params: %w", err)
		}
	}
	var received time.Time
	if run.Spec.ReceivedAt != nil {
		received = run.Spec.ReceivedAt.Time
	}
	v := requestVars(ps, run.Spec.Request, run.Name, received)
	if run.Status.RerunOf != "" {
		v.WriteID = runhistory.RerunChainFirst(run.Name)
	}
	return v, nil
}

package webhookserver

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/signing"
)

// msgCaptured answers every request to an open capture window, the one
// whose sample was written and the others alike.
const msgCaptured = "sample captured"

// CaptureWindow is an open sample capture window of a Workflow (sample
// source Capture, status.capture Waiting): its URL stores the first request
// as the sample instead of running the steps.
type CaptureWindow struct {
	Namespace, Name string
	// StartedAt is status.capture.startedAt as serialized: the write's
	// precondition, with the state Waiting.
	StartedAt string
	ExpiresAt time.Time
	// mu lets one request of this replica write at a time: the others wait
	// for its outcome, so that a replica sends at most one write per window
	// (more only after an outage).
	mu sync.Mutex
	// closed is set once this replica knows the sample is written, by it or
	// by another: later requests are answered without a write.
	closed atomic.Bool
}

// CaptureWriter writes a captured sample: the Status() of a client, allowed
// to patch workflows/status.
type CaptureWriter interface {
	Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error
}

// captureWindowOf returns the capture window of wf, or nil when none is
// open. Whether it has expired is checked on each request. A window whose
// sample is captured stays, closed (answering without a write), until the
// controller has made the Workflow Ready with it: a request that lost the
// race a moment ago is answered like the others, never with a 404.
func captureWindowOf(wf *v1alpha1.Workflow) *CaptureWindow {
	c := wf.Status.Capture
	if wf.Spec.Trigger.Webhook.Sample.Source != v1alpha1.SampleCapture || c == nil || c.StartedAt == nil || c.ExpiresAt == nil {
		return nil
	}
	w := &CaptureWindow{
		Namespace: wf.Namespace, Name: wf.Name,
		StartedAt: c.StartedAt.UTC().Format(time.RFC3339), ExpiresAt: c.ExpiresAt.Time,
	}
	switch {
	case c.State == v1alpha1.CaptureWaiting:
		return w
	case c.State == v1alpha1.CaptureCaptured && !meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.ReadyCondition):
		w.closed.Store(true)
		return w
	}
	return nil
}

// captureEntry is the entry of a Workflow waiting for a capture: its
// methods and security checks apply, it has no parameters and no steps.
// The window is kept across builds while it is the same window.
func (r *RouteSync) captureEntry(wf *v1alpha1.Workflow, w *CaptureWindow, s *serverSettings) *Entry {
	if old := r.served[wf.UID]; old != nil && old.Capture != nil && old.Capture.StartedAt == w.StartedAt {
		if w.closed.Load() {
			old.Capture.closed.Store(true)
		}
		w = old.Capture
	}
	rt, err := route.CompileCapture(wf)
	if err != nil {
		r.Log.Info("Workflow waits for a capture but does not compile here; not serving it", "namespace", wf.Namespace, "workflow", wf.Name, "error", err.Error())
		return nil
	}
	e, err := r.newEntry(wf, rt, s)
	if err != nil {
		r.Log.Info("Workflow waits for a capture but is not served yet", "namespace", wf.Namespace, "workflow", wf.Name, "reason", err.Error())
		return nil
	}
	e.Capture = w
	return e
}

// capture stores the request as the sample of an open capture window, once
// the route, method, client IP, size, signature and rate limit checks have
// passed. On each replica one request at a time writes, until one write
// succeeds or loses. The status write carries a precondition (a JSON patch whose test
// operations require the state Waiting and this window's startedAt), so that
// of all the replicas and requests exactly one wins; the others are answered
// alike, never with a 5xx. Nothing else is written: no record, no run.
func (s *Server) capture(c *gin.Context, entry *Entry, body []byte) {
	w := entry.Capture
	if !s.opts.Now().Before(w.ExpiresAt) {
		abort(c, http.StatusNotFound, errorBody{Msg: msgNotFound})
		return
	}
	if w.closed.Load() {
		c.JSON(http.StatusOK, errorBody{Msg: msgCaptured})
		return
	}
	sample, contentType := capturedRequest(c.Request, body, entry.App != nil)
	if len(sample) > v1alpha1.MaxCaptureBytes {
		abort(c, http.StatusRequestEntityTooLarge, errorBody{Msg: msgTooLarge})
		return
	}
	if !utf8.ValidString(sample) {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgMalformed})
		return
	}
	if s.opts.Captures == nil {
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
		return
	}
	patch, err := capturePatch(w, c.Request.Method, sample, contentType, s.opts.Now())
	if err != nil {
		abort(c, http.StatusInternalServerError, errorBody{Msg: msgUnavailable})
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed.Load() {
		c.JSON(http.StatusOK, errorBody{Msg: msgCaptured})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), entry.Limits.RequestTimeout)
	defer cancel()
	wf := &v1alpha1.Workflow{ObjectMeta: metav1.ObjectMeta{Namespace: w.Namespace, Name: w.Name}}
	log := s.opts.Log.WithValues("namespace", w.Namespace, "workflow", w.Name)
	switch err := s.opts.Captures.Patch(ctx, wf, client.RawPatch(types.JSONPatchType, patch)); {
	case err == nil:
		w.closed.Store(true)
		log.Info("Sample captured", "method", c.Request.Method, "contentType", contentType, "bytes", len(sample))
	case lostCapture(err):
		// Another request, here or on another replica, was first; or the
		// window closed meanwhile.
		w.closed.Store(true)
		log.V(1).Info("Sample already captured", "error", err.Error())
	default:
		log.Error(err, "Cannot write the captured sample")
		abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
		return
	}
	c.JSON(http.StatusOK, errorBody{Msg: msgCaptured})
}

// capturedRequest is what a capture stores: for a GET the query string,
// without the appAuth parameters; else the raw body and its media type.
func capturedRequest(req *http.Request, body []byte, appAuth bool) (sample, contentType string) {
	if req.Method == http.MethodGet {
		query := req.URL.Query()
		if appAuth {
			query.Del(signing.QueryAppKey)
			query.Del(signing.QueryTimestamp)
			query.Del(signing.QuerySign)
		}
		return query.Encode(), ""
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || len(mediaType) > 256 {
		mediaType = ""
	}
	return string(body), mediaType
}

type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// capturePatch writes the sample to status.capture if the window w is still
// the one waiting.
func capturePatch(w *CaptureWindow, method, sample, contentType string, now time.Time) ([]byte, error) {
	const at = "/status/capture/"
	ops := []jsonPatchOp{
		{Op: "test", Path: at + "state", Value: v1alpha1.CaptureWaiting},
		{Op: "test", Path: at + "startedAt", Value: w.StartedAt},
		{Op: "replace", Path: at + "state", Value: v1alpha1.CaptureCaptured},
		{Op: "add", Path: at + "sample", Value: sample},
		{Op: "add", Path: at + "contentType", Value: contentType},
		{Op: "add", Path: at + "method", Value: method},
		{Op: "add", Path: at + "capturedAt", Value: now.UTC().Format(time.RFC3339)},
	}
	b, err := json.Marshal(ops)
	if err != nil {
		return nil, fmt.Errorf("encode capture patch: %w", err)
	}
	return b, nil
}

// lostCapture tells a write refused because the window is no longer the
// one waiting (a failed test operation is a 422; a Workflow gone is a 404)
// from an outage.
func lostCapture(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsConflict(err) || apierrors.IsNotFound(err) ||
		apierrors.ReasonForError(err) == metav1.StatusReasonInvalid
}

package webhookserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/store"
)

const (
	headerIdempotencyKey = "Idempotency-Key"
	// maxIdempotencyKey is the longest key accepted (DESIGN §4).
	maxIdempotencyKey = 255
	// maxStoredBody bounds the answer kept for retries.
	maxStoredBody = 64 << 10
)

// idempotentRun is a request with an Idempotency-Key that this replica runs.
type idempotentRun struct {
	run     *v1alpha1.WorkflowRun
	capture *captureWriter
}

// beginIdempotent handles the Idempotency-Key of a request. Without one it
// returns (nil, true). With one, the first request with that key for the
// Workflow creates the run and goes on (its answer is captured, to be
// kept); a retry waits for that run to finish and gives its answer again,
// or takes the run over when the replica running it is presumed dead; a
// key reused with another request is a 422. When it returns false, the
// answer has been written.
func (s *Server) beginIdempotent(c *gin.Context, e *Entry, body []byte, query url.Values) (*idempotentRun, bool) {
	if s.opts.Idempotency == nil {
		return nil, true
	}
	key, ok := idempotencyKey(c, e)
	if !ok {
		abort(c, http.StatusBadRequest, errorBody{Msg: msgInvalidIdempotencyKey})
		return nil, false
	}
	if key == "" {
		return nil, true
	}
	runs, rt := s.opts.Idempotency, e.Route
	lease := e.Limits.RequestTimeout + s.opts.LeaseMargin
	hash := requestHash(c.Request.Method, query, body)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), e.Limits.RequestTimeout+lease)
	defer cancel()
	log := s.opts.Log.WithValues("namespace", rt.Namespace, "workflow", rt.Name)

	in := store.IdempotentRun{Namespace: rt.Namespace, Workflow: rt.Name, WorkflowUID: rt.UID, Key: key, RequestHash: hash, Lease: lease}
	wait := 20 * time.Millisecond
	for {
		run, mine, err := runs.Begin(ctx, in)
		for err == nil && !mine {
			switch {
			case run.Spec.RequestHash != hash:
				abort(c, http.StatusUnprocessableEntity, errorBody{Msg: msgKeyReused})
				return nil, false
			// A finished run's answer; an OnReceipt run keeps its answer
			// from the moment it was accepted.
			case run.Status.Response != nil:
				replay(c, run.Status.Response)
				return nil, false
			case runs.Expired(run):
				if err = runs.TakeOver(ctx, run, lease); err == nil {
					log.Info("Took over an idempotent run whose replica is presumed dead", "run", run.Name)
					mine = true
					continue
				}
				if apierrors.IsConflict(errors.Unwrap(err)) || apierrors.IsConflict(err) {
					err = nil // another retry took it first: wait for it
				}
			}
			if err != nil {
				break
			}
			select {
			case <-ctx.Done():
				err = ctx.Err()
			case <-time.After(wait):
				wait = min(2*wait, 500*time.Millisecond)
				run, err = runs.Get(ctx, run.Namespace, run.Name)
			}
		}
		if apierrors.IsNotFound(err) {
			continue // abandoned while we waited: begin again
		}
		if err != nil {
			log.Info("Idempotent run not begun", "error", err.Error())
			abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
			return nil, false
		}
		capture := &captureWriter{ResponseWriter: c.Writer}
		c.Writer = capture
		return &idempotentRun{run: run, capture: capture}, true
	}
}

// finishIdempotent keeps the answer written for the run, for every retry;
// a run that could not store its records is abandoned instead, so that a
// retry runs it again, under the same run id.
func (s *Server) finishIdempotent(c *gin.Context, ir *idempotentRun, finished *v1alpha1.WorkflowRun, runErr error) {
	runs := s.opts.Idempotency
	log := s.opts.Log.WithValues("namespace", ir.run.Namespace, "workflow", ir.run.Spec.Workflow, "run", ir.run.Name)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 10*time.Second)
	defer cancel()
	if errors.Is(runErr, store.ErrUnavailable) || ir.capture.Status() == http.StatusServiceUnavailable || ir.capture.overflow {
		if err := runs.Abandon(ctx, ir.run); err != nil {
			log.Info("Idempotent run not abandoned; it will be taken over when its lease ends", "error", err.Error())
		}
		return
	}
	// The run as begun (name, key, request hash, keepUntil), with what the
	// run did and the whole answer.
	run := ir.run
	run.Spec.Params = finished.Spec.Params
	if run.Spec.Request == nil {
		// A failed run keeps its request, for a rerun.
		run.Spec.Request = finished.Spec.Request
	}
	for _, a := range []string{runhistory.ParamsOmittedAnnotation, runhistory.RequestOmittedAnnotation} {
		if v, ok := finished.Annotations[a]; ok {
			metav1.SetMetaDataAnnotation(&run.ObjectMeta, a, v)
		}
	}
	keep := run.Status.KeepUntil
	run.Status = finished.Status
	run.Status.KeepUntil = keep
	run.Status.Response = ir.capture.response()
	if err := runs.Finish(ctx, run); err != nil {
		log.Info("Idempotent run's answer not kept; a retry will run it again under the same run id", "error", err.Error())
	}
}

// replay writes a kept answer again.
func replay(c *gin.Context, r *v1alpha1.RunResponse) {
	for k, v := range r.Headers {
		c.Header(k, v)
	}
	c.Data(int(r.StatusCode), r.ContentType, []byte(r.Body))
	c.Abort()
}

// idempotencyKey is the request's key: its Idempotency-Key header, else
// the sender's delivery id (the route's DeliveryHeader, as a signature
// preset names it) made a key by deliveryKey; "" for none. It is false
// when the Idempotency-Key header is not a valid key.
func idempotencyKey(c *gin.Context, e *Entry) (string, bool) {
	if key := c.GetHeader(headerIdempotencyKey); key != "" {
		return key, validIdempotencyKey(key)
	}
	if e.DeliveryHeader == "" {
		return "", true
	}
	if id := c.GetHeader(e.DeliveryHeader); id != "" {
		return deliveryKey(e.DeliveryHeader, id), true
	}
	return "", true
}

// deliveryKey makes a sender's delivery id an idempotency key that no
// Idempotency-Key can equal: it starts with "⟨header⟩", and a header's key
// is printable ASCII only. An id too long for a key, or not printable
// ASCII, is replaced by its SHA-256.
func deliveryKey(header, id string) string {
	prefix := "⟨" + strings.ToLower(header) + "⟩"
	if len(prefix)+len(id) > maxIdempotencyKey || !validIdempotencyKey(id) {
		sum := sha256.Sum256([]byte(id))
		id = "sha256:" + hex.EncodeToString(sum[:])
	}
	return prefix + id
}

// validIdempotencyKey: 1 to 255 printable ASCII characters.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestHash identifies a request for its Idempotency-Key: method, query
// (without appAuth's values, which change with each signature) and body;
// never the headers, so a redelivery signed anew is the same request.
func requestHash(method string, query url.Values, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + "\n" + query.Encode() + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// captureWriter keeps a copy of the answer it writes.
type captureWriter struct {
	gin.ResponseWriter
	body     bytes.Buffer
	overflow bool
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.keep(b)
	return w.ResponseWriter.Write(b)
}

func (w *captureWriter) WriteString(s string) (int, error) {
	w.keep([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

func (w *captureWriter) keep(b []byte) {
	if w.body.Len()+len(b) > maxStoredBody {
		w.overflow = true
		return
	}
	w.body.Write(b)
}

// response is the answer as written.
func (w *captureWriter) response() *v1alpha1.RunResponse {
	r := &v1alpha1.RunResponse{StatusCode: int32(w.Status()), ContentType: w.Header().Get("Content-Type"), Body: w.body.String()}
	for k, vs := range w.Header() {
		switch strings.ToLower(k) {
		case "content-type", "content-length", "date", "connection":
			continue
		}
		if len(vs) > 0 {
			if r.Headers == nil {
				r.Headers = map[string]string{}
			}
			r.Headers[k] = vs[0]
		}
	}
	return r
}

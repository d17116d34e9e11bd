package controllers

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// DefaultCaptureWindow is how long a capture window stays open.
const DefaultCaptureWindow = 3 * time.Minute

// Reasons of the events of a sample capture. A captured sample is
// announced by the Ready condition it makes True.
const (
	ReasonCaptureWaiting = "CaptureWaiting"
	ReasonCaptureExpired = "CaptureExpired"
)

// event records an event about wf, when the reconciler has a recorder.
func (r *WorkflowReconciler) event(wf *v1alpha1.Workflow, eventType, reason, action, note string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(wf, nil, eventType, reason, action, note, args...)
	}
}

// reconcileCapture opens and closes the capture windows of a Workflow whose
// sample source is Capture, and returns when to look again (0: no need).
//
// A new value of the hookflow.dev/capture-requested-at annotation opens a
// window: status.capture becomes Waiting, with startedAt and expiresAt. The
// webhook server writes the first request inside it (state Captured, see
// webhookserver/capture.go), and route.Compile derives the parameters from
// it. A window still Waiting at expiresAt becomes Expired.
func (r *WorkflowReconciler) reconcileCapture(wf *v1alpha1.Workflow) time.Duration {
	if wf.Spec.Trigger.Webhook.Sample.Source != v1alpha1.SampleCapture {
		return 0
	}
	now := r.now()
	requested := wf.GetAnnotations()[v1alpha1.CaptureRequestedAtAnnotation]
	c := wf.Status.Capture
	if requested != "" && (c == nil || c.RequestedAt != requested) {
		// Whole seconds: the server's precondition compares startedAt as
		// it is serialized.
		start := metav1.NewTime(now.Truncate(time.Second))
		expires := metav1.NewTime(start.Add(r.captureWindow()))
		wf.Status.Capture = &v1alpha1.CaptureStatus{
			State: v1alpha1.CaptureWaiting, RequestedAt: requested, StartedAt: &start, ExpiresAt: &expires,
		}
		r.event(wf, "Normal", ReasonCaptureWaiting, "Capture", "Waiting until %s for a request to capture as the sample",
			expires.UTC().Format(time.RFC3339))
		return untilAfter(now, expires.Time)
	}
	if c == nil || c.State != v1alpha1.CaptureWaiting {
		return 0
	}
	if c.ExpiresAt == nil || !now.Before(c.ExpiresAt.Time) {
		c.State = v1alpha1.CaptureExpired
		r.event(wf, "Warning", ReasonCaptureExpired, "Capture", "No request came within the capture window; request a new capture to try again")
		return 0
	}
	return untilAfter(now, c.ExpiresAt.Time)
}

// untilAfter is the wait from now until just after t.
func untilAfter(now, t time.Time) time.Duration {
	return t.Sub(now) + 100*time.Millisecond
}

func (r *WorkflowReconciler) captureWindow() time.Duration {
	if r.CaptureWindow > 0 {
		return r.CaptureWindow
	}
	return DefaultCaptureWindow
}

func (r *WorkflowReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// captureChanged passes the updates that request a capture (a new
// annotation value) or change status.capture: a sample captured by the
// server, or a window shortened.
var captureChanged = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		oldWF, okOld := e.ObjectOld.(*v1alpha1.Workflow)
		newWF, okNew := e.ObjectNew.(*v1alpha1.Workflow)
		if !okOld || !okNew {
			return false
		}
		if oldWF.Annotations[v1alpha1.CaptureRequestedAtAnnotation] != newWF.Annotations[v1alpha1.CaptureRequestedAtAnnotation] {
			return true
		}
		o, n := oldWF.Status.Capture, newWF.Status.Capture
		switch {
		case o == nil || n == nil:
			return (o == nil) != (n == nil)
		default:
			return o.State != n.State || !o.ExpiresAt.Equal(n.ExpiresAt)
		}
	},
}

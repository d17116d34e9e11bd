package controllers

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientevents "k8s.io/client-go/tools/events"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestReconcileCapture(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 500_000_000, time.UTC)
	clock := t0
	events := clientevents.NewFakeRecorder(10)
	r := &WorkflowReconciler{CaptureWindow: time.Minute, Now: func() time.Time { return clock }, Recorder: events}
	wantEvent := func(prefix string) {
		t.Helper()
		select {
		case e := <-events.Events:
			if !strings.HasPrefix(e, prefix) {
				t.Errorf("event %q, want one starting %q", e, prefix)
			}
		default:
			t.Errorf("no event, want %q", prefix)
		}
	}
	wf := &v1alpha1.Workflow{}
	wf.Spec.Trigger.Webhook.Sample.Source = v1alpha1.SampleCapture

	if d := r.reconcileCapture(wf); d != 0 || wf.Status.Capture != nil {
		t.Fatalf("no annotation: requeue %s, capture %+v", d, wf.Status.Capture)
	}
	metav1.SetMetaDataAnnotation(&wf.ObjectMeta, v1alpha1.CaptureRequestedAtAnnotation, "2026-12-01T10:00:00Z")
	d := r.reconcileCapture(wf)
	c := wf.Status.Capture
	if c == nil || c.State != v1alpha1.CaptureWaiting || !c.StartedAt.Time.Equal(t0.Truncate(time.Second)) ||
		!c.ExpiresAt.Time.Equal(t0.Truncate(time.Second).Add(time.Minute)) || c.RequestedAt != "2026-12-01T10:00:00Z" {
		t.Fatalf("window = %+v", c)
	}
	if d < 59*time.Second || d > time.Minute {
		t.Errorf("requeue after %s, want at the expiry", d)
	}
	wantEvent("Normal CaptureWaiting")
	clock = t0.Add(30 * time.Second)
	if d := r.reconcileCapture(wf); wf.Status.Capture.State != v1alpha1.CaptureWaiting || d > 30*time.Second {
		t.Errorf("inside the window: %s, requeue %s", wf.Status.Capture.State, d)
	}
	clock = t0.Add(time.Minute)
	if r.reconcileCapture(wf); wf.Status.Capture.State != v1alpha1.CaptureExpired {
		t.Errorf("past the window: %s, want Expired", wf.Status.Capture.State)
	}
	wantEvent("Warning CaptureExpired")
	if r.reconcileCapture(wf); len(events.Events) != 0 {
		t.Errorf("an expired window announced again: %q", <-events.Events)
	}
	// Captured stays; a new annotation value opens a new window.
	wf.Status.Capture.State = v1alpha1.CaptureCaptured
	if r.reconcileCapture(wf); wf.Status.Capture.State != v1alpha1.CaptureCaptured {
		t.Errorf("captured: %s", wf.Status.Capture.State)
	}
	metav1.SetMetaDataAnnotation(&wf.ObjectMeta, v1alpha1.CaptureRequestedAtAnnotation, "2026-12-01T10:05:00Z")
	if r.reconcileCapture(wf); wf.Status.Capture.State != v1alpha1.CaptureWaiting || wf.Status.Capture.Sample != "" {
		t.Errorf("new request: %+v", wf.Status.Capture)
	}
	wf.Spec.Trigger.Webhook.Sample.Source = v1alpha1.SampleJSON
	metav1.SetMetaDataAnnotation(&wf.ObjectMeta, v1alpha1.CaptureRequestedAtAnnotation, "2026-12-01T10:09:00Z")
	if r.reconcileCapture(wf); wf.Status.Capture.RequestedAt == "2026-12-01T10:09:00Z" {
		t.Error("a JSON sample opened a capture window")
	}
}

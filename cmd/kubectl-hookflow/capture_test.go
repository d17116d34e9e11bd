package main

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// captureWorkflow creates a Workflow with a Capture sample and returns it.
func captureWorkflow(t *testing.T, ns, name string, fullBody bool) *v1alpha1.Workflow {
	t.Helper()
	wf := testenv.OrderWorkflow(ns, name)
	wf.Spec.Trigger.Webhook.Sample = v1alpha1.Sample{Source: v1alpha1.SampleCapture, FullBody: fullBody}
	testenv.Create(t, k8s, wf)
	return wf
}

// playCapture waits for the plugin's annotation and writes the status the
// controller and the server would: a window, then the final state.
func playCapture(t *testing.T, wf *v1alpha1.Workflow, final v1alpha1.CaptureStatus) {
	t.Helper()
	ctx := context.Background()
	var requested string
	testenv.Eventually(t, 10*time.Second, "annotation set", func() (bool, string) {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		requested = wf.Annotations[v1alpha1.CaptureRequestedAtAnnotation]
		return requested != "", "no annotation"
	})
	if _, err := time.Parse(time.RFC3339Nano, requested); err != nil {
		t.Errorf("annotation %q is not an RFC 3339 time: %v", requested, err)
	}
	start, expires := metav1.Now(), metav1.NewTime(time.Now().Add(3*time.Minute))
	wf.Status.WebhookURL = "https://hooks.example.com/hooks/0123456789abcdef"
	wf.Status.Capture = &v1alpha1.CaptureStatus{State: v1alpha1.CaptureWaiting, RequestedAt: requested, StartedAt: &start, ExpiresAt: &expires}
	if err := k8s.Status().Update(ctx, wf); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	final.RequestedAt, final.StartedAt, final.ExpiresAt = requested, &start, &expires
	wf.Status.Capture = &final
	if err := k8s.Status().Update(ctx, wf); err != nil {
		t.Fatal(err)
	}
}

func TestCapture(t *testing.T) {
	capturePoll, captureLogEvery = 20*time.Millisecond, 20*time.Millisecond
	ns := newNamespace(t)
	now := metav1.Now()
	for _, tc := range []struct {
		name     string
		fullBody bool
		final    v1alpha1.CaptureStatus
		code     int
		stdout   []string
		stderr   string
	}{
		{"JSON", false, v1alpha1.CaptureStatus{State: v1alpha1.CaptureCaptured, Method: "POST", ContentType: "application/json", Sample: `{"order_id":"A-1","amount":2}`, CapturedAt: &now},
			0, []string{"Waiting for a GET or POST to https://hooks.example.com/hooks/0123456789abcdef", "Captured a POST application/json request",
				"sample:\n  json: '{\"order_id\":\"A-1\",\"amount\":2}'\n  source: JSON\n"}, ""},
		{"query with fullBody", true, v1alpha1.CaptureStatus{State: v1alpha1.CaptureCaptured, Method: "GET", Sample: "order_id=A-2&amount=3", CapturedAt: &now},
			0, []string{"Captured a GET request", "sample:\n  fullBody: true\n  keyValues:\n  - name: amount\n    value: \"3\"\n  - name: order_id\n    value: A-2\n  source: KeyValue\n"}, ""},
		{"expired", false, v1alpha1.CaptureStatus{State: v1alpha1.CaptureExpired},
			1, nil, `the capture window of Workflow "expired" closed with no request`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.ReplaceAll(strings.ToLower(tc.name), " ", "-")
			wf := captureWorkflow(t, ns, name, tc.fullBody)
			done := make(chan result, 1)
			go func() { done <- plugin("capture", name, "-n", ns, "--timeout", "30s") }()
			playCapture(t, wf, tc.final)
			r := <-done
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("%v; want exit %d, stderr holding %q", r, tc.code, tc.stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout %q does not hold %q", r.stdout, s)
				}
			}
		})
	}
	if r := plugin("capture", "absent", "-n", ns); r.code != 1 || !strings.Contains(r.stderr, `Workflow "absent" not found`) {
		t.Errorf("absent Workflow: %v", r)
	}
	testenv.Create(t, k8s, testenv.OrderWorkflow(ns, "declared"))
	if r := plugin("capture", "declared", "-n", ns); r.code != 1 || !strings.Contains(r.stderr, "is JSON, not Capture") {
		t.Errorf("JSON sample: %v", r)
	}
}

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// captureWorkflow is the order Workflow with a Capture sample.
func captureWorkflow(ns, name string) *v1alpha1.Workflow {
	wf := testenv.OrderWorkflow(ns, name)
	wf.Spec.Trigger.Webhook.Sample = v1alpha1.Sample{Source: v1alpha1.SampleCapture}
	return wf
}

// requestCapture sets the annotation and waits for the window to open.
func requestCapture(t *testing.T, wf *v1alpha1.Workflow) *v1alpha1.Workflow {
	t.Helper()
	at := time.Now().UTC().Format(time.RFC3339Nano)
	testenv.Update(t, k8s, wf, func(wf *v1alpha1.Workflow) {
		metav1.SetMetaDataAnnotation(&wf.ObjectMeta, v1alpha1.CaptureRequestedAtAnnotation, at)
	})
	testenv.Eventually(t, 20*time.Second, "capture window open", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := wf.Status.Capture
		return c != nil && c.RequestedAt == at && c.State == v1alpha1.CaptureWaiting && wf.Status.WebhookURL != "", fmt.Sprintf("%+v", c)
	})
	return wf
}

func readyCondition(wf *v1alpha1.Workflow) *metav1.Condition {
	return meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
}

// TestCapture: 20 concurrent requests inside the window, spread over two
// server instances, capture exactly one sample and all get 200; nothing is
// recorded; the parameters are derived, the Workflow becomes Ready, and the
// next request is an ordinary run.
func TestCapture(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), captureWorkflow(ns, "captured"))
	wf := captureWorkflow(ns, "captured")
	testenv.Eventually(t, 20*time.Second, "Workflow waits for a capture", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := readyCondition(wf)
		return c != nil && c.Reason == "CaptureWaiting" && c.Status == metav1.ConditionFalse, fmt.Sprintf("%+v", c)
	})
	if a := testenv.Call(t, "POST", baseURL+"/hooks/"+wf.Status.WebhookID, "application/json", `{"order_id":"X"}`); a.Code != 404 {
		t.Fatalf("before a capture is requested: %d %s, want 404", a.Code, a.Raw)
	}

	wf = requestCapture(t, wf)
	second, secondURL := anotherServer(t)
	id := wf.Status.WebhookID
	testenv.Eventually(t, 20*time.Second, "both servers route the capture", func() (bool, string) {
		e1, e2 := server.Routes().Load().Lookup(id), second.Routes().Load().Lookup(id)
		return e1 != nil && e1.Capture != nil && e2 != nil && e2.Capture != nil, "not yet"
	})
	urls := []string{wf.Status.WebhookURL, secondURL + "/hooks/" + id}
	answers := make([]testenv.Answer, 20)
	var wg sync.WaitGroup
	for i := range answers {
		body := fmt.Sprintf(`{"order_id":"C-%d","amount":%d.5,"customer":{"email":"c%d@example.com"}}`, i, i, i)
		wg.Go(func() { answers[i] = testenv.Call(t, "POST", urls[i%2], "application/json", body) })
	}
	wg.Wait()
	for i, a := range answers {
		if a.Code != 200 || a.Raw != `{"msg":"sample captured"}` {
			t.Errorf("answer %d = %d %s, want 200 sample captured", i, a.Code, a.Raw)
		}
	}

	testenv.Eventually(t, 20*time.Second, "Workflow Ready with derived parameters", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := readyCondition(wf)
		return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == wf.Generation, fmt.Sprintf("%+v", c)
	})
	c := wf.Status.Capture
	if c.State != v1alpha1.CaptureCaptured || c.ContentType != "application/json" || c.Method != "POST" || c.CapturedAt == nil ||
		!strings.HasPrefix(c.Sample, `{"order_id":"C-`) {
		t.Errorf("status.capture = %+v, want one of the requests captured", c)
	}
	got := map[string]v1alpha1.ParameterType{}
	for _, p := range wf.Status.Parameters {
		got[p.Path] = p.Type
	}
	want := map[string]v1alpha1.ParameterType{"order_id": "String", "amount": "Number", "customer.email": "String"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parameters = %v, want %v", got, want)
	}
	if n := len(records(t, ns)); n != 0 {
		t.Errorf("%d records written during the capture, want 0", n)
	}

	testenv.Eventually(t, 20*time.Second, "the second server serves the Workflow", func() (bool, string) {
		e := second.Routes().Load().Lookup(id)
		return e != nil && e.Capture == nil, "not yet"
	})
	wf = waitServed(t, wf)
	a := testenv.Call(t, "POST", urls[1], "application/json", `{"order_id":"R-1","amount":3,"customer":{"email":"r@example.com"}}`)
	if a.Code != 200 || a.Body["msg"] != "success" {
		t.Fatalf("after the capture: %d %s, want a run", a.Code, a.Raw)
	}
	if n := recordsOf(t, ns, "R-1"); n != 1 {
		t.Errorf("%d records of the run after the capture, want 1", n)
	}
	if n := len(records(t, ns)); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// TestCaptureExpires: a window that receives nothing becomes Expired, and
// its URL is not served.
func TestCaptureExpires(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), captureWorkflow(ns, "expiring"))
	wf := captureWorkflow(ns, "expiring")
	testenv.Eventually(t, 20*time.Second, "Workflow reconciled", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		return readyCondition(wf) != nil, "no Ready condition"
	})
	wf = requestCapture(t, wf)
	// A short window, for this test only: the controller and the servers
	// follow status.capture.expiresAt.
	before := wf.DeepCopy()
	soon := metav1.NewTime(time.Now().Add(2 * time.Second).Truncate(time.Second))
	wf.Status.Capture.ExpiresAt = &soon
	if err := k8s.Status().Patch(context.Background(), wf, client.MergeFrom(before)); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 20*time.Second, "capture Expired", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(wf), wf); err != nil {
			return false, err.Error()
		}
		c := readyCondition(wf)
		return wf.Status.Capture.State == v1alpha1.CaptureExpired && c != nil && c.Reason == "CaptureExpired" && c.Status == metav1.ConditionFalse,
			fmt.Sprintf("capture %+v, Ready %+v", wf.Status.Capture, c)
	})
	if !strings.Contains(readyCondition(wf).Message, "kubectl hookflow capture") {
		t.Errorf("Ready message %q does not say how to capture again", readyCondition(wf).Message)
	}
	testenv.Eventually(t, 10*time.Second, "URL not served", func() (bool, string) {
		a := testenv.Call(t, "POST", wf.Status.WebhookURL, "application/json", `{"order_id":"late"}`)
		return a.Code == 404, a.Raw
	})
	if wf.Status.Capture.Sample != "" || len(records(t, ns)) != 0 {
		t.Errorf("an expired window captured %q", wf.Status.Capture.Sample)
	}
}

package webhookserver

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/testenv"
)

// fakeCaptures stands in for the API server: the first patch wins, the
// next fail their test operation (422); err, when set, is an outage.
type fakeCaptures struct {
	mu      sync.Mutex
	patches []string
	err     error
}

func (f *fakeCaptures) Patch(_ context.Context, _ client.Object, p client.Patch, _ ...client.SubResourcePatchOption) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	data, _ := p.Data(nil)
	f.patches = append(f.patches, string(data))
	if len(f.patches) > 1 {
		return apierrors.NewInvalid(schema.GroupKind{Group: "hookflow.dev", Kind: "Workflow"}, "w", nil)
	}
	return nil
}

func newCaptureServer(t *testing.T, captures *fakeCaptures, expires time.Time) (*httptest.Server, *fakeRecords) {
	t.Helper()
	wf := orderWorkflow("orders", "wf-uid")
	wf.Spec.Trigger.Webhook.Methods = []v1alpha1.HTTPMethod{"GET", "POST"}
	wf.Spec.Trigger.Webhook.Sample = v1alpha1.Sample{Source: v1alpha1.SampleCapture}
	rt, err := route.CompileCapture(wf)
	if err != nil {
		t.Fatal(err)
	}
	start := metav1.NewTime(now.Add(-time.Minute))
	end := metav1.NewTime(expires)
	wf.Status.Capture = &v1alpha1.CaptureStatus{State: v1alpha1.CaptureWaiting, StartedAt: &start, ExpiresAt: &end}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: rt, Limits: defaultLimits, Capture: captureWindowOf(wf)}}))
	records := &fakeRecords{}
	opts := Options{Routes: routes, Records: records, Log: logr.Discard(), Now: func() time.Time { return now }}
	if captures != nil {
		opts.Captures = captures
	}
	ts := httptest.NewServer(New(opts).Handler())
	t.Cleanup(ts.Close)
	return ts, records
}

func TestCaptureFirstRequestWins(t *testing.T) {
	captures := &fakeCaptures{}
	ts, records := newCaptureServer(t, captures, now.Add(time.Minute))
	url := ts.URL + "/hooks/" + hookID

	if a := callTS(t, "POST", url+"?x=1", jsonType, `{"order_id":"A-1"}`); a.Code != 200 || a.Raw != `{"msg":"sample captured"}` {
		t.Fatalf("first request: %d %s", a.Code, a.Raw)
	}
	var ops []jsonPatchOp
	if err := json.Unmarshal([]byte(captures.patches[0]), &ops); err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"test","path":"/status/capture/state","value":"Waiting"},` +
		`{"op":"test","path":"/status/capture/startedAt","value":"2026-11-27T11:59:00Z"},` +
		`{"op":"replace","path":"/status/capture/state","value":"Captured"},` +
		`{"op":"add","path":"/status/capture/sample","value":"{\"order_id\":\"A-1\"}"},` +
		`{"op":"add","path":"/status/capture/contentType","value":"application/json"},` +
		`{"op":"add","path":"/status/capture/method","value":"POST"},` +
		`{"op":"add","path":"/status/capture/capturedAt","value":"2026-11-27T12:00:00Z"}]`
	if captures.patches[0] != want {
		t.Errorf("patch = %s\nwant    %s", captures.patches[0], want)
	}
	// This replica saw its write succeed: no more writes.
	if a := callTS(t, "GET", url+"?order_id=A-2", "", ""); a.Code != 200 || a.Raw != `{"msg":"sample captured"}` || len(captures.patches) != 1 {
		t.Errorf("after the capture: %d %s, %d patches", a.Code, a.Raw, len(captures.patches))
	}
	if n := len(records.all()); n != 0 {
		t.Errorf("%d records written by a capture", n)
	}
}

func TestCaptureAnswers(t *testing.T) {
	t.Run("lost race is 200", func(t *testing.T) {
		captures := &fakeCaptures{patches: []string{"someone else's"}}
		ts, _ := newCaptureServer(t, captures, now.Add(time.Minute))
		if a := callTS(t, "GET", ts.URL+"/hooks/"+hookID+"?order_id=B", "", ""); a.Code != 200 || a.Raw != `{"msg":"sample captured"}` {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
		if !strings.Contains(captures.patches[1], `"value":"order_id=B"`) || !strings.Contains(captures.patches[1], `"value":"GET"`) {
			t.Errorf("GET patch = %s, want the query string as the sample", captures.patches[1])
		}
	})
	t.Run("outage is 503", func(t *testing.T) {
		captures := &fakeCaptures{err: apierrors.NewServiceUnavailable("etcd down")}
		ts, _ := newCaptureServer(t, captures, now.Add(time.Minute))
		a := callTS(t, "POST", ts.URL+"/hooks/"+hookID, jsonType, `{}`)
		if a.Code != 503 || a.Header.Get("Retry-After") == "" {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
	})
	t.Run("too large is 413", func(t *testing.T) {
		captures := &fakeCaptures{}
		ts, _ := newCaptureServer(t, captures, now.Add(time.Minute))
		a := callTS(t, "GET", ts.URL+"/hooks/"+hookID+"?q="+strings.Repeat("x", v1alpha1.MaxCaptureBytes), "", "")
		if a.Code != 413 || a.Raw != `{"msg":"Request body too large"}` || len(captures.patches) != 0 {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
	})
	t.Run("expired is 404", func(t *testing.T) {
		captures := &fakeCaptures{}
		ts, _ := newCaptureServer(t, captures, now)
		if a := callTS(t, "POST", ts.URL+"/hooks/"+hookID, jsonType, `{}`); a.Code != 404 || len(captures.patches) != 0 {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
	})
	t.Run("method still checked", func(t *testing.T) {
		captures := &fakeCaptures{}
		ts, _ := newCaptureServer(t, captures, now.Add(time.Minute))
		if a := callTS(t, "PUT", ts.URL+"/hooks/"+hookID, jsonType, `{}`); a.Code != 405 && a.Code != 404 || len(captures.patches) != 0 {
			t.Errorf("%d %s", a.Code, a.Raw)
		}
	})
}

func callTS(t *testing.T, method, url, contentType, body string) testenv.Answer {
	t.Helper()
	return testenv.Call(t, method, url, contentType, body)
}

// TestCaptureOneWritePerReplica: concurrent requests to one replica send
// one write; all are answered 200.
func TestCaptureOneWritePerReplica(t *testing.T) {
	captures := &fakeCaptures{}
	ts, _ := newCaptureServer(t, captures, now.Add(time.Minute))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if a := callTS(t, "POST", ts.URL+"/hooks/"+hookID, jsonType, `{"order_id":"C"}`); a.Code != 200 {
				t.Errorf("%d %s", a.Code, a.Raw)
			}
		})
	}
	wg.Wait()
	if n := len(captures.patches); n != 1 {
		t.Errorf("%d writes, want 1", n)
	}
}

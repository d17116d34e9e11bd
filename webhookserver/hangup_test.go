package webhookserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
)

// TestCallerHangingUpDoesNotAbandonTheRun: a write, once started, is
// finished even when the caller goes away before the answer.
func TestCallerHangingUpDoesNotAbandonTheRun(t *testing.T) {
	records := &blockingRecords{entered: make(chan struct{}, 1), release: make(chan struct{}), honourCancel: true}
	routes := NewRoutes()
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: compile(t, orderWorkflow("orders", "wf-uid")), Limits: defaultLimits}}))
	ts := httptest.NewServer(New(Options{Routes: routes, Records: records, Log: logr.Discard()}).Handler())
	defer ts.Close()

	ctx, hangUp := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/hooks/"+hookID, strings.NewReader(`{"order_id":"H-1"}`))
	req.Header.Set("Content-Type", jsonType)
	sent := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		sent <- err
	}()
	<-records.entered
	hangUp()
	if err := <-sent; err == nil {
		t.Fatal("the caller got an answer before hanging up")
	}
	time.Sleep(100 * time.Millisecond) // the server notices the closed connection
	close(records.release)
	testEventually(t, "the record written after the caller hung up", func() bool { return len(records.all()) == 1 })
}

func testEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

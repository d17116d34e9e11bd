package webhookserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
)

// startReal starts the server on a loopback port, with serverRead as its
// own read timeout and routeRead as the route's WebhookServer's.
func startReal(t *testing.T, serverRead, routeRead time.Duration) string {
	t.Helper()
	routes := NewRoutes()
	limits := defaultLimits
	limits.ReadTimeout = routeRead
	routes.Store(NewTable([]*Entry{{ID: hookID, Route: compile(t, orderWorkflow("orders", "wf-uid")), Limits: limits}}))
	srv := New(Options{BindAddress: "127.0.0.1:0", Routes: routes, Records: &fakeRecords{}, Log: logr.Discard(),
		ReadTimeout: serverRead, ShutdownTimeout: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(5 * time.Second)
	for srv.Addr() == "" {
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return srv.Addr()
}

// TestStalledBody: a client that sends part of its body and stops gets 408
// and is disconnected once the read timeout has passed, whether the bound
// is the server's own (one WebhookServer per process) or the route's (the
// local server, which serves every WebhookServer).
func TestStalledBody(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	for name, cfg := range map[string][2]time.Duration{
		"server's own timeout": {readTimeout, readTimeout},
		"route's timeout":      {30 * time.Second, readTimeout},
	} {
		t.Run(name, func(t *testing.T) {
			addr := startReal(t, cfg[0], cfg[1])
			// The server's clock starts when it accepts the connection:
			// start ours before dialing.
			start := time.Now()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /hooks/%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"order_id\":", hookID)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			answer, err := io.ReadAll(conn) // until the server closes the connection
			if err != nil {
				t.Fatalf("read: %v (the server kept the connection open)", err)
			}
			took := time.Since(start)
			if !strings.HasPrefix(string(answer), "HTTP/1.1 408") || !strings.Contains(string(answer), `{"msg":"Request timeout"}`) {
				t.Errorf("answer = %q, want a 408 with its JSON body", answer)
			}
			if took < readTimeout {
				t.Errorf("cut after %v, before the read timeout", took)
			}
		})
	}
}

// TestTricklingHeaders: a client that sends its headers a byte at a time
// cannot hold the connection longer than the read timeout.
func TestTricklingHeaders(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	addr := startReal(t, readTimeout, readTimeout)
	start := time.Now() // before the server accepts, as its clock starts then
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	closed := make(chan time.Duration, 1)
	go func() {
		_, _ = bufio.NewReader(conn).ReadByte() // EOF (or a 408) when the server gives up
		closed <- time.Since(start)
	}()
	header := "POST /hooks/" + hookID + " HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 200)
	for i := 0; i < len(header); i++ {
		if _, err := conn.Write([]byte{header[i]}); err != nil {
			break // the server closed the connection
		}
		select {
		case took := <-closed:
			if took < readTimeout {
				t.Errorf("closed after %v, before the read timeout", took)
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatalf("a client trickling its headers held the connection for %v", time.Since(start))
	}
}

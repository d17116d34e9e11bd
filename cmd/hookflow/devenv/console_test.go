package devenv

import (
	"bytes"
	"testing"
	"time"

	"github.com/hookflow/hookflow/webhookserver"
)

// countingWriter keeps what is written and counts the writes.
type countingWriter struct {
	buf    bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.buf.Write(p)
}

func TestPrintRequestWritesOneLineEach(t *testing.T) {
	var out countingWriter
	hook := printRequest(&out)
	hook(webhookserver.RequestLine{Method: "POST", Namespace: "default", Workflow: "order-webhook", Code: 200, Duration: 3100 * time.Microsecond})
	hook(webhookserver.RequestLine{Method: "POST", Code: 404, Duration: 120 * time.Microsecond})
	want := "POST  default/order-webhook  200  3.1ms\nPOST  -  404  120µs\n"
	if out.buf.String() != want {
		t.Errorf("console:\n%s\nwant:\n%s", out.buf.String(), want)
	}
	if out.writes != 2 {
		t.Errorf("%d writes for 2 lines: a line must be one write, or lines of concurrent requests interleave", out.writes)
	}
}

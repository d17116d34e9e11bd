package webhookserver

import (
	"fmt"
	"time"
)

// RequestLine describes one answered request to /hooks/{id}: what
// `hookflow dev` prints on its console. It holds no webhook id (a secret)
// and nothing of the request's body.
type RequestLine struct {
	// Method is the request's HTTP method.
	Method string
	// Namespace and Workflow name the Workflow served at the id; both are
	// empty for an unknown id.
	Namespace, Workflow string
	// Code is the status code of the answer.
	Code int
	// Duration is the time taken to answer.
	Duration time.Duration
}

// String is the line `POST  default/order-webhook  200  3.1ms`, with `-`
// for the Workflow of an unknown id.
func (l RequestLine) String() string {
	workflow := "-"
	if l.Workflow != "" {
		workflow = l.Namespace + "/" + l.Workflow
	}
	return fmt.Sprintf("%-4s  %s  %d  %s", l.Method, workflow, l.Code, roundDuration(l.Duration))
}

// roundDuration keeps two or three significant digits: 850µs, 3.1ms,
// 250ms, 1.23s.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(100 * time.Microsecond)
	default:
		return d.Round(10 * time.Millisecond)
	}
}

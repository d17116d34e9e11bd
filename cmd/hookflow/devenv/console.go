package devenv

import (
	"io"

	"github.com/hookflow/hookflow/webhookserver"
)

// printRequest returns the webhook server's OnRequest hook that writes each
// request's line to out, in one write so that lines never interleave.
func printRequest(out io.Writer) func(webhookserver.RequestLine) {
	return func(l webhookserver.RequestLine) {
		_, _ = io.WriteString(out, l.String()+"\n")
	}
}

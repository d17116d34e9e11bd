package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

// sendTimeout bounds the call of the webhook, answer included.
const sendTimeout = 30 * time.Second

// maxAnswerBytes is the most of an answer's body printed.
const maxAnswerBytes = 16 << 20

// stdin is read by --data @-.
var stdin io.Reader = os.Stdin

const sendSynopsis = `Usage: kubectl hookflow send WORKFLOW [-n NAMESPACE] [flags]

Call the Workflow's webhook as an external sender would, and print "HTTP <code>"
and the answer's body (indented if JSON). Exits 0 on a 2xx answer, else 1.

The Workflow must be Ready. When its spec.trigger.webhook.security has
appAuth enabled, the request carries X-Hookflow-AppKey, X-Hookflow-Timestamp and
X-Hookflow-Sign, computed from the appKey and secretKey of its Secret; when it
has a signature, the request carries that header, computed from its Secret. Both
are over the exact body sent. So you need read access to those Secrets; their
values and the signs are never printed.

The request goes to status.webhookURL. Where that URL is not reachable from
here (a cluster-internal Service, an Ingress without DNS), send it elsewhere
with --url:
  kubectl -n shop port-forward svc/default-hookflow 8080:80 &
  kubectl hookflow send order-webhook -n shop --url http://127.0.0.1:8080 --data @order.json
  kubectl hookflow send order-webhook -n shop --url https://203.0.113.10 --header 'Host: hooks.example.com'
A --url without a path gets the webhook's path (/hooks/<id>).

Examples:
  kubectl hookflow send order-webhook --data '{"order_id":"A-1001","amount":129.5}'
  kubectl hookflow send order-webhook --data @order.json --idempotency-key A-1001
  cat order.json | kubectl hookflow send order-webhook --data @-
  kubectl hookflow send status-check --method GET --query order_id=A-1001
`

func runSend(args []string, stdout, stderr io.Writer) int {
	c := newCLI("send", sendSynopsis, stdout, stderr)
	var (
		data, method, override, idempotencyKey string
		headers, query                         []string
		verbose                                bool
	)
	c.flags.StringVarP(&data, "data", "d", "", "Body to send: JSON text, @FILE, or @- for stdin; sent byte for byte, as application/json unless --header sets Content-Type")
	c.flags.StringVarP(&method, "method", "X", "", "GET or POST (default: POST if the Workflow accepts it, else GET)")
	c.flags.StringArrayVarP(&headers, "header", "H", nil, "Extra header 'NAME: VALUE'; repeatable; wins over the computed ones ('Host: ...' sets the host)")
	c.flags.StringArrayVar(&query, "query", nil, "Query parameter NAME=VALUE to add to the URL; repeatable")
	c.flags.StringVar(&idempotencyKey, "idempotency-key", "", "Send this Idempotency-Key header: a retry with the same key returns the first answer")
	c.flags.StringVar(&override, "url", "", "Send to this URL instead of status.webhookURL (e.g. through kubectl port-forward); a URL without a path gets the webhook's path")
	c.flags.BoolVarP(&verbose, "verbose", "v", false, "Print the request line and the names of the headers sent (never their values) to stderr")
	name, code := c.parse(args)
	if code >= 0 {
		return code
	}
	var body []byte
	if c.flags.Changed("data") {
		var err error
		if body, err = readData(data); err != nil {
			return c.fail(err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	wf, err := k.workflow(ctx, name)
	if err != nil {
		return c.fail(err)
	}
	if ready, why := readiness(wf); !ready {
		return c.fail(fmt.Errorf("cannot send to Workflow %q: %s", name, why))
	}
	secrets, err := k.secretValues(ctx, wf)
	if err != nil {
		return c.fail(err)
	}
	target, err := targetURL(wf, override, query)
	if err != nil {
		return c.fail(err)
	}
	req, err := newRequest(wf, secrets, outgoing{
		Method:         method,
		URL:            target,
		Body:           body,
		Headers:        headers,
		IdempotencyKey: idempotencyKey,
	}, time.Now())
	if err != nil {
		return c.fail(err)
	}
	if verbose {
		describe(stderr, req)
	}

	ctx, cancel = context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	resp, err := httpClient.Do(req.WithContext(ctx))
	if err != nil {
		if override == "" {
			err = fmt.Errorf("%w (if the URL is not reachable from here, use --url: see 'kubectl hookflow send --help')", err)
		}
		return c.fail(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return c.fail(fmt.Errorf("read the answer: %w", err))
	}
	printAnswer(stdout, resp.StatusCode, answer)
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		fmt.Fprintf(stderr, "redirected to %s: not followed, as a signed request goes to one URL only (use --url)\n", loc)
	}
	if resp.StatusCode == http.StatusUnauthorized && appAuthOn(wf) {
		fmt.Fprintln(stderr, "hint: appAuth refuses a replay (the same body sent again within the same second carries the same sign: wait a second), a clock more than 300 s off the server's, and a Secret change the server has not seen yet")
	}
	if resp.StatusCode/100 != 2 {
		return exitFailure
	}
	return exitOK
}

// httpClient sends the webhook request; it follows no redirect, which would
// carry the signature headers to another address.
var httpClient = &http.Client{
	Timeout: sendTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// readData reads --data: text, @FILE or @- (stdin). The result is never nil.
func readData(arg string) ([]byte, error) {
	path, isFile := strings.CutPrefix(arg, "@")
	switch {
	case !isFile:
		return []byte(arg), nil
	case path == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("--data @-: %w", err)
		}
		return append([]byte{}, b...), nil
	default:
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("--data @%s: no such file", path)
		}
		if err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		return append([]byte{}, b...), nil
	}
}

// describe prints the request line, the names of the headers sent and the
// size of the body: never a header's value, which may be a key or a sign.
func describe(w io.Writer, req *http.Request) {
	fmt.Fprintf(w, "> %s %s\n", req.Method, req.URL.Redacted())
	names := []string{"Host"}
	for name := range req.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "> %s\n", name)
	}
	fmt.Fprintf(w, "> (%d bytes of body)\n", req.ContentLength)
}

// printAnswer prints "HTTP <code>" and the body, indented if it is JSON.
func printAnswer(w io.Writer, code int, body []byte) {
	fmt.Fprintf(w, "HTTP %d\n", code)
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") == nil {
		body = pretty.Bytes()
	}
	w.Write(body)
	if len(body) > 0 && body[len(body)-1] != '\n' {
		fmt.Fprintln(w)
	}
}

package route

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hookflow/hookflow/internal/celexpr"
)

// MaxHeaderValueBytes bounds the value of a response header.
const MaxHeaderValueBytes = 8 << 10

// Answer is a rendered response.
type Answer struct {
	StatusCode int
	// ContentType with its charset; empty when DefaultBody is set.
	ContentType string
	// Headers to set, in canonical form.
	Headers []HeaderValue
	// Body to send, unless DefaultBody is set.
	Body []byte
	// DefaultBody: no body expression is configured, the server sends its
	// default JSON body for the case.
	DefaultBody bool
}

// HeaderValue is a header of an Answer.
type HeaderValue struct {
	Name, Value string
}

// Success renders the answer of a run whose steps all succeeded. Without a
// body expression the answer has the server's default body for JSON, and
// an empty one for text and XML. The error says which part failed.
func (r *Response) Success(ctx context.Context, v *celexpr.Vars) (Answer, error) {
	a := Answer{StatusCode: r.StatusCode}
	if len(r.Headers) > 0 {
		a.Headers = make([]HeaderValue, 0, len(r.Headers))
	}
	for _, h := range r.Headers {
		val, err := h.Value.EvalString(ctx, v)
		if err == nil {
			err = checkHeaderValue(val)
		}
		if err != nil {
			return Answer{}, fmt.Errorf("headers[%s]: %w", h.Name, err)
		}
		a.Headers = append(a.Headers, HeaderValue{Name: h.Name, Value: val})
	}
	if r.Body == nil {
		if r.ContentType == ContentJSON {
			a.DefaultBody = true
			return a, nil
		}
		a.ContentType = withCharset(r.ContentType)
		a.Body = []byte{}
		return a, nil
	}
	a.ContentType = withCharset(r.ContentType)
	if r.ContentType != ContentJSON {
		s, err := r.Body.EvalString(ctx, v)
		if err != nil {
			return Answer{}, fmt.Errorf("body: %w", err)
		}
		a.Body = []byte(s)
		return a, nil
	}
	val, err := r.Body.Eval(ctx, v)
	if err != nil {
		return Answer{}, fmt.Errorf("body: %w", err)
	}
	if a.Body, err = json.Marshal(val); err != nil {
		return Answer{}, fmt.Errorf("body: %w", err)
	}
	return a, nil
}

// Failure renders the onError answer of a failed run, reason being the
// variable error. ok is false when no onError is configured. A string body
// is sent as text/plain, any other value as JSON; without a body
// expression the answer has the server's default failure body.
func (r *Response) Failure(ctx context.Context, v *celexpr.Vars, reason string) (a Answer, ok bool, err error) {
	if r == nil || r.OnError == nil {
		return Answer{}, false, nil
	}
	a = Answer{StatusCode: r.OnError.StatusCode}
	if r.OnError.Body == nil {
		a.DefaultBody = true
		return a, true, nil
	}
	val, err := r.OnError.Body.EvalWithError(ctx, v, reason)
	if err != nil {
		return Answer{}, true, fmt.Errorf("onError.body: %w", err)
	}
	if s, isString := val.(string); isString {
		a.ContentType = withCharset(ContentText)
		a.Body = []byte(s)
		return a, true, nil
	}
	a.ContentType = withCharset(ContentJSON)
	if a.Body, err = json.Marshal(val); err != nil {
		return Answer{}, true, fmt.Errorf("onError.body: %w", err)
	}
	return a, true, nil
}

func withCharset(contentType string) string {
	switch contentType {
	case ContentJSON:
		return "application/json; charset=utf-8"
	case ContentText:
		return "text/plain; charset=utf-8"
	case ContentXML:
		return "application/xml; charset=utf-8"
	}
	return contentType
}

// checkHeaderValue refuses a value that cannot be sent as a header: one
// with control characters (a line break would end the header), or too long.
func checkHeaderValue(v string) error {
	if len(v) > MaxHeaderValueBytes {
		return fmt.Errorf("value of %d bytes, over the limit of %d", len(v), MaxHeaderValueBytes)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return fmt.Errorf("value has the control character %q", c)
		}
	}
	return nil
}

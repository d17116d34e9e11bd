package route

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/params"
)

// Content types of a response body.
const (
	ContentJSON = "application/json"
	ContentText = "text/plain"
	ContentXML  = "application/xml"
)

// Default status codes of spec.response and spec.response.onError.
const (
	DefaultStatusCode      = http.StatusOK
	DefaultErrorStatusCode = http.StatusInternalServerError
)

// Response is a compiled spec.response: the answer sent once every step
// ran (AfterRun), or once the accepted run is durable (OnReceipt).
type Response struct {
	// OnReceipt: the answer is sent before the steps run; its expressions
	// do not see them, and there is no onError.
	OnReceipt bool
	// StatusCode of a successful run, 200–299.
	StatusCode int
	// ContentType of the body: ContentJSON, ContentText or ContentXML.
	ContentType string
	// Headers of a successful answer, by canonical name, sorted.
	Headers []ResponseHeader
	// Body gives the body of a successful answer: any value for JSON, a
	// string for text and XML. Nil for the server's default body.
	Body *celexpr.Program
	// OnError, when set, replaces the answer of a run that failed on the
	// request's data, and of a successful run whose answer failed.
	OnError *ErrorResponse
}

// ResponseHeader is a header of the answer and the expression of its value.
type ResponseHeader struct {
	// Name in canonical form (Content-Language).
	Name  string
	Value *celexpr.Program
}

// ErrorResponse is a compiled spec.response.onError.
type ErrorResponse struct {
	// StatusCode, 400–599.
	StatusCode int
	// Body is evaluated with the variable error set; a string is sent as
	// text/plain, any other value as JSON. Nil for the server's default
	// failure body.
	Body *celexpr.Program
}

// forbiddenHeaders are the headers a response may not set, with the reason.
// The server frames the answer itself (length, encoding, connection), the
// body's type is contentType, and a cookie or HSTS policy would apply to
// the whole host, which every Workflow of the server shares.
var forbiddenHeaders = map[string]string{
	"Connection":                "it is a hop-by-hop header, set by the server",
	"Keep-Alive":                "it is a hop-by-hop header, set by the server",
	"Proxy-Connection":          "it is a hop-by-hop header, set by the server",
	"Te":                        "it is a hop-by-hop header, set by the server",
	"Trailer":                   "it is a hop-by-hop header, set by the server",
	"Transfer-Encoding":         "the server frames the answer itself",
	"Upgrade":                   "it is a hop-by-hop header, set by the server",
	"Content-Length":            "the server frames the answer itself",
	"Content-Encoding":          "the server does not encode the body",
	"Content-Type":              "use spec.response.contentType",
	"Set-Cookie":                "a cookie would apply to every Workflow served on the same host",
	"Strict-Transport-Security": "an HSTS policy would apply to every Workflow served on the same host",
}

// compileResponse compiles spec.response. In mode AfterRun its expressions
// run after the steps, so they may read the outputs of all of them (absent
// for a step that was skipped). In mode OnReceipt they run before the
// steps: they see no step (reading one does not compile), and onError is
// refused, since nothing is answered after the steps.
func compileResponse(r *v1alpha1.Response, ps []params.Parameter, stepNames []string) (*Response, field.ErrorList) {
	path := specPath.Child("response")
	var errs field.ErrorList
	onReceipt := false
	switch r.Mode {
	case "", v1alpha1.ResponseAfterRun:
	case v1alpha1.ResponseOnReceipt:
		onReceipt = true
		stepNames = nil
		if r.OnError != nil {
			errs = append(errs, field.Forbidden(path.Child("onError"), fmt.Sprintf(
				"mode %s answers before the steps run: nothing is answered after them, so onError cannot apply", v1alpha1.ResponseOnReceipt)))
		}
	default:
		errs = append(errs, field.NotSupported(path.Child("mode"), r.Mode, []v1alpha1.ResponseMode{v1alpha1.ResponseAfterRun, v1alpha1.ResponseOnReceipt}))
	}
	env, err := celexpr.NewEnv(ps, stepNames)
	if err != nil {
		return nil, append(errs, field.InternalError(path, err))
	}
	out := &Response{OnReceipt: onReceipt, StatusCode: int(r.StatusCode), ContentType: r.ContentType}
	if out.StatusCode == 0 {
		out.StatusCode = DefaultStatusCode
	}
	if out.StatusCode < 200 || out.StatusCode > 299 {
		errs = append(errs, field.Invalid(path.Child("statusCode"), r.StatusCode, "must be between 200 and 299"))
	}
	switch out.ContentType {
	case "":
		out.ContentType = ContentJSON
	case ContentJSON, ContentText, ContentXML:
	default:
		errs = append(errs, field.NotSupported(path.Child("contentType"), r.ContentType, []string{ContentJSON, ContentText, ContentXML}))
	}

	headers, headerErrs := compileHeaders(env, r.Headers, path.Child("headers"))
	out.Headers = headers
	errs = append(errs, headerErrs...)

	if r.Body != "" {
		compileBody := env.CompileString
		if out.ContentType == ContentJSON {
			compileBody = env.CompileJSON
		}
		prog, err := compileBody(r.Body)
		if err != nil {
			errs = append(errs, field.Invalid(path.Child("body"), r.Body, bodyError(err, out.ContentType)))
		}
		out.Body = prog
	}

	if r.OnError != nil && !onReceipt {
		onError, onErrorErrs := compileErrorResponse(env, r.OnError, path.Child("onError"))
		out.OnError = onError
		errs = append(errs, onErrorErrs...)
	}
	return out, errs
}

// bodyError explains a body that does not compile, naming the content type
// when it is the reason a string is needed.
func bodyError(err error, contentType string) string {
	if contentType != ContentJSON && strings.Contains(err.Error(), "must give a string") {
		return fmt.Sprintf("%v (a %s body is a string)", err, contentType)
	}
	return err.Error()
}

func compileHeaders(env *celexpr.Env, hs map[string]string, path *field.Path) ([]ResponseHeader, field.ErrorList) {
	var errs field.ErrorList
	out := make([]ResponseHeader, 0, len(hs))
	seen := make(map[string]string, len(hs))
	for _, name := range sortedKeys(hs) {
		expr := hs[name]
		p := path.Key(name)
		if !validHeaderName(name) {
			errs = append(errs, field.Invalid(p, name, "not a valid header name"))
			continue
		}
		canonical := http.CanonicalHeaderKey(name)
		if why, ok := forbiddenHeaders[canonical]; ok {
			errs = append(errs, field.Forbidden(p, fmt.Sprintf("the header %s cannot be set: %s", canonical, why)))
			continue
		}
		if other, dup := seen[canonical]; dup {
			errs = append(errs, field.Duplicate(p, fmt.Sprintf("%s and %s are the same header", other, name)))
			continue
		}
		seen[canonical] = name
		prog, err := env.CompileString(expr)
		if err != nil {
			errs = append(errs, field.Invalid(p, expr, err.Error()))
			continue
		}
		out = append(out, ResponseHeader{Name: canonical, Value: prog})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errs
}

func compileErrorResponse(env *celexpr.Env, r *v1alpha1.ErrorResponse, path *field.Path) (*ErrorResponse, field.ErrorList) {
	var errs field.ErrorList
	out := &ErrorResponse{StatusCode: int(r.StatusCode)}
	if out.StatusCode == 0 {
		out.StatusCode = DefaultErrorStatusCode
	}
	if out.StatusCode < 400 || out.StatusCode > 599 {
		errs = append(errs, field.Invalid(path.Child("statusCode"), r.StatusCode, "must be between 400 and 599"))
	}
	if r.Body == "" {
		return out, errs
	}
	errEnv, err := env.WithError()
	if err != nil {
		return nil, append(errs, field.InternalError(path, err))
	}
	prog, err := errEnv.CompileJSON(r.Body)
	if err != nil {
		errs = append(errs, field.Invalid(path.Child("body"), r.Body, err.Error()))
	}
	out.Body = prog
	return out, errs
}

// validHeaderName tells whether name is an HTTP token (RFC 9110 §5.1).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

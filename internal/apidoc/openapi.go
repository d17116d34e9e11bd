package apidoc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/params"
	"github.com/hookflow/hookflow/internal/route"
)

// OpenAPIVersion is the version of the documents Build renders.
const OpenAPIVersion = "3.1.0"

// Names of the components every document holds.
const (
	errorSchema   = "Error"
	successSchema = "Success"
	// The three headers of appAuth: all three are required together.
	appKeyScheme    = "appKey"
	appTimeScheme   = "appTimestamp"
	appSignScheme   = "appSign"
	signaturePrefix = "signature-"
)

// AppAuthRule is the signing rule of appAuth, in words.
const AppAuthRule = "Send the headers X-Hookflow-AppKey (the app key), X-Hookflow-Timestamp " +
	"(unix seconds, within 300 s of the server clock) and X-Hookflow-Sign = lowercase " +
	`hex(HMAC-SHA256(secretKey, appKey + "." + timestamp + "." + rawBody)); rawBody is empty for GET. ` +
	"Senders that cannot set headers may send the query parameters appKey, timestamp and sign instead. " +
	"A sign is accepted once: a replay within the window is rejected."

// errorStatuses are the errors of DESIGN §4, with their msg.
var errorStatuses = []struct {
	code       int
	msg        string
	retryAfter bool
}{
	{http.StatusBadRequest, "Malformed request body; a parsing limit: Too many values, Value too long, Key too long, Nesting too deep (with max), File uploads are not accepted; Missing required parameter (with missing); Invalid parameter (with invalid); Invalid Idempotency-Key", false},
	{http.StatusUnauthorized, "Invalid signature", false},
	{http.StatusForbidden, "IP not allowed", false},
	{http.StatusNotFound, "Webhook not found", false},
	{http.StatusMethodNotAllowed, "Method not allowed", false},
	{http.StatusRequestTimeout, "Request timeout", false},
	{http.StatusRequestEntityTooLarge, "Request body too large", false},
	{http.StatusUnprocessableEntity, "Run failed (with runId and error), or Idempotency-Key reused with a different request", false},
	{http.StatusTooManyRequests, "Too many requests", true},
	{http.StatusServiceUnavailable, "Service unavailable", true},
}

type object = map[string]any

func renderOpenAPI(hooks []Webhook) (head, tail []byte, err error) {
	info, err := json.Marshal(object{
		"title":       "hookflow webhooks",
		"version":     "1",
		"description": "The enabled, Ready webhook-triggered Workflows of this server. Every error is JSON with a msg field.",
	})
	if err != nil {
		return nil, nil, err
	}
	paths := object{}
	schemes := object{}
	for _, h := range hooks {
		paths[h.Path()] = pathItem(h, schemes)
	}
	rest, err := json.Marshal(object{
		"paths": paths,
		"components": object{
			"schemas": object{
				errorSchema: object{
					"type":     "object",
					"required": []string{"msg"},
					"properties": object{
						"msg":     object{"type": "string"},
						"missing": object{"type": "array", "items": object{"type": "string"}, "description": "the required parameters absent or empty"},
						"invalid": object{"type": "array", "items": object{"type": "string"}, "description": "the parameters whose value is not of their type"},
						"max":     object{"type": "integer", "description": "the limit a request went over"},
						"runId":   object{"type": "string"},
						"error":   object{"type": "string"},
					},
				},
				successSchema: object{
					"type":       "object",
					"properties": object{"msg": object{"type": "string", "const": "success"}, "runId": object{"type": "string"}},
				},
			},
			"securitySchemes": schemes,
		},
	})
	if err != nil {
		return nil, nil, err
	}
	head = fmt.Appendf(nil, `{"openapi":%q,"info":%s`, OpenAPIVersion, info)
	tail = append([]byte{','}, rest[1:]...) // rest without its opening brace
	return head, tail, nil
}

func pathItem(h Webhook, schemes object) object {
	rt := h.Route
	item := object{"summary": rt.Namespace + "/" + rt.Name}
	security := securityOf(rt, schemes)
	for _, m := range rt.Methods {
		op := object{
			"operationId": operationID(rt, m),
			"summary":     "Run Workflow " + rt.Namespace + "/" + rt.Name,
			"description": operationDescription(rt),
			"tags":        []string{rt.Namespace},
			"responses":   responses(rt),
		}
		parameters := []any{object{
			"name": "Idempotency-Key", "in": "header", "required": false,
			"description": "A retry with the same key within 24 h returns the first answer and writes nothing new.",
			"schema":      object{"type": "string", "minLength": 1, "maxLength": 255},
		}}
		if m == http.MethodGet {
			parameters = append(parameters, queryParameters(rt.Parameters)...)
		} else {
			op["requestBody"] = requestBody(rt)
		}
		op["parameters"] = parameters
		if security != nil {
			op["security"] = security
		}
		item[strings.ToLower(m)] = op
	}
	return item
}

var nonName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func operationID(rt *route.Route, method string) string {
	return nonName.ReplaceAllString(rt.Namespace+"."+rt.Name+"."+strings.ToLower(method), "-")
}

func operationDescription(rt *route.Route) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Workflow %s in namespace %s.", rt.Name, rt.Namespace)
	if s := SecurityText(rt); s != "" {
		b.WriteString(" " + s)
	}
	if rt.Security.RateLimit != nil {
		fmt.Fprintf(&b, " Rate limited to %g requests per second (burst %d) per replica.", rt.Security.RateLimit.PerSecond, rt.Security.RateLimit.Burst)
	}
	return b.String()
}

// SecurityText describes the security of a route in words; empty when the
// webhook is open.
func SecurityText(rt *route.Route) string {
	var parts []string
	if rt.Security.AppAuth != "" {
		parts = append(parts, "App authorization: "+AppAuthRule)
	}
	if s := rt.Security.Signature; s != nil {
		parts = append(parts, SignatureText(s))
	}
	return strings.Join(parts, " ")
}

// SignatureText describes a signature header in words.
func SignatureText(s *route.Signature) string {
	if s.Preset != "" {
		return fmt.Sprintf("Signature: the %s scheme, header %s (the README's signature presets).", s.Preset, s.Header)
	}
	return fmt.Sprintf("Signature: header %s = %q + lowercase hex(HMAC-%s(secret, rawBody)).", s.Header, s.Prefix, strings.ToUpper(s.Algorithm))
}

// securityOf adds the schemes of rt to schemes and returns its security
// requirements: one requirement holding all its schemes, as all must pass.
func securityOf(rt *route.Route, schemes object) []any {
	req := object{}
	if rt.Security.AppAuth != "" {
		schemes[appKeyScheme] = object{"type": "apiKey", "in": "header", "name": "X-Hookflow-AppKey", "description": AppAuthRule}
		schemes[appTimeScheme] = object{"type": "apiKey", "in": "header", "name": "X-Hookflow-Timestamp", "description": "Unix seconds, within 300 s of the server clock. " + AppAuthRule}
		schemes[appSignScheme] = object{"type": "apiKey", "in": "header", "name": "X-Hookflow-Sign", "description": AppAuthRule}
		req[appKeyScheme], req[appTimeScheme], req[appSignScheme] = []string{}, []string{}, []string{}
	}
	if s := rt.Security.Signature; s != nil {
		name := signaturePrefix + nonName.ReplaceAllString(s.Header+"-"+s.Algorithm+"-"+s.Prefix, "_")
		schemes[name] = object{"type": "apiKey", "in": "header", "name": s.Header, "description": SignatureText(s)}
		req[name] = []string{}
	}
	if len(req) == 0 {
		return nil
	}
	return []any{req}
}

func responses(rt *route.Route) object {
	out := object{}
	switch r := rt.Response; {
	case r == nil:
		out["200"] = object{
			"description": "The run succeeded (its records are written).",
			"content": object{"application/json": object{
				"schema":  object{"$ref": "#/components/schemas/" + successSchema},
				"example": object{"msg": "success", "runId": "0190c6a4-7d2b-7e1c-9c56-3f9c0a7d2b1e"},
			}},
		}
	default:
		what := "The run succeeded: custom answer (the Workflow's response.body)."
		if r.OnReceipt {
			what = "The run is accepted and durable; its steps run after the answer: custom answer (the Workflow's response.body)."
		}
		resp := object{"description": what}
		if r.Body != nil {
			resp["content"] = object{r.ContentType: object{"schema": object{}}}
		}
		out[strconv.Itoa(r.StatusCode)] = resp
		if e := r.OnError; e != nil {
			code := strconv.Itoa(e.StatusCode)
			if _, taken := out[code]; !taken {
				out[code] = object{"description": "A step failed: custom answer (the Workflow's response.onError)."}
			}
		}
	}
	for _, e := range errorStatuses {
		code := strconv.Itoa(e.code)
		if _, taken := out[code]; taken {
			continue
		}
		resp := object{
			"description": e.msg,
			"content":     object{"application/json": object{"schema": object{"$ref": "#/components/schemas/" + errorSchema}}},
		}
		if e.retryAfter {
			resp["headers"] = object{"Retry-After": object{"description": "Seconds to wait before retrying.", "schema": object{"type": "integer"}}}
		}
		out[code] = resp
	}
	return out
}

func requestBody(rt *route.Route) object {
	desc := "The parameters, as JSON (an application/x-www-form-urlencoded body with the same names is also accepted)."
	if rt.FullBody {
		desc += " The whole raw body is also the parameter " + params.BodyParameter + "."
	}
	media := object{"schema": BodySchema(rt.Parameters)}
	if ex := Example(rt.Parameters); len(ex) > 0 {
		media["example"] = ex
	}
	return object{
		"description": desc,
		"required":    hasRequired(rt.Parameters),
		"content":     object{"application/json": media},
	}
}

func hasRequired(ps []params.Parameter) bool {
	for _, p := range ps {
		if p.Required && !p.RawBody {
			return true
		}
	}
	return false
}

func queryParameters(ps []params.Parameter) []any {
	var out []any
	for _, p := range ps {
		if p.RawBody {
			continue
		}
		q := object{"name": p.Path, "in": "query", "required": p.Required, "schema": typeSchema(p.Type)}
		if p.Description != "" {
			q["description"] = p.Description
		}
		if p.Example != nil {
			q["example"] = p.Example
		}
		out = append(out, q)
	}
	return out
}

// typeSchema is the JSON schema of a parameter type.
func typeSchema(t v1alpha1.ParameterType) object {
	switch t {
	case v1alpha1.ParameterNumber:
		return object{"type": "number"}
	case v1alpha1.ParameterBoolean:
		return object{"type": "boolean"}
	case v1alpha1.ParameterObject:
		return object{"type": "object"}
	case v1alpha1.ParameterArray:
		return object{"type": "array", "items": object{}}
	}
	return object{"type": "string"}
}

// node is one key of the request body, for nesting parameters by dot path.
type node struct {
	param    *params.Parameter
	children map[string]*node
	order    []string
}

func (n *node) child(key string) *node {
	if n.children == nil {
		n.children = map[string]*node{}
	}
	c, ok := n.children[key]
	if !ok {
		c = &node{}
		n.children[key] = c
		n.order = append(n.order, key)
	}
	return c
}

// required tells whether the key must be sent: it is a required parameter,
// or holds one.
func (n *node) required() bool {
	if n.param != nil && n.param.Required {
		return true
	}
	for _, c := range n.children {
		if c.required() {
			return true
		}
	}
	return false
}

func (n *node) schema() object {
	var s object
	switch {
	case n.param != nil && n.param.Type != v1alpha1.ParameterObject && len(n.children) == 0:
		s = typeSchema(n.param.Type)
	case n.param != nil && n.param.Type == v1alpha1.ParameterArray:
		s = typeSchema(n.param.Type)
	default:
		s = object{"type": "object"}
		if len(n.children) > 0 {
			props := object{}
			var required []string
			for _, k := range n.order {
				c := n.children[k]
				props[k] = c.schema()
				if c.required() {
					required = append(required, k)
				}
			}
			s["properties"] = props
			if len(required) > 0 {
				s["required"] = required
			}
		}
	}
	if n.param != nil && n.param.Description != "" {
		s["description"] = n.param.Description
	}
	return s
}

// BodySchema is the JSON schema of a request body holding ps, nested by
// their dot paths.
func BodySchema(ps []params.Parameter) object {
	root := &node{}
	for i := range ps {
		if ps[i].RawBody {
			continue
		}
		n := root
		for _, k := range strings.Split(ps[i].Path, ".") {
			n = n.child(k)
		}
		n.param = &ps[i]
	}
	return root.schema()
}

// Example is the sample rebuilt from the parameters' examples, nested by
// their dot paths; nil when there is none.
func Example(ps []params.Parameter) object {
	out := object{}
	var set []string
	for _, p := range ps {
		if p.RawBody || p.Example == nil || underAny(p.Path, set) {
			continue
		}
		set = append(set, p.Path)
		m := out
		keys := strings.Split(p.Path, ".")
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(object)
			if !ok {
				next = object{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = p.Example
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// underAny tells whether path is one of paths or below one.
func underAny(path string, paths []string) bool {
	for _, p := range paths {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/signing"
)

// secretValues are the values of the Secret keys a Workflow's security
// names (route.SecretKeys).
type secretValues map[route.SecretKey][]byte

// outgoing is the request the command line describes, before signing.
type outgoing struct {
	// Method is GET or POST, in any case; empty: defaultMethod.
	Method string
	// URL is where to send, as targetURL gives it.
	URL string
	// Body is sent as is, and signed byte for byte; nil when there is no
	// --data (an empty --data is an empty, non-nil Body).
	Body []byte
	// Headers are "NAME: VALUE" pairs from --header. They are set last, so
	// they win over every computed header (to test a wrong signature, say);
	// "Host" sets the Host of the request.
	Headers []string
	// IdempotencyKey is sent as Idempotency-Key when not empty.
	IdempotencyKey string
}

// newRequest builds the request out describes for wf, signed per wf's
// security with the values in secrets at time now: X-Hookflow-AppKey,
// X-Hookflow-Timestamp and X-Hookflow-Sign for security.appAuth, the
// signature header for security.signature, both over the exact body sent
// (empty for GET). A body is sent as application/json unless a header says
// otherwise.
func newRequest(wf *v1alpha1.Workflow, secrets secretValues, out outgoing, now time.Time) (*http.Request, error) {
	method := strings.ToUpper(out.Method)
	if method == "" {
		method = defaultMethod(wf)
	}
	var body []byte
	switch method {
	case http.MethodGet:
		if len(out.Body) > 0 {
			return nil, errors.New("a GET request has no body: send parameters with --query, or use --method POST")
		}
	case http.MethodPost:
		body = out.Body
	default:
		return nil, fmt.Errorf("method %q: want GET or POST", out.Method)
	}
	req, err := http.NewRequest(method, out.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "kubectl-hookflow")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if out.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", out.IdempotencyKey)
	}
	sec, err := securityHeaders(wf, secrets, body, now)
	if err != nil {
		return nil, err
	}
	for name, values := range sec {
		req.Header[name] = values
	}
	for _, h := range out.Headers {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("--header %q: want 'NAME: VALUE'", h)
		}
		if http.CanonicalHeaderKey(name) == "Host" {
			req.Host = value
			continue
		}
		req.Header.Set(name, value)
	}
	return req, nil
}

// securityHeaders returns the headers that authenticate body for wf's
// security at time now (DESIGN §4).
func securityHeaders(wf *v1alpha1.Workflow, secrets secretValues, body []byte, now time.Time) (http.Header, error) {
	h := http.Header{}
	sec := wf.Spec.Trigger.Webhook.Security
	if sec == nil {
		return h, nil
	}
	if appAuthOn(wf) {
		a := sec.AppAuth
		appKey := secrets[route.SecretKey{Name: a.SecretRef.Name, Key: route.AppKeyKey}]
		secretKey := secrets[route.SecretKey{Name: a.SecretRef.Name, Key: route.SecretKeyKey}]
		if len(appKey) == 0 || len(secretKey) == 0 {
			return nil, fmt.Errorf("security.appAuth: no %s or %s of Secret %q", route.AppKeyKey, route.SecretKeyKey, a.SecretRef.Name)
		}
		ts := strconv.FormatInt(now.Unix(), 10)
		h.Set(signing.HeaderAppKey, string(appKey))
		h.Set(signing.HeaderTimestamp, ts)
		h.Set(signing.HeaderSign, signing.AppSign(secretKey, string(appKey), ts, body))
	}
	if s := sec.Signature; s != nil && s.Preset != "" {
		// The sender's own scheme (timestamps, delivery ids, its secret
		// format): signed by the sender, not imitated here.
		return nil, fmt.Errorf("security.signature: preset %s is signed by the sender itself; send the request from %s (or its own CLI or test tool)", s.Preset, s.Preset)
	}
	if s := sec.Signature; s != nil {
		key := signatureKey(s)
		secret := secrets[key]
		if len(secret) == 0 {
			return nil, fmt.Errorf("security.signature: no key %q of Secret %q", key.Key, key.Name)
		}
		algorithm := string(s.Algorithm)
		if algorithm == "" {
			algorithm = "sha256" // the API's default
		}
		digest, err := signing.BodySign(algorithm, secret, body)
		if err != nil {
			return nil, fmt.Errorf("security.signature: %w", err)
		}
		h.Set(s.Header, s.Prefix+digest)
	}
	return h, nil
}

// signatureKey is the Secret key of security.signature, as route.SecretKeys
// names it.
func signatureKey(s *v1alpha1.SignatureCheck) route.SecretKey {
	key := s.SecretRef.Key
	if key == "" {
		key = route.DefaultSignatureKey
	}
	return route.SecretKey{Name: s.SecretRef.Name, Key: key}
}

// neededBy names the field of wf's security that needs key, for messages.
func neededBy(wf *v1alpha1.Workflow, key route.SecretKey) string {
	if appAuthOn(wf) && wf.Spec.Trigger.Webhook.Security.AppAuth.SecretRef.Name == key.Name &&
		(key.Key == route.AppKeyKey || key.Key == route.SecretKeyKey) {
		return "spec.trigger.webhook.security.appAuth"
	}
	return "spec.trigger.webhook.security.signature"
}

// appAuthOn tells whether wf requires AppKey + Sign.
func appAuthOn(wf *v1alpha1.Workflow) bool {
	sec := wf.Spec.Trigger.Webhook.Security
	return sec != nil && sec.AppAuth != nil && sec.AppAuth.Enabled
}

// defaultMethod is POST if wf accepts it (the API's default), else GET.
func defaultMethod(wf *v1alpha1.Workflow) string {
	methods := wf.Spec.Trigger.Webhook.Methods
	if len(methods) == 0 || slices.Contains(methods, http.MethodPost) {
		return http.MethodPost
	}
	return http.MethodGet
}

// targetURL is where to send: wf's status.webhookURL, or override. An
// override without a path gets the path of the webhook URL, so that
// `--url http://127.0.0.1:8080` reaches a port-forwarded server. query are
// NAME=VALUE pairs added to the URL's query.
func targetURL(wf *v1alpha1.Workflow, override string, query []string) (string, error) {
	hook, err := url.Parse(wf.Status.WebhookURL)
	if err != nil || wf.Status.WebhookURL == "" {
		return "", fmt.Errorf("no valid status.webhookURL in Workflow %q: %q", wf.Name, wf.Status.WebhookURL)
	}
	u := hook
	if override != "" {
		if u, err = url.Parse(override); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("--url %q: want an absolute http:// or https:// URL", override)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path, u.RawPath = hook.Path, hook.RawPath
		}
	}
	if len(query) > 0 {
		q := u.Query()
		for _, pair := range query {
			name, value, ok := strings.Cut(pair, "=")
			if !ok || name == "" {
				return "", fmt.Errorf("--query %q: want NAME=VALUE", pair)
			}
			q.Add(name, value)
		}
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

package webhookserver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// The secrets of the secured test routes. None of them, nor any sign made
// with them, may appear in an answer or a log line.
const (
	appKey        = "shop-app-7f3a"
	appSecret     = "k9#Qv2!s3cr3t-app-key-material"
	githubSecret  = "It's a Secret to Everybody"
	githubBody    = "Hello, World!"
	githubSig     = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	goodOrderJSON = `{"order_id":"A-1001","amount":12}`
)

// securedServer serves, from one table built by RouteSync.build:
//   - id-app: appAuth, IP whitelist 203.0.113.0/24 and 2001:db8::/32, on a
//     WebhookServer that trusts the proxies 10.0.0.0/8 and allows a 64-byte body;
//   - id-open-ip: IP whitelist 127.0.0.1 only, on a WebhookServer with no trusted proxy;
//   - id-gh: a GitHub-style signature header;
//   - id-rate: 2 requests at once, then 1 a second (the test clock stands still);
//   - id-busy: a WebhookServer allowing one run at a time.
type securedServer struct {
	srv     *Server
	records *fakeRecords
	logs    *bytes.Buffer
	logMu   *sync.Mutex
}

func newSecuredServer(t *testing.T, records store.RecordStore) *securedServer {
	t.Helper()
	app := served("app", "id-app", 1, 1, metav1.ConditionTrue)
	app.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{
		AppAuth:     &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: "shop-app"}},
		IPWhitelist: []string{"203.0.113.0/24", "2001:db8::/32"},
	}
	openIP := served("open-ip", "id-open-ip", 1, 1, metav1.ConditionTrue)
	openIP.Spec.ServerRef = &v1alpha1.LocalObjectReference{Name: "edge"}
	openIP.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{IPWhitelist: []string{"127.0.0.1"}}
	gh := served("gh", "id-gh", 1, 1, metav1.ConditionTrue)
	gh.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{Signature: &v1alpha1.SignatureCheck{
		Header: "X-Hub-Signature-256", Algorithm: "sha256", Prefix: "sha256=",
		SecretRef: v1alpha1.SecretKeyReference{Name: "github-hook", Key: "secret"},
	}}
	rate := served("rate", "id-rate", 1, 1, metav1.ConditionTrue)
	rate.Spec.Trigger.Webhook.RateLimit = &v1alpha1.RateLimit{RequestsPerSecond: 1, Burst: 2}
	busy := served("busy", "id-busy", 1, 1, metav1.ConditionTrue)
	busy.Spec.ServerRef = &v1alpha1.LocalObjectReference{Name: "narrow"}

	servers := map[string]*v1alpha1.WebhookServer{
		"shop/default": {ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "default"}, Spec: v1alpha1.WebhookServerSpec{
			TrustedProxies: []string{"10.0.0.0/8"},
			Limits:         v1alpha1.ServerLimits{MaxBodyBytes: 64},
		}},
		"shop/edge": {ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "edge"}},
		"shop/narrow": {ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "narrow"}, Spec: v1alpha1.WebhookServerSpec{
			Limits: v1alpha1.ServerLimits{MaxConcurrentRuns: 1},
		}},
	}
	creds := map[string]map[string][]byte{"shop/default": {
		"shop-app_appKey":    []byte(appKey),
		"shop-app_secretKey": []byte(appSecret),
		"github-hook_secret": []byte(githubSecret),
	}}
	var logMu sync.Mutex
	logs := &bytes.Buffer{}
	log := funcr.New(func(prefix, args string) {
		logMu.Lock()
		defer logMu.Unlock()
		logs.WriteString(prefix + args + "\n")
	}, funcr.Options{Verbosity: 9})
	r := &RouteSync{Log: log}
	table := r.build([]v1alpha1.Workflow{app, openIP, gh, rate, busy}, sheets(), servers, creds)
	if table.Len() != 5 {
		t.Fatalf("%d routes served, want 5: %s", table.Len(), logs.String())
	}
	routes := NewRoutes()
	routes.Store(table)
	if records == nil {
		records = &fakeRecords{}
	}
	srv := New(Options{Routes: routes, Records: records, Log: log, Now: func() time.Time { return now }})
	fr, _ := records.(*fakeRecords)
	return &securedServer{srv: srv, records: fr, logs: logs, logMu: &logMu}
}

// request describes one call to the handler.
type request struct {
	method  string
	id      string
	query   string
	peer    string // RemoteAddr
	headers map[string]string
	body    string
	chunked bool // no Content-Length
}

func (s *securedServer) serve(r request) *httptest.ResponseRecorder {
	var body = strings.NewReader(r.body)
	req := httptest.NewRequest(r.method, "/hooks/"+r.id+r.query, body)
	if r.chunked {
		req.ContentLength = -1
	}
	req.RemoteAddr = r.peer
	req.Header.Set("Content-Type", jsonType)
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// signed returns the appAuth headers of body at the unix time ts.
func signed(body string, ts int64, mutate func(h map[string]string)) map[string]string {
	stamp := strconv.FormatInt(ts, 10)
	h := map[string]string{
		signing.HeaderAppKey:    appKey,
		signing.HeaderTimestamp: stamp,
		signing.HeaderSign:      signing.AppSign([]byte(appSecret), appKey, stamp, []byte(body)),
	}
	if mutate != nil {
		mutate(h)
	}
	return h
}

func TestHostileRequests(t *testing.T) {
	s := newSecuredServer(t, nil)
	ts := now.Unix()
	inside, inside6, outside := "203.0.113.9:4711", "[2001:db8::7]:443", "198.51.100.1:4711"
	proxy := "10.1.2.3:80"
	// A request accepted once, to replay.
	replayed := signed(goodOrderJSON, ts, nil)
	if rec := s.serve(request{method: "POST", id: "id-app", peer: inside, headers: replayed, body: goodOrderJSON}); rec.Code != 200 {
		t.Fatalf("the first signed request was refused: %d %s", rec.Code, rec.Body)
	}
	signs := []string{replayed[signing.HeaderSign]}
	sign := func(h map[string]string) map[string]string { signs = append(signs, h[signing.HeaderSign]); return h }
	ghSign, _ := signing.BodySign("sha256", []byte(githubSecret), []byte(goodOrderJSON))
	big := `{"order_id":"` + strings.Repeat("x", 100) + `"}`
	const (
		invalidSig = `{"msg":"Invalid signature"}`
		ipRefused  = `{"msg":"IP not allowed"}`
		tooLarge   = `{"msg":"Request body too large"}`
	)
	cases := []struct {
		name string
		req  request
		code int
		want string
	}{
		{"replay of an accepted request", request{method: "POST", id: "id-app", peer: inside, headers: replayed, body: goodOrderJSON}, 401, invalidSig},
		{"wrong sign", request{method: "POST", id: "id-app", peer: inside, headers: signed(goodOrderJSON, ts, func(h map[string]string) { h[signing.HeaderSign] = strings.Repeat("0", 64) }), body: goodOrderJSON}, 401, invalidSig},
		{"sign of another body", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(`{"order_id":"A-1"}`, ts+1, nil)), body: goodOrderJSON}, 401, invalidSig},
		{"sign made with another secret", request{method: "POST", id: "id-app", peer: inside, headers: map[string]string{
			signing.HeaderAppKey: appKey, signing.HeaderTimestamp: strconv.FormatInt(ts, 10),
			signing.HeaderSign: signing.AppSign([]byte("guess"), appKey, strconv.FormatInt(ts, 10), []byte(goodOrderJSON)),
		}, body: goodOrderJSON}, 401, invalidSig},
		{"stale timestamp", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(goodOrderJSON, ts-301, nil)), body: goodOrderJSON}, 401, invalidSig},
		{"future timestamp", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(goodOrderJSON, ts+301, nil)), body: goodOrderJSON}, 401, invalidSig},
		{"timestamp in milliseconds", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(goodOrderJSON, ts*1000, nil)), body: goodOrderJSON}, 401, invalidSig},
		{"no AppKey", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(goodOrderJSON, ts+2, func(h map[string]string) { delete(h, signing.HeaderAppKey) })), body: goodOrderJSON}, 401, invalidSig},
		{"no timestamp", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(goodOrderJSON, ts+3, func(h map[string]string) { delete(h, signing.HeaderTimestamp) })), body: goodOrderJSON}, 401, invalidSig},
		{"no sign", request{method: "POST", id: "id-app", peer: inside, headers: signed(goodOrderJSON, ts+4, func(h map[string]string) { delete(h, signing.HeaderSign) }), body: goodOrderJSON}, 401, invalidSig},
		{"wrong AppKey, signed with it", request{method: "POST", id: "id-app", peer: inside, headers: map[string]string{
			signing.HeaderAppKey: "other-app", signing.HeaderTimestamp: strconv.FormatInt(ts, 10),
			signing.HeaderSign: sign(map[string]string{signing.HeaderSign: signing.AppSign([]byte(appSecret), "other-app", strconv.FormatInt(ts, 10), []byte(goodOrderJSON))})[signing.HeaderSign],
		}, body: goodOrderJSON}, 401, invalidSig},
		{"upper-case sign", request{method: "POST", id: "id-app", peer: inside, headers: signed(goodOrderJSON, ts+5, func(h map[string]string) { h[signing.HeaderSign] = strings.ToUpper(h[signing.HeaderSign]) }), body: goodOrderJSON}, 401, invalidSig},
		{"unsigned", request{method: "POST", id: "id-app", peer: inside, body: goodOrderJSON}, 401, invalidSig},
		{"query sign for another body", request{method: "POST", id: "id-app", peer: inside, body: goodOrderJSON,
			query: "?appKey=" + appKey + "&timestamp=" + strconv.FormatInt(ts, 10) + "&sign=" + sign(signed("{}", ts, nil))[signing.HeaderSign]}, 401, invalidSig},
		{"address outside the whitelist", request{method: "POST", id: "id-app", peer: outside, headers: sign(signed(goodOrderJSON, ts+6, nil)), body: goodOrderJSON}, 403, ipRefused},
		{"IPv6 outside the range", request{method: "POST", id: "id-app", peer: "[2001:db9::1]:443", headers: sign(signed(goodOrderJSON, ts+7, nil)), body: goodOrderJSON}, 403, ipRefused},
		{"spoofed X-Forwarded-For from an untrusted peer", request{method: "POST", id: "id-app", peer: outside, headers: sign(signed(goodOrderJSON, ts+8, func(h map[string]string) { h["X-Forwarded-For"] = "203.0.113.9" })), body: goodOrderJSON}, 403, ipRefused},
		{"spoofed X-Real-IP from an untrusted peer", request{method: "POST", id: "id-app", peer: outside, headers: sign(signed(goodOrderJSON, ts+9, func(h map[string]string) { h["X-Real-IP"] = "203.0.113.9" })), body: goodOrderJSON}, 403, ipRefused},
		{"trusted proxy chain ending in an untrusted client", request{method: "POST", id: "id-app", peer: proxy, headers: sign(signed(goodOrderJSON, ts+10, func(h map[string]string) { h["X-Forwarded-For"] = "203.0.113.9, 198.51.100.1, 10.9.9.9" })), body: goodOrderJSON}, 403, ipRefused},
		{"spoofed X-Forwarded-For to a server trusting no proxy", request{method: "POST", id: "id-open-ip", peer: outside, headers: map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}, body: goodOrderJSON}, 403, ipRefused},
		{"IP check before the size check", request{method: "POST", id: "id-app", peer: outside, body: big}, 403, ipRefused},
		{"body too large with Content-Length", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(big, ts+11, nil)), body: big}, 413, tooLarge},
		{"body too large without Content-Length", request{method: "POST", id: "id-app", peer: inside, headers: sign(signed(big, ts+12, nil)), body: big, chunked: true}, 413, tooLarge},
		{"size check before the signature", request{method: "POST", id: "id-app", peer: inside, body: big}, 413, tooLarge},
		{"signature check before parsing", request{method: "POST", id: "id-app", peer: inside, body: `{"order_id":`}, 401, invalidSig},
		{"GitHub signature tampered", request{method: "POST", id: "id-gh", peer: inside, headers: map[string]string{"X-Hub-Signature-256": strings.Replace(githubSig, "7571", "7572", 1)}, body: githubBody}, 401, invalidSig},
		{"GitHub signature of another body", request{method: "POST", id: "id-gh", peer: inside, headers: map[string]string{"X-Hub-Signature-256": githubSig}, body: githubBody + " "}, 401, invalidSig},
		{"GitHub signature without its prefix", request{method: "POST", id: "id-gh", peer: inside, headers: map[string]string{"X-Hub-Signature-256": strings.TrimPrefix(githubSig, "sha256=")}, body: githubBody}, 401, invalidSig},
		{"GitHub signature missing", request{method: "POST", id: "id-gh", peer: inside, body: githubBody}, 401, invalidSig},
		// Valid signatures pass the check: the first fails on its parameters
		// (GitHub's documented body is no order), the second is stored below.
		{"GitHub signature valid (documented vector)", request{method: "POST", id: "id-gh", peer: inside, headers: map[string]string{"X-Hub-Signature-256": githubSig, "Content-Type": "text/plain"}, body: githubBody}, 400, `{"msg":"Missing required parameter","missing":["order_id"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := s.serve(tc.req)
			if rec.Code != tc.code || strings.TrimSpace(rec.Body.String()) != tc.want {
				t.Errorf("answer = %d %s, want %d %s", rec.Code, rec.Body, tc.code, tc.want)
			}
			for _, secret := range append([]string{appSecret, githubSecret}, signs...) {
				if strings.Contains(rec.Body.String(), secret) || strings.Contains(headerText(rec.Header()), secret) {
					t.Errorf("the answer echoes a secret or a sign")
				}
			}
		})
	}
	if n := len(s.records.all()); n != 1 {
		t.Errorf("%d records after the hostile requests, want only the first request's", n)
	}

	// The checks let good requests through, by header, by query, from IPv6
	// and through a trusted proxy.
	good := []request{
		{method: "POST", id: "id-app", peer: inside6, headers: signed(`{"order_id":"A-2"}`, ts-300, nil), body: `{"order_id":"A-2"}`},
		{method: "POST", id: "id-app", peer: proxy, headers: signed(`{"order_id":"A-3"}`, ts+300, func(h map[string]string) { h["X-Forwarded-For"] = "198.51.100.1, 203.0.113.50" }), body: `{"order_id":"A-3"}`},
		{method: "POST", id: "id-app", peer: inside, body: `{"order_id":"A-4"}`, query: "?appKey=" + appKey + "&timestamp=" + strconv.FormatInt(ts, 10) +
			"&sign=" + signing.AppSign([]byte(appSecret), appKey, strconv.FormatInt(ts, 10), []byte(`{"order_id":"A-4"}`))},
		{method: "POST", id: "id-gh", peer: outside, headers: map[string]string{"X-Hub-Signature-256": "sha256=" + ghSign}, body: goodOrderJSON},
		{method: "POST", id: "id-open-ip", peer: "127.0.0.1:5555", body: `{"order_id":"A-5"}`},
	}
	for i, r := range good {
		if rec := s.serve(r); rec.Code != 200 {
			t.Errorf("good request %d refused: %d %s", i, rec.Code, rec.Body)
		}
	}
	for _, r := range s.records.all() {
		for _, k := range []string{"appKey", "timestamp", "sign"} {
			if _, ok := r.Values[k]; ok {
				t.Errorf("the query's %s became a value", k)
			}
		}
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	for _, secret := range append([]string{appSecret, githubSecret, ghSign}, signs...) {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("a log line holds a secret or a sign")
		}
	}
}

func headerText(h http.Header) string {
	var b strings.Builder
	_ = h.Write(&b)
	return b.String()
}

func TestRateLimit(t *testing.T) {
	s := newSecuredServer(t, nil)
	req := func(id string) request {
		return request{method: "POST", id: "id-rate", peer: "192.0.2.1:1", body: `{"order_id":"` + id + `"}`}
	}
	for i := range 2 {
		if rec := s.serve(req("B-" + strconv.Itoa(i))); rec.Code != 200 {
			t.Fatalf("request %d of the burst: %d %s", i, rec.Code, rec.Body)
		}
	}
	// The test clock stands still: no token comes back.
	for i := range 3 {
		rec := s.serve(req("C-" + strconv.Itoa(i)))
		if rec.Code != 429 || strings.TrimSpace(rec.Body.String()) != `{"msg":"Too many requests"}` {
			t.Fatalf("over the burst: %d %s, want 429", rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Retry-After"); got != "1" {
			t.Errorf("Retry-After = %q, want 1 (whole seconds)", got)
		}
	}
	if n := len(s.records.all()); n != 2 {
		t.Errorf("%d records, want the 2 of the burst", n)
	}
}

// blockingRecords holds every write until released; with honourCancel, it
// then refuses a write whose context was cancelled meanwhile, as a real
// store would.
type blockingRecords struct {
	fakeRecords
	entered      chan struct{}
	release      chan struct{}
	honourCancel bool
}

func (b *blockingRecords) CreateRecord(ctx context.Context, r store.Record) (string, error) {
	b.entered <- struct{}{}
	<-b.release
	if err := ctx.Err(); err != nil && b.honourCancel {
		return "", err
	}
	return b.fakeRecords.CreateRecord(ctx, r)
}

func TestMaxConcurrentRuns(t *testing.T) {
	records := &blockingRecords{entered: make(chan struct{}, 1), release: make(chan struct{})}
	s := newSecuredServer(t, records)
	first := make(chan *httptest.ResponseRecorder)
	go func() {
		first <- s.serve(request{method: "POST", id: "id-busy", peer: "192.0.2.1:1", body: `{"order_id":"D-1"}`})
	}()
	<-records.entered // the first run holds the one slot
	rec := s.serve(request{method: "POST", id: "id-busy", peer: "192.0.2.1:1", body: `{"order_id":"D-2"}`})
	if rec.Code != 503 || strings.TrimSpace(rec.Body.String()) != `{"msg":"Service unavailable"}` || rec.Header().Get("Retry-After") == "" {
		t.Errorf("over maxConcurrentRuns: %d %s Retry-After=%q, want 503 with Retry-After", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	close(records.release)
	if rec := <-first; rec.Code != 200 {
		t.Fatalf("the first run: %d %s", rec.Code, rec.Body)
	}
	if n := len(records.all()); n != 1 {
		t.Errorf("%d records, want the first run's only", n)
	}
	// The slot is free again.
	if rec := s.serve(request{method: "POST", id: "id-busy", peer: "192.0.2.1:1", body: `{"order_id":"D-3"}`}); rec.Code != 200 {
		t.Errorf("after the first run: %d %s", rec.Code, rec.Body)
	}
}

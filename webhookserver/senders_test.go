package webhookserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store/crstore"
)

// sendersDir holds the pinned npm packages of the senders' signing
// libraries and the script that signs with them.
const sendersDir = "../test/senders"

// The secrets of the preset routes; the StandardWebhooks route accepts two
// (a rotation) and the test signs with the second.
var presetSecrets = map[string]string{
	"GitHub":           "It's a Secret to Everybody",
	"Stripe":           "whsec_stripe_test_5f2a9c",
	"Slack":            "8f742231b10e8888abcd99yyyzzz85a5",
	"Shopify":          "shpss_9d1e3c7b2a",
	"StandardWebhooks": "whsec_bmV4dCBzZWNyZXQgb2YgdGhlIHJvdGF0aW9u",
}

const swOldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

var installSenders = sync.OnceValue(func() error {
	for _, program := range []string{"node", "npm"} {
		if _, err := exec.LookPath(program); err != nil {
			return err
		}
	}
	lock, err := os.ReadFile(filepath.Join(sendersDir, "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	stamp := filepath.Join(sendersDir, "node_modules", ".hookflow-lock-sha256")
	if have, err := os.ReadFile(stamp); err == nil && string(have) == hex.EncodeToString(sum[:]) {
		return nil // installed from this lock file already
	}
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = sendersDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: out}
	}
	return os.WriteFile(stamp, []byte(hex.EncodeToString(sum[:])), 0o644)
})

// senderRequest is one request for sign.mjs to sign.
type senderRequest struct {
	Preset    string `json:"preset"`
	Secret    string `json:"secret"`
	Body      string `json:"body"`
	Timestamp int64  `json:"timestamp"`
	ID        string `json:"id"`
}

// signBySenders returns the headers each sender's library sends with r.
func signBySenders(t *testing.T, rs ...senderRequest) []map[string]string {
	t.Helper()
	if err := installSenders(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("npm ci in %s: %v\n%s", sendersDir, err, ee.Stderr)
		}
		t.Fatalf("the senders' libraries need node and npm (installed by .ci/run): %v", err)
	}
	in, _ := json.Marshal(rs)
	cmd := exec.Command("node", "sign.mjs")
	cmd.Dir = sendersDir
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node sign.mjs: %v\n%s", err, stderr)
	}
	var headers []map[string]string
	if err := json.Unmarshal(out, &headers); err != nil || len(headers) != len(rs) {
		t.Fatalf("sign.mjs wrote %q: %v", out, err)
	}
	return headers
}

// presetServer serves one route per signature preset, id-<preset>, with
// an idempotency store (a fake API server) and a clock the test moves.
type presetServer struct {
	srv     *Server
	records *fakeRecords
	clock   *time.Time
	logs    *bytes.Buffer
	logMu   *sync.Mutex
}

func newPresetServer(t *testing.T) *presetServer {
	t.Helper()
	var wfs []v1alpha1.Workflow
	creds := map[string][]byte{}
	for preset, secret := range presetSecrets {
		name := strings.ToLower(preset)
		wf := served(name, "id-"+name, 1, 1, metav1.ConditionTrue)
		sig := &v1alpha1.SignatureCheck{Preset: v1alpha1.SignaturePreset(preset), SecretRef: v1alpha1.SecretKeyReference{Name: name}}
		creds[name+"_secret"] = []byte(secret)
		if preset == "StandardWebhooks" {
			sig.SecretRef.Key = "old"
			sig.AdditionalSecretRefs = []v1alpha1.SecretKeyReference{{Name: name, Key: "secret"}}
			creds[name+"_old"] = []byte(swOldSecret)
		}
		wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{Signature: sig}
		wfs = append(wfs, wf)
	}
	var logMu sync.Mutex
	logs := &bytes.Buffer{}
	log := funcr.New(func(prefix, args string) {
		logMu.Lock()
		defer logMu.Unlock()
		logs.WriteString(prefix + args + "\n")
	}, funcr.Options{Verbosity: 9})
	table := (&RouteSync{Log: log}).build(wfs, sheets(), map[string]*v1alpha1.WebhookServer{
		"shop/default": {ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "default"}},
	}, map[string]map[string][]byte{"shop/default": creds})
	if table.Len() != len(presetSecrets) {
		t.Fatalf("%d routes served, want %d: %s", table.Len(), len(presetSecrets), logs.String())
	}
	routes := NewRoutes()
	routes.Store(table)
	clock := now
	ps := &presetServer{records: &fakeRecords{}, clock: &clock, logs: logs, logMu: &logMu}
	k8s := fake.NewClientBuilder().WithScheme(scheme.New()).Build()
	ps.srv = New(Options{Routes: routes, Records: ps.records, Log: log, Now: func() time.Time { return *ps.clock },
		Idempotency: &crstore.IdempotentRuns{Client: k8s}})
	ps.srv.SetReady()
	return ps
}

func (ps *presetServer) post(preset, body string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/hooks/id-"+strings.ToLower(preset), strings.NewReader(body))
	req.RemoteAddr = "192.0.2.1:4000"
	req.Header.Set("Content-Type", jsonType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	ps.srv.Handler().ServeHTTP(rec, req)
	return rec
}

const invalidSignature = `{"msg":"Invalid signature"}`

// TestSendersLibrariesSignAcceptedRequests: a request signed by each
// sender's own library (GitHub's @octokit/webhooks-methods, stripe's
// generateTestHeaderStringAsync, standardwebhooks' Webhook.sign; Slack's
// and Shopify's documented algorithms) is accepted and writes its record;
// the same request with a tampered body, or signed more than 300 s ago, is
// 401 with no record; a verbatim replay is 401 with no record for the
// timestamped schemes, and the first answer with no record for GitHub and
// Shopify, whose replays are redeliveries of the same delivery id.
func TestSendersLibrariesSignAcceptedRequests(t *testing.T) {
	ps := newPresetServer(t)
	timestamped := map[string]bool{"Stripe": true, "Slack": true, "StandardWebhooks": true}
	presets := []string{"GitHub", "Stripe", "Slack", "Shopify", "StandardWebhooks"}
	var reqs []senderRequest
	for _, p := range presets {
		body := `{"order_id":"` + p + `-1","amount":12}`
		reqs = append(reqs,
			senderRequest{Preset: p, Secret: presetSecrets[p], Body: body, Timestamp: now.Unix(), ID: p + "-delivery-1"},
			senderRequest{Preset: p, Secret: presetSecrets[p], Body: body, Timestamp: now.Unix() - 301, ID: p + "-delivery-2"})
	}
	signed := signBySenders(t, reqs...)
	for i, p := range presets {
		t.Run(p, func(t *testing.T) {
			fresh, stale := signed[2*i], signed[2*i+1]
			body := reqs[2*i].Body
			before := len(ps.records.all())
			first := ps.post(p, body, fresh)
			if first.Code != http.StatusOK || len(ps.records.all()) != before+1 {
				t.Fatalf("signed by the sender: %d %s, %d records written, want 200 and 1", first.Code, first.Body, len(ps.records.all())-before)
			}
			refusals := map[string]*httptest.ResponseRecorder{
				"tampered body": ps.post(p, strings.Replace(body, "12", "1200", 1), fresh),
			}
			if timestamped[p] {
				refusals["signed 301 s ago"] = ps.post(p, body, stale)
				refusals["verbatim replay"] = ps.post(p, body, fresh)
			} else if replay := ps.post(p, body, fresh); replay.Code != first.Code || replay.Body.String() != first.Body.String() {
				t.Errorf("redelivery: %d %s, want the first answer %d %s", replay.Code, replay.Body, first.Code, first.Body)
			}
			for name, rec := range refusals {
				if rec.Code != http.StatusUnauthorized || rec.Body.String() != invalidSignature {
					t.Errorf("%s: %d %s, want 401 %s", name, rec.Code, rec.Body, invalidSignature)
				}
			}
			if n := len(ps.records.all()) - before; n != 1 {
				t.Errorf("%d records written, want only the first request's", n)
			}
		})
	}
	ps.logMu.Lock()
	defer ps.logMu.Unlock()
	for p, secret := range presetSecrets {
		if strings.Contains(ps.logs.String(), secret) {
			t.Errorf("the %s secret is in the logs", p)
		}
	}
}

// TestStandardWebhooksRedelivery: a redelivery with the same webhook-id,
// signed anew by the library at a later time, gets the first answer and
// writes nothing; another webhook-id is another event.
func TestStandardWebhooksRedelivery(t *testing.T) {
	ps := newPresetServer(t)
	const p, body = "StandardWebhooks", `{"order_id":"SW-7","amount":3}`
	signed := signBySenders(t,
		senderRequest{Preset: p, Secret: presetSecrets[p], Body: body, Timestamp: now.Unix(), ID: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"},
		senderRequest{Preset: p, Secret: presetSecrets[p], Body: body, Timestamp: now.Unix() + 90, ID: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"},
		senderRequest{Preset: p, Secret: presetSecrets[p], Body: body, Timestamp: now.Unix() + 90, ID: "msg_another"})
	first := ps.post(p, body, signed[0])
	if first.Code != http.StatusOK {
		t.Fatalf("first delivery: %d %s", first.Code, first.Body)
	}
	*ps.clock = now.Add(90 * time.Second)
	again := ps.post(p, body, signed[1])
	if again.Code != first.Code || again.Body.String() != first.Body.String() {
		t.Errorf("redelivery: %d %s, want the first answer %d %s", again.Code, again.Body, first.Code, first.Body)
	}
	if n := len(ps.records.all()); n != 1 {
		t.Errorf("%d records after a redelivery, want 1", n)
	}
	if other := ps.post(p, body, signed[2]); other.Code != http.StatusOK || len(ps.records.all()) != 2 {
		t.Errorf("another webhook-id: %d %s, %d records, want 200 and a second record", other.Code, other.Body, len(ps.records.all()))
	}
}

// TestSlackDocumentedVector: Slack's worked example, at its own time,
// passes the signature check (the form body then lacks the Workflow's
// required order_id: 400, not 401); a second later, replayed, it is 401.
func TestSlackDocumentedVector(t *testing.T) {
	ps := newPresetServer(t)
	*ps.clock = time.Unix(1531420618, 0)
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	h := map[string]string{
		"X-Slack-Request-Timestamp": "1531420618",
		"X-Slack-Signature":         "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
		"Content-Type":              "application/x-www-form-urlencoded",
	}
	if rec := ps.post("Slack", body, h); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "order_id") {
		t.Errorf("documented vector: %d %s, want the signature accepted and 400 naming order_id", rec.Code, rec.Body)
	}
	*ps.clock = ps.clock.Add(time.Second)
	if rec := ps.post("Slack", body, h); rec.Code != http.StatusUnauthorized {
		t.Errorf("documented vector replayed: %d %s, want 401", rec.Code, rec.Body)
	}
}

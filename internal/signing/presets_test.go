package signing

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Documented test vectors.
const (
	// Slack, "Verifying requests from Slack", the worked example.
	slackSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	slackTimestamp = "1531420618"
	slackBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	slackSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

	// Standard Webhooks, the vector of the reference libraries' tests.
	swSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	swTimestamp = "1614265330"
	swBody      = `{"test": 2432232314}`
	swSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

	// Stripe and Shopify publish no vector: these were computed with
	// Python's hmac module from their documented algorithms (the senders
	// test signs with the stripe library itself).
	stripeSecret    = "whsec_test_secret"
	stripeTimestamp = "1492774577"
	stripeBody      = `{"id":"evt_test_webhook","object":"event"}`
	stripeV1        = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a"
	shopifySecret   = "hush"
	shopifyBody     = `{"id":820982911946154508,"email":"jon@example.com"}`
	shopifyHmac     = "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8="
)

// stripeV1Of is Stripe's v1 signature of body at ts.
func stripeV1Of(secret, ts, body string) string {
	return hex.EncodeToString(hmacSHA256([]byte(secret), []byte(ts+"."+body)))
}

func unix(ts string) time.Time {
	n, _ := parseUnixSeconds(ts)
	return time.Unix(n, 0)
}

func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func secrets(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, v := range s {
		out[i] = []byte(v)
	}
	return out
}

func mustPreset(t *testing.T, name string, s ...string) Verifier {
	t.Helper()
	p, ok := LookupPreset(name)
	if !ok {
		t.Fatalf("no preset %s", name)
	}
	v, err := p.Verifier(secrets(s...))
	if err != nil {
		t.Fatalf("%s verifier: %v", name, err)
	}
	return v
}

// TestPresetsAcceptTheDocumentedVectors: each preset accepts its sender's
// vector, with the secret alone and as the second secret of a rotation, and
// refuses a tampered body, a wrong secret, a missing header and a timestamp
// outside ±300 s, always with ErrInvalid and never naming a secret.
func TestPresetsAcceptTheDocumentedVectors(t *testing.T) {
	cases := []struct {
		preset, secret, body string
		header               http.Header
		signedAt             time.Time // the vector's own time: zero when untimestamped
	}{
		{"GitHub", githubSecret, githubPayload, headers(HeaderGitHubSignature, githubSignature), time.Time{}},
		{"Slack", slackSecret, slackBody, headers(HeaderSlackSignature, slackSignature, HeaderSlackTimestamp, slackTimestamp), unix(slackTimestamp)},
		{"StandardWebhooks", swSecret, swBody, headers(HeaderWebhookID, swID, HeaderWebhookTimestamp, swTimestamp, HeaderWebhookSignature, swSignature), unix(swTimestamp)},
		{"Stripe", stripeSecret, stripeBody, headers(HeaderStripeSignature, "t="+stripeTimestamp+",v1="+stripeV1+",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"), unix(stripeTimestamp)},
		{"Shopify", shopifySecret, shopifyBody, headers(HeaderShopifyHmac, shopifyHmac), time.Time{}},
	}
	other := "whsec_b3RoZXIgc2VjcmV0IG9mIHRoZSByb3RhdGlvbg=="
	for _, tc := range cases {
		t.Run(tc.preset, func(t *testing.T) {
			now := tc.signedAt
			if now.IsZero() {
				now = time.Unix(1700000000, 0)
			}
			for _, ss := range [][]string{{tc.secret}, {other, tc.secret}} {
				if _, err := mustPreset(t, tc.preset, ss...).Verify(tc.header, []byte(tc.body), now); err != nil {
					t.Errorf("secrets %d: the documented vector refused: %v", len(ss), err)
				}
			}
			v := mustPreset(t, tc.preset, tc.secret)
			refused := map[string]error{}
			_, refused["tampered body"] = v.Verify(tc.header, []byte(tc.body+" "), now)
			_, refused["wrong secret"] = mustPreset(t, tc.preset, other).Verify(tc.header, []byte(tc.body), now)
			_, refused["no headers"] = v.Verify(http.Header{}, []byte(tc.body), now)
			if !tc.signedAt.IsZero() {
				_, refused["301 s late"] = v.Verify(tc.header, []byte(tc.body), now.Add(301*time.Second))
				_, refused["301 s early"] = v.Verify(tc.header, []byte(tc.body), now.Add(-301*time.Second))
				if _, err := v.Verify(tc.header, []byte(tc.body), now.Add(300*time.Second)); err != nil {
					t.Errorf("300 s late refused: %v", err)
				}
			}
			for name, err := range refused {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: %v, want ErrInvalid", name, err)
					continue
				}
				if strings.Contains(err.Error(), tc.secret) || strings.Contains(err.Error(), other) {
					t.Errorf("%s: %q names a secret", name, err)
				}
			}
		})
	}
}

// TestReplayKeys: a timestamped preset gives the same replay key for the
// same signed content however its signature header is written (a replay
// with the signatures reordered or one dropped is still a replay), another
// key for a new timestamp; untimestamped presets give none.
func TestReplayKeys(t *testing.T) {
	stripe := mustPreset(t, "Stripe", "whsec_old", stripeSecret)
	key := func(v Verifier, h http.Header, body string, now time.Time) string {
		t.Helper()
		k, err := v.Verify(h, []byte(body), now)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		return k
	}
	old := stripeV1Of("whsec_old", stripeTimestamp, stripeBody)
	at := unix(stripeTimestamp)
	both := key(stripe, headers(HeaderStripeSignature, "t="+stripeTimestamp+",v1="+old+",v1="+stripeV1), stripeBody, at)
	reordered := key(stripe, headers(HeaderStripeSignature, "v1="+stripeV1+",t="+stripeTimestamp), stripeBody, at)
	if both == "" || both != reordered {
		t.Errorf("replay keys %q and %q of the same content differ", both, reordered)
	}
	later := "1492774600"
	fresh := key(stripe, headers(HeaderStripeSignature, "t="+later+",v1="+stripeV1Of(stripeSecret, later, stripeBody)), stripeBody, at)
	if fresh == both {
		t.Error("a new timestamp has the replay key of the old one")
	}
	if k := key(mustPreset(t, "GitHub", githubSecret), headers(HeaderGitHubSignature, githubSignature), githubPayload, at); k != "" {
		t.Errorf("GitHub replay key %q, want none", k)
	}
}

func TestParseStandardWebhooksSecret(t *testing.T) {
	for _, good := range []string{swSecret, swSecret + "\n", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_YWJj"} {
		if _, err := ParseStandardWebhooksSecret([]byte(good)); err != nil {
			t.Errorf("%q refused: %v", good, err)
		}
	}
	for _, bad := range []string{"", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_%%%%", "sk_live_123"} {
		_, err := ParseStandardWebhooksSecret([]byte(bad))
		if !errors.Is(err, ErrStandardWebhooksSecret) {
			t.Errorf("%q: %v, want ErrStandardWebhooksSecret", bad, err)
		}
	}
	p, _ := LookupPreset("StandardWebhooks")
	if _, err := p.Verifier(secrets(swSecret, "plain text")); err == nil || strings.Contains(err.Error(), "plain text") {
		t.Errorf("a malformed second secret: %v, want an error naming it by position only", err)
	}
	if err := p.CheckSecret([]byte("plain")); err == nil {
		t.Error("CheckSecret accepted a secret without whsec_")
	}
	if gh, _ := LookupPreset("GitHub"); gh.CheckSecret([]byte("any text, spaces too")) != nil {
		t.Error("GitHub secrets have no format")
	}
}

func TestGenericAcceptsAnyOfItsSecrets(t *testing.T) {
	g := Generic{Header: "X-Sig", Prefix: "sha256=", Algorithm: "sha256", Secrets: secrets("old", githubSecret)}
	if _, err := g.Verify(headers("X-Sig", githubSignature), []byte(githubPayload), time.Time{}); err != nil {
		t.Errorf("signed with the second secret: %v", err)
	}
	if _, err := g.Verify(headers("X-Sig", githubSignature), []byte(githubPayload+"!"), time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := (Generic{Header: "X-Sig", Algorithm: "sha256", Secrets: secrets("")}).Verify(headers("X-Sig", "x"), nil, time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty secret: %v", err)
	}
}

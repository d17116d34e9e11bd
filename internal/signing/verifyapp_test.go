package signing

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerifyApp(t *testing.T) {
	const appKey, ts = "shop-app-key", "1700000000"
	secret := []byte("shop-secret-key")
	body := []byte(`{"order_id":"A-1001","amount":129.5}`)
	creds := AppCredentials{AppKey: appKey, SecretKey: secret}
	now := time.Unix(1700000000, 0)
	good := AppSign(secret, appKey, ts, body)
	// signed returns a request for timestamp ts, signed correctly.
	signed := func(ts string) AppRequest { return AppRequest{appKey, ts, AppSign(secret, appKey, ts, body)} }

	for _, tc := range []struct {
		name   string
		creds  *AppCredentials // nil: creds
		req    AppRequest
		body   []byte
		now    time.Time
		reason string // a part of the error's text; "" when valid
	}{
		{name: "good", req: AppRequest{appKey, ts, good}},
		{name: "good, empty body", req: AppRequest{appKey, ts, AppSign(secret, appKey, ts, nil)}, body: []byte{}},
		{name: "good, clock 300 s ahead", req: signed(ts), now: now.Add(300 * time.Second)},
		{name: "good, clock 300 s behind", req: signed(ts), now: now.Add(-300 * time.Second)},
		{name: "good, clock 300.9 s ahead (whole seconds)", req: signed(ts), now: now.Add(300*time.Second + 900*time.Millisecond)},
		{name: "good, leading zeros", req: signed("0" + ts)},
		{name: "stale by 301 s", req: signed(ts), now: now.Add(301 * time.Second), reason: "is -301s"},
		{name: "future by 301 s", req: signed(ts), now: now.Add(-301 * time.Second), reason: "is +301s"},
		{name: "milliseconds", req: signed(ts + "000"), reason: "from the server clock"},
		{name: "wrong sign", req: AppRequest{appKey, ts, strings.Repeat("0", 64)}, reason: "sign does not match"},
		{name: "sign one digit off", req: AppRequest{appKey, ts, good[:63] + string(good[63]^1)}, reason: "sign does not match"},
		{name: "sign of another body", req: AppRequest{appKey, ts, AppSign(secret, appKey, ts, []byte(`{"order_id":"A-1002","amount":129.5}`))}, reason: "sign does not match"},
		{name: "sign with another secret", req: AppRequest{appKey, ts, AppSign([]byte("other"), appKey, ts, body)}, reason: "sign does not match"},
		{name: "sign for another timestamp", req: AppRequest{appKey, ts, AppSign(secret, appKey, "1700000001", body)}, reason: "sign does not match"},
		{name: "uppercase sign", req: AppRequest{appKey, ts, strings.ToUpper(good)}, reason: "sign does not match"},
		{name: "sign with a prefix", req: AppRequest{appKey, ts, "sha256=" + good}, reason: "sign does not match"},
		{name: "sign truncated", req: AppRequest{appKey, ts, good[:32]}, reason: "sign does not match"},
		{name: "missing appKey", req: AppRequest{"", ts, good}, reason: "no appKey"},
		{name: "missing timestamp", req: AppRequest{appKey, "", good}, reason: "no timestamp"},
		{name: "missing sign", req: AppRequest{appKey, ts, ""}, reason: "no sign"},
		{name: "wrong appKey", req: AppRequest{"other-app", ts, AppSign(secret, "other-app", ts, body)}, reason: "unknown appKey"},
		{name: "appKey prefix", req: AppRequest{"shop", ts, AppSign(secret, "shop", ts, body)}, reason: "unknown appKey"},
		{name: "non-numeric timestamp", req: signed("soon"), reason: "not decimal unix seconds"},
		{name: "negative timestamp", req: signed("-1700000000"), reason: "not decimal unix seconds"},
		{name: "signed timestamp", req: signed("+1700000000"), reason: "not decimal unix seconds"},
		{name: "fractional timestamp", req: signed(ts + ".5"), reason: "not decimal unix seconds"},
		{name: "timestamp with spaces", req: signed(" " + ts), reason: "not decimal unix seconds"},
		{name: "RFC 3339 timestamp", req: signed("2023-11-14T22:13:20Z"), reason: "not decimal unix seconds"},
		{name: "timestamp too long", req: signed(strings.Repeat("9", 19)), reason: "not decimal unix seconds"},
		{name: "empty secretKey", creds: &AppCredentials{AppKey: appKey}, req: AppRequest{appKey, ts, AppSign(nil, appKey, ts, body)}, reason: "empty appKey or secretKey"},
		{name: "empty credentials appKey", creds: &AppCredentials{SecretKey: secret}, req: AppRequest{appKey, ts, good}, reason: "empty appKey or secretKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.creds == nil {
				tc.creds = &creds
			}
			if tc.body == nil {
				tc.body = body
			}
			if tc.now.IsZero() {
				tc.now = now
			}
			err := VerifyApp(*tc.creds, tc.req, tc.body, tc.now)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("VerifyApp() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("VerifyApp() = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("VerifyApp() = %q, want a reason with %q", err, tc.reason)
			}
			for _, secretPart := range []string{tc.req.Sign, string(secret), appKey, good} {
				if secretPart != "" && strings.Contains(err.Error(), secretPart) {
					t.Errorf("VerifyApp() = %q tells %q", err, secretPart)
				}
			}
		})
	}
}

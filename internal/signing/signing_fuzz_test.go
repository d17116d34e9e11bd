package signing

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzVerifyApp reads a request's values from headers and query parameters
// placed by the fuzzer, and checks that VerifyApp never panics, fails only
// with ErrInvalid, never tells the expected sign, and accepts only what the
// rule of DESIGN §4 accepts.
func FuzzVerifyApp(f *testing.F) {
	const ts = "1700000000"
	body := `{"order_id":"A-1001"}`
	// where: bits 0-2 put appKey, timestamp, sign in a header (else in the
	// query); bit 3 adds a decoy to the query when the header is used.
	// signIt: the sign is AppSign's, followed by sign.
	f.Add("app", "app", "secret", ts, "", body, uint8(0b0111), true)
	f.Add("app", "app", "secret", ts, "", body, uint8(0b0000), true)
	f.Add("app", "app", "secret", ts, "", body, uint8(0b1101), true)
	f.Add("app", "app", "secret", ts, "0", body, uint8(0b0111), true)
	f.Add("app", "app", "secret", "1700000300", "", body, uint8(0b1111), true)
	f.Add("app", "app", "secret", "1699999699", "", body, uint8(0b1111), true)
	f.Add("app", "app", "secret", "+1700000000", "", body, uint8(0b0111), true)
	f.Add("app", "other", "secret", ts, "", body, uint8(0b0111), true)
	f.Add("app", "app", "", ts, "", "", uint8(0b0111), true)
	f.Add("app", "app", "secret", ts, "FE2C22CBB57C3D42C3AA43A22968427CA581A935843E3D9094267EC0929EB240", body, uint8(0b0111), false)
	f.Add("", "", "", "", "", "", uint8(0), false)
	f.Add("a.b", "a.b", "k", "1.2", "%zz", "x\x00\xff", uint8(0b1010), false)
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, credsKey, appKey, secret, timestamp, sign, body string, where uint8, signIt bool) {
		if signIt {
			sign = AppSign([]byte(secret), appKey, timestamp, []byte(body)) + sign
		}
		h, q := http.Header{}, url.Values{}
		want := AppRequest{}
		for i, v := range []struct {
			header, param, value string
			into                 *string
		}{
			{HeaderAppKey, QueryAppKey, appKey, &want.AppKey},
			{HeaderTimestamp, QueryTimestamp, timestamp, &want.Timestamp},
			{HeaderSign, QuerySign, sign, &want.Sign},
		} {
			*v.into = v.value
			if where&(1<<i) == 0 {
				q.Set(v.param, v.value)
				continue
			}
			h.Set(v.header, v.value)
			if where&(1<<3) != 0 {
				q.Set(v.param, "decoy")
				if v.value == "" {
					*v.into = "decoy"
				}
			}
		}
		req := AppRequestFrom(h, q)
		if req != want {
			t.Fatalf("AppRequestFrom() = %+v, want %+v", req, want)
		}

		creds := AppCredentials{AppKey: credsKey, SecretKey: []byte(secret)}
		err := VerifyApp(creds, req, []byte(body), now)
		expected := AppSign(creds.SecretKey, creds.AppKey, req.Timestamp, []byte(body))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("VerifyApp() = %v, not ErrInvalid", err)
			}
			if strings.Contains(err.Error(), expected) {
				t.Fatalf("VerifyApp() = %q tells the expected sign", err)
			}
			return
		}
		if req.Sign != expected {
			t.Fatalf("VerifyApp() accepted sign %q, want only %q", req.Sign, expected)
		}
		if req.AppKey != creds.AppKey || creds.AppKey == "" || secret == "" {
			t.Fatalf("VerifyApp() accepted appKey %q for credentials %q (secret %q)", req.AppKey, creds.AppKey, secret)
		}
		ts, ok := parseUnixSeconds(req.Timestamp)
		if !ok || ts < now.Unix()-300 || ts > now.Unix()+300 {
			t.Fatalf("VerifyApp() accepted timestamp %q", req.Timestamp)
		}
	})
}

// FuzzHeaderSchemeVerify checks that HeaderScheme.Verify never panics, fails
// only with ErrInvalid, and accepts only prefix + BodySign's digest.
func FuzzHeaderSchemeVerify(f *testing.F) {
	f.Add("sha256", "sha256=", githubSecret, githubPayload, "", true)
	f.Add("sha256", "sha256=", githubSecret, githubPayload, githubSignature, false)
	f.Add("sha256", "sha256=", githubSecret, githubPayload+"!", githubSignature, false)
	f.Add("sha1", "sha1=", githubSecret, githubPayload, "", true)
	f.Add("sha512", "", "k", "", "", true)
	f.Add("sha512", "", "k", "", "0", true)
	f.Add("md5", "", "k", "x", "", false)
	f.Add("", "", "", "", "", false)
	f.Fuzz(func(t *testing.T, algorithm, prefix, secret, body, value string, signIt bool) {
		if signIt {
			if digest, err := BodySign(algorithm, []byte(secret), []byte(body)); err == nil {
				value = prefix + digest + value
			}
		}
		s := HeaderScheme{Header: "X-Signature", Prefix: prefix, Algorithm: algorithm, Secret: []byte(secret)}
		h := http.Header{}
		h.Set(s.Header, value)
		err := s.Verify(h, []byte(body))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify() = %v, not ErrInvalid", err)
			}
			return
		}
		digest, signErr := BodySign(algorithm, []byte(secret), []byte(body))
		if signErr != nil || secret == "" || value != prefix+digest {
			t.Fatalf("Verify() accepted %q for algorithm %q, secret %q, prefix %q", value, algorithm, secret, prefix)
		}
	})
}

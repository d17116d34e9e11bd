package signing

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// GitHub's documented test values, from "Validating webhook deliveries".
const (
	githubSecret    = "It's a Secret to Everybody"
	githubPayload   = "Hello, World!"
	githubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

func TestBodySign(t *testing.T) {
	// sha1 and sha512 computed with Python's hmac module.
	for _, tc := range []struct{ algorithm, want string }{
		{"sha1", "01dc10d0c83e72ed246219cdd91669667fe2ca59"},
		{"sha256", strings.TrimPrefix(githubSignature, "sha256=")},
		{"sha512", "11ed355a617e98134e842012a7944ccf59c10256cb182357bd7e3a42013ff07c376f8c14cf5cc1923da20b51d64256b2fb8ebbf100aa67a61326f61fea8111bc"},
	} {
		got, err := BodySign(tc.algorithm, []byte(githubSecret), []byte(githubPayload))
		if err != nil || got != tc.want {
			t.Errorf("BodySign(%q) = %q, %v, want %q", tc.algorithm, got, err, tc.want)
		}
	}
	for _, unknown := range []string{"", "md5", "SHA256", "sha384", "sha-256"} {
		if got, err := BodySign(unknown, []byte(githubSecret), []byte(githubPayload)); err == nil {
			t.Errorf("BodySign(%q) = %q, want an error", unknown, got)
		}
	}
}

func TestHeaderSchemeVerify(t *testing.T) {
	github := HeaderScheme{Header: "X-Hub-Signature-256", Prefix: "sha256=", Algorithm: "sha256", Secret: []byte(githubSecret)}
	sha1Value, _ := BodySign("sha1", []byte(githubSecret), []byte(githubPayload))
	sha512Value, _ := BodySign("sha512", []byte(githubSecret), []byte(githubPayload))
	digest := strings.TrimPrefix(githubSignature, "sha256=")

	for _, tc := range []struct {
		name   string
		scheme HeaderScheme
		header http.Header
		body   string
		reason string // a part of the error's text; "" when valid
	}{
		{name: "GitHub's vector", scheme: github, header: http.Header{"X-Hub-Signature-256": {githubSignature}}, body: githubPayload},
		{name: "header name in any case", scheme: HeaderScheme{Header: "x-hub-signature-256", Prefix: "sha256=", Algorithm: "sha256", Secret: []byte(githubSecret)}, header: http.Header{"X-Hub-Signature-256": {githubSignature}}, body: githubPayload},
		{name: "sha1 without prefix", scheme: HeaderScheme{Header: "X-Sig", Algorithm: "sha1", Secret: []byte(githubSecret)}, header: http.Header{"X-Sig": {sha1Value}}, body: githubPayload},
		{name: "sha512 with a prefix", scheme: HeaderScheme{Header: "X-Sig", Prefix: "v1,", Algorithm: "sha512", Secret: []byte(githubSecret)}, header: http.Header{"X-Sig": {"v1," + sha512Value}}, body: githubPayload},
		{name: "tampered body", scheme: github, header: http.Header{"X-Hub-Signature-256": {githubSignature}}, body: "Hello, World?", reason: "does not match"},
		{name: "body with a trailing newline", scheme: github, header: http.Header{"X-Hub-Signature-256": {githubSignature}}, body: githubPayload + "\n", reason: "does not match"},
		{name: "tampered header", scheme: github, header: http.Header{"X-Hub-Signature-256": {githubSignature[:len(githubSignature)-1] + "f"}}, body: githubPayload, reason: "does not match"},
		{name: "missing prefix", scheme: github, header: http.Header{"X-Hub-Signature-256": {digest}}, body: githubPayload, reason: "does not match"},
		{name: "uppercase digest", scheme: github, header: http.Header{"X-Hub-Signature-256": {"sha256=" + strings.ToUpper(digest)}}, body: githubPayload, reason: "does not match"},
		{name: "trailing space", scheme: github, header: http.Header{"X-Hub-Signature-256": {githubSignature + " "}}, body: githubPayload, reason: "does not match"},
		{name: "another header", scheme: github, header: http.Header{"X-Hub-Signature": {githubSignature}}, body: githubPayload, reason: "no X-Hub-Signature-256 header"},
		{name: "no header", scheme: github, body: githubPayload, reason: "no X-Hub-Signature-256 header"},
		{name: "empty header", scheme: github, header: http.Header{"X-Hub-Signature-256": {""}}, body: githubPayload, reason: "no X-Hub-Signature-256 header"},
		{name: "wrong algorithm", scheme: HeaderScheme{Header: "X-Sig", Algorithm: "sha256", Secret: []byte(githubSecret)}, header: http.Header{"X-Sig": {sha1Value}}, body: githubPayload, reason: "does not match"},
		{name: "wrong secret", scheme: HeaderScheme{Header: "X-Hub-Signature-256", Prefix: "sha256=", Algorithm: "sha256", Secret: []byte("guess")}, header: http.Header{"X-Hub-Signature-256": {githubSignature}}, body: githubPayload, reason: "does not match"},
		{name: "unknown algorithm", scheme: HeaderScheme{Header: "X-Sig", Algorithm: "md5", Secret: []byte(githubSecret)}, header: http.Header{"X-Sig": {"x"}}, body: githubPayload, reason: "unknown signature algorithm"},
		{name: "empty secret", scheme: HeaderScheme{Header: "X-Sig", Algorithm: "sha256"}, header: http.Header{"X-Sig": {"x"}}, body: githubPayload, reason: "secret is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.scheme.Verify(tc.header, []byte(tc.body))
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("Verify() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify() = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Verify() = %q, want a reason with %q", err, tc.reason)
			}
			if strings.Contains(err.Error(), digest) || strings.Contains(err.Error(), githubSecret) {
				t.Errorf("Verify() = %q tells the digest or the secret", err)
			}
		})
	}
}

package signing

import (
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// GitHub's headers.
const (
	HeaderGitHubSignature = "X-Hub-Signature-256"
	HeaderGitHubDelivery  = "X-GitHub-Delivery"
)

// GitHub verifies GitHub's X-Hub-Signature-256:
// "sha256=" + lowercase hex(HMAC-SHA256(secret, rawBody)). The scheme has no
// timestamp: a redelivery is the same request, told apart by its
// X-GitHub-Delivery id.
type GitHub struct {
	Secrets [][]byte
}

// Verify implements Verifier.
func (g GitHub) Verify(h http.Header, body []byte, _ time.Time) (string, error) {
	got := h.Get(HeaderGitHubSignature)
	if got == "" {
		return "", fmt.Errorf("%w: no %s header", ErrInvalid, HeaderGitHubSignature)
	}
	secrets, err := usableSecrets(g.Secrets)
	if err != nil {
		return "", err
	}
	for _, s := range secrets {
		want := "sha256=" + hex.EncodeToString(hmacSHA256(s, body))
		if hmac.Equal([]byte(got), []byte(want)) {
			return "", nil
		}
	}
	return "", fmt.Errorf("%w: %s header does not match", ErrInvalid, HeaderGitHubSignature)
}

// SignatureHeaders implements Verifier.
func (GitHub) SignatureHeaders() []string {
	return []string{HeaderGitHubSignature, "X-Hub-Signature"}
}

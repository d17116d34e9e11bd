package signing

import (
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

// Verify implements Verifier: GitHub's scheme is the generic form with
// GitHub's header, prefix and algorithm.
func (g GitHub) Verify(h http.Header, body []byte, now time.Time) (string, error) {
	return Generic{Header: HeaderGitHubSignature, Prefix: "sha256=", Algorithm: "sha256", Secrets: g.Secrets}.Verify(h, body, now)
}

// SignatureHeaders implements Verifier.
func (GitHub) SignatureHeaders() []string {
	return []string{HeaderGitHubSignature, "X-Hub-Signature"}
}

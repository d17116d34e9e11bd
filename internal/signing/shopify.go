package signing

import (
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"
)

// Shopify's headers.
const (
	HeaderShopifyHmac      = "X-Shopify-Hmac-Sha256"
	HeaderShopifyWebhookID = "X-Shopify-Webhook-Id"
)

// Shopify verifies Shopify's X-Shopify-Hmac-Sha256:
// base64(HMAC-SHA256(secret, rawBody)), standard encoding with padding. The
// scheme has no timestamp: a retry is the same request, told apart by its
// X-Shopify-Webhook-Id.
type Shopify struct {
	Secrets [][]byte
}

// Verify implements Verifier.
func (s Shopify) Verify(h http.Header, body []byte, _ time.Time) (string, error) {
	got := h.Get(HeaderShopifyHmac)
	if got == "" {
		return "", fmt.Errorf("%w: no %s header", ErrInvalid, HeaderShopifyHmac)
	}
	secrets, err := usableSecrets(s.Secrets)
	if err != nil {
		return "", err
	}
	for _, secret := range secrets {
		want := base64.StdEncoding.EncodeToString(hmacSHA256(secret, body))
		if hmac.Equal([]byte(got), []byte(want)) {
			return "", nil
		}
	}
	return "", fmt.Errorf("%w: %s header does not match", ErrInvalid, HeaderShopifyHmac)
}

// SignatureHeaders implements Verifier.
func (Shopify) SignatureHeaders() []string { return []string{HeaderShopifyHmac} }

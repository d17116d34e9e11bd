package signing

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The headers of the Standard Webhooks specification (standardwebhooks.com).
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// standardWebhooksSecretPrefix starts every Standard Webhooks secret.
const standardWebhooksSecretPrefix = "whsec_"

// maxStandardWebhooksSignatures bounds the signatures read from one header.
const maxStandardWebhooksSignatures = 8

// ErrStandardWebhooksSecret is ParseStandardWebhooksSecret's error. It never
// holds any part of the secret.
var ErrStandardWebhooksSecret = errors.New("not a Standard Webhooks secret: want whsec_ followed by base64")

// StandardWebhooks verifies the Standard Webhooks scheme: webhook-signature
// holds space-separated "v1,<base64>" values, each base64(HMAC-SHA256(key,
// id + "." + timestamp + "." + rawBody)) where id is webhook-id, timestamp
// webhook-timestamp (within ±Window), and key a secret decoded by
// ParseStandardWebhooksSecret. Any v1 that matches any key is accepted. A
// redelivery carries the same webhook-id with a new timestamp and signature.
type StandardWebhooks struct {
	// Keys are the decoded secrets.
	Keys [][]byte
}

// NewStandardWebhooks decodes secrets, each "whsec_<base64>".
func NewStandardWebhooks(secrets [][]byte) (StandardWebhooks, error) {
	keys := make([][]byte, 0, len(secrets))
	for i, s := range secrets {
		k, err := ParseStandardWebhooksSecret(s)
		if err != nil {
			return StandardWebhooks{}, fmt.Errorf("secret %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	return StandardWebhooks{Keys: keys}, nil
}

// ParseStandardWebhooksSecret returns the key of a secret "whsec_<base64>"
// (standard base64, padded or not; surrounding white space is ignored, as
// a Secret written from a file often ends with a newline).
func ParseStandardWebhooksSecret(secret []byte) ([]byte, error) {
	s := strings.TrimSpace(string(secret))
	encoded, ok := strings.CutPrefix(s, standardWebhooksSecretPrefix)
	if !ok || encoded == "" {
		return nil, ErrStandardWebhooksSecret
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(encoded)
	}
	if err != nil || len(key) == 0 {
		return nil, ErrStandardWebhooksSecret
	}
	return key, nil
}

// Verify implements Verifier.
func (s StandardWebhooks) Verify(h http.Header, body []byte, now time.Time) (string, error) {
	id, ts, value := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	switch {
	case id == "":
		return "", fmt.Errorf("%w: no %s header", ErrInvalid, HeaderWebhookID)
	case value == "":
		return "", fmt.Errorf("%w: no %s header", ErrInvalid, HeaderWebhookSignature)
	}
	if err := checkTimestamp(ts, now); err != nil {
		return "", err
	}
	sigs := parseStandardWebhooksSignature(value)
	if len(sigs) == 0 {
		return "", fmt.Errorf("%w: no v1 signature in %s", ErrInvalid, HeaderWebhookSignature)
	}
	replayKey, ok, err := matchSignature(s.Keys, []byte(id+"."+ts+"."), body, base64.StdEncoding.EncodeToString, sigs...)
	if ok || err != nil {
		return replayKey, err
	}
	return "", fmt.Errorf("%w: no v1 signature of %s matches", ErrInvalid, HeaderWebhookSignature)
}

// SignatureHeaders implements Verifier.
func (StandardWebhooks) SignatureHeaders() []string { return []string{HeaderWebhookSignature} }

// parseStandardWebhooksSignature returns the base64 values of up to
// maxStandardWebhooksSignatures "v1,<base64>" entries of a space-separated
// webhook-signature header; entries of other versions are skipped.
func parseStandardWebhooksSignature(value string) []string {
	var sigs []string
	for _, entry := range strings.Fields(value) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" || sig == "" {
			continue
		}
		sigs = append(sigs, sig)
		if len(sigs) == maxStandardWebhooksSignatures {
			break
		}
	}
	return sigs
}

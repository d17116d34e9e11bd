package signing

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// HeaderStripeSignature is Stripe's signature header.
const HeaderStripeSignature = "Stripe-Signature"

// Stripe verifies Stripe's Stripe-Signature: "t=<unix>,v1=<hex>[,v1=<hex>...]"
// where a v1 is lowercase hex(HMAC-SHA256(secret, t + "." + rawBody)) and t
// is within ±Window. The secret is used as written, whsec_ included. While a
// secret is rolled Stripe sends one v1 per secret: any v1 that matches any
// secret is accepted. Other schemes (v0) are ignored.
type Stripe struct {
	Secrets [][]byte
}

// Verify implements Verifier.
func (s Stripe) Verify(h http.Header, body []byte, now time.Time) (string, error) {
	value := h.Get(HeaderStripeSignature)
	if value == "" {
		return "", fmt.Errorf("%w: no %s header", ErrInvalid, HeaderStripeSignature)
	}
	ts, sigs := parseStripeSignature(value)
	if len(sigs) == 0 {
		return "", fmt.Errorf("%w: no v1 signature in %s", ErrInvalid, HeaderStripeSignature)
	}
	if err := checkTimestamp(ts, now); err != nil {
		return "", err
	}
	replayKey, ok, err := matchSignature(s.Secrets, []byte(ts+"."), body, hex.EncodeToString, sigs...)
	if ok || err != nil {
		return replayKey, err
	}
	return "", fmt.Errorf("%w: no v1 signature of %s matches", ErrInvalid, HeaderStripeSignature)
}

// SignatureHeaders implements Verifier.
func (Stripe) SignatureHeaders() []string { return []string{HeaderStripeSignature} }

// maxStripeSignatures bounds the v1 values read from one header.
const maxStripeSignatures = 8

// parseStripeSignature reads the comma-separated key=value pairs of a
// Stripe-Signature header: the last t, and up to maxStripeSignatures v1
// values. Pairs without "=" and other keys are skipped, as Stripe's own
// libraries do.
func parseStripeSignature(value string) (ts string, v1 []string) {
	for _, item := range strings.Split(value, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			continue
		}
		switch key {
		case "t":
			ts = val
		case "v1":
			if len(v1) < maxStripeSignatures {
				v1 = append(v1, val)
			}
		}
	}
	return ts, v1
}

package signing

import (
	"crypto/hmac"
	"fmt"
	"net/http"
)

// HeaderScheme is a compiled security.signature: the header named Header
// holds Prefix + hex(HMAC(Secret, rawBody)) with the hash named Algorithm
// (see BodySign).
type HeaderScheme struct {
	Header, Prefix, Algorithm string
	Secret                    []byte
}

// Verify returns nil when the header holds the expected value, else
// ErrInvalid wrapped with a reason for the logs: the header is missing, or
// wrong. The whole value, prefix included, is compared in constant time, so
// the hex digest must be lowercase. An empty secret or an unknown algorithm
// accepts nothing.
func (s HeaderScheme) Verify(h http.Header, body []byte) error {
	got := h.Get(s.Header)
	if got == "" {
		return fmt.Errorf("%w: no %s header", ErrInvalid, s.Header)
	}
	if len(s.Secret) == 0 {
		return fmt.Errorf("%w: the signature secret is empty", ErrInvalid)
	}
	digest, err := BodySign(s.Algorithm, s.Secret, body)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !hmac.Equal([]byte(got), []byte(s.Prefix+digest)) {
		return fmt.Errorf("%w: %s header does not match", ErrInvalid, s.Header)
	}
	return nil
}

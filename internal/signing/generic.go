package signing

import (
	"net/http"
	"time"
)

// Generic is security.signature without a preset: HeaderScheme with one or
// more secrets, any of which is accepted.
type Generic struct {
	Header, Prefix, Algorithm string
	Secrets                   [][]byte
}

// Verify implements Verifier. The scheme has no timestamp: it returns no
// replay key.
func (g Generic) Verify(h http.Header, body []byte, _ time.Time) (string, error) {
	secrets, err := usableSecrets(g.Secrets)
	if err != nil {
		return "", err
	}
	var first error // usableSecrets leaves at least one
	for _, s := range secrets {
		err := HeaderScheme{Header: g.Header, Prefix: g.Prefix, Algorithm: g.Algorithm, Secret: s}.Verify(h, body)
		if err == nil {
			return "", nil
		}
		if first == nil {
			first = err
		}
	}
	return "", first
}

// SignatureHeaders implements Verifier.
func (g Generic) SignatureHeaders() []string { return []string{g.Header} }

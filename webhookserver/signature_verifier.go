package webhookserver

import (
	"fmt"

	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/signing"
)

// signatureVerifier builds the verifier of a compiled security.signature
// from the secrets in the server's credentials. A secret missing or
// malformed keeps the route from being served; the error names the Secret
// key, never its value.
func signatureVerifier(sig *route.Signature, creds map[string][]byte) (signing.Verifier, error) {
	secrets := make([][]byte, 0, len(sig.Secrets))
	for _, k := range sig.Secrets {
		v, err := credential(creds, k)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, v)
	}
	if sig.Preset == "" {
		return signing.Generic{Header: sig.Header, Prefix: sig.Prefix, Algorithm: sig.Algorithm, Secrets: secrets}, nil
	}
	p, ok := signing.LookupPreset(sig.Preset)
	if !ok {
		return nil, fmt.Errorf("unknown signature preset %q", sig.Preset)
	}
	for i, s := range secrets {
		if err := p.CheckSecret(s); err != nil {
			return nil, fmt.Errorf("key %s of Secret %s: %w", sig.Secrets[i].Key, sig.Secrets[i].Name, err)
		}
	}
	return p.Verifier(secrets)
}

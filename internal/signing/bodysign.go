package signing

import (
	"crypto/hmac"
	"crypto/sha1" // HMAC-SHA1 is still what some senders use, e.g. GitHub's X-Hub-Signature
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
)

// algorithms are the HMAC hashes of security.signature, by their API name.
var algorithms = map[string]func() hash.Hash{
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha512": sha512.New,
}

// BodySign returns lowercase hex(HMAC(secret, body)) with the hash named by
// algorithm: "sha1", "sha256" or "sha512". Another name, the empty one
// included, is an error: the API's default (sha256) is applied before this
// package sees a scheme. A compiler can call BodySign(algorithm, nil, nil)
// once to check a name.
func BodySign(algorithm string, secret, body []byte) (string, error) {
	newHash, ok := algorithms[algorithm]
	if !ok {
		return "", fmt.Errorf("unknown signature algorithm %q: want sha1, sha256 or sha512", algorithm)
	}
	mac := hmac.New(newHash, secret)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil)), nil
}

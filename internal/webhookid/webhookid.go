// Package webhookid derives the id in a Workflow's URL.
package webhookid

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Length is the number of hex characters of a derived id (64 bits).
const Length = 16

// Derive returns the webhook id of the Workflow namespace/name: the first
// Length hex characters of HMAC-SHA256(salt, namespace + "/" + name).
//
// The id is stable, so a Workflow keeps its URL when it is deleted and
// re-created (as GitOps tools do). With an empty salt anybody who knows the
// namespace and name can compute it; operators set a salt (a secret of the
// installation) to make URLs unguessable. Either way the URL is an address,
// not a credential: protect webhooks with their security settings.
func Derive(salt []byte, namespace, name string) string {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(namespace))
	mac.Write([]byte{'/'})
	mac.Write([]byte(name))
	return hex.EncodeToString(mac.Sum(nil))[:Length]
}

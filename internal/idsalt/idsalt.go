// Package idsalt keeps the salt of webhook ids (see package webhookid): a
// secret of the installation, so that nobody outside it can compute a
// Workflow's URL from its namespace and name.
//
// A cluster keeps it in a Secret (Ensure), `hookflow dev` in a file
// (LoadOrCreateFile). Either is created once, with random bytes, and never
// rotated: a new salt would change every derived URL.
package idsalt

import (
	"crypto/rand"
	"fmt"
)

// Size is the number of random bytes of a new salt.
const Size = 32

// generate returns a new random salt.
func generate() ([]byte, error) {
	salt := make([]byte, Size)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("generate webhook id salt: %w", err)
	}
	return salt, nil
}

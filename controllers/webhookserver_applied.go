package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// appliedObjects remembers what the WebhookServer controller applied to
// each of its objects: the hash of the applied configuration, and the
// object's generation (or, for kinds without one, its resourceVersion) as
// the API server answered. A reconcile that would apply the same
// configuration to an object nobody changed since sends nothing: a burst
// of Workflow status changes, each of which reconciles the WebhookServer
// (status.routes), costs no write to its Deployment, Service, Role, ...
// After a restart of the manager, each object is applied once again.
type appliedObjects struct {
	mu   sync.Mutex
	byID map[string]applied
}

type applied struct {
	hash    string
	version string
}

// configHash is the hash of an applied configuration.
func configHash(content map[string]any) (string, error) {
	raw, err := json.Marshal(content) // map keys are sorted: stable
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// versionOf is what changes when an object is written by anyone: its
// generation where the kind has one (status updates do not move it), else
// its resourceVersion.
func versionOf(obj client.Object) string {
	if g := obj.GetGeneration(); g > 0 {
		return "g" + strconv.FormatInt(g, 10)
	}
	return "rv" + obj.GetResourceVersion()
}

// unchanged tells whether the configuration hash was applied to current
// and current has not been written since.
func (m *appliedObjects) unchanged(id, hash string, current client.Object) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.byID[id]
	return ok && a.hash == hash && a.version == versionOf(current)
}

// remember records what was applied to obj, as the API server answered.
func (m *appliedObjects) remember(id, hash string, obj client.Object) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.byID = map[string]applied{}
	}
	m.byID[id] = applied{hash: hash, version: versionOf(obj)}
}

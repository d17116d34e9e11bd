package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

// runTables remembers the runs tables made, so that a reconcile started by
// a Workflow's status change costs no database round trip.
type runTables struct {
	mu   sync.Mutex
	made map[string]bool
}

func (m *runTables) done(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.made[key]
}

func (m *runTables) mark(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.made == nil {
		m.made = map[string]bool{}
	}
	m.made[key] = true
}

// reconcileRunStore creates the runs table of a WebhookServer whose runs
// are kept in PostgreSQL, once per table and connection string. ok is
// false when ws was marked not Ready.
func (r *WebhookServerReconciler) reconcileRunStore(ctx context.Context, ws *v1alpha1.WebhookServer) (ok bool, err error) {
	table := ws.RunsTable()
	if table == "" {
		return true, nil
	}
	if r.Tables == nil {
		markNotReady(ws, ReasonPostgresDisabled, "This manager was started without PostgreSQL support", true)
		return false, nil
	}
	key, _ := route.ConnectionKey(ws.Spec.RunStore)
	conn, err := connectionString(ctx, r.Reader, ws.Namespace, key)
	if errors.Is(err, errSecretMissing) {
		markNotReady(ws, ReasonSecretNotFound, err.Error(), false)
		return false, nil
	} else if err != nil {
		return false, err
	}
	sum := sha256.Sum256([]byte(conn))
	memo := string(ws.UID) + "/" + table + "/" + hex.EncodeToString(sum[:])
	if r.runTables.done(memo) {
		return true, nil
	}
	if err := r.Tables.MigrateRuns(ctx, conn, table); err != nil {
		markNotReady(ws, ReasonStoreUnavailable, fmt.Sprintf("Cannot create the runs table %s: %v", table, err), false)
		return false, fmt.Errorf("create runs table %s: %w", table, err)
	}
	r.runTables.mark(memo)
	return true, nil
}

// serversUsingSecret maps a Secret to the WebhookServers whose run store's
// connection string it holds.
func (r *WebhookServerReconciler) serversUsingSecret(ctx context.Context, o client.Object) []reconcile.Request {
	return listRequests(ctx, r, &v1alpha1.WebhookServerList{}, client.InNamespace(o.GetNamespace()), client.MatchingFields{IndexStoreSecret: o.GetName()})
}

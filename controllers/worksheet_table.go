package controllers

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

// Reasons of a Worksheet kept in PostgreSQL that is not Ready.
const (
	// ReasonSchemaConflict: the table cannot take the fields (a column of
	// another type, duplicate values under a new unique field).
	ReasonSchemaConflict = "SchemaConflict"
	// ReasonStoreUnavailable: the database could not be reached.
	ReasonStoreUnavailable = "StoreUnavailable"
	// ReasonPostgresDisabled: this manager has no PostgreSQL support.
	ReasonPostgresDisabled = "PostgresDisabled"
)

// PostgresTables creates, migrates and counts PostgreSQL tables.
type PostgresTables interface {
	// Migrate creates the table or brings it up to the fields. An error
	// that only a change of the fields or of the table can mend satisfies
	// IsSchemaConflict.
	Migrate(ctx context.Context, connection, table string, fields []v1alpha1.WorksheetField) error
	// MigrateRuns creates the runs table of a WebhookServer.
	MigrateRuns(ctx context.Context, connection, table string) error
	// Count returns the number of rows.
	Count(ctx context.Context, connection, table string) (int64, error)
	// IsSchemaConflict tells whether err is a conflict between the table
	// and the fields.
	IsSchemaConflict(err error) bool
}

// errSecretMissing marks a connection Secret or key that does not exist.
var errSecretMissing = errors.New("connection Secret missing")

// reconcileTable brings the table of a Worksheet kept in PostgreSQL up to
// its fields and counts its rows. A conflict between the table and the
// fields is terminal (Stalled) until either changes; an unreachable
// database is retried.
func (r *WorksheetReconciler) reconcileTable(ctx context.Context, ws *v1alpha1.Worksheet) error {
	table := ws.PostgresTable()
	ws.Status.Table = table
	if r.Tables == nil {
		markNotReady(ws, ReasonPostgresDisabled, "This manager was started without PostgreSQL support", true)
		return nil
	}
	key, _ := route.ConnectionKey(ws.Spec.Storage)
	conn, err := connectionString(ctx, r.Reader, ws.Namespace, key)
	if errors.Is(err, errSecretMissing) {
		markNotReady(ws, ReasonSecretNotFound, err.Error(), false)
		return nil
	} else if err != nil {
		return err
	}
	if err := r.Tables.Migrate(ctx, conn, table, ws.Spec.Fields); err != nil {
		if r.Tables.IsSchemaConflict(err) {
			markNotReady(ws, ReasonSchemaConflict, err.Error(), true)
			return nil
		}
		markNotReady(ws, ReasonStoreUnavailable, fmt.Sprintf("Cannot migrate table %s: %v", table, err), false)
		return fmt.Errorf("migrate table %s: %w", table, err)
	}
	n, err := r.Tables.Count(ctx, conn, table)
	if err != nil {
		markNotReady(ws, ReasonStoreUnavailable, fmt.Sprintf("Cannot count the rows of table %s: %v", table, err), false)
		return fmt.Errorf("count table %s: %w", table, err)
	}
	ws.Status.Records = n
	markReady(ws, ReasonSucceeded, fmt.Sprintf("Accepting records in %d fields in PostgreSQL table %s", len(ws.Spec.Fields), table))
	return nil
}

// connectionString reads a connection string from a Secret (from the API
// server: the manager caches no Secret data).
func connectionString(ctx context.Context, reader client.Reader, namespace string, key route.SecretKey) (string, error) {
	s := &corev1.Secret{}
	err := reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: key.Name}, s)
	if apierrors.IsNotFound(err) {
		return "", fmt.Errorf("%w: Secret %s not found", errSecretMissing, key.Name)
	} else if err != nil {
		return "", fmt.Errorf("get Secret %s: %w", key.Name, err)
	}
	v := s.Data[key.Key]
	if len(v) == 0 {
		return "", fmt.Errorf("%w: Secret %s has no key %s", errSecretMissing, key.Name, key.Key)
	}
	return string(v), nil
}

package controllers_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestRunStoreNotReady: a WebhookServer whose runs are kept in PostgreSQL
// is not Ready while its connection Secret is missing, nor while the
// database cannot be reached, and says so without showing the connection
// string.
func TestRunStoreNotReady(t *testing.T) {
	ns := newNamespace(t)
	ws := testenv.WebhookServer(ns)
	ws.Spec.RunStore = v1alpha1.StoreSpec{Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{
		ConnectionSecretRef: v1alpha1.SecretKeyReference{Name: "runs-db"},
	}}
	create(t, ws)
	ws = waitCondition(t, ws, v1alpha1.ReadyCondition, metav1.ConditionFalse, "SecretNotFound")
	if msg := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition).Message; !strings.Contains(msg, "runs-db") {
		t.Errorf("message %q does not name the Secret", msg)
	}

	// Nothing listens on port 1 of the loopback address.
	const password = "s3cr3t-pw"
	create(t, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "runs-db"},
		Data:       map[string][]byte{"dsn": []byte("postgres://hookflow:" + password + "@127.0.0.1:1/hookflow?connect_timeout=1")},
	})
	ws = waitCondition(t, ws, v1alpha1.ReadyCondition, metav1.ConditionFalse, "StoreUnavailable")
	msg := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition).Message
	if !strings.Contains(msg, v1alpha1.DefaultRunsTable) {
		t.Errorf("message %q does not name the table %s", msg, v1alpha1.DefaultRunsTable)
	}
	if strings.Contains(msg, password) {
		t.Errorf("message %q shows the password", msg)
	}
}

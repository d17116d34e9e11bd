package serverresources

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ServiceAccount returns the identity of the server pods of ws.
func ServiceAccount(ws *v1alpha1.WebhookServer) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: objectMeta(ws),
	}
}

// Role returns the namespaced Role of the server pods of ws: what the server
// reads into its cache and what it writes, in the namespace of ws only. Of
// the Secrets it may read only its credentials Secret; nothing is granted
// cluster-wide.
func Role(ws *v1alpha1.WebhookServer) *rbacv1.Role {
	return &rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: objectMeta(ws),
		Rules:      serverRules(ws),
	}
}

// RoleBinding returns the binding of Role(ws) to ServiceAccount(ws).
func RoleBinding(ws *v1alpha1.WebhookServer) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: objectMeta(ws),
		RoleRef: rbacv1.RoleRef{
			APIGroup: rbacv1.GroupName,
			Kind:     "Role",
			Name:     ObjectName(ws),
		},
		Subjects: []rbacv1.Subject{{
			Kind:      rbacv1.ServiceAccountKind,
			Name:      ObjectName(ws),
			Namespace: ws.Namespace,
		}},
	}
}

// serverRules are the permissions of `hookflow server`, and no more: it
// records no events.
func serverRules(ws *v1alpha1.WebhookServer) []rbacv1.PolicyRule {
	group := v1alpha1.GroupVersion.Group
	return []rbacv1.PolicyRule{
		{
			// The cache: the definitions the route table is built from.
			APIGroups: []string{group},
			Resources: []string{"webhookservers", "workflows", "worksheets"},
			Verbs:     []string{"get", "list", "watch"},
		},
		{
			// The credentials of appAuth, signatures and stores, which the
			// manager copies into one Secret per WebhookServer: read-only, and
			// that Secret only. A list or watch is allowed when it selects the
			// name (fieldSelector metadata.name=<name>).
			APIGroups:     []string{""},
			Resources:     []string{"secrets"},
			ResourceNames: []string{CredentialsSecretName(ws)},
			Verbs:         []string{"get", "list", "watch"},
		},
		{
			// The CustomResource record store: create a record (values and
			// provenance in one call), get it to tell a retry from a
			// duplicate or to update it, list by an indexed field's label.
			APIGroups: []string{group},
			Resources: []string{"worksheetrecords"},
			Verbs:     []string{"create", "get", "list", "update"},
		},
		{
			// The run history: each replica creates the WorkflowRuns of its
			// runs (a bounded number per flush, see runhistory.Recorder).
			// Idempotent runs (Idempotency-Key) are read by the retries,
			// updated when they finish or are taken over, and deleted when
			// abandoned (see crstore.IdempotentRuns). OnReceipt runs
			// that a dead replica left unfinished are found by one list of
			// the pending runs per interval (webhookserver.Recovery). The
			// manager prunes.
			APIGroups: []string{group},
			Resources: []string{"workflowruns"},
			Verbs:     []string{"create", "delete", "get", "list", "update"},
		},
		{
			// Sample capture: the first request of a capture window is written
			// to status.capture, with a JSON patch whose test operations let
			// exactly one request win. The status only, never the spec.
			APIGroups: []string{group},
			Resources: []string{"workflows/status"},
			Verbs:     []string{"patch"},
		},
	}
}

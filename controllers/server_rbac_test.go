package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/internal/serverresources"
	"github.com/hookflow/hookflow/internal/testenv"
)

// TestServerPodsLeastPrivilege asks the API server (RBAC authorizer, as
// envtest runs it) what the server pods' ServiceAccount may do, once the
// WebhookServer controller applied its Role and RoleBinding.
func TestServerPodsLeastPrivilege(t *testing.T) {
	ns, elsewhere := newNamespace(t), newNamespace(t)
	ws := testenv.WebhookServer(ns)
	create(t, ws)
	name := serverresources.ObjectName(ws)
	eventually(t, "RoleBinding "+name, func() (bool, string) {
		err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &rbacv1.RoleBinding{})
		return err == nil, fmt.Sprint(err)
	})

	sa := serviceAccountUser{namespace: ns, name: name}
	credentials := serverresources.CredentialsSecretName(ws)
	// The authorizer sees a new binding shortly after it is stored.
	eventually(t, "the credentials Secret readable", func() (bool, string) {
		return sa.can(t, access{ns, "get", "", "secrets", credentials}), "not yet"
	})

	allowed := []access{
		{ns, "get", "", "secrets", credentials},
		// list and watch with fieldSelector metadata.name=<credentials>.
		{ns, "list", "", "secrets", credentials},
		{ns, "watch", "", "secrets", credentials},
		{ns, "list", "hookflow.dev", "workflows", ""},
		{ns, "watch", "hookflow.dev", "worksheets", ""},
		{ns, "get", "hookflow.dev", "webhookservers", ws.Name},
		{ns, "create", "hookflow.dev", "worksheetrecords", ""},
		{ns, "update", "hookflow.dev", "worksheetrecords", "orders-0123456789abcdef"},
		// The run history (runhistory.Recorder).
		{ns, "create", "hookflow.dev", "workflowruns", ""},
		{ns, "get", "hookflow.dev", "workflowruns", "idem-0123456789abcdef"},
		{ns, "update", "hookflow.dev", "workflowruns", "idem-0123456789abcdef"},
		{ns, "list", "hookflow.dev", "workflowruns", ""},
		// A sample capture (webhookserver/capture.go).
		{ns, "patch", "hookflow.dev", "workflows/status", "orders-hook"},
	}
	denied := []access{
		{ns, "get", "", "secrets", "shop-app"},
		{ns, "get", "", "secrets", "second-hookflow-credentials"},
		{ns, "list", "", "secrets", ""},
		{ns, "watch", "", "secrets", ""},
		{"", "list", "", "secrets", ""},
		{"", "get", "", "secrets", credentials},
		{elsewhere, "get", "", "secrets", credentials},
		{ns, "update", "", "secrets", credentials},
		{ns, "patch", "", "secrets", credentials},
		{ns, "delete", "", "secrets", credentials},
		{ns, "update", "hookflow.dev", "workflows", "orders-hook"},
		{ns, "patch", "hookflow.dev", "workflows", "orders-hook"},
		{ns, "update", "hookflow.dev", "workflows/status", "orders-hook"},
		{ns, "update", "hookflow.dev", "worksheets", "orders"},
		{ns, "patch", "hookflow.dev", "worksheets", "orders"},
		{ns, "update", "hookflow.dev", "webhookservers", ws.Name},
		{ns, "patch", "hookflow.dev", "webhookservers", ws.Name},
		{ns, "delete", "hookflow.dev", "worksheetrecords", "orders-0123456789abcdef"},
		{elsewhere, "create", "hookflow.dev", "workflowruns", ""},
		{ns, "create", "", "events", ""},
		{ns, "create", "events.k8s.io", "events", ""},
		{ns, "list", "", "pods", ""},
		{ns, "create", "rbac.authorization.k8s.io", "roles", ""},
		{"", "list", "hookflow.dev", "workflows", ""},
	}
	for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete"} {
		denied = append(denied, access{elsewhere, verb, "hookflow.dev", "workflows", ""})
	}
	for _, a := range allowed {
		if !sa.can(t, a) {
			t.Errorf("%s cannot %s, want allowed", sa, a)
		}
	}
	for _, a := range denied {
		if sa.can(t, a) {
			t.Errorf("%s can %s, want denied", sa, a)
		}
	}
}

// access is one request: a verb on a resource (and name) in a namespace
// ("" for cluster-wide).
type access struct {
	namespace, verb, group, resource, name string
}

func (a access) String() string {
	where := "cluster-wide"
	if a.namespace != "" {
		where = "in " + a.namespace
	}
	what := a.resource
	if a.group != "" {
		what += "." + a.group
	}
	if a.name != "" {
		what += " " + a.name
	}
	return fmt.Sprintf("%s %s %s", a.verb, what, where)
}

// serviceAccountUser is how the API server sees a pod of that ServiceAccount.
type serviceAccountUser struct{ namespace, name string }

func (u serviceAccountUser) String() string {
	return "system:serviceaccount:" + u.namespace + ":" + u.name
}

// can asks the API server whether u may make the request a.
func (u serviceAccountUser) can(t *testing.T, a access) bool {
	t.Helper()
	resource, subresource, _ := strings.Cut(a.resource, "/")
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:   u.String(),
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + u.namespace, "system:authenticated"},
		ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace:   a.namespace,
			Verb:        a.verb,
			Group:       a.group,
			Resource:    resource,
			Subresource: subresource,
			Name:        a.name,
		},
	}}
	if err := k8s.Create(context.Background(), review); err != nil {
		t.Fatalf("SubjectAccessReview %s: %v", a, err)
	}
	return review.Status.Allowed
}

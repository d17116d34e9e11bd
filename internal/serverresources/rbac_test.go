package serverresources

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestRoleRules(t *testing.T) {
	want := []rbacv1.PolicyRule{
		{APIGroups: []string{"hookflow.dev"}, Resources: []string{"webhookservers", "workflows", "worksheets"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"default-hookflow-credentials"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"hookflow.dev"}, Resources: []string{"worksheetrecords"}, Verbs: []string{"create", "get", "list", "update"}},
		{APIGroups: []string{"hookflow.dev"}, Resources: []string{"workflowruns"}, Verbs: []string{"create", "delete", "get", "list", "update"}},
		{APIGroups: []string{"hookflow.dev"}, Resources: []string{"workflows/status"}, Verbs: []string{"patch"}},
	}
	role := Role(newServer())
	if role.Name != "default-hookflow" || role.Namespace != "shop" {
		t.Errorf("name = %s/%s", role.Namespace, role.Name)
	}
	if !reflect.DeepEqual(role.Rules, want) {
		t.Errorf("rules = %+v\nwant    %+v", role.Rules, want)
	}
}

func TestRoleGrantsNoMore(t *testing.T) {
	for _, rule := range Role(newServer()).Rules {
		tests := []struct {
			name string
			bad  bool
		}{
			{"wildcard group", slices.Contains(rule.APIGroups, "*")},
			{"wildcard resource", slices.Contains(rule.Resources, "*")},
			{"wildcard verb", slices.Contains(rule.Verbs, "*")},
			{"non-resource URL", len(rule.NonResourceURLs) > 0},
			{"resource names outside secrets (rules must cover the namespace)", len(rule.ResourceNames) > 0 && !slices.Equal(rule.Resources, []string{"secrets"})},
			{"secrets beyond the credentials Secret", slices.Contains(rule.Resources, "secrets") &&
				!slices.Equal(rule.ResourceNames, []string{CredentialsSecretName(newServer())})},
			{"secret write", slices.Contains(rule.Resources, "secrets") &&
				slices.ContainsFunc(rule.Verbs, func(v string) bool { return v != "get" && v != "list" && v != "watch" })},
			{"resource outside hookflow's own and secrets", slices.ContainsFunc(rule.Resources, func(r string) bool {
				return !slices.Contains([]string{"webhookservers", "workflows", "worksheets", "worksheetrecords", "workflowruns", "secrets", "workflows/status"}, r)
			})},
			{"write of a definition", slices.ContainsFunc(rule.Resources, func(r string) bool {
				return r == "webhookservers" || r == "workflows" || r == "worksheets"
			}) && slices.ContainsFunc(rule.Verbs, func(v string) bool { return v != "get" && v != "list" && v != "watch" })},
			// A capture writes status.capture, with a patch, and nothing else.
			{"status write beyond a capture patch", slices.ContainsFunc(rule.Resources, func(r string) bool {
				return r != "workflows/status" && len(r) > 7 && r[len(r)-7:] == "/status"
			}) || (slices.Contains(rule.Resources, "workflows/status") && !slices.Equal(rule.Verbs, []string{"patch"}))},
			// Only an abandoned idempotent run is ever deleted by the server.
			{"delete", (slices.Contains(rule.Verbs, "delete") && !slices.Equal(rule.Resources, []string{"workflowruns"})) ||
				slices.Contains(rule.Verbs, "deletecollection")},
			{"escalation verb", slices.ContainsFunc(rule.Verbs, func(v string) bool {
				return v == "escalate" || v == "bind" || v == "impersonate"
			})},
		}
		for _, tt := range tests {
			if tt.bad {
				t.Errorf("rule %+v: %s", rule, tt.name)
			}
		}
	}
}

func TestServiceAccountAndRoleBinding(t *testing.T) {
	ws := newServer()
	sa := ServiceAccount(ws)
	rb := RoleBinding(ws)
	role := Role(ws)
	pod := Deployment(ws, Options{}).Spec.Template.Spec

	checks := []struct {
		name string
		ok   bool
	}{
		{"service account name", sa.Name == "default-hookflow" && sa.Namespace == "shop"},
		{"service account labels", maps.Equal(sa.Labels, Labels(ws))},
		{"pods use the service account", pod.ServiceAccountName == sa.Name},
		{"binding name", rb.Name == "default-hookflow" && rb.Namespace == "shop"},
		{"binding refers to the namespaced Role", rb.RoleRef == rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name}},
		{"binding subject", reflect.DeepEqual(rb.Subjects, []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: sa.Namespace}})},
	}
	for _, check := range checks {
		if !check.ok {
			t.Errorf("%s: not as expected", check.name)
		}
	}
}

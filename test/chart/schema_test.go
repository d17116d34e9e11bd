package chart

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// schemaRefusal is what Helm says when values break values.schema.json.
const schemaRefusal = "values don't meet the specifications of the schema"

// TestValuesSchemaRefuses renders the chart with one bad value at a time,
// given as a user's values file would, and expects values.schema.json to
// refuse it, naming the field. The default and full values, which the
// schema accepts, are rendered by TestChartDefaultValues and
// TestChartFullValues.
func TestValuesSchemaRefuses(t *testing.T) {
	cases := []struct {
		name   string
		values string
		// field is what the error must name: the JSON pointer of the bad
		// value, or the unknown key.
		field string
	}{
		{"unknown key", "replicas: 2", "'replicas'"},
		{"unknown nested key", "serviceMonitor: {intervall: 30s}", "'intervall'"},
		{"replicaCount not an integer", "replicaCount: two", "'/replicaCount'"},
		{"replicaCount negative", "replicaCount: -1", "'/replicaCount'"},
		{"replicaCount fractional", "replicaCount: 1.5", "'/replicaCount'"},
		{"image.repository empty", "image: {repository: ''}", "'/image/repository'"},
		{"image.pullPolicy not an enum value", "image: {pullPolicy: Sometimes}", "'/image/pullPolicy'"},
		{"imagePullSecrets entry without name", "imagePullSecrets: [{}]", "'/imagePullSecrets/0'"},
		{"existingSecret not a Secret name", "webhookIDSalt: {existingSecret: My_Secret}", "'/webhookIDSalt/existingSecret'"},
		{"leaderElection a string", "leaderElection: 'true'", "'/leaderElection'"},
		{"crds.keep a string", "crds: {keep: 'yes'}", "'/crds/keep'"},
		{"webhookServer.allowCustomImage a string", "webhookServer: {allowCustomImage: 'no'}", "'/webhookServer/allowCustomImage'"},
		{"extraArgs not strings", "extraArgs: [1]", "'/extraArgs/0'"},
		{"nodeSelector value not a string", "nodeSelector: {disktype: 1}", "'/nodeSelector/disktype'"},
		{"metrics.port zero", "metrics: {port: 0}", "'/metrics/port'"},
		{"metrics.port above 65535", "metrics: {port: 70000}", "'/metrics/port'"},
		{"metrics.port the health port", "metrics: {port: 8081}", "'/metrics/port'"},
		{"serviceMonitor without metrics", "{serviceMonitor: {enabled: true}, metrics: {enabled: false}}", "'/metrics/enabled'"},
		{"serviceMonitor.interval not a duration", "serviceMonitor: {interval: 30 seconds}", "'/serviceMonitor/interval'"},
		{"serviceMonitor.scrapeTimeout not a duration", "serviceMonitor: {scrapeTimeout: 10}", "'/serviceMonitor/scrapeTimeout'"},
		{"serviceMonitor.labels value not a label value", "serviceMonitor: {labels: {release: 'kube prometheus'}}", "'/serviceMonitor/labels/release'"},
		{"webhookServers.namespaces not namespace names", "serviceMonitor: {webhookServers: {namespaces: [Shop]}}", "'/serviceMonitor/webhookServers/namespaces/0'"},
		{"webhookServers.namespaces repeated", "serviceMonitor: {webhookServers: {namespaces: [shop, shop]}}", "'/serviceMonitor/webhookServers/namespaces'"},
		{"networkPolicy selector empty", "networkPolicy: {metricsNamespaceSelector: {matchLabels: null}}", "'/networkPolicy/metricsNamespaceSelector'"},
		{"networkPolicy selector operator not an enum value", "networkPolicy: {metricsNamespaceSelector: {matchExpressions: [{key: team, operator: Equals}]}}", "'/networkPolicy/metricsNamespaceSelector/matchExpressions/0/operator'"},
		{"networkPolicy.enabled a string", "networkPolicy: {enabled: 'on'}", "'/networkPolicy/enabled'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]any{}
			if err := yaml.Unmarshal([]byte(tc.values), &values); err != nil {
				t.Fatalf("values %q: %v", tc.values, err)
			}
			_, err := renderChart("default", values)
			if err == nil {
				t.Fatalf("values %s rendered; want the schema to refuse them", tc.values)
			}
			if msg := err.Error(); !strings.Contains(msg, schemaRefusal) || !strings.Contains(msg, tc.field) {
				t.Fatalf("values %s: error %q, want a schema refusal naming %s", tc.values, msg, tc.field)
			}
		})
	}
}

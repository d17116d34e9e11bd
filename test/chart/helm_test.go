package chart

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// fullValuesFile turns on every option of the chart.
const fullValuesFile = "testdata/values-full.yaml"

// serviceMonitorCRD stands in for the Prometheus Operator's CRD.
const serviceMonitorCRD = "testdata/servicemonitor-crd.yaml"

// Kinds of every render, whatever the values: the five CRDs (crds.enabled
// in both files), the manager's RBAC and its Deployment.
var baseKinds = map[string]int{
	"CustomResourceDefinition": 5,
	"ServiceAccount":           1,
	"ClusterRole":              1,
	"ClusterRoleBinding":       1,
	"Role":                     1,
	"RoleBinding":              1,
	"Deployment":               1,
}

func TestChartDefaultValues(t *testing.T) {
	ns := newNamespace(t, "helm-default")
	objs, err := renderChart(ns, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("default values: %d objects %v", len(objs), countKinds(objs))
	// Metrics on, behind their Service; no ServiceMonitor, no NetworkPolicy.
	checkKinds(t, objs, with(baseKinds, "Service", 1))
	applyManifests(t, objs)

	manager := deployment(t, objs)
	checkManagerMetrics(t, objs, manager, 8080)
	for _, crd := range ofKind(objs, "CustomResourceDefinition") {
		if crd.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
			t.Errorf("%s: no helm.sh/resource-policy: keep with crds.keep true", describe(crd))
		}
	}
}

func TestChartFullValues(t *testing.T) {
	ns := newNamespace(t, "helm-full")
	values := readValues(t, fullValuesFile)
	objs, err := renderChart(ns, values)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full values: %d objects %v", len(objs), countKinds(objs))
	checkKinds(t, objs, with(with(with(baseKinds, "Service", 1), "ServiceMonitor", 2), "NetworkPolicy", 1))

	installServiceMonitorCRD(t)
	applyManifests(t, objs)

	manager := deployment(t, objs)
	checkManagerMetrics(t, objs, manager, 8443)
	if got := *manager.Spec.Replicas; got != 2 {
		t.Errorf("manager replicas = %d, want 2", got)
	}
	container := manager.Spec.Template.Spec.Containers[0]
	for _, arg := range []string{"--leader-elect", "--webhook-id-salt-secret=hookflow-salt", "--allow-custom-server-image", "--zap-log-level=debug"} {
		if !slices.Contains(container.Args, arg) {
			t.Errorf("manager args %v lack %s", container.Args, arg)
		}
	}
	if container.Image != "registry.example.com/platform/hookflow:v1.2.3" {
		t.Errorf("manager image = %q", container.Image)
	}
	if got := manager.Spec.Template.Spec.ImagePullSecrets; len(got) != 1 || got[0].Name != "regcred" {
		t.Errorf("imagePullSecrets = %v, want regcred", got)
	}
	for _, crd := range ofKind(objs, "CustomResourceDefinition") {
		if _, kept := crd.GetAnnotations()["helm.sh/resource-policy"]; kept {
			t.Errorf("%s: helm.sh/resource-policy set with crds.keep false", describe(crd))
		}
	}

	monitors := serviceMonitors(t, objs)
	checkManagerServiceMonitor(t, objs, monitors, ns)
	checkWebhookServersServiceMonitor(t, monitors, []string{"shop", "billing"})
	checkNetworkPolicy(t, objs, manager, 8443, true)
}

// TestChartServiceMonitorEveryNamespace turns on the ServiceMonitors alone:
// the webhook servers of every namespace are scraped.
func TestChartServiceMonitorEveryNamespace(t *testing.T) {
	ns := newNamespace(t, "helm-monitor")
	objs, err := renderChart(ns, map[string]any{"serviceMonitor": map[string]any{"enabled": true}})
	if err != nil {
		t.Fatal(err)
	}
	checkKinds(t, objs, with(with(baseKinds, "Service", 1), "ServiceMonitor", 2))
	installServiceMonitorCRD(t)
	applyManifests(t, objs)

	service := serverresources.Service(&v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Namespace: "any", Name: "default"}})
	monitor := selecting(t, serviceMonitors(t, objs), service.Labels)
	if monitor == nil {
		t.Fatalf("no ServiceMonitor selects a WebhookServer's Service (labels %v)", service.Labels)
	}
	if got := monitor.Spec.NamespaceSelector; !got.Any || len(got.MatchNames) > 0 {
		t.Errorf("ServiceMonitor %s namespaceSelector %+v, want any: true", monitor.Name, got)
	}
}

// TestChartMetricsOff renders the chart with the manager's metrics off and
// the NetworkPolicy on: no metrics Service or port, and a policy that lets
// no traffic in.
func TestChartMetricsOff(t *testing.T) {
	ns := newNamespace(t, "helm-no-metrics")
	objs, err := renderChart(ns, map[string]any{
		"metrics":       map[string]any{"enabled": false},
		"networkPolicy": map[string]any{"enabled": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkKinds(t, objs, with(baseKinds, "NetworkPolicy", 1))
	applyManifests(t, objs)

	manager := deployment(t, objs)
	for _, arg := range manager.Spec.Template.Spec.Containers[0].Args {
		if strings.HasPrefix(arg, "--metrics-bind-address") {
			t.Errorf("manager args have %s with metrics off", arg)
		}
	}
	if port := containerPort(manager, "metrics"); port != nil {
		t.Errorf("manager has a metrics port with metrics off: %+v", port)
	}
	checkNetworkPolicy(t, objs, manager, 0, false)
}

// installServiceMonitorCRD installs the stand-in ServiceMonitor CRD.
func installServiceMonitorCRD(t *testing.T) {
	t.Helper()
	crds, err := readManifests(serviceMonitorCRD)
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 1 || crds[0].GetKind() != "CustomResourceDefinition" {
		t.Fatalf("%s: want one CustomResourceDefinition", serviceMonitorCRD)
	}
	installCRD(t, crds[0])
}

// checkKinds fails t unless objs holds exactly want objects of each kind.
func checkKinds(t *testing.T, objs []*unstructured.Unstructured, want map[string]int) {
	t.Helper()
	if got := countKinds(objs); !maps.Equal(got, want) {
		t.Errorf("rendered kinds %v, want %v", got, want)
	}
}

// with returns a copy of counts with kind counted n times.
func with(counts map[string]int, kind string, n int) map[string]int {
	out := maps.Clone(counts)
	out[kind] = n
	return out
}

// checkManagerMetrics checks that the manager serves its metrics on port,
// under the container port "metrics", and that the metrics Service selects
// the manager pods and targets that port by name.
func checkManagerMetrics(t *testing.T, objs []*unstructured.Unstructured, manager *appsv1.Deployment, port int32) {
	t.Helper()
	container := manager.Spec.Template.Spec.Containers[0]
	if flag := "--metrics-bind-address=:" + strconv.Itoa(int(port)); !slices.Contains(container.Args, flag) {
		t.Errorf("manager args %v lack %s", container.Args, flag)
	}
	if got := containerPort(manager, "metrics"); got == nil || got.ContainerPort != port {
		t.Errorf("manager container port metrics = %+v, want %d", got, port)
	}
	services := ofKind(objs, "Service")
	if len(services) != 1 {
		t.Fatalf("%d Services, want the metrics Service", len(services))
	}
	var service corev1.Service
	fromUnstructured(t, services[0], &service)
	if !labels.SelectorFromSet(service.Spec.Selector).Matches(labels.Set(manager.Spec.Template.Labels)) {
		t.Errorf("metrics Service selector %v does not select the manager pods %v", service.Spec.Selector, manager.Spec.Template.Labels)
	}
	if len(service.Spec.Ports) != 1 || service.Spec.Ports[0].Name != "metrics" ||
		service.Spec.Ports[0].Port != port || service.Spec.Ports[0].TargetPort.String() != "metrics" {
		t.Errorf("metrics Service ports %+v, want metrics: %d -> metrics", service.Spec.Ports, port)
	}
}

// checkManagerServiceMonitor checks that one ServiceMonitor scrapes the
// metrics Service, in the release namespace, on its port "metrics".
func checkManagerServiceMonitor(t *testing.T, objs []*unstructured.Unstructured, monitors []*monitoringv1.ServiceMonitor, namespace string) {
	t.Helper()
	services := ofKind(objs, "Service")
	if len(services) != 1 {
		t.Fatalf("%d Services, want the metrics Service", len(services))
	}
	var service corev1.Service
	fromUnstructured(t, services[0], &service)
	monitor := selecting(t, monitors, service.Labels)
	if monitor == nil {
		t.Fatalf("no ServiceMonitor selects the metrics Service (labels %v)", service.Labels)
	}
	if got := monitor.Spec.NamespaceSelector; got.Any || !slices.Equal(got.MatchNames, []string{namespace}) {
		t.Errorf("ServiceMonitor %s namespaceSelector %+v, want the release namespace %s", monitor.Name, got, namespace)
	}
	checkEndpoints(t, monitor, service.Spec.Ports)
	if monitor.Labels["release"] != "kube-prometheus-stack" {
		t.Errorf("ServiceMonitor %s labels %v lack serviceMonitor.labels", monitor.Name, monitor.Labels)
	}
	if got := monitor.Spec.Endpoints[0]; got.Interval != "30s" || got.ScrapeTimeout != "10s" {
		t.Errorf("ServiceMonitor %s interval %q, scrapeTimeout %q, want 30s and 10s", monitor.Name, got.Interval, got.ScrapeTimeout)
	}
}

// checkWebhookServersServiceMonitor checks that one ServiceMonitor selects
// the Service the manager creates for a WebhookServer (built by the
// manager's own code) in namespaces, on its port "metrics".
func checkWebhookServersServiceMonitor(t *testing.T, monitors []*monitoringv1.ServiceMonitor, namespaces []string) {
	t.Helper()
	service := serverresources.Service(&v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "default"}})
	monitor := selecting(t, monitors, service.Labels)
	if monitor == nil {
		t.Fatalf("no ServiceMonitor selects a WebhookServer's Service (labels %v)", service.Labels)
	}
	if got := monitor.Spec.NamespaceSelector; got.Any || !slices.Equal(got.MatchNames, namespaces) {
		t.Errorf("ServiceMonitor %s namespaceSelector %+v, want %v", monitor.Name, got, namespaces)
	}
	checkEndpoints(t, monitor, service.Spec.Ports)
}

// checkEndpoints checks that monitor scrapes /metrics on the port named
// "metrics", which ports has.
func checkEndpoints(t *testing.T, monitor *monitoringv1.ServiceMonitor, ports []corev1.ServicePort) {
	t.Helper()
	if len(monitor.Spec.Endpoints) != 1 {
		t.Fatalf("ServiceMonitor %s has %d endpoints, want 1", monitor.Name, len(monitor.Spec.Endpoints))
	}
	endpoint := monitor.Spec.Endpoints[0]
	if endpoint.Port != "metrics" || endpoint.Path != "/metrics" {
		t.Errorf("ServiceMonitor %s endpoint port %q path %q, want metrics and /metrics", monitor.Name, endpoint.Port, endpoint.Path)
	}
	if !slices.ContainsFunc(ports, func(p corev1.ServicePort) bool { return p.Name == "metrics" }) {
		t.Errorf("the Service of ServiceMonitor %s has no port named metrics: %+v", monitor.Name, ports)
	}
}

// checkNetworkPolicy checks that the NetworkPolicy selects the manager
// pods, restricts ingress only (egress stays open for the API server) and,
// with metrics on, lets in only the labelled namespaces, on port.
func checkNetworkPolicy(t *testing.T, objs []*unstructured.Unstructured, manager *appsv1.Deployment, port int32, metrics bool) {
	t.Helper()
	policies := ofKind(objs, "NetworkPolicy")
	if len(policies) != 1 {
		t.Fatalf("%d NetworkPolicies, want 1", len(policies))
	}
	var policy networkingv1.NetworkPolicy
	fromUnstructured(t, policies[0], &policy)
	selector, err := metav1.LabelSelectorAsSelector(&policy.Spec.PodSelector)
	if err != nil || selector.Empty() || !selector.Matches(labels.Set(manager.Spec.Template.Labels)) {
		t.Errorf("NetworkPolicy podSelector %v does not select the manager pods %v (%v)", policy.Spec.PodSelector, manager.Spec.Template.Labels, err)
	}
	if !slices.Equal(policy.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}) {
		t.Errorf("NetworkPolicy policyTypes %v, want [Ingress]: egress must stay open", policy.Spec.PolicyTypes)
	}
	if !metrics {
		if len(policy.Spec.Ingress) != 0 {
			t.Errorf("NetworkPolicy ingress %+v, want none with metrics off", policy.Spec.Ingress)
		}
		return
	}
	if len(policy.Spec.Ingress) != 1 {
		t.Fatalf("NetworkPolicy ingress %+v, want one rule", policy.Spec.Ingress)
	}
	rule := policy.Spec.Ingress[0]
	if len(rule.Ports) != 1 || rule.Ports[0].Port == nil || rule.Ports[0].Port.IntValue() != int(port) {
		t.Errorf("NetworkPolicy ports %+v, want %d only", rule.Ports, port)
	}
	if len(rule.From) != 1 || rule.From[0].NamespaceSelector == nil || rule.From[0].PodSelector != nil || rule.From[0].IPBlock != nil {
		t.Fatalf("NetworkPolicy from %+v, want one namespaceSelector", rule.From)
	}
	namespaces, err := metav1.LabelSelectorAsSelector(rule.From[0].NamespaceSelector)
	if err != nil {
		t.Fatal(err)
	}
	monitoring := labels.Set{"metrics": "enabled", "kubernetes.io/metadata.name": "monitoring"}
	other := labels.Set{"kubernetes.io/metadata.name": "shop"}
	if !namespaces.Matches(monitoring) || namespaces.Matches(other) {
		t.Errorf("NetworkPolicy namespaceSelector %q: want it to let in %v and not %v", namespaces, monitoring, other)
	}
}

// deployment returns the manager Deployment of objs.
func deployment(t *testing.T, objs []*unstructured.Unstructured) *appsv1.Deployment {
	t.Helper()
	deployments := ofKind(objs, "Deployment")
	if len(deployments) != 1 {
		t.Fatalf("%d Deployments, want the manager", len(deployments))
	}
	var d appsv1.Deployment
	fromUnstructured(t, deployments[0], &d)
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("manager Deployment has %d containers, want 1", len(d.Spec.Template.Spec.Containers))
	}
	return &d
}

// containerPort returns the port named name of the manager container.
func containerPort(manager *appsv1.Deployment, name string) *corev1.ContainerPort {
	for _, p := range manager.Spec.Template.Spec.Containers[0].Ports {
		if p.Name == name {
			return &p
		}
	}
	return nil
}

// serviceMonitors decodes the ServiceMonitors of objs into the Prometheus
// Operator's types, refusing unknown fields: the stand-in CRD keeps any
// field, so this is what catches a misspelt one.
func serviceMonitors(t *testing.T, objs []*unstructured.Unstructured) []*monitoringv1.ServiceMonitor {
	t.Helper()
	var monitors []*monitoringv1.ServiceMonitor
	for _, obj := range ofKind(objs, "ServiceMonitor") {
		var monitor monitoringv1.ServiceMonitor
		fromUnstructured(t, obj, &monitor)
		monitors = append(monitors, &monitor)
	}
	return monitors
}

// selecting returns the one ServiceMonitor of monitors whose selector
// matches a Service labelled serviceLabels, or nil.
func selecting(t *testing.T, monitors []*monitoringv1.ServiceMonitor, serviceLabels map[string]string) *monitoringv1.ServiceMonitor {
	t.Helper()
	var found *monitoringv1.ServiceMonitor
	for _, monitor := range monitors {
		selector, err := metav1.LabelSelectorAsSelector(&monitor.Spec.Selector)
		if err != nil {
			t.Fatalf("ServiceMonitor %s selector: %v", monitor.Name, err)
		}
		if selector.Empty() || !selector.Matches(labels.Set(serviceLabels)) {
			continue
		}
		if found != nil {
			t.Fatalf("ServiceMonitors %s and %s both select a Service labelled %v", found.Name, monitor.Name, serviceLabels)
		}
		found = monitor
	}
	return found
}

// fromUnstructured converts obj into the typed out, failing on a field the
// type does not have.
func fromUnstructured(t *testing.T, obj *unstructured.Unstructured, out runtime.Object) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, out, true); err != nil {
		t.Fatalf("%s: %v", describe(obj), err)
	}
}

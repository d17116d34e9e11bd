// Package gitops checks the GitOps recipes under config/samples/gitops: the
// Argo CD Application and health check, and the Flux HelmRelease, its source
// and the Kustomization for Workflows.
package gitops

import (
	"os"
	"path"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// expectedKinds maps each kind the recipes may hold to its apiVersion.
var expectedKinds = map[string]string{
	"Application":    "argoproj.io/v1alpha1",
	"ConfigMap":      "v1",
	"HelmRelease":    "helm.toolkit.fluxcd.io/v2",
	"HelmRepository": "source.toolkit.fluxcd.io/v1",
	"GitRepository":  "source.toolkit.fluxcd.io/v1",
	"Kustomization":  "kustomize.toolkit.fluxcd.io/v1",
}

// argoCDHealthKey is the argocd-cm key of the Lua health check of Workflows.
const argoCDHealthKey = "resource.customizations.health.hookflow.dev_Workflow"

func TestRecipesHaveExpectedKinds(t *testing.T) {
	manifests := loadManifests(t)
	for _, m := range manifests {
		want, ok := expectedKinds[m.obj.GetKind()]
		if !ok {
			t.Errorf("%s: unexpected kind %q", m.file, m.obj.GetKind())
			continue
		}
		if m.obj.GetAPIVersion() != want {
			t.Errorf("%s: %s has apiVersion %q, want %q", m.file, m.obj.GetKind(), m.obj.GetAPIVersion(), want)
		}
		if m.obj.GetName() == "" {
			t.Errorf("%s: %s has no metadata.name", m.file, m.obj.GetKind())
		}
	}
	for _, kind := range []string{"Application", "ConfigMap", "HelmRelease", "Kustomization"} {
		if len(ofKind(manifests, kind)) == 0 {
			t.Errorf("no %s in %s", kind, samplesDir)
		}
	}
	if len(ofKind(manifests, "GitRepository"))+len(ofKind(manifests, "HelmRepository")) == 0 {
		t.Errorf("no GitRepository or HelmRepository in %s", samplesDir)
	}
}

func TestArgoCDApplicationInstallsChart(t *testing.T) {
	defaults := readYAMLMap(t, path.Join(chartDir, "values.yaml"))
	apps := ofKind(loadManifests(t), "Application")
	if len(apps) == 0 {
		t.Fatal("no Application")
	}
	for _, app := range apps {
		if got := nestedString(t, app, "spec", "source", "path"); got != "charts/hookflow" {
			t.Errorf("%s: spec.source.path = %q, want charts/hookflow", app.file, got)
		}
		if nestedString(t, app, "spec", "source", "repoURL") == "" {
			t.Errorf("%s: spec.source.repoURL is empty", app.file)
		}
		if got := nestedString(t, app, "spec", "destination", "namespace"); got != "hookflow-system" {
			t.Errorf("%s: spec.destination.namespace = %q, want hookflow-system (the README's install namespace)", app.file, got)
		}
		values, _, err := unstructured.NestedMap(app.obj.Object, "spec", "source", "helm", "valuesObject")
		if err != nil {
			t.Fatalf("%s: spec.source.helm.valuesObject: %v", app.file, err)
		}
		if unknown := unknownValueKeys(values, defaults, ""); len(unknown) > 0 {
			t.Errorf("%s: values not in charts/hookflow/values.yaml: %v", app.file, unknown)
		}
	}
}

func TestFluxHelmReleaseInstallsChart(t *testing.T) {
	chartName, _, _ := unstructured.NestedString(readYAMLMap(t, path.Join(chartDir, "Chart.yaml")), "name")
	if chartName == "" {
		t.Fatal("charts/hookflow/Chart.yaml has no name")
	}
	defaults := readYAMLMap(t, path.Join(chartDir, "values.yaml"))
	manifests := loadManifests(t)
	releases := ofKind(manifests, "HelmRelease")
	if len(releases) == 0 {
		t.Fatal("no HelmRelease")
	}
	for _, release := range releases {
		chart := nestedString(t, release, "spec", "chart", "spec", "chart")
		if path.Base(chart) != chartName {
			t.Errorf("%s: spec.chart.spec.chart = %q, want the chart %q", release.file, chart, chartName)
		}
		sourceKind := nestedString(t, release, "spec", "chart", "spec", "sourceRef", "kind")
		sourceName := nestedString(t, release, "spec", "chart", "spec", "sourceRef", "name")
		if sourceKind == "GitRepository" && path.Clean(chart) != "charts/hookflow" {
			t.Errorf("%s: with a GitRepository source the chart is a path; got %q, want ./charts/hookflow", release.file, chart)
		}
		if !defined(manifests, sourceKind, sourceName, release.obj.GetNamespace()) {
			t.Errorf("%s: sourceRef %s/%s is not defined in %s", release.file, sourceKind, sourceName, samplesDir)
		}
		values, _, err := unstructured.NestedMap(release.obj.Object, "spec", "values")
		if err != nil {
			t.Fatalf("%s: spec.values: %v", release.file, err)
		}
		if len(values) == 0 {
			t.Errorf("%s: spec.values is empty; the recipe should show where values go", release.file)
		}
		if unknown := unknownValueKeys(values, defaults, ""); len(unknown) > 0 {
			t.Errorf("%s: values not in charts/hookflow/values.yaml: %v", release.file, unknown)
		}
	}
}

func TestFluxKustomizationWaitsForWorkflows(t *testing.T) {
	manifests := loadManifests(t)
	kustomizations := ofKind(manifests, "Kustomization")
	if len(kustomizations) == 0 {
		t.Fatal("no Kustomization")
	}
	for _, k := range kustomizations {
		sourceKind := nestedString(t, k, "spec", "sourceRef", "kind")
		sourceName := nestedString(t, k, "spec", "sourceRef", "name")
		if !defined(manifests, sourceKind, sourceName, k.obj.GetNamespace()) {
			t.Errorf("%s: sourceRef %s/%s is not defined in %s", k.file, sourceKind, sourceName, samplesDir)
		}
		wait, _, _ := unstructured.NestedBool(k.obj.Object, "spec", "wait")
		checks, _, err := unstructured.NestedSlice(k.obj.Object, "spec", "healthChecks")
		if err != nil {
			t.Fatalf("%s: spec.healthChecks: %v", k.file, err)
		}
		checksWorkflow := false
		for _, check := range checks {
			fields, ok := check.(map[string]any)
			if ok && fields["kind"] == "Workflow" && fields["apiVersion"] == "hookflow.dev/v1alpha1" && fields["name"] != nil {
				checksWorkflow = true
			}
		}
		if !wait && !checksWorkflow {
			t.Errorf("%s: neither spec.wait nor a spec.healthChecks entry for a hookflow.dev/v1alpha1 Workflow", k.file)
		}
	}
}

// TestArgoCDHealthReadsReadyCondition checks the text of the Lua health check:
// gopher-lua is not a dependency of this module, so the script is not run.
func TestArgoCDHealthReadsReadyCondition(t *testing.T) {
	var script string
	for _, cm := range ofKind(loadManifests(t), "ConfigMap") {
		if cm.obj.GetName() != "argocd-cm" {
			t.Errorf("%s: ConfigMap %q, want argocd-cm", cm.file, cm.obj.GetName())
		}
		script = nestedString(t, cm, "data", argoCDHealthKey)
	}
	if script == "" {
		t.Fatalf("no argocd-cm ConfigMap with data key %s", argoCDHealthKey)
	}
	// Each step must appear, in this order: generation not yet observed ->
	// Progressing; Ready=True -> Healthy; Ready=False -> Degraded with the
	// message; no Ready condition -> Progressing.
	steps := []string{
		"obj.metadata.generation",
		"obj.status.observedGeneration < generation",
		`hs.status = "Progressing"`,
		`condition.type == "Ready"`,
		"condition.observedGeneration < generation",
		`condition.status == "True"`,
		`hs.status = "Healthy"`,
		`condition.status == "False"`,
		`hs.status = "Degraded"`,
		"condition.message",
		`hs.status = "Progressing"`,
		"return hs",
	}
	rest := script
	for _, step := range steps {
		i := strings.Index(rest, step)
		if i < 0 {
			t.Fatalf("health script lacks %q after the previous steps", step)
		}
		rest = rest[i+len(step):]
	}
}

func TestREADMENamesEveryRecipe(t *testing.T) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatalf("reading README: %v", err)
	}
	_, section, found := strings.Cut(string(readme), "### GitOps (Argo CD, Flux)")
	if !found {
		t.Fatal(`README has no "### GitOps (Argo CD, Flux)" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	entries, err := os.ReadDir(samplesDir)
	if err != nil {
		t.Fatalf("reading %s: %v", samplesDir, err)
	}
	for _, entry := range entries {
		if !strings.Contains(section, "config/samples/gitops/"+entry.Name()) {
			t.Errorf("README's GitOps section does not name config/samples/gitops/%s", entry.Name())
		}
	}
}

// ofKind returns the manifests of one kind.
func ofKind(manifests []manifest, kind string) []manifest {
	var out []manifest
	for _, m := range manifests {
		if m.obj.GetKind() == kind {
			out = append(out, m)
		}
	}
	return out
}

// defined tells whether a manifest of the kind and name exists in namespace.
func defined(manifests []manifest, kind, name, namespace string) bool {
	for _, m := range ofKind(manifests, kind) {
		if m.obj.GetName() == name && m.obj.GetNamespace() == namespace {
			return true
		}
	}
	return false
}

// nestedString returns a string field, failing the test if it is not a string.
func nestedString(t *testing.T, m manifest, fields ...string) string {
	t.Helper()
	value, _, err := unstructured.NestedString(m.obj.Object, fields...)
	if err != nil {
		t.Fatalf("%s: %s: %v", m.file, strings.Join(fields, "."), err)
	}
	return value
}

package chart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// chartDir is charts/hookflow, from this package's directory.
const chartDir = "../../charts/hookflow"

// releaseName is the name of the rendered release.
const releaseName = "hookflow"

// renderChart renders charts/hookflow as `helm install --dry-run` (client
// only) would for a release in namespace with values: the values are
// merged onto values.yaml and validated against values.schema.json, the
// templates and NOTES.txt are rendered. It returns the objects of the
// manifest, in the order Helm would install them.
func renderChart(namespace string, values map[string]any) ([]*unstructured.Unstructured, error) {
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", chartDir, err)
	}
	install := action.NewInstall(&action.Configuration{})
	install.ReleaseName = releaseName
	install.Namespace = namespace
	install.DryRun = true
	install.ClientOnly = true
	install.Replace = true
	rel, err := install.Run(chrt, values)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", chartDir, err)
	}
	if len(rel.Hooks) > 0 {
		return nil, fmt.Errorf("render %s: %d hooks; the tests apply only the manifest", chartDir, len(rel.Hooks))
	}
	return decodeManifests([]byte(rel.Manifest))
}

// readValues reads a values file.
func readValues(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return values
}

// readManifests parses the objects of a YAML file.
func readManifests(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	objs, err := decodeManifests(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return objs, nil
}

// decodeManifests parses the objects of a multi-document YAML stream,
// skipping empty documents.
func decodeManifests(data []byte) ([]*unstructured.Unstructured, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []*unstructured.Unstructured
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("split manifests: %w", err)
		}
		fields := map[string]any{}
		if err := yaml.UnmarshalStrict(doc, &fields); err != nil {
			return nil, fmt.Errorf("parse a manifest: %w\n%s", err, doc)
		}
		if len(fields) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{Object: fields}
		if obj.GetKind() == "" || obj.GetAPIVersion() == "" || obj.GetName() == "" {
			return nil, fmt.Errorf("a manifest lacks apiVersion, kind or metadata.name:\n%s", doc)
		}
		objs = append(objs, obj)
	}
}

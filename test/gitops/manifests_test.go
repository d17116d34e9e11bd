package gitops

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Paths from this package's directory to the files under test.
const (
	samplesDir = "../../config/samples/gitops"
	chartDir   = "../../charts/hookflow"
	readmePath = "../../README.md"
)

// manifest is one YAML document of a file under config/samples/gitops.
type manifest struct {
	file string
	obj  *unstructured.Unstructured
}

// loadManifests parses every YAML document of every file in samplesDir.
func loadManifests(t *testing.T) []manifest {
	t.Helper()
	entries, err := os.ReadDir(samplesDir)
	if err != nil {
		t.Fatalf("reading %s: %v", samplesDir, err)
	}
	var manifests []manifest
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(samplesDir, entry.Name()))
		if err != nil {
			t.Fatalf("reading %s: %v", entry.Name(), err)
		}
		docs, err := splitDocuments(data)
		if err != nil {
			t.Fatalf("%s: %v", entry.Name(), err)
		}
		if len(docs) == 0 {
			t.Errorf("%s holds no YAML document", entry.Name())
		}
		for i, doc := range docs {
			var fields map[string]any
			if err := yaml.Unmarshal(doc, &fields); err != nil {
				t.Fatalf("%s, document %d: %v", entry.Name(), i+1, err)
			}
			manifests = append(manifests, manifest{file: entry.Name(), obj: &unstructured.Unstructured{Object: fields}})
		}
	}
	return manifests
}

// splitDocuments returns the non-empty documents of a multi-document YAML file.
func splitDocuments(data []byte) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("splitting documents: %w", err)
		}
		var fields map[string]any
		if err := yaml.Unmarshal(doc, &fields); err != nil {
			return nil, fmt.Errorf("parsing a document: %w", err)
		}
		if len(fields) > 0 {
			docs = append(docs, doc)
		}
	}
}

// readYAMLMap parses a YAML file into a map.
func readYAMLMap(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var fields map[string]any
	if err := yaml.Unmarshal(data, &fields); err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	return fields
}

// unknownValueKeys lists the keys of values, at every depth, that defaults
// (the chart's values.yaml) does not have. Below a key whose default is an
// empty map (podAnnotations: {}) any key is allowed.
func unknownValueKeys(values, defaults map[string]any, prefix string) []string {
	var unknown []string
	for key, value := range values {
		def, ok := defaults[key]
		if !ok {
			unknown = append(unknown, prefix+key)
			continue
		}
		valueMap, isMap := value.(map[string]any)
		defMap, defIsMap := def.(map[string]any)
		if isMap && defIsMap && len(defMap) > 0 {
			unknown = append(unknown, unknownValueKeys(valueMap, defMap, prefix+key+".")...)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// Package senders checks config/samples/senders: one Workflow per signature
// preset, each valid against the CRDs (a dry-run create on a real API
// server), and the README's presets section that points to them. The
// senders' signing libraries installed here (package.json) are used by
// webhookserver/senders_test.go.
package senders

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/testenv"
)

const (
	samplesDir = "../../config/samples/senders"
	readmePath = "../../README.md"
)

var k8s client.Client

func TestMain(m *testing.M) {
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k8s, err = client.New(env.Config, client.Options{Scheme: env.Scheme})
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// sample is one YAML document of a file of samplesDir.
type sample struct {
	file string
	obj  *unstructured.Unstructured
}

func loadSamples(t *testing.T) []sample {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("samples in %s: %d files, %v", samplesDir, len(files), err)
	}
	var out []sample
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range strings.Split(string(data), "\n---\n") {
			var fields map[string]any
			if err := yaml.Unmarshal([]byte(doc), &fields); err != nil {
				t.Fatalf("%s, document %d: %v", f, i+1, err)
			}
			if len(fields) > 0 {
				out = append(out, sample{file: filepath.Base(f), obj: &unstructured.Unstructured{Object: fields}})
			}
		}
	}
	return out
}

// TestSamplesCoverEveryPreset: one Workflow per preset, each with its
// Secret in the same file, every file listed in the kustomization, and the
// StandardWebhooks placeholder a well-formed whsec_ secret (else the
// Workflow would not be Ready).
func TestSamplesCoverEveryPreset(t *testing.T) {
	presets := map[string]string{}
	secrets := map[string]map[string]any{}
	for _, s := range loadSamples(t) {
		switch s.obj.GetKind() {
		case "Secret":
			data, _, _ := unstructured.NestedMap(s.obj.Object, "stringData")
			secrets[s.obj.GetName()] = data
		case "Workflow":
			preset, _, _ := unstructured.NestedString(s.obj.Object, "spec", "trigger", "webhook", "security", "signature", "preset")
			if other, dup := presets[preset]; dup {
				t.Errorf("preset %q in %s and %s", preset, other, s.file)
			}
			presets[preset] = s.file
		}
	}
	var got []string
	for p := range presets {
		got = append(got, p)
	}
	sort.Strings(got)
	if want := "GitHub Shopify Slack StandardWebhooks Stripe"; strings.Join(got, " ") != want {
		t.Errorf("presets of the samples: %v, want %s", got, want)
	}
	sw, _ := secrets["standard-webhooks"]["secret"].(string)
	if _, err := signing.ParseStandardWebhooksSecret([]byte(sw)); err != nil {
		t.Errorf("the StandardWebhooks sample's secret: %v", err)
	}
	kustomization, err := os.ReadFile(filepath.Join(samplesDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range presets {
		if !strings.Contains(string(kustomization), "- "+file) {
			t.Errorf("kustomization.yaml does not list %s", file)
		}
	}
}

// TestSamplesAreValidAgainstTheCRDs: the API server accepts every object of
// the samples (dry-run create: schema, CEL rules, enums), in a namespace of
// its own.
func TestSamplesAreValidAgainstTheCRDs(t *testing.T) {
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "senders-"}}
	if err := k8s.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	for _, s := range loadSamples(t) {
		obj := s.obj.DeepCopy()
		obj.SetNamespace(ns.Name)
		if err := k8s.Create(ctx, obj, client.DryRunAll); err != nil {
			t.Errorf("%s: %s %s refused: %v", s.file, obj.GetKind(), obj.GetName(), err)
		}
	}
}

// TestREADMENamesEveryPresetSample: the README's presets section names
// each preset and each sample file.
func TestREADMENamesEveryPresetSample(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, "## Signature presets")
	if start < 0 {
		t.Fatal(`README has no "## Signature presets" section`)
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	for _, s := range loadSamples(t) {
		if !strings.Contains(section, "config/samples/senders/"+s.file) {
			t.Errorf("the presets section does not name config/samples/senders/%s", s.file)
		}
	}
	for _, p := range []string{"GitHub", "Stripe", "Slack", "Shopify", "StandardWebhooks"} {
		if !strings.Contains(section, "`"+p+"`") {
			t.Errorf("the presets section does not name `%s`", p)
		}
	}
}

package devenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/webhookserver"
)

const (
	sampleNamespace = "default"
	// fieldOwner owns what the dev environment applies.
	fieldOwner = "hookflow-dev"
)

// sample is an object of a sample manifest.
type sample struct {
	obj  *unstructured.Unstructured
	file string
}

// readSamples reads every object of the YAML files in dir, not in its
// subdirectories, in the order of the file names; an object that names no
// namespace gets "default".
func readSamples(dir string) ([]sample, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var samples []sample
	for _, file := range files {
		if filepath.Base(file) == "kustomization.yaml" {
			continue
		}
		objs, err := readManifests(file)
		if err != nil {
			return nil, err
		}
		for _, u := range objs {
			if u.GetNamespace() == "" {
				u.SetNamespace(sampleNamespace)
			}
			samples = append(samples, sample{obj: u, file: file})
		}
	}
	return samples, nil
}

// namespacesOf returns the namespaces of the samples, sorted.
func namespacesOf(samples []sample) []string {
	seen := map[string]bool{}
	var namespaces []string
	for _, s := range samples {
		if ns := s.obj.GetNamespace(); !seen[ns] {
			seen[ns] = true
			namespaces = append(namespaces, ns)
		}
	}
	sort.Strings(namespaces)
	return namespaces
}

// applySamples server-side applies the samples in order and returns the
// keys of the Workflows among them.
func applySamples(ctx context.Context, c client.Client, samples []sample) ([]client.ObjectKey, error) {
	var workflows []client.ObjectKey
	for _, s := range samples {
		u := s.obj
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
			return nil, fmt.Errorf("apply %s %s from %s: %w", u.GetKind(), u.GetName(), s.file, err)
		}
		if u.GroupVersionKind() == v1alpha1.GroupVersion.WithKind("Workflow") {
			workflows = append(workflows, client.ObjectKeyFromObject(u))
		}
	}
	return workflows, nil
}

func readManifests(file string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return objs, nil
			}
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

// sampleState is what became of a sample Workflow.
type sampleState struct {
	workflow *v1alpha1.Workflow
	// problem says why the Workflow is not served; empty when it is.
	problem string
	// sheets are the Worksheets its steps write, once it is served.
	sheets []sheetState
}

// waitServed waits until each Workflow is Ready at its generation and in
// the server's route table. A Workflow that the controller found unusable,
// or that is not served within timeout, is reported with its Ready
// condition, and the others are still served.
func waitServed(ctx context.Context, c client.Reader, srv *webhookserver.Server, keys []client.ObjectKey, timeout time.Duration) ([]sampleState, error) {
	out := make([]sampleState, 0, len(keys))
	for _, key := range keys {
		wf := &v1alpha1.Workflow{}
		var problem string
		err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
			if err := c.Get(ctx, key, wf); err != nil {
				return false, err
			}
			ready := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
			if ready == nil || ready.ObservedGeneration != wf.Generation {
				problem = "the controller has not judged it yet"
				return false, nil
			}
			if ready.Status != metav1.ConditionTrue {
				problem = ready.Reason + ": " + ready.Message
				return meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.StalledCondition), nil
			}
			problem = "not in the route table yet"
			if srv.Routes().Load().Lookup(wf.Status.WebhookID) == nil {
				return false, nil
			}
			problem = ""
			return true, nil
		})
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, sampleState{workflow: wf, problem: problem})
	}
	return out, nil
}

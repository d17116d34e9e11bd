package chart

import (
	"context"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// fieldOwner is the field manager of every apply of the tests.
const fieldOwner = "hookflow-chart-test"

// establishTimeout bounds the wait for an installed CRD to be served.
const establishTimeout = 30 * time.Second

// applyManifests applies objs as an installation would, in its order: the
// CRDs for real (forcing ownership, as the default values, the full values
// and kustomize install the same CRDs), waiting until the API server serves
// them, then the Namespaces for real, then every other object with
// server-side apply and dryRun=All, so that the API server validates it
// (schema, unknown fields, admission) without keeping it.
func applyManifests(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	ctx := context.Background()
	for _, obj := range ofKind(objs, "CustomResourceDefinition") {
		installCRD(t, obj)
	}
	for _, obj := range ofKind(objs, "Namespace") {
		if err := apply(ctx, obj); err != nil {
			t.Fatalf("apply %s: %v", describe(obj), err)
		}
	}
	for _, obj := range objs {
		if kind := obj.GetKind(); kind == "CustomResourceDefinition" || kind == "Namespace" {
			continue
		}
		if err := apply(ctx, obj, client.DryRunAll); err != nil {
			t.Errorf("dry-run apply %s: %v", describe(obj), err)
		}
	}
}

// installCRD applies the CustomResourceDefinition obj for real and waits
// until it is Established.
func installCRD(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	ctx := context.Background()
	if err := apply(ctx, obj); err != nil {
		t.Fatalf("install %s: %v", describe(obj), err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, establishTimeout, true, func(ctx context.Context) (bool, error) {
		if err := apiServer.Get(ctx, client.ObjectKey{Name: obj.GetName()}, &crd); err != nil {
			return false, err
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("%s not established: %v; conditions %+v", describe(obj), err, crd.Status.Conditions)
	}
}

// apply is a server-side apply of obj by fieldOwner, taking over fields
// another apply of the tests set.
func apply(ctx context.Context, obj *unstructured.Unstructured, opts ...client.ApplyOption) error {
	opts = append([]client.ApplyOption{client.FieldOwner(fieldOwner), client.ForceOwnership}, opts...)
	return apiServer.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj.DeepCopy()), opts...)
}

// ofKind returns the objects of objs of kind.
func ofKind(objs []*unstructured.Unstructured, kind string) []*unstructured.Unstructured {
	var found []*unstructured.Unstructured
	for _, obj := range objs {
		if obj.GetKind() == kind {
			found = append(found, obj)
		}
	}
	return found
}

// countKinds returns how many objects of each kind objs holds.
func countKinds(objs []*unstructured.Unstructured) map[string]int {
	counts := map[string]int{}
	for _, obj := range objs {
		counts[obj.GetKind()]++
	}
	return counts
}

// describe names obj in messages: "Kind namespace/name".
func describe(obj *unstructured.Unstructured) string {
	if obj.GetNamespace() == "" {
		return obj.GetKind() + " " + obj.GetName()
	}
	return obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
}

// TestDryRunApplyRefusesInvalidObjects shows that the dry-run applies of
// the other tests can fail: the API server refuses an unknown field, a
// value its schema forbids, and an object in a namespace that does not
// exist, and keeps nothing of a valid dry run.
func TestDryRunApplyRefusesInvalidObjects(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t, "dry-run")
	configMap := func(namespace string, extra map[string]any) *unstructured.Unstructured {
		obj := map[string]any{
			"apiVersion": "v1",
			"kind":       "ConfigMap",
			"metadata":   map[string]any{"name": "probe", "namespace": namespace},
			"data":       map[string]any{"key": "value"},
		}
		for k, v := range extra {
			obj[k] = v
		}
		return &unstructured.Unstructured{Object: obj}
	}
	refused := map[string]struct {
		obj  *unstructured.Unstructured
		want string
	}{
		"unknown field":     {configMap(ns, map[string]any{"spec": map[string]any{"replicas": int64(1)}}), ".spec"},
		"wrong type":        {configMap(ns, map[string]any{"data": map[string]any{"key": int64(1)}}), "data"},
		"missing namespace": {configMap("does-not-exist", nil), "not found"},
	}
	for name, tc := range refused {
		t.Run(name, func(t *testing.T) {
			err := apply(ctx, tc.obj, client.DryRunAll)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("dry-run apply: err = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	valid := configMap(ns, nil)
	if err := apply(ctx, valid, client.DryRunAll); err != nil {
		t.Fatalf("dry-run apply of a valid ConfigMap: %v", err)
	}
	var got unstructured.Unstructured
	got.SetGroupVersionKind(valid.GroupVersionKind())
	if err := apiServer.Get(ctx, client.ObjectKeyFromObject(valid), &got); err == nil {
		t.Fatalf("the dry run created %s", describe(valid))
	}
}

// newNamespace creates a namespace named prefix-<n> for one test.
func newNamespace(t *testing.T, prefix string) string {
	t.Helper()
	ns := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Namespace",
		"metadata":   map[string]any{"generateName": prefix + "-"},
	}}
	if err := apiServer.Create(context.Background(), ns); err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	return ns.GetName()
}

package chart

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kustomizeDir is config/default, what `make deploy` builds.
const kustomizeDir = "../../config/default"

// kustomizeNamespace is the namespace config/default installs into.
const kustomizeNamespace = "hookflow-system"

func TestKustomizeDefault(t *testing.T) {
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), kustomizeDir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", kustomizeDir, err)
	}
	manifest, err := resources.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeManifests(manifest)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("config/default: %d objects %v", len(objs), countKinds(objs))
	checkKinds(t, objs, with(baseKinds, "Namespace", 1))
	for _, obj := range objs {
		switch obj.GetKind() {
		case "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding":
		default:
			if obj.GetNamespace() != kustomizeNamespace {
				t.Errorf("%s is not in %s", describe(obj), kustomizeNamespace)
			}
		}
	}
	applyManifests(t, objs)

	// The replacement of config/default keeps the server image equal to
	// the manager's.
	manager := deployment(t, objs)
	container := manager.Spec.Template.Spec.Containers[0]
	if env := envVar(container.Env, "HOOKFLOW_SERVER_IMAGE"); env == nil || env.Value != container.Image {
		t.Errorf("HOOKFLOW_SERVER_IMAGE = %+v, want the manager's image %q", env, container.Image)
	}
}

// envVar returns the variable name of env, or nil.
func envVar(env []corev1.EnvVar, name string) *corev1.EnvVar {
	for i := range env {
		if env[i].Name == name {
			return &env[i]
		}
	}
	return nil
}

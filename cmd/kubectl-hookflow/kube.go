package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

var (
	workflowsResource = v1alpha1.GroupVersion.WithResource("workflows")
	secretsResource   = corev1.SchemeGroupVersion.WithResource("secrets")
)

// kubeFlags are kubectl's flags for reaching a cluster: --kubeconfig,
// --context, -n/--namespace, --as, --token, ... (the flags
// k8s.io/cli-runtime's ConfigFlags binds, from the same client-go code).
type kubeFlags struct {
	loading   *clientcmd.ClientConfigLoadingRules
	overrides clientcmd.ConfigOverrides
}

func bindKubeFlags(fs *pflag.FlagSet) *kubeFlags {
	k := &kubeFlags{loading: clientcmd.NewDefaultClientConfigLoadingRules()}
	fs.StringVar(&k.loading.ExplicitPath, clientcmd.RecommendedConfigPathFlag, "", "Path to the kubeconfig file to use")
	clientcmd.BindOverrideFlags(&k.overrides, fs, clientcmd.RecommendedConfigOverrideFlags(""))
	return k
}

// kube reads Workflows and Secrets of one namespace with the user's own
// credentials. A dynamic client needs no discovery round trip and keeps the
// plugin small.
type kube struct {
	client    dynamic.Interface
	namespace string
}

func (k *kubeFlags) connect() (*kube, error) {
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(k.loading, &k.overrides)
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.UserAgent = "kubectl-hookflow"
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &kube{client: client, namespace: ns}, nil
}

// workflow reads the Workflow name.
func (k *kube) workflow(ctx context.Context, name string) (*v1alpha1.Workflow, error) {
	wf := &v1alpha1.Workflow{}
	if err := k.get(ctx, workflowsResource, "Workflow", name, wf); err != nil {
		return nil, err
	}
	return wf, nil
}

// secretValues reads the values of the Secret keys wf's security needs
// (route.SecretKeys): each Secret once. A Secret or key that is missing or
// empty is an error naming it.
func (k *kube) secretValues(ctx context.Context, wf *v1alpha1.Workflow) (secretValues, error) {
	values := secretValues{}
	secrets := map[string]*corev1.Secret{}
	for _, key := range route.SecretKeys(wf) {
		s, ok := secrets[key.Name]
		if !ok {
			s = &corev1.Secret{}
			if err := k.get(ctx, secretsResource, "Secret", key.Name, s); err != nil {
				return nil, fmt.Errorf("%w (named by %s of Workflow %q)", err, neededBy(wf, key), wf.Name)
			}
			secrets[key.Name] = s
		}
		v, ok := s.Data[key.Key]
		switch {
		case !ok:
			return nil, fmt.Errorf("key %q missing from Secret %q in namespace %q (needed by %s of Workflow %q)", key.Key, key.Name, k.namespace, neededBy(wf, key), wf.Name)
		case len(v) == 0:
			return nil, fmt.Errorf("key %q of Secret %q in namespace %q is empty (needed by %s of Workflow %q)", key.Key, key.Name, k.namespace, neededBy(wf, key), wf.Name)
		}
		values[key] = v
	}
	return values, nil
}

// get reads the object name of resource into out, with a one-line error for
// the usual failures.
func (k *kube) get(ctx context.Context, resource schema.GroupVersionResource, kind, name string, out any) error {
	u, err := k.client.Resource(resource).Namespace(k.namespace).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err) && apiMissing(err):
		return fmt.Errorf("the API of %s (%s) is not served by this cluster: are the hookflow CRDs installed?", kind, resource.GroupVersion())
	case apierrors.IsNotFound(err):
		return &notFoundError{kind: kind, name: name, namespace: k.namespace}
	case apierrors.IsForbidden(err):
		return fmt.Errorf("not allowed to read %s %q in namespace %q: %w", kind, name, k.namespace, err)
	case err != nil:
		return fmt.Errorf("read %s %q in namespace %q: %w", kind, name, k.namespace, err)
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out); err != nil {
		return fmt.Errorf("decode %s %q: %w", kind, name, err)
	}
	return nil
}

// notFoundError is get's error for an object that does not exist (its API
// does).
type notFoundError struct{ kind, name, namespace string }

func (e *notFoundError) Error() string {
	return fmt.Sprintf("%s %q not found in namespace %q", e.kind, e.name, e.namespace)
}

// apiMissing tells a 404 of an unknown resource type (a plain-text "404
// page not found", which client-go turns into a NotFound with an
// unexpected-response cause) from a 404 of a missing object.
func apiMissing(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return false
	}
	for _, c := range status.Status().Details.Causes {
		if c.Type == metav1.CauseTypeUnexpectedServerResponse {
			return true
		}
	}
	return false
}

package controllers

import (
	"context"
	"fmt"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// CredentialsReconciler keeps, for each WebhookServer, one Secret holding
// exactly the Secret keys that its Workflows' security references (see
// serverresources.CredentialsSecret). The server pods read that Secret and
// no other, so a Secret of the namespace that no Workflow names never
// reaches an internet-facing pod.
//
// The manager caches the metadata of Secrets only: a change of a referenced
// Secret (its resourceVersion) starts a reconcile, which reads the Secrets
// it needs from the API server. A reconcile costs one GET per referenced
// Secret plus one for the credentials Secret, and a write only when the
// credentials changed.
type CredentialsReconciler struct {
	client.Client
	// Reader reads Secrets from the API server.
	Reader client.Reader
}

// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update;patch

// Reconcile brings the credentials Secret of a WebhookServer up to date.
func (r *CredentialsReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ws := &v1alpha1.WebhookServer{}
	if err := r.Get(ctx, req.NamespacedName, ws); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !ws.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil // the credentials are garbage-collected with it
	}
	data, err := r.credentials(ctx, ws)
	if err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, r.write(ctx, ws, data)
}

// credentials reads the keys that ws needs: those the security of its
// Workflows references, the connection strings of the Worksheets kept in
// PostgreSQL that they write to, and that of its own run store. Absent
// Secrets and keys are left out (the Workflow, Worksheet and WebhookServer
// controllers report them).
func (r *CredentialsReconciler) credentials(ctx context.Context, ws *v1alpha1.WebhookServer) (map[string][]byte, error) {
	keys, err := r.keysOf(ctx, ws)
	if err != nil {
		return nil, err
	}
	secrets := map[string]*corev1.Secret{}
	data := map[string][]byte{}
	for _, key := range keys {
		s, seen := secrets[key.Name]
		if !seen {
			s = &corev1.Secret{}
			err := r.Reader.Get(ctx, client.ObjectKey{Namespace: ws.Namespace, Name: key.Name}, s)
			if apierrors.IsNotFound(err) {
				s = nil
			} else if err != nil {
				return nil, fmt.Errorf("get Secret %s: %w", key.Name, err)
			}
			secrets[key.Name] = s
		}
		if s == nil {
			continue
		}
		if v := s.Data[key.Key]; len(v) > 0 {
			data[key.CredentialsKey()] = v
		}
	}
	return data, nil
}

// keysOf lists the Secret keys ws needs, from the cache.
func (r *CredentialsReconciler) keysOf(ctx context.Context, ws *v1alpha1.WebhookServer) ([]route.SecretKey, error) {
	var wfs v1alpha1.WorkflowList
	if err := r.List(ctx, &wfs, client.InNamespace(ws.Namespace), client.MatchingFields{IndexServer: ws.Name}); err != nil {
		return nil, fmt.Errorf("list Workflows: %w", err)
	}
	var keys []route.SecretKey
	if key, ok := route.ConnectionKey(ws.Spec.RunStore); ok {
		keys = append(keys, key)
	}
	sheets := map[string]bool{}
	for i := range wfs.Items {
		wf := &wfs.Items[i]
		if !wf.DeletionTimestamp.IsZero() {
			continue
		}
		keys = append(keys, route.SecretKeys(wf)...)
		for _, name := range route.Worksheets(wf) {
			if sheets[name] {
				continue
			}
			sheets[name] = true
			sheet := &v1alpha1.Worksheet{}
			if err := r.Get(ctx, client.ObjectKey{Namespace: ws.Namespace, Name: name}, sheet); apierrors.IsNotFound(err) {
				continue
			} else if err != nil {
				return nil, fmt.Errorf("get Worksheet %s: %w", name, err)
			}
			if key, ok := route.ConnectionKey(sheet.Spec.Storage); ok {
				keys = append(keys, key)
			}
		}
	}
	return keys, nil
}

// write creates or updates the credentials Secret when its data differ.
func (r *CredentialsReconciler) write(ctx context.Context, ws *v1alpha1.WebhookServer, data map[string][]byte) error {
	want := serverresources.CredentialsSecret(ws, data)
	if err := controllerutil.SetControllerReference(ws, want, r.Scheme()); err != nil {
		return fmt.Errorf("own credentials Secret: %w", err)
	}
	have := &corev1.Secret{}
	err := r.Reader.Get(ctx, client.ObjectKeyFromObject(want), have)
	switch {
	case apierrors.IsNotFound(err):
		if err := r.Create(ctx, want); err != nil {
			return fmt.Errorf("create credentials Secret %s: %w", want.Name, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("get credentials Secret %s: %w", want.Name, err)
	}
	if equalData(have.Data, data) && maps.Equal(have.Labels, want.Labels) {
		return nil
	}
	have.Data, have.Labels, have.OwnerReferences = data, want.Labels, want.OwnerReferences
	if err := r.Update(ctx, have); err != nil {
		return fmt.Errorf("update credentials Secret %s: %w", want.Name, err)
	}
	return nil
}

func equalData(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, func(x, y []byte) bool { return string(x) == string(y) })
}

// SetupWithManager registers the controller. SetupIndexes must run first.
func (r *CredentialsReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.WebhookServer{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.Workflow{}, handler.EnqueueRequestsFromMapFunc(workflowServer),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.Worksheet{}, handler.EnqueueRequestsFromMapFunc(r.serversWriting),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.serversUsing),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		Named("credentials").
		Complete(r)
}

// serversUsing maps a Secret to the WebhookServers whose Workflows reference
// it, and a credentials Secret to its WebhookServer (so that a hand edit is
// undone).
func (r *CredentialsReconciler) serversUsing(ctx context.Context, o client.Object) []reconcile.Request {
	if server, ok := strings.CutSuffix(o.GetName(), serverresources.CredentialsSecretName(&v1alpha1.WebhookServer{})); ok && server != "" {
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: server}}}
	}
	wfs, err := workflowsUsingSecret(ctx, r.Client, o)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list the Workflows of a Secret", "secret", o.GetName())
		return nil
	}
	if storesUseSecret(ctx, r.Client, o) {
		// A connection string: rare, and any server of the namespace may
		// write to the Worksheet or keep its runs there.
		return r.serversOf(ctx, o.GetNamespace())
	}
	return serversOfWorkflows(o.GetNamespace(), wfs)
}

// serversWriting maps a Worksheet to the WebhookServers of its namespace:
// whether it is kept in PostgreSQL, and with which connection string,
// changes what their credentials hold.
func (r *CredentialsReconciler) serversWriting(ctx context.Context, o client.Object) []reconcile.Request {
	wfs := &v1alpha1.WorkflowList{}
	if err := r.List(ctx, wfs, client.InNamespace(o.GetNamespace()), client.MatchingFields{IndexWorksheet: o.GetName()}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list the Workflows of a Worksheet", "worksheet", o.GetName())
		return nil
	}
	return serversOfWorkflows(o.GetNamespace(), wfs.Items)
}

// serversOf returns every WebhookServer of a namespace.
func (r *CredentialsReconciler) serversOf(ctx context.Context, namespace string) []reconcile.Request {
	return listRequests(ctx, r, &v1alpha1.WebhookServerList{}, client.InNamespace(namespace))
}

func serversOfWorkflows(namespace string, wfs []v1alpha1.Workflow) []reconcile.Request {
	seen := map[string]bool{}
	var reqs []reconcile.Request
	for i := range wfs {
		if name := wfs[i].ServerName(); !seen[name] {
			seen[name] = true
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKey{Namespace: namespace, Name: name}})
		}
	}
	return reqs
}

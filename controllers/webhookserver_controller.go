package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// WebhookServer condition reasons.
const (
	ReasonLocalServer     = "LocalServer"
	ReasonReplicasPending = "ReplicasNotReady"
	ReasonScaledToZero    = "ScaledToZero"
)

// fieldOwner is the server-side apply manager of the objects the controller owns.
const fieldOwner = client.FieldOwner("hookflow")

// WebhookServerReconciler deploys the webhook server of each WebhookServer
// and reports its URL, ready replicas and routes.
type WebhookServerReconciler struct {
	client.Client
	Recorder recorder.EventRecorder
	// URLs resolves the base URL; with URLs.Local set nothing is deployed,
	// as the local development server serves every Workflow.
	URLs ServerURLs
	// ServerImage is used when spec.image is empty.
	ServerImage string
	// AllowCustomImage honours spec.image; without it a WebhookServer that
	// sets one is not deployed (see customImageRefused).
	AllowCustomImage bool
	// Reader reads connection Secrets from the API server.
	Reader client.Reader
	// Tables creates the runs tables of WebhookServers whose runs are kept
	// in PostgreSQL; nil refuses them.
	Tables PostgresTables

	runTables runTables
	applied   appliedObjects
}

// +kubebuilder:rbac:groups=hookflow.dev,resources=webhookservers,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=webhookservers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=webhookservers/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=services;serviceaccounts,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles;rolebindings,verbs=get;list;watch;create;update;patch;delete
//
// The server Role grants these (see serverresources.Role); the API server
// lets the manager create it only if the manager holds them too.
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheetrecords,verbs=create;get;list;update;watch
// +kubebuilder:rbac:groups=hookflow.dev,resources=workflowruns,verbs=create;get;list;update;delete
// +kubebuilder:rbac:groups=hookflow.dev,resources=workflows/status,verbs=patch

// Reconcile adds the finalizer, applies the server's objects and writes the
// status in one deferred patch.
func (r *WebhookServerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return ctrl.Result{}, reconcileObject(ctx, r.Client, r.Recorder, req.NamespacedName, &v1alpha1.WebhookServer{}, webhookServerDeleted, r.reconcile)
}

func (r *WebhookServerReconciler) reconcile(ctx context.Context, ws *v1alpha1.WebhookServer) error {
	ws.Status.URL = r.URLs.BaseURL(ws)
	routes, err := r.countRoutes(ctx, ws)
	if err != nil {
		return err
	}
	ws.Status.Routes = routes

	if ok, err := r.reconcileRunStore(ctx, ws); !ok {
		return err
	}
	if r.URLs.Local != "" {
		markReady(ws, ReasonLocalServer, "Served by the local development server at "+r.URLs.Local)
		return nil
	}
	if refused := customImageRefused(ws, r.AllowCustomImage); refused != "" {
		// Terminal: only a change of the spec or of the manager helps.
		markNotReady(ws, ReasonCustomImageNotAllowed, refused, true)
		return nil
	}
	deploy, err := r.applyObjects(ctx, ws)
	if err != nil {
		markNotReady(ws, "ApplyFailed", err.Error(), false)
		return err
	}
	ws.Status.ReadyReplicas = deploy.Status.ReadyReplicas
	want := serverresources.Replicas(ws)
	switch {
	case want == 0:
		markNotReady(ws, ReasonScaledToZero, "spec.replicas is 0: nothing serves the webhooks", false)
	case deploy.Status.ReadyReplicas == 0 || deploy.Status.ObservedGeneration < deploy.Generation:
		markNotReady(ws, ReasonReplicasPending, fmt.Sprintf("%d/%d replicas ready", deploy.Status.ReadyReplicas, want), false)
	default:
		markReady(ws, ReasonSucceeded, fmt.Sprintf("%d/%d replicas ready, serving %s", deploy.Status.ReadyReplicas, want, ws.Status.URL))
	}
	return nil
}

// applyObjects applies the server's objects with server-side apply, deletes
// the optional ones no longer wanted, and returns the Deployment as applied.
func (r *WebhookServerReconciler) applyObjects(ctx context.Context, ws *v1alpha1.WebhookServer) (*appsv1.Deployment, error) {
	deploy := serverresources.Deployment(ws, serverresources.Options{Image: r.ServerImage})
	wanted := []client.Object{
		serverresources.ServiceAccount(ws),
		serverresources.Role(ws),
		serverresources.RoleBinding(ws),
		serverresources.Service(ws),
		deploy,
	}
	if pdb := serverresources.PodDisruptionBudget(ws); pdb != nil {
		wanted = append(wanted, pdb)
	} else if err := r.deleteOwned(ctx, ws, &policyv1.PodDisruptionBudget{}); err != nil {
		return nil, err
	}
	if ing := serverresources.Ingress(ws); ing != nil {
		wanted = append(wanted, ing)
	} else if err := r.deleteOwned(ctx, ws, &networkingv1.Ingress{}); err != nil {
		return nil, err
	}
	for _, obj := range wanted {
		if err := r.apply(ctx, ws, obj); err != nil {
			return nil, err
		}
	}
	return deploy, nil
}

// apply server-side applies obj, owned by ws; obj is updated with the answer.
func (r *WebhookServerReconciler) apply(ctx context.Context, ws *v1alpha1.WebhookServer, obj client.Object) error {
	gvk, err := apiutil.GVKForObject(obj, r.Scheme())
	if err != nil {
		return err
	}
	if err := controllerutil.SetControllerReference(ws, obj, r.Scheme()); err != nil {
		return fmt.Errorf("own %s: %w", gvk.Kind, err)
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("convert %s: %w", gvk.Kind, err)
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(gvk)
	unstructured.RemoveNestedField(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	hash, err := configHash(u.Object)
	if err != nil {
		return fmt.Errorf("hash %s: %w", gvk.Kind, err)
	}
	id := gvk.Kind + "/" + obj.GetNamespace() + "/" + obj.GetName()
	// The object as cached (obj's content is in u now): when it is as last
	// applied, nothing is sent, and obj is the cached object.
	if err := r.Get(ctx, client.ObjectKeyFromObject(obj), obj); err == nil && r.applied.unchanged(id, hash, obj) {
		return nil
	}
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), fieldOwner, client.ForceOwnership); err != nil {
		return fmt.Errorf("apply %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return fmt.Errorf("read applied %s: %w", gvk.Kind, err)
	}
	r.applied.remember(id, hash, obj)
	return nil
}

// deleteOwned deletes the object of the server's name and obj's kind if ws owns it.
func (r *WebhookServerReconciler) deleteOwned(ctx context.Context, ws *v1alpha1.WebhookServer, obj client.Object) error {
	key := client.ObjectKey{Namespace: ws.Namespace, Name: serverresources.ObjectName(ws)}
	if err := r.Get(ctx, key, obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	if !metav1.IsControlledBy(obj, ws) {
		return nil
	}
	if err := r.Delete(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %T %s: %w", obj, key.Name, err)
	}
	return nil
}

// countRoutes counts the Workflows bound to ws that are Ready at their
// current generation.
func (r *WebhookServerReconciler) countRoutes(ctx context.Context, ws *v1alpha1.WebhookServer) (int32, error) {
	var wfs v1alpha1.WorkflowList
	if err := r.List(ctx, &wfs, client.InNamespace(ws.Namespace), client.MatchingFields{IndexServer: ws.Name}); err != nil {
		return 0, fmt.Errorf("list Workflows: %w", err)
	}
	var n int32
	for i := range wfs.Items {
		wf := &wfs.Items[i]
		if c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition); c != nil &&
			c.Status == metav1.ConditionTrue && c.ObservedGeneration == wf.Generation {
			n++
		}
	}
	return n, nil
}

func webhookServerDeleted(*v1alpha1.WebhookServer) string {
	return "WebhookServer deleted; its Deployment and Service are garbage-collected"
}

// SetupWithManager registers the controller. SetupIndexes must run first.
func (r *WebhookServerReconciler) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.WebhookServer{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		// Any change of a bound Workflow's readiness changes status.routes.
		Watches(&v1alpha1.Workflow{}, handler.EnqueueRequestsFromMapFunc(workflowServer)).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.serversUsingSecret),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		Named("webhookserver")
	if r.URLs.Local == "" {
		b = b.Owns(&appsv1.Deployment{}).
			Owns(&corev1.Service{}).
			Owns(&corev1.ServiceAccount{}).
			Owns(&rbacv1.Role{}).
			Owns(&rbacv1.RoleBinding{}).
			Owns(&policyv1.PodDisruptionBudget{}).
			Owns(&networkingv1.Ingress{})
	}
	return b.Complete(r)
}

func workflowServer(_ context.Context, o client.Object) []reconcile.Request {
	wf := o.(*v1alpha1.Workflow)
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: wf.Namespace, Name: wf.ServerName()}}}
}

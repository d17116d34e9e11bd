// Package controllers holds the reconcilers of the hookflow kinds.
package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/webhookid"
)

// Workflow condition reasons, besides those of package route.
const (
	ReasonDisabled              = "Disabled"
	ReasonWebhookServerNotFound = "WebhookServerNotFound"
	ReasonWebhookIDConflict     = "WebhookIDConflict"
)

// WorkflowReconciler validates and compiles Workflows, and reports their
// webhook id, URL and parameters.
type WorkflowReconciler struct {
	client.Client
	// Reader reads Secrets from the API server: the manager caches only
	// their metadata.
	Reader   client.Reader
	Recorder recorder.EventRecorder
	// IDSalt keys the derivation of webhook ids (see package webhookid).
	IDSalt []byte
	// URLs gives the base URL of a WebhookServer.
	URLs ServerURLs
	// CaptureWindow is how long a capture window stays open;
	// DefaultCaptureWindow when 0. For tests.
	CaptureWindow time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// +kubebuilder:rbac:groups=hookflow.dev,resources=workflows,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=workflows/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=hookflow.dev,resources=workflows/finalizers,verbs=update
// +kubebuilder:rbac:groups=hookflow.dev,resources=worksheets;webhookservers,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile adds the finalizer, compiles the Workflow and writes its status
// in one deferred patch, then announces what changed for its route (see
// routeChange).
func (r *WorkflowReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var res ctrl.Result
	err := reconcileAnnounced(ctx, r.Client, routeEvents{rec: r.Recorder}, req.NamespacedName, &v1alpha1.Workflow{},
		func(ctx context.Context, wf *v1alpha1.Workflow) error {
			res.RequeueAfter = r.reconcileCapture(wf)
			return r.reconcile(ctx, wf)
		})
	return res, err
}

func (r *WorkflowReconciler) reconcile(ctx context.Context, wf *v1alpha1.Workflow) error {
	id := wf.Spec.Trigger.Webhook.ID
	if id == "" {
		id = webhookid.Derive(r.IDSalt, wf.Namespace, wf.Name)
	}
	wf.Status.WebhookID = id
	setLabel(wf, v1alpha1.WebhookIDLabel, id)

	// Compile first: the parameters do not depend on the server, and the
	// status reports them for the current generation whatever else is wrong.
	sheets, err := r.worksheets(ctx, wf)
	if err != nil {
		return err
	}
	rt, err := route.Compile(wf, sheets)
	if err != nil {
		ce, ok := route.AsError(err)
		if !ok {
			return fmt.Errorf("compile: %w", err)
		}
		wf.Status.Parameters = nil
		markNotReady(wf, ce.Reason, ce.Error(), ce.Terminal())
		return r.setURL(ctx, wf, id)
	}
	wf.Status.Parameters = parameterStatus(rt)

	if err := r.setURL(ctx, wf, id); err != nil {
		return err
	}
	if wf.Status.WebhookURL == "" {
		markNotReady(wf, ReasonWebhookServerNotFound,
			fmt.Sprintf("WebhookServer %q not found in namespace %s", wf.ServerName(), wf.Namespace), false)
		return nil
	}
	if other, err := r.idTakenBy(ctx, wf, id); err != nil {
		return err
	} else if other != "" {
		markNotReady(wf, ReasonWebhookIDConflict, fmt.Sprintf("webhook id %s is already used by %s", id, other), false)
		return nil
	}
	if reason, problem, err := r.secretProblem(ctx, wf); err != nil {
		return err
	} else if problem != "" {
		markNotReady(wf, reason, problem, false)
		return nil
	}
	if !wf.IsEnabled() {
		markNotReady(wf, ReasonDisabled, "Workflow is disabled: its URL answers 404", false)
		return nil
	}
	markReady(wf, ReasonSucceeded, "Serving "+wf.Status.WebhookURL)
	return nil
}

// setURL sets the webhook URL from the Workflow's WebhookServer, or clears
// it when the server does not exist.
func (r *WorkflowReconciler) setURL(ctx context.Context, wf *v1alpha1.Workflow, id string) error {
	server := &v1alpha1.WebhookServer{}
	err := r.Get(ctx, client.ObjectKey{Namespace: wf.Namespace, Name: wf.ServerName()}, server)
	switch {
	case apierrors.IsNotFound(err):
		wf.Status.WebhookURL = ""
	case err != nil:
		return fmt.Errorf("get WebhookServer %s: %w", wf.ServerName(), err)
	default:
		wf.Status.WebhookURL = r.URLs.BaseURL(server) + "/hooks/" + id
	}
	return nil
}

// worksheets fetches the Worksheets the steps use; missing ones are left out
// for route.Compile to report.
func (r *WorkflowReconciler) worksheets(ctx context.Context, wf *v1alpha1.Workflow) (map[string]*v1alpha1.Worksheet, error) {
	sheets := map[string]*v1alpha1.Worksheet{}
	for _, name := range route.Worksheets(wf) {
		ws := &v1alpha1.Worksheet{}
		err := r.Get(ctx, client.ObjectKey{Namespace: wf.Namespace, Name: name}, ws)
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return nil, fmt.Errorf("get Worksheet %s: %w", name, err)
		default:
			sheets[name] = ws
		}
	}
	return sheets, nil
}

// idTakenBy describes an older Workflow with the same webhook id, or returns
// "". The oldest Workflow keeps an id; younger ones wait. A holder in wf's
// namespace is named ("Workflow <namespace>/<name>"); one in another
// namespace is not, as a tenant must learn nothing of another's Workflows.
func (r *WorkflowReconciler) idTakenBy(ctx context.Context, wf *v1alpha1.Workflow, id string) (string, error) {
	var others v1alpha1.WorkflowList
	if err := r.List(ctx, &others, client.MatchingLabels{v1alpha1.WebhookIDLabel: id}); err != nil {
		return "", fmt.Errorf("list Workflows with webhook id %s: %w", id, err)
	}
	holder := ""
	for i := range others.Items {
		o := &others.Items[i]
		if o.UID == wf.UID || !o.DeletionTimestamp.IsZero() || !route.Older(o, wf) {
			continue
		}
		if o.Namespace == wf.Namespace {
			return "Workflow " + o.Namespace + "/" + o.Name, nil
		}
		holder = "a Workflow in another namespace"
	}
	return holder, nil
}

// webhookIDLabelTampered passes the updates in which someone else changed
// or removed the webhook id label, so that it is restored. The controller's
// own first write of the label does not pass: the reconcile it would start
// could read the cache before the status written right after it, and
// announce Ready a second time.
var webhookIDLabelTampered = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		was := e.ObjectOld.GetLabels()[v1alpha1.WebhookIDLabel]
		return was != "" && was != e.ObjectNew.GetLabels()[v1alpha1.WebhookIDLabel]
	},
}

// SetupWithManager registers the controller. SetupIndexes must run first.
func (r *WorkflowReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Workflow{}, builder.WithPredicates(predicate.Or[client.Object](
			predicate.GenerationChangedPredicate{}, webhookIDLabelTampered, captureChanged))).
		Watches(&v1alpha1.Worksheet{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(IndexWorksheet)),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.WebhookServer{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(IndexServer)),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		// A Secret its security uses appeared, changed or went.
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.workflowsOfSecret),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		// When a Workflow goes or changes its id, the younger ones that shared
		// its id get another chance.
		Watches(&v1alpha1.Workflow{}, handler.EnqueueRequestsFromMapFunc(r.sameWebhookID)).
		Named("workflow").
		Complete(r)
}

// byIndex maps an object to the Workflows of its namespace that reference it
// through a field index.
func (r *WorkflowReconciler) byIndex(index string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		var wfs v1alpha1.WorkflowList
		if err := r.List(ctx, &wfs, client.InNamespace(o.GetNamespace()), client.MatchingFields{index: o.GetName()}); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Cannot list Workflows", "index", index)
			return nil
		}
		return requestsFor(wfs.Items)
	}
}

func (r *WorkflowReconciler) sameWebhookID(ctx context.Context, o client.Object) []reconcile.Request {
	id := o.GetLabels()[v1alpha1.WebhookIDLabel]
	if id == "" {
		return nil
	}
	var wfs v1alpha1.WorkflowList
	if err := r.List(ctx, &wfs, client.MatchingLabels{v1alpha1.WebhookIDLabel: id}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list Workflows", "webhookID", id)
		return nil
	}
	var others []v1alpha1.Workflow
	for _, wf := range wfs.Items {
		if wf.UID != o.GetUID() {
			others = append(others, wf)
		}
	}
	return requestsFor(others)
}

func requestsFor(wfs []v1alpha1.Workflow) []reconcile.Request {
	reqs := make([]reconcile.Request, 0, len(wfs))
	for _, wf := range wfs {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&wf)})
	}
	return reqs
}

func parameterStatus(rt *route.Route) []v1alpha1.ParameterStatus {
	out := make([]v1alpha1.ParameterStatus, 0, len(rt.Parameters))
	for _, p := range rt.Parameters {
		out = append(out, v1alpha1.ParameterStatus{
			Name: p.Path, Path: p.Path, Type: p.Type, Required: p.Required, Description: p.Description,
		})
	}
	return out
}

func setLabel(o client.Object, key, value string) {
	labels := o.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[key] = value
	o.SetLabels(labels)
}

package webhookserver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// Scope selects the Workflows a server serves.
type Scope struct {
	// Namespace to serve; empty for all (the local development server).
	Namespace string
	// Server is the WebhookServer whose Workflows are served; empty for all.
	Server string
}

// RouteSync keeps Routes in step with the Workflows, Worksheets and
// WebhookServers in the cache. It is a controller-runtime Runnable.
type RouteSync struct {
	Cache  cache.Cache
	Scope  Scope
	Routes *Routes
	Log    logr.Logger
	// OnBuilt is called after each table is stored.
	OnBuilt func(*Table)

	compiled map[string]*route.Route // by compileKey
	served   map[types.UID]*Entry
	limiters map[types.UID]*limiter
	slots    map[string]*Slots // by WebhookServer namespace/name
}

// NeedLeaderElection is false: every replica serves.
func (r *RouteSync) NeedLeaderElection() bool { return false }

// Start watches the cache and rebuilds the table after every change, until
// ctx is done. Changes that arrive during a build are folded into one more
// build.
func (r *RouteSync) Start(ctx context.Context) error {
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}
	for _, obj := range []client.Object{&v1alpha1.Workflow{}, &v1alpha1.Worksheet{}, &v1alpha1.WebhookServer{}, &corev1.Secret{}} {
		inf, err := r.Cache.GetInformer(ctx, obj)
		if err != nil {
			return fmt.Errorf("informer for %T: %w", obj, err)
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return fmt.Errorf("watch %T: %w", obj, err)
		}
	}
	if !r.Cache.WaitForCacheSync(ctx) {
		return errors.New("cache did not sync")
	}
	for {
		if err := r.rebuild(ctx); err != nil {
			r.Log.Error(err, "Route table not rebuilt; keeping the previous one")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
	}
}

func (r *RouteSync) rebuild(ctx context.Context) error {
	var (
		workflows v1alpha1.WorkflowList
		sheets    v1alpha1.WorksheetList
		servers   v1alpha1.WebhookServerList
		secrets   corev1.SecretList
	)
	opts := []client.ListOption{}
	if r.Scope.Namespace != "" {
		opts = append(opts, client.InNamespace(r.Scope.Namespace))
	}
	for _, list := range []client.ObjectList{&workflows, &sheets, &servers, &secrets} {
		if err := r.Cache.List(ctx, list, opts...); err != nil {
			return fmt.Errorf("list %T: %w", list, err)
		}
	}
	byKey := indexServers(servers.Items)
	table := r.build(workflows.Items, indexSheets(sheets.Items), byKey, credentialsOf(byKey, secrets.Items))
	r.Routes.Store(table)
	r.Log.V(1).Info("Route table rebuilt", "routes", table.Len())
	if r.OnBuilt != nil {
		r.OnBuilt(table)
	}
	return nil
}

// build decides, for each Workflow, whether and how it is served: a Workflow
// whose Ready condition is True at its current generation is compiled (or
// taken from the compile cache); one whose new generation the controller has
// not judged yet keeps its previous route; all others are not served.
// Oldest Workflows come first, so on an id conflict the oldest wins.
//
// creds holds the data of each WebhookServer's credentials Secret, by
// namespace/name of the WebhookServer.
func (r *RouteSync) build(workflows []v1alpha1.Workflow, sheets map[string]map[string]*v1alpha1.Worksheet,
	servers map[string]*v1alpha1.WebhookServer, creds map[string]map[string][]byte) *Table {
	sort.Slice(workflows, func(i, j int) bool { return route.Older(&workflows[i], &workflows[j]) })
	compiled := make(map[string]*route.Route, len(workflows))
	served := make(map[types.UID]*Entry, len(workflows))
	entries := make([]*Entry, 0, len(workflows))
	settings := map[string]*serverSettings{}
	if r.limiters == nil {
		r.limiters = map[types.UID]*limiter{}
	}
	for i := range workflows {
		wf := &workflows[i]
		if (r.Scope.Server != "" && wf.ServerName() != r.Scope.Server) || !wf.IsEnabled() || wf.Status.WebhookID == "" ||
			!wf.DeletionTimestamp.IsZero() || writesToDeletedSheet(wf, sheets[wf.Namespace]) {
			// Nothing is written under an owner about to be collected.
			continue
		}
		if w := captureWindowOf(wf); w != nil {
			serverKey := wf.Namespace + "/" + wf.ServerName()
			if entry := r.captureEntry(wf, w, r.settingsFor(serverKey, servers[serverKey], creds[serverKey], settings)); entry != nil {
				served[wf.UID] = entry
				entries = append(entries, entry)
			}
			continue
		}
		var entry *Entry
		switch ready := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition); {
		case ready != nil && ready.Status == metav1.ConditionTrue && ready.ObservedGeneration == wf.Generation:
			nsSheets := sheets[wf.Namespace]
			key := compileKey(wf, nsSheets)
			rt := r.compiled[key]
			if rt == nil {
				var err error
				if rt, err = route.Compile(wf, nsSheets); err != nil {
					r.Log.Info("Workflow is Ready but does not compile here; not serving it", "namespace", wf.Namespace, "workflow", wf.Name, "error", err.Error())
					continue
				}
			}
			compiled[key] = rt
			serverKey := wf.Namespace + "/" + wf.ServerName()
			var err error
			if entry, err = r.newEntry(wf, rt, r.settingsFor(serverKey, servers[serverKey], creds[serverKey], settings)); err != nil {
				r.Log.Info("Workflow is Ready but not served yet", "namespace", wf.Namespace, "workflow", wf.Name, "reason", err.Error())
				continue
			}
		case ready == nil || ready.ObservedGeneration < wf.Generation:
			entry = r.served[wf.UID]
		}
		if entry != nil {
			served[wf.UID] = entry
			entries = append(entries, entry)
		}
	}
	r.compiled, r.served = compiled, served
	r.slots = make(map[string]*Slots, len(settings))
	for key, s := range settings {
		r.slots[key] = s.runs
	}
	for uid := range r.limiters {
		if served[uid] == nil {
			delete(r.limiters, uid)
		}
	}
	return NewTable(entries)
}

// writesToDeletedSheet tells whether a Worksheet the Workflow's steps use is
// being deleted.
func writesToDeletedSheet(wf *v1alpha1.Workflow, sheets map[string]*v1alpha1.Worksheet) bool {
	for _, name := range route.Worksheets(wf) {
		if ws := sheets[name]; ws != nil && !ws.DeletionTimestamp.IsZero() {
			return true
		}
	}
	return false
}

// compileKey changes whenever the compiled route could: a new generation of
// the Workflow or of a Worksheet it uses. Status writes, such as a
// Worksheet's record count after every record, do not change it.
func compileKey(wf *v1alpha1.Workflow, sheets map[string]*v1alpha1.Worksheet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%d", wf.UID, wf.Generation)
	if c := wf.Status.Capture; c != nil && c.CapturedAt != nil {
		// The parameters of a Capture sample come from the status.
		fmt.Fprintf(&b, "/capture@%s", c.CapturedAt.UTC().Format(time.RFC3339))
	}
	for _, name := range route.Worksheets(wf) {
		if ws := sheets[name]; ws != nil {
			fmt.Fprintf(&b, "/%s@%d", ws.UID, ws.Generation)
		}
	}
	return b.String()
}

func indexSheets(items []v1alpha1.Worksheet) map[string]map[string]*v1alpha1.Worksheet {
	out := map[string]map[string]*v1alpha1.Worksheet{}
	for i := range items {
		ws := &items[i]
		if out[ws.Namespace] == nil {
			out[ws.Namespace] = map[string]*v1alpha1.Worksheet{}
		}
		out[ws.Namespace][ws.Name] = ws
	}
	return out
}

func indexServers(items []v1alpha1.WebhookServer) map[string]*v1alpha1.WebhookServer {
	out := make(map[string]*v1alpha1.WebhookServer, len(items))
	for i := range items {
		out[items[i].Namespace+"/"+items[i].Name] = &items[i]
	}
	return out
}

// credentialsOf returns the data of each WebhookServer's credentials Secret,
// by namespace/name of the WebhookServer.
func credentialsOf(servers map[string]*v1alpha1.WebhookServer, secrets []corev1.Secret) map[string]map[string][]byte {
	byName := make(map[string]*corev1.Secret, len(secrets))
	for i := range secrets {
		byName[secrets[i].Namespace+"/"+secrets[i].Name] = &secrets[i]
	}
	out := make(map[string]map[string][]byte, len(servers))
	for key, ws := range servers {
		if s := byName[ws.Namespace+"/"+serverresources.CredentialsSecretName(ws)]; s != nil {
			out[key] = s.Data
		}
	}
	return out
}

package scheme

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// ManagerOptions are the options every hookflow process builds its
// controller-runtime manager from: the scheme, and a client that reads
// WorksheetRecords and WorkflowRuns from the API server. Those are written
// by the webhook server at request rate and never watched whole: a cache of
// them would hold every record in memory.
func ManagerOptions() ctrl.Options {
	// The objects a WebhookServer is deployed as are cached only when they
	// carry the label hookflow sets: not every Deployment, Service, Role,
	// ... of the cluster.
	owned := cache.ByObject{Label: labels.SelectorFromSet(labels.Set{serverresources.LabelManagedBy: serverresources.ManagedBy})}
	return ctrl.Options{
		Scheme: New(),
		// No cache holds managedFields: the controllers never read them.
		Cache: cache.Options{
			DefaultTransform: cache.TransformStripManagedFields(),
			ByObject: map[client.Object]cache.ByObject{
				&appsv1.Deployment{}: owned, &corev1.Service{}: owned, &corev1.ServiceAccount{}: owned,
				&rbacv1.Role{}: owned, &rbacv1.RoleBinding{}: owned,
				&policyv1.PodDisruptionBudget{}: owned, &networkingv1.Ingress{}: owned,
			},
		},
		Client: client.Options{Cache: &client.CacheOptions{
			DisableFor: []client.Object{&v1alpha1.WorksheetRecord{}, &v1alpha1.WorkflowRun{}},
		}},
	}
}

// LocalManagerOptions are ManagerOptions without the metrics and health
// endpoints: for `hookflow dev` and the tests, which run several managers on
// one machine.
func LocalManagerOptions() ctrl.Options {
	opts := ManagerOptions()
	opts.Metrics = metricsserver.Options{BindAddress: "0"}
	opts.HealthProbeBindAddress = "0"
	return opts
}

package scheme

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ManagerOptions are the options every hookflow process builds its
// controller-runtime manager from: the scheme, and a client that reads
// WorksheetRecords and WorkflowRuns from the API server. Those are written
// by the webhook server at request rate and never watched whole: a cache of
// them would hold every record in memory.
func ManagerOptions() ctrl.Options {
	return ctrl.Options{
		Scheme: New(),
		// No cache holds managedFields: the controllers never read them.
		Cache: cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
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

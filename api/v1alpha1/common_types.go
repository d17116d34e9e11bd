package v1alpha1

// Condition types and reasons shared by the hookflow kinds.
const (
	// ReadyCondition tells whether the object is usable: a Workflow is served,
	// a Worksheet accepts records, a WebhookServer has a URL.
	ReadyCondition = "Ready"
	// StalledCondition is True when the spec cannot be acted on until it is
	// changed (or something it references appears or changes).
	StalledCondition = "Stalled"
)

// Labels and finalizers.
const (
	// WebhookIDLabel holds a Workflow's webhook id, so that
	// `kubectl get workflows -l hookflow.dev/webhook-id=<id>` finds it from its URL.
	WebhookIDLabel = "hookflow.dev/webhook-id"
	// WorksheetLabel names the Worksheet of a WorksheetRecord.
	WorksheetLabel = "hookflow.dev/worksheet"
	// WorkflowLabel names the Workflow of a WorkflowRun or of the run that
	// created a WorksheetRecord.
	WorkflowLabel = "hookflow.dev/workflow"
	// RunPhaseLabel holds the phase of a WorkflowRun, so that the pruner
	// lists the runs of one phase by label.
	RunPhaseLabel = "hookflow.dev/phase"
	// CaptureRequestedAtAnnotation (an RFC 3339 time) asks for a sample
	// capture: each new value opens a capture window (sample.source Capture).
	CaptureRequestedAtAnnotation = "hookflow.dev/capture-requested-at"
	// RerunRequestedAtAnnotation (an RFC 3339 time) on a failed WorkflowRun
	// says when a rerun of it was asked for (`kubectl hookflow rerun RUN`),
	// together with RerunLabel.
	RerunRequestedAtAnnotation = "hookflow.dev/rerun-requested-at"
	// RerunLabel, with the value RerunRequested on a failed WorkflowRun,
	// asks the webhook servers for a rerun of it: they find such runs with
	// one label-selected LIST. The server that reruns it removes the label
	// and records the new run in status.rerunBy; the new run names the
	// first in status.rerunOf.
	RerunLabel = "hookflow.dev/rerun"
	// RerunRequested is the value of RerunLabel on a run whose rerun is
	// asked for.
	RerunRequested = "requested"
	// Finalizer is set on the objects whose deletion the controllers observe.
	Finalizer = "hookflow.dev/finalizer"
)

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	// Name of the object.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// SecretKeyReference names a key of a Secret in the same namespace.
type SecretKeyReference struct {
	// Name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Key in the Secret's data.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}

// StoreType is where records or runs are kept.
// +kubebuilder:validation:Enum=CustomResource;Postgres
type StoreType string

const (
	// StoreCustomResource keeps records as WorksheetRecords and runs as WorkflowRuns.
	StoreCustomResource StoreType = "CustomResource"
	// StorePostgres keeps records, or runs, in a PostgreSQL table.
	StorePostgres StoreType = "Postgres"
)

// StoreSpec selects a store.
// +kubebuilder:validation:XValidation:rule="has(self.type) && self.type == 'Postgres' ? has(self.postgres) : !has(self.postgres)",message="postgres must be set for the Postgres store, and only for it"
type StoreSpec struct {
	// Type of the store.
	// +optional
	// +kubebuilder:default=CustomResource
	Type StoreType `json:"type,omitempty"`

	// Postgres locates the database of the Postgres store.
	// +optional
	Postgres *PostgresStore `json:"postgres,omitempty"`
}

// PostgresStore locates a PostgreSQL table.
type PostgresStore struct {
	// ConnectionSecretRef is the key of a Secret, in the object's namespace,
	// holding the connection string: a postgres:// URL or libpq key=value
	// pairs. The key defaults to "dsn".
	// +required
	ConnectionSecretRef SecretKeyReference `json:"connectionSecretRef"`

	// Table holds the records (a Worksheet) or the runs (a WebhookServer).
	// For a Worksheet it defaults to a name derived from its namespace and
	// name (status.table); for a WebhookServer, to hookflow_runs.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z_][a-z0-9_]*$`
	Table string `json:"table,omitempty"`
}

// DefaultConnectionKey is the Secret key of a connection string when
// connectionSecretRef.key is empty.
const DefaultConnectionKey = "dsn"

// ConnectionKey returns the Secret key of the connection string.
func (p *PostgresStore) ConnectionKey() string {
	if p.ConnectionSecretRef.Key == "" {
		return DefaultConnectionKey
	}
	return p.ConnectionSecretRef.Key
}

// RunReference names the run of a Workflow that wrote something.
type RunReference struct {
	// Workflow is the name of the Workflow.
	// +optional
	Workflow string `json:"workflow,omitempty"`

	// Run is the id of the run.
	// +optional
	Run string `json:"run,omitempty"`
}

package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// RunPhase is the phase of a run or of one of its steps.
// +kubebuilder:validation:Enum=Accepted;Running;Succeeded;Failed;Skipped
type RunPhase string

// Run and step phases.
const (
	RunAccepted  RunPhase = "Accepted"
	RunRunning   RunPhase = "Running"
	RunSucceeded RunPhase = "Succeeded"
	RunFailed    RunPhase = "Failed"
	// RunSkipped is only used for steps whose `when` was false.
	RunSkipped RunPhase = "Skipped"
)

// WorkflowRunSpec is what a run received.
type WorkflowRunSpec struct {
	// Workflow is the name of the Workflow.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Workflow string `json:"workflow"`

	// Params are the parsed, typed parameters.
	// +optional
	Params *apiextensionsv1.JSON `json:"params,omitempty"`

	// IdempotencyKey is the Idempotency-Key header of the request.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	IdempotencyKey string `json:"idempotencyKey,omitempty"`

	// RequestHash identifies the request of an idempotent run (method,
	// query and body): a retry with the same key and another request is
	// refused.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	RequestHash string `json:"requestHash,omitempty"`

	// ReceivedAt is when the request arrived.
	// +optional
	ReceivedAt *metav1.Time `json:"receivedAt,omitempty"`

	// Request is what the steps of a run read besides params: kept in an
	// OnReceipt run from the moment it is accepted, so that another replica
	// can finish it with the same CEL variables, and in a failed run (when
	// its body is at most MaxRunRequestBody bytes), so that it can be
	// rerun. A successful AfterRun run does not keep it.
	// +optional
	Request *RunRequest `json:"request,omitempty"`
}

// MaxRunRequestBody bounds the body kept in a WorkflowRun: an OnReceipt
// request whose body is larger is refused with 413; a failed AfterRun run
// whose body is larger keeps no request, and cannot be rerun.
const MaxRunRequestBody = 256 << 10

// RunRequest is the request of a run, without its credentials.
type RunRequest struct {
	// Body is the raw request body.
	// +optional
	// +kubebuilder:validation:MaxLength=262144
	Body string `json:"body,omitempty"`

	// Headers by lower-case name (first value), without Authorization,
	// Cookie, appAuth's headers and the route's signature header.
	// +optional
	Headers map[string]string `json:"headers,omitempty"`

	// Query parameters (first value), without appAuth's values.
	// +optional
	Query map[string]string `json:"query,omitempty"`
}

// StepStatus is the outcome of one step.
type StepStatus struct {
	// Name of the step.
	// +required
	Name string `json:"name"`

	// Phase of the step.
	// +optional
	Phase RunPhase `json:"phase,omitempty"`

	// RecordRef is the record the step wrote.
	// +optional
	RecordRef string `json:"recordRef,omitempty"`

	// Message explains a failure.
	// +optional
	Message string `json:"message,omitempty"`
}

// RunResponse is what the run answered. An idempotent run keeps the whole
// answer, to give it again to every retry.
type RunResponse struct {
	// StatusCode of the HTTP answer.
	// +optional
	StatusCode int32 `json:"statusCode,omitempty"`

	// Headers of the answer, beyond Content-Type (idempotent runs only).
	// +optional
	Headers map[string]string `json:"headers,omitempty"`

	// ContentType of the answer (idempotent runs only).
	// +optional
	ContentType string `json:"contentType,omitempty"`

	// Body of the answer (idempotent runs only).
	// +optional
	// +kubebuilder:validation:MaxLength=65536
	Body string `json:"body,omitempty"`
}

// WorkflowRunStatus is the progress of a run.
type WorkflowRunStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase of the run.
	// +optional
	Phase RunPhase `json:"phase,omitempty"`

	// Steps in the order they ran.
	// +optional
	// +listType=map
	// +listMapKey=name
	Steps []StepStatus `json:"steps,omitempty"`

	// Response sent to the caller.
	// +optional
	Response *RunResponse `json:"response,omitempty"`

	// StartedAt is when the steps started.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`

	// FinishedAt is when the run ended.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`

	// Duration of the run, from the request to the answer.
	// +optional
	Duration string `json:"duration,omitempty"`

	// Error of a failed run.
	// +optional
	Error string `json:"error,omitempty"`

	// KeepUntil protects an idempotent run from pruning while a retry may
	// still come (24 hours after the request).
	// +optional
	KeepUntil *metav1.Time `json:"keepUntil,omitempty"`

	// LeaseUntil is when the replica running the run is presumed dead if
	// the run has not finished: another may then take it over.
	// +optional
	LeaseUntil *metav1.Time `json:"leaseUntil,omitempty"`

	// RerunOf names the run that this run reran (`kubectl hookflow
	// rerun`): same Workflow, same params and request, a new run id.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	RerunOf string `json:"rerunOf,omitempty"`

	// RerunBy names the run that reran this one: a run is rerun at most
	// once (a failed rerun is rerun in turn).
	// +optional
	// +kubebuilder:validation:MaxLength=253
	RerunBy string `json:"rerunBy,omitempty"`

	// Conditions: Ready once the run has finished.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// WorkflowRun is one execution of a Workflow. It has no status
// subresource: the server writes a run whole, in one API call.
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=hwfr,categories=hookflow
// +kubebuilder:printcolumn:name="Workflow",type=string,JSONPath=`.spec.workflow`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Code",type=integer,JSONPath=`.status.response.statusCode`
// +kubebuilder:printcolumn:name="Duration",type=string,JSONPath=`.status.duration`
// +kubebuilder:printcolumn:name="Rerun Of",type=string,JSONPath=`.status.rerunOf`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type WorkflowRun struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WorkflowRunSpec `json:"spec"`
	// +optional
	Status WorkflowRunStatus `json:"status,omitempty"`
}

// WorkflowRunList is a list of WorkflowRuns.
// +kubebuilder:object:root=true
type WorkflowRunList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []WorkflowRun `json:"items"`
}

func init() {
	SchemeBuilder.Register(&WorkflowRun{}, &WorkflowRunList{})
}

// WorkflowRunMeta is the metadata of the run name of the Workflow
// namespace/workflow (uid): labelled with its Workflow and phase (what the
// pruner lists by), and owned by the Workflow, so that it goes with it. Not
// blockOwnerDeletion: that would need update on the Workflow's finalizers,
// which the webhook server is not granted.
func WorkflowRunMeta(namespace, name, workflow string, uid types.UID, phase RunPhase) metav1.ObjectMeta {
	controller := true
	return metav1.ObjectMeta{
		Namespace: namespace,
		Name:      name,
		Labels:    map[string]string{WorkflowLabel: workflow, RunPhaseLabel: string(phase)},
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: GroupVersion.String(),
			Kind:       "Workflow",
			Name:       workflow,
			UID:        uid,
			Controller: &controller,
		}},
	}
}

// Package runhistory keeps the history of a server replica's runs as
// WorkflowRuns, at a cost that does not grow with the request rate: a
// Recorder holds the latest runs of each Workflow in memory and writes them
// on its own goroutine, a bounded number per flush. Its only Kubernetes I/O
// goes through a Writer.
package runhistory

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runner"
)

// Defaults of a Workflow's spec.history.
const (
	DefaultSuccessfulRunsLimit = 10
	DefaultFailedRunsLimit     = 50
)

// Bounds on what one WorkflowRun holds, so that a large request does not
// make a large object (a run is history, the records are the data).
const (
	// MaxParamsBytes bounds the JSON of spec.params; larger params are left
	// out and ParamsOmittedAnnotation tells their size.
	MaxParamsBytes = 16 << 10
	// maxMessageBytes bounds status.error and each step's message.
	maxMessageBytes = 4 << 10
)

// ParamsOmittedAnnotation is set, with the size of their JSON in bytes, on a
// run whose params were over MaxParamsBytes and are not kept.
const ParamsOmittedAnnotation = "hookflow.dev/params-omitted"

// RequestOmittedAnnotation is set, with the size of its body in bytes, on a
// failed run whose request body was over v1alpha1.MaxRunRequestBody and is
// not kept.
const RequestOmittedAnnotation = "hookflow.dev/request-omitted"

// Limits are the history limits of a Workflow: how many runs of each
// outcome are kept.
type Limits struct {
	Successful int
	Failed     int
}

// LimitsOf returns the limits of a Workflow's spec.history, with the
// defaults for what it leaves out.
func LimitsOf(h *v1alpha1.History) Limits {
	l := Limits{Successful: DefaultSuccessfulRunsLimit, Failed: DefaultFailedRunsLimit}
	if h == nil {
		return l
	}
	if h.SuccessfulRunsLimit != nil {
		l.Successful = max(0, int(*h.SuccessfulRunsLimit))
	}
	if h.FailedRunsLimit != nil {
		l.Failed = max(0, int(*h.FailedRunsLimit))
	}
	return l
}

// Run is what a finished run is made of.
type Run struct {
	// ID of the run: its name, unique (a UUIDv7 from the server).
	ID string
	// Namespace, Workflow and WorkflowUID name the Workflow that ran.
	Namespace   string
	Workflow    string
	WorkflowUID types.UID
	// Params are the parsed, typed parameters.
	Params map[string]any
	// ReceivedAt is when the request arrived, StartedAt when the steps
	// started, FinishedAt when the answer was written.
	ReceivedAt, StartedAt, FinishedAt time.Time
	// Result of the steps.
	Result runner.Result
	// StatusCode of the answer.
	StatusCode int
	// Error of a failed run; Result.Err's message when empty.
	Error string
	// Request (without credentials) is kept by a failed run only, so that
	// it can be rerun with the same CEL variables.
	Request *v1alpha1.RunRequest
}

// NewRun builds the WorkflowRun of a finished run: labelled with its
// Workflow and phase (what the pruner lists by), owned by the Workflow.
// Its phase is Failed when a step failed, else Succeeded.
func NewRun(in Run) *v1alpha1.WorkflowRun {
	phase := v1alpha1.RunSucceeded
	errMsg := in.Error
	if in.Result.Err != nil {
		phase = v1alpha1.RunFailed
		if errMsg == "" {
			errMsg = in.Result.Err.Error()
		}
	}
	run := &v1alpha1.WorkflowRun{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "WorkflowRun"},
		ObjectMeta: v1alpha1.WorkflowRunMeta(in.Namespace, in.ID, in.Workflow, in.WorkflowUID, phase),
		Spec: v1alpha1.WorkflowRunSpec{
			Workflow:   in.Workflow,
			ReceivedAt: timePtr(in.ReceivedAt),
		},
		Status: v1alpha1.WorkflowRunStatus{
			// Written once, whole: the status describes generation 1.
			ObservedGeneration: 1,
			Phase:              phase,
			StartedAt:          timePtr(in.StartedAt),
			FinishedAt:         timePtr(in.FinishedAt),
			Error:              truncate(errMsg),
		},
	}
	if raw, err := json.Marshal(in.Params); err == nil && len(in.Params) > 0 {
		if len(raw) <= MaxParamsBytes {
			run.Spec.Params = &apiextensionsv1.JSON{Raw: raw}
		} else {
			metav1.SetMetaDataAnnotation(&run.ObjectMeta, ParamsOmittedAnnotation, strconv.Itoa(len(raw)))
		}
	}
	if phase == v1alpha1.RunFailed && in.Request != nil {
		if n := len(in.Request.Body); n <= v1alpha1.MaxRunRequestBody {
			run.Spec.Request = in.Request
		} else {
			metav1.SetMetaDataAnnotation(&run.ObjectMeta, RequestOmittedAnnotation, strconv.Itoa(n))
		}
	}
	if in.StatusCode != 0 {
		run.Status.Response = &v1alpha1.RunResponse{StatusCode: int32(in.StatusCode)}
	}
	if !in.ReceivedAt.IsZero() && !in.FinishedAt.IsZero() {
		run.Status.Duration = in.FinishedAt.Sub(in.ReceivedAt).Round(time.Millisecond).String()
	}
	if !in.FinishedAt.IsZero() {
		// Ready: the run has finished, whatever its outcome.
		run.Status.Conditions = []metav1.Condition{{
			Type: v1alpha1.ReadyCondition, Status: metav1.ConditionTrue, ObservedGeneration: 1,
			Reason: string(phase), LastTransitionTime: metav1.NewTime(in.FinishedAt),
		}}
	}
	for _, s := range in.Result.Steps {
		run.Status.Steps = append(run.Status.Steps, v1alpha1.StepStatus{
			Name:      s.Name,
			Phase:     s.Phase,
			RecordRef: s.RecordID,
			Message:   truncate(s.Message),
		})
	}
	return run
}

func timePtr(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	return &metav1.Time{Time: t}
}

func truncate(s string) string {
	if len(s) <= maxMessageBytes {
		return s
	}
	n := maxMessageBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

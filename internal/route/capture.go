package route

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/params"
)

// Reasons of the compile errors of a Capture sample with nothing captured.
const (
	// ReasonCaptureWaiting: no sample captured yet; a capture window may be open.
	ReasonCaptureWaiting = "CaptureWaiting"
	// ReasonCaptureExpired: the last capture window closed with nothing captured.
	ReasonCaptureExpired = "CaptureExpired"
)

var capturePath = field.NewPath("status", "capture")

// sampleParameters generates the parameters of the webhook's sample: for a
// Capture sample, from the request captured in status.capture.
func sampleParameters(wf *v1alpha1.Workflow, samplePath *field.Path) ([]params.Parameter, error) {
	hook := wf.Spec.Trigger.Webhook
	if hook.Sample.Source != v1alpha1.SampleCapture {
		ps, errs := params.FromSample(hook.Sample, samplePath)
		return ps, newError(ReasonInvalidSpec, errs)
	}
	c := wf.Status.Capture
	switch {
	case c == nil:
		return nil, newError(ReasonCaptureWaiting, field.ErrorList{field.Required(capturePath,
			fmt.Sprintf("no sample captured yet: run `kubectl hookflow capture %s` or set the annotation %s", wf.Name, v1alpha1.CaptureRequestedAtAnnotation))})
	case c.State == v1alpha1.CaptureWaiting:
		return nil, newError(ReasonCaptureWaiting, field.ErrorList{field.Required(capturePath.Child("sample"),
			fmt.Sprintf("waiting for a GET or POST to the webhook URL until %s", timeString(c.ExpiresAt)))})
	case c.State == v1alpha1.CaptureExpired:
		return nil, newError(ReasonCaptureExpired, field.ErrorList{field.Required(capturePath.Child("sample"),
			fmt.Sprintf("the capture window closed at %s with no request; run `kubectl hookflow capture %s` again", timeString(c.ExpiresAt), wf.Name))})
	case c.State != v1alpha1.CaptureCaptured:
		return nil, newError(ReasonCaptureWaiting, field.ErrorList{field.NotSupported(capturePath.Child("state"), c.State,
			[]v1alpha1.CaptureState{v1alpha1.CaptureWaiting, v1alpha1.CaptureCaptured, v1alpha1.CaptureExpired})})
	}
	ps, errs := params.FromCapture(hook.Sample, c, capturePath)
	return ps, newError(ReasonInvalidSpec, errs)
}

// CompileCapture compiles what serving a capture window needs: the
// methods and the security checks of the webhook, no parameters, no steps.
func CompileCapture(wf *v1alpha1.Workflow) (*Route, error) {
	hook := wf.Spec.Trigger.Webhook
	security, errs := compileSecurity(&hook, specPath.Child("trigger", "webhook"))
	if len(errs) > 0 {
		return nil, newError(ReasonInvalidSpec, errs)
	}
	return &Route{
		Namespace:  wf.Namespace,
		Name:       wf.Name,
		UID:        wf.UID,
		Generation: wf.Generation,
		Methods:    methods(hook.Methods),
		Parameters: []params.Parameter{},
		FullBody:   hook.Sample.FullBody,
		Security:   security,
	}, nil
}

func timeString(t *metav1.Time) string {
	if t == nil {
		return "the end of the window"
	}
	return t.UTC().Format(time.RFC3339)
}

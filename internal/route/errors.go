package route

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Reasons of compile errors, used as condition reasons.
const (
	// ReasonInvalidSpec: the Workflow must be changed.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonUnsupported: the Workflow uses a feature this version does not have.
	ReasonUnsupported = "Unsupported"
	// ReasonWorksheetNotFound: a step names a Worksheet that does not exist (yet).
	ReasonWorksheetNotFound = "WorksheetNotFound"
)

// Error explains why a Workflow does not compile.
type Error struct {
	// Reason is one of the Reason constants.
	Reason string
	// Errs names each problem and its field path.
	Errs field.ErrorList
}

func (e *Error) Error() string {
	msgs := make([]string, 0, len(e.Errs))
	for _, fe := range e.Errs {
		msgs = append(msgs, fe.Error())
	}
	return strings.Join(msgs, "; ")
}

// Terminal tells whether only a change of the Workflow can fix the error:
// a missing Worksheet may still appear, a capture window may still receive
// a request.
func (e *Error) Terminal() bool {
	return e.Reason != ReasonWorksheetNotFound && e.Reason != ReasonCaptureWaiting
}

// AsError returns the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func newError(reason string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return &Error{Reason: reason, Errs: errs}
}

func unsupported(path *field.Path) *field.Error {
	return field.Forbidden(path, fmt.Sprintf("%s is not supported yet by this version of hookflow", path.String()))
}

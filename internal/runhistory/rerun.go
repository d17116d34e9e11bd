package runhistory

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// maxRunName bounds the name of a WorkflowRun (a DNS subdomain).
const maxRunName = 253

// rerunName matches the name of a rerun: the run the chain began with, and
// the rerun's number in the chain.
var rerunName = regexp.MustCompile(`^(.+)-rerun-([1-9][0-9]{0,8})$`)

// RerunName is the name, and the run id, of the rerun of run: the first run
// of its chain of reruns followed by -rerun-N, N counting the reruns of
// that first run (a-rerun-1, then a-rerun-2 for the rerun of a-rerun-1). It
// depends on run alone, so that every replica, and every retry, names the
// rerun of run the same: a name that exists already is a rerun done.
func RerunName(run *v1alpha1.WorkflowRun) string {
	first, n := run.Name, 1
	if run.Status.RerunOf != "" {
		if m := rerunName.FindStringSubmatch(run.Name); m != nil {
			if i, err := strconv.Atoi(m[2]); err == nil {
				first, n = m[1], i+1
			}
		}
	}
	name := fmt.Sprintf("%s-rerun-%d", first, n)
	if len(name) > maxRunName {
		sum := sha256.Sum256([]byte(run.Name))
		name = "rerun-" + hex.EncodeToString(sum[:16]) + "-rerun-" + strconv.Itoa(n)
	}
	return name
}

// RerunChainFirst is the name of the run that the chain of reruns of the
// rerun named name began with (a-rerun-2 → a): the run id a rerun keys its
// writes by, so that a record written by any run of the chain before it
// failed is not written again. A name too long to carry its first run
// (RerunName hashed it) gives the hashed stem, the same for the whole
// chain but for the first run itself.
func RerunChainFirst(name string) string {
	if m := rerunName.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return name
}

// AlreadyRerunError tells that a run has been rerun already, as By.
type AlreadyRerunError struct {
	Run, By string
}

func (e *AlreadyRerunError) Error() string {
	return fmt.Sprintf("run %s has been rerun already, as %s", e.Run, e.By)
}

// ErrNotRerunnable is wrapped by the errors of CheckRerun for a run that
// cannot be rerun at all.
var ErrNotRerunnable = errors.New("cannot be rerun")

// CheckRerun tells whether run can be rerun: it failed, has not been rerun
// yet (else an *AlreadyRerunError), and kept its params and its request.
func CheckRerun(run *v1alpha1.WorkflowRun) error {
	switch {
	case run.Status.Phase != v1alpha1.RunFailed:
		phase := string(run.Status.Phase)
		if phase == "" {
			phase = "not finished"
		}
		return fmt.Errorf("run %s %w: it is %s, and only a Failed run is rerun", run.Name, ErrNotRerunnable, phase)
	case run.Status.RerunBy != "":
		return &AlreadyRerunError{Run: run.Name, By: run.Status.RerunBy}
	case run.Annotations[ParamsOmittedAnnotation] != "":
		return fmt.Errorf("run %s %w: its params (%s bytes of JSON) were over %d bytes and were not kept",
			run.Name, ErrNotRerunnable, run.Annotations[ParamsOmittedAnnotation], MaxParamsBytes)
	case run.Annotations[RequestOmittedAnnotation] != "":
		return fmt.Errorf("run %s %w: its request body (%s bytes) was over %d bytes and was not kept",
			run.Name, ErrNotRerunnable, run.Annotations[RequestOmittedAnnotation], v1alpha1.MaxRunRequestBody)
	case run.Spec.Request == nil:
		return fmt.Errorf("run %s %w: it kept no request (a run written before reruns existed)",
			run.Name, ErrNotRerunnable)
	}
	return nil
}

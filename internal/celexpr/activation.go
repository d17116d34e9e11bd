package celexpr

import (
	"time"

	"github.com/google/cel-go/interpreter"
)

// Vars are the values of one request that expressions read.
type Vars struct {
	// Params holds the parameters present in the request, nested by dot
	// path, with values of type string, float64, bool, map[string]any and
	// []any. An absent optional parameter is an absent key.
	Params map[string]any
	// Body is the raw request body.
	Body string
	// Headers are the request headers, by lower-case name.
	Headers map[string]string
	// Query holds the query parameters.
	Query map[string]string
	// Steps holds the outputs of the steps that ran, by step name.
	Steps map[string]StepOutput
	// RunID is the id of the run.
	RunID string
	// WriteID keys the run's writes (WriteKey); RunID when empty. A rerun
	// sets it to the first run of its chain of reruns, so that it does not
	// write again what an earlier run of the chain wrote before failing.
	// It is not a CEL variable.
	WriteID string
	// Now is the time the request was received.
	Now time.Time
}

// StepOutput is what a step that ran gives to the next ones.
type StepOutput struct {
	// RecordID is the id of the record the step wrote.
	RecordID string
	// Values are the record's values after the step, by field name, of the
	// types cel-go reads: string, float64, int64, uint64, bool, nil,
	// map[string]any and []any.
	Values map[string]any
}

// activation resolves the variables of one evaluation from Vars, building
// the values of steps and run only when the expression reads them. The
// maps of Vars are handed to cel-go as they are: it reads map[string]any and
// map[string]string without copying.
type activation struct {
	v      *Vars
	steps  map[string]any
	budget iterationBudget
}

func newActivation(v *Vars) *activation {
	return &activation{v: v, budget: iterationBudget{left: MaxIterations}}
}

var _ interpreter.Activation = (*activation)(nil)

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case varParams:
		return a.v.Params, true
	case varBody:
		return a.v.Body, true
	case varHeaders:
		return a.v.Headers, true
	case varQuery:
		return a.v.Query, true
	case varSteps:
		if a.steps == nil {
			a.steps = make(map[string]any, len(a.v.Steps))
			for name, out := range a.v.Steps {
				values := out.Values
				if values == nil {
					values = map[string]any{}
				}
				a.steps[name] = map[string]any{"recordId": out.RecordID, "values": values}
			}
		}
		return a.steps, true
	case varRun:
		return map[string]string{"id": a.v.RunID}, true
	case varNow:
		return a.v.Now, true
	case budgetVar:
		return &a.budget, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// WriteKey is the key of the write of step: a retry of the step for the
// same run (or a rerun of the run) writes the same record once.
func (v *Vars) WriteKey(step string) string {
	id := v.WriteID
	if id == "" {
		id = v.RunID
	}
	return id + "/" + step
}

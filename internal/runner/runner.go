// Package runner runs the steps of a compiled Workflow for one request.
package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
)

// StepResult is the outcome of one step.
type StepResult struct {
	Name     string
	Phase    v1alpha1.RunPhase
	RecordID string
	// Values of the record after the step, normalized.
	Values  map[string]any
	Message string
}

// Result is the outcome of a run.
type Result struct {
	Steps []StepResult
	// Err is nil when every step succeeded or was skipped. It is an
	// *InputError when the request's data is at fault, and wraps
	// store.ErrUnavailable when the store could not be reached.
	Err error
}

// InputError marks a run that failed because of the request's data: a
// record that breaks its Worksheet's schema or a unique value, an update
// that matches no record or several, or an expression that cannot be
// evaluated on these parameters. Sending the same
// data again fails the same way.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }

func (e *InputError) Unwrap() error { return e.Err }

func inputError(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// Run runs the steps of rt in order, stopping at the first failure. vars
// carries the request; its Steps map is filled as steps write records.
func Run(ctx context.Context, rt *route.Route, vars *celexpr.Vars, records store.RecordStore) Result {
	var res Result
	if vars.Steps == nil {
		vars.Steps = make(map[string]celexpr.StepOutput, len(rt.Steps))
	}
	for i := range rt.Steps {
		step := &rt.Steps[i]
		sr, err := runStep(ctx, rt, step, vars, records)
		res.Steps = append(res.Steps, sr)
		if err != nil {
			res.Err = stepError(step.Name, err)
			return res
		}
		if sr.RecordID != "" {
			vars.Steps[step.Name] = celexpr.StepOutput{RecordID: sr.RecordID, Values: outputValues(sr.Values)}
		}
	}
	return res
}

func runStep(ctx context.Context, rt *route.Route, step *route.Step, vars *celexpr.Vars, records store.RecordStore) (StepResult, error) {
	sr := StepResult{Name: step.Name}
	fail := func(err error) (StepResult, error) {
		sr.Phase = v1alpha1.RunFailed
		sr.Message = err.Error()
		return sr, err
	}
	if step.When != nil {
		ok, err := step.When.EvalBool(ctx, vars)
		if err != nil {
			return fail(inputError("when: %w", err))
		}
		if !ok {
			sr.Phase = v1alpha1.RunSkipped
			return sr, nil
		}
	}
	id, values, err := runAction(ctx, rt, step, vars, records)
	if err != nil {
		return fail(err)
	}
	sr.Phase = v1alpha1.RunSucceeded
	sr.RecordID = id
	sr.Values = values
	return sr, nil
}

func createRecord(ctx context.Context, rt *route.Route, step *route.Step, vars *celexpr.Vars, records store.RecordStore) (string, map[string]any, error) {
	action := step.CreateRecord
	values := make(map[string]any, len(action.Fields))
	for _, m := range action.Fields {
		v, err := m.Value.Eval(ctx, vars)
		if errors.Is(err, celexpr.ErrAbsent) {
			continue // the request lacks an optional input: the field stays empty
		}
		if err != nil {
			return "", nil, inputError("field %s: %w", m.Field, err)
		}
		values[m.Field] = v
	}
	normalized, err := record.Normalize(action.Worksheet.Fields, values)
	if err != nil {
		return "", nil, &InputError{Err: err}
	}
	uniqueField, uniqueKey, _ := record.UniqueKey(action.Worksheet.Fields, normalized)
	id, err := records.CreateRecord(ctx, store.Record{
		Namespace:    rt.Namespace,
		Worksheet:    action.Worksheet.Name,
		WorksheetUID: action.Worksheet.UID,
		Values:       normalized,
		UniqueField:  uniqueField,
		UniqueKey:    uniqueKey,
		IndexKeys:    record.IndexKeys(action.Worksheet.Fields, normalized),
		WriteKey:     vars.WriteKey(step.Name),
		CreatedBy:    v1alpha1.RunReference{Workflow: rt.Name, Run: vars.RunID},
	})
	if errors.Is(err, store.ErrDuplicate) {
		return "", nil, &InputError{Err: err}
	}
	return id, normalized, err
}

// stepError prefixes err with the step's name, keeping an *InputError on top
// of the chain.
func stepError(step string, err error) error {
	var in *InputError
	if errors.As(err, &in) {
		return &InputError{Err: fmt.Errorf("step %s: %w", step, in.Err)}
	}
	return fmt.Errorf("step %s: %w", step, err)
}

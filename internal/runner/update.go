package runner

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/store"
)

// runAction runs the action of a step and returns the id and the values of
// the record it wrote.
func runAction(ctx context.Context, rt *route.Route, step *route.Step, vars *celexpr.Vars, records store.RecordStore) (string, map[string]any, error) {
	if step.UpdateRecord != nil {
		return updateRecord(ctx, rt, step, vars, records)
	}
	return createRecord(ctx, rt, step, vars, records)
}

// updateRecord runs an updateRecord or upsertRecord step. Every match value
// is needed: a match on an absent or empty value is an error, not a match
// on "no value". A field whose expression reads an absent optional input is
// left as it is; one that gives null or "" is cleared.
func updateRecord(ctx context.Context, rt *route.Route, step *route.Step, vars *celexpr.Vars, records store.RecordStore) (string, map[string]any, error) {
	action := step.UpdateRecord
	fields := action.Worksheet.Fields
	match := make(map[string]any, len(action.Match))
	for _, m := range action.Match {
		v, err := m.Value.Eval(ctx, vars)
		if err != nil {
			return "", nil, inputError("match %s: %w", m.Field, err)
		}
		if v == nil || v == "" {
			return "", nil, inputError("match %s: no value to match", m.Field)
		}
		match[m.Field] = v
	}
	match, err := record.NormalizeChanges(fields, match)
	if err != nil {
		return "", nil, inputError("match %w", err)
	}
	changes := make(map[string]any, len(action.Fields))
	for _, m := range action.Fields {
		v, err := m.Value.Eval(ctx, vars)
		if errors.Is(err, celexpr.ErrAbsent) {
			continue // the request lacks an optional input: the field keeps its value
		}
		if err != nil {
			return "", nil, inputError("field %s: %w", m.Field, err)
		}
		changes[m.Field] = v
	}
	changes, err = record.NormalizeChanges(fields, changes)
	if err != nil {
		return "", nil, &InputError{Err: err}
	}
	writeKey := vars.WriteKey(step.Name)
	u := store.Update{
		Namespace:    rt.Namespace,
		Worksheet:    action.Worksheet.Name,
		WorksheetUID: action.Worksheet.UID,
		Fields:       fields,
		Match:        match,
		Values:       changes,
		Upsert:       action.Upsert,
		WriteKey:     writeKey,
		UpdatedBy:    v1alpha1.RunReference{Workflow: rt.Name, Run: vars.RunID},
	}
	if action.Upsert {
		u.Create = newRecord(rt, action, match, changes, writeKey, vars.RunID)
	}
	res, err := records.UpdateRecord(ctx, u)
	var invalid *record.ValidationError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil, inputError("no record of worksheet %s matches %s", action.Worksheet.Name, describeMatch(match))
	case errors.Is(err, store.ErrAmbiguous):
		return "", nil, inputError("more than one record of worksheet %s matches %s; an update changes one record", action.Worksheet.Name, describeMatch(match))
	case errors.Is(err, store.ErrDuplicate), errors.As(err, &invalid):
		return "", nil, &InputError{Err: err}
	case err != nil:
		return "", nil, err
	}
	return res.ID, res.Values, nil
}

// newRecord is the record an upsert creates when none matches: the match
// and the values together. The store validates it as a whole.
func newRecord(rt *route.Route, action *route.UpdateRecord, match, changes map[string]any, writeKey, runID string) store.Record {
	values := make(map[string]any, len(match)+len(changes))
	for k, v := range changes {
		if v != nil {
			values[k] = v
		}
	}
	for k, v := range match {
		values[k] = v
	}
	uniqueField, uniqueKey, _ := record.UniqueKey(action.Worksheet.Fields, values)
	return store.Record{
		Namespace:    rt.Namespace,
		Worksheet:    action.Worksheet.Name,
		WorksheetUID: action.Worksheet.UID,
		Values:       values,
		UniqueField:  uniqueField,
		UniqueKey:    uniqueKey,
		IndexKeys:    record.IndexKeys(action.Worksheet.Fields, values),
		WriteKey:     writeKey,
		CreatedBy:    v1alpha1.RunReference{Workflow: rt.Name, Run: runID},
	}
}

// describeMatch writes a match as field=value pairs sorted by field, each
// value in JSON: order_id="A-1" amount=12.5.
func describeMatch(match map[string]any) string {
	names := make([]string, 0, len(match))
	for k := range match {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		enc, err := json.Marshal(match[k])
		if err != nil {
			enc = []byte("?")
		}
		parts[i] = k + "=" + string(enc)
	}
	return strings.Join(parts, " ")
}

// outputValues converts the normalized values of a record to those
// expressions read (celexpr.StepOutput): the exact numbers that JSON fields
// keep as json.Number become int64 when they are integers that fit, else
// float64.
func outputValues(values map[string]any) map[string]any {
	if values == nil {
		return nil
	}
	out, _ := outputValue(values).(map[string]any)
	return out
}

func outputValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = outputValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = outputValue(e)
		}
		return out
	}
	return v
}

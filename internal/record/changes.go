package record

import (
	"github.com/hookflow/hookflow/api/v1alpha1"
)

// NormalizeChanges checks the values an update gives to some fields and
// returns their normalized forms. Unlike Normalize, a field left out is left
// as it is, so Required is not checked here; a nil value, or "" for every
// type but JSON, clears the field and is kept as nil. Apply checks the whole
// record. The error is a *ValidationError.
func NormalizeChanges(fields []v1alpha1.WorksheetField, changes map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(changes))
	var problems []Problem
	for k, v := range changes {
		f, ok := fieldNamed(fields, k)
		switch {
		case !ok:
			problems = append(problems, Problem{Field: k, Reason: reasonUnknown})
			continue
		case v == nil || (v == "" && f.Type != v1alpha1.FieldJSON):
			out[k] = nil
			continue
		}
		n, reason := normalizeValue(f, v)
		if reason != "" {
			problems = append(problems, Problem{Field: k, Reason: reason})
			continue
		}
		out[k] = n
	}
	if len(problems) > 0 {
		return nil, newValidationError(problems)
	}
	return out, nil
}

// Apply returns the record existing with changes (from NormalizeChanges)
// applied: a nil change removes the field. The result is normalized as a
// whole by Normalize, so that it still fits the Worksheet: required fields,
// select options and types hold for the record as written, even when the
// Worksheet changed since the record was. existing is not modified.
func Apply(fields []v1alpha1.WorksheetField, existing, changes map[string]any) (map[string]any, error) {
	merged := make(map[string]any, len(existing)+len(changes))
	for k, v := range existing {
		merged[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(merged, k)
			continue
		}
		merged[k] = v
	}
	return Normalize(fields, merged)
}

func fieldNamed(fields []v1alpha1.WorksheetField, name string) (v1alpha1.WorksheetField, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return v1alpha1.WorksheetField{}, false
}

package record

import (
	"fmt"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Reasons shared by several checks.
const (
	reasonRequired = "required"
	reasonUnknown  = "unknown field"
)

// Normalize checks values against the fields of a Worksheet and returns a
// new map of their normalized forms. Absent and nil values are left out, and
// so is "" for every type but JSON: an empty value is no value. A Required
// field needs a value; a key that is not a field is a problem. The error is
// a *ValidationError listing every problem.
func Normalize(fields []v1alpha1.WorksheetField, values map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(values))
	var problems []Problem
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.Name] = true
		v, present := values[f.Name]
		if !present || v == nil || v == "" {
			if f.Required {
				problems = append(problems, Problem{Field: f.Name, Reason: reasonRequired})
				continue
			}
			if v != "" || f.Type != v1alpha1.FieldJSON {
				continue // no value
			}
		}
		n, reason := normalizeValue(f, v)
		if reason != "" {
			problems = append(problems, Problem{Field: f.Name, Reason: reason})
			continue
		}
		out[f.Name] = n
	}
	for k := range values {
		if !known[k] {
			problems = append(problems, Problem{Field: k, Reason: reasonUnknown})
		}
	}
	if len(problems) > 0 {
		return nil, newValidationError(problems)
	}
	return out, nil
}

// normalizeValue normalizes a non-empty value of field f; reason is what
// was expected when the value does not fit.
func normalizeValue(f v1alpha1.WorksheetField, v any) (out any, reason string) {
	switch f.Type {
	case v1alpha1.FieldText:
		return normalizeText(v)
	case v1alpha1.FieldNumber:
		return normalizeNumber(v)
	case v1alpha1.FieldBoolean:
		return normalizeBoolean(v)
	case v1alpha1.FieldSelect:
		return normalizeSelect(f.Options, v)
	case v1alpha1.FieldDateTime:
		return normalizeDateTime(v)
	case v1alpha1.FieldEmail:
		return normalizeEmail(v)
	case v1alpha1.FieldJSON:
		return normalizeJSON(v, 0)
	}
	return nil, fmt.Sprintf("has unknown type %q", f.Type)
}

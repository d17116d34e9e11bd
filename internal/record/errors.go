package record

import (
	"sort"
	"strings"
)

// Problem is one reason a record does not fit its Worksheet. The reason
// describes what was expected and never repeats the value, as records may
// hold personal data.
type Problem struct {
	// Field is the name of the field, or the unknown key.
	Field string
	// Reason is what is wrong, e.g. "must be a number" or "required".
	Reason string
}

// ValidationError lists every problem of a record, sorted by field.
type ValidationError struct {
	Problems []Problem
}

// Error joins the problems: "amount: must be a number; order_id: required".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Reason
	}
	return strings.Join(parts, "; ")
}

// newValidationError sorts the problems into a ValidationError.
func newValidationError(problems []Problem) *ValidationError {
	sort.Slice(problems, func(i, j int) bool {
		if problems[i].Field != problems[j].Field {
			return problems[i].Field < problems[j].Field
		}
		return problems[i].Reason < problems[j].Reason
	})
	return &ValidationError{Problems: problems}
}

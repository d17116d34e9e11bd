package record

import (
	"fmt"
	"slices"
	"strings"
)

// maxListedOptions is how many options a reason lists before it only counts
// them.
const maxListedOptions = 10

// normalizeSelect accepts one of the options, as a string (or as a number
// or bool formatted like a Text value).
func normalizeSelect(options []string, v any) (any, string) {
	s, ok := textOf(v)
	if !ok || !slices.Contains(options, s) {
		return nil, selectReason(options)
	}
	return s, ""
}

// selectReason lists the options: "must be one of new, paid, shipped".
func selectReason(options []string) string {
	switch {
	case len(options) == 0:
		return "must be one of the field's options, and it has none"
	case len(options) > maxListedOptions:
		return fmt.Sprintf("must be one of the field's %d options", len(options))
	}
	return "must be one of " + strings.Join(options, ", ")
}

// Package payload parses the body and query of a webhook request into a
// Document. It reads untrusted input and does no I/O.
package payload

// Document is request data as nested objects, keyed by the segments of the
// parameter paths.
//
// Values decoded from JSON keep their JSON shape: string, json.Number, bool,
// nil, []any and map[string]any (a nested object is a map[string]any, not a
// Document). Values from form fields and the query string are Text.
type Document map[string]any

// Text holds the values of one form field or query key, in order. Text is
// always coerced to its parameter's type later.
type Text []string

// Package record validates and normalizes the values of Worksheet records
// against the Worksheet's fields, on every write, and derives the key that
// enforces a unique field. It does no I/O.
//
// Normalized values are JSON-friendly and canonical, so that equal values
// are stored, compared and hashed the same way whatever Go type they arrived
// in: Text, Select and Email are strings, Number is float64, Boolean is bool,
// DateTime is an RFC 3339 string in UTC, JSON is a tree of string, float64,
// int64, uint64, json.Number, bool, nil, map[string]any and []any.
package record

package record

import (
	"github.com/hookflow/hookflow/api/v1alpha1"
)

// uniqueKeyLength is the number of hex digits of a unique key (128 bits).
const uniqueKeyLength = 32

// UniqueKey returns the Worksheet's unique field and a stable key for the
// record's value of it: its ValueKey, the first 32 lower-case hex digits of
// the SHA-256 of the field type, a NUL byte and the JSON encoding of the
// normalized value. The value is normalized again first, so that equal
// values give equal keys whatever Go type they are in (int64(5),
// float64(5), "5"). field is the name of the unique field, "" when there is
// none; ok is false when there is none or the record has no valid value for
// it.
func UniqueKey(fields []v1alpha1.WorksheetField, normalized map[string]any) (field string, key string, ok bool) {
	for _, f := range fields {
		if !f.Unique {
			continue
		}
		key, ok := ValueKey(f, normalized[f.Name])
		return f.Name, key, ok
	}
	return "", "", false
}

package record

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// uniqueKeyLength is the number of hex digits of a unique key (128 bits).
const uniqueKeyLength = 32

// UniqueKey returns the Worksheet's unique field and a stable key for the
// record's value of it: the first 32 lower-case hex digits of the SHA-256 of
// the field type, a NUL byte and the JSON encoding of the normalized value.
// The value is normalized again first, so that equal values give equal keys
// whatever Go type they are in (int64(5), float64(5), "5"). field is the
// name of the unique field, "" when there is none; ok is false when there is
// none or the record has no valid value for it.
func UniqueKey(fields []v1alpha1.WorksheetField, normalized map[string]any) (field string, key string, ok bool) {
	for _, f := range fields {
		if !f.Unique {
			continue
		}
		v, present := normalized[f.Name]
		if !present || v == nil || v == "" {
			return f.Name, "", false
		}
		n, reason := normalizeValue(f, v)
		if reason != "" {
			return f.Name, "", false
		}
		enc, err := json.Marshal(n)
		if err != nil {
			return f.Name, "", false
		}
		h := sha256.New()
		h.Write([]byte(f.Type))
		h.Write([]byte{0})
		h.Write(enc)
		return f.Name, hex.EncodeToString(h.Sum(nil))[:uniqueKeyLength], true
	}
	return "", "", false
}

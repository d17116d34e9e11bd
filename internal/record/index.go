package record

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ValueKey returns a stable key for a value of field f: the first 32
// lower-case hex digits of the SHA-256 of the field type, a NUL byte and the
// JSON encoding of the normalized value. Equal values give equal keys
// whatever Go type they are in. ok is false when v is empty or does not fit
// f. It is the key of unique values (UniqueKey) and of indexed ones
// (IndexKeys): a store finds records by it.
func ValueKey(f v1alpha1.WorksheetField, v any) (key string, ok bool) {
	if v == nil || v == "" {
		return "", false
	}
	n, reason := normalizeValue(f, v)
	if reason != "" {
		return "", false
	}
	enc, err := json.Marshal(n)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	h.Write([]byte(f.Type))
	h.Write([]byte{0})
	h.Write(enc)
	return hex.EncodeToString(h.Sum(nil))[:uniqueKeyLength], true
}

// IndexKeys returns, by field name, the ValueKey of each indexed field of a
// normalized record; fields the record leaves empty are left out. nil when
// there are none.
func IndexKeys(fields []v1alpha1.WorksheetField, normalized map[string]any) map[string]string {
	var keys map[string]string
	for _, f := range fields {
		if !f.Indexed {
			continue
		}
		key, ok := ValueKey(f, normalized[f.Name])
		if !ok {
			continue
		}
		if keys == nil {
			keys = map[string]string{}
		}
		keys[f.Name] = key
	}
	return keys
}

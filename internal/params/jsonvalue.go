package params

import (
	"encoding/json"
	"math"

	"github.com/hookflow/hookflow/internal/payload"
)

// normalize returns a copy of a request or sample value in which every
// json.Number is a float64, every nested payload.Document a map[string]any,
// and every payload.Text a string (one value) or a []any of strings (several;
// nil when it has none). It fails on a number that is not a finite float64
// and on types a Document does not hold.
func normalize(v any) (any, bool) {
	switch v := v.(type) {
	case nil, string, bool:
		return v, true
	case float64:
		return v, !math.IsInf(v, 0) && !math.IsNaN(v)
	case json.Number:
		f, ok := parseNumber(string(v))
		return f, ok
	case payload.Text:
		return normalizeText(v), true
	case map[string]any:
		return normalizeObject(v)
	case payload.Document:
		return normalizeObject(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			n, ok := normalize(e)
			if !ok {
				return nil, false
			}
			out[i] = n
		}
		return out, true
	default:
		return nil, false
	}
}

// normalizeObject is normalize for an object; the result is never nil.
func normalizeObject(m map[string]any) (map[string]any, bool) {
	out := make(map[string]any, len(m))
	for k, e := range m {
		n, ok := normalize(e)
		if !ok {
			return nil, false
		}
		out[k] = n
	}
	return out, true
}

// normalizeText is normalize for Text.
func normalizeText(t payload.Text) any {
	switch len(t) {
	case 0:
		return nil
	case 1:
		return t[0]
	default:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out
	}
}

package record

import (
	"encoding/json"
	"math"
	"unicode/utf8"

	"github.com/hookflow/hookflow/internal/decimal"
)

// MaxJSONDepth is how deeply lists and objects may nest in a JSON value.
const MaxJSONDepth = 100

const (
	reasonJSON       = "must be a JSON value (text, number, boolean, null, list or object)"
	reasonJSONFinite = "must not hold NaN or infinite numbers"
	reasonJSONNumber = "must hold only valid JSON numbers"
	reasonJSONUTF8   = "must hold only valid UTF-8 text"
	reasonJSONDepth  = "must be nested at most 100 levels deep"
)

// normalizeJSON accepts a tree of string, float64, int64, int, uint64,
// json.Number, bool, nil, map[string]any and []any, and returns a copy of
// it (int becomes int64, -0 becomes 0), so that later changes to the input
// do not reach the record.
func normalizeJSON(v any, depth int) (any, string) {
	if depth > MaxJSONDepth {
		return nil, reasonJSONDepth
	}
	switch x := v.(type) {
	case nil, bool, int64, uint64:
		return x, ""
	case int:
		return int64(x), ""
	case string:
		if !utf8.ValidString(x) {
			return nil, reasonJSONUTF8
		}
		return x, ""
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, reasonJSONFinite
		}
		if x == 0 {
			return 0.0, ""
		}
		return x, ""
	case json.Number:
		if !isJSONNumber(string(x)) {
			return nil, reasonJSONNumber
		}
		return x, ""
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, reason := normalizeJSON(e, depth+1)
			if reason != "" {
				return nil, reason
			}
			out[i] = n
		}
		return out, ""
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if !utf8.ValidString(k) {
				return nil, reasonJSONUTF8
			}
			n, reason := normalizeJSON(e, depth+1)
			if reason != "" {
				return nil, reason
			}
			out[k] = n
		}
		return out, ""
	}
	return nil, reasonJSON
}

// isJSONNumber tells whether s is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i += decimal.Digits(s[i:])
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		n := decimal.Digits(s[i:])
		if n == 0 {
			return false
		}
		i += n
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		n := decimal.Digits(s[i:])
		if n == 0 {
			return false
		}
		i += n
	}
	return i == len(s)
}

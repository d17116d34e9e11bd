package params

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/payload"
)

// Coerce converts one request value, anything a payload.Document holds, to
// the type t. It reports false when the value does not convert. The result is
// a string, float64, bool, map[string]any or []any for String, Number,
// Boolean, Object and Array; inside objects and arrays every json.Number is a
// float64 and every payload.Text a string (or a []any of strings for several
// values), recursively.
//
//   - payload.Text: the first value is read as a string, below; Array takes all
//     values instead, unless there is one value that is a JSON array literal,
//     which is decoded.
//   - string: String as is; Number a plain decimal number (white space around
//     it allowed, no hexadecimal, Inf or NaN, finite); Boolean true/false,
//     1/0, t/f, on/off, yes/no in any case; Object and Array a JSON literal
//     of that kind.
//   - json.Number and float64: Number, or String as the number's text.
//   - bool: Boolean, or String as "true" or "false".
//   - map[string]any and payload.Document: Object only. []any: Array only.
//
// nil and an unknown type t never convert.
func Coerce(v any, t v1alpha1.ParameterType) (any, bool) {
	switch v := v.(type) {
	case payload.Text:
		return coerceText(v, t)
	case string:
		return coerceString(v, t)
	case json.Number:
		return coerceNumber(v, t)
	case float64:
		return coerceFloat(v, t)
	case bool:
		return coerceBool(v, t)
	case map[string]any:
		return coerceObject(v, t)
	case payload.Document:
		return coerceObject(v, t)
	case []any:
		if t != v1alpha1.ParameterArray {
			return nil, false
		}
		return normalize(v)
	default:
		return nil, false
	}
}

// coerceText converts form or query values.
func coerceText(v payload.Text, t v1alpha1.ParameterType) (any, bool) {
	if t == v1alpha1.ParameterArray {
		if len(v) == 1 {
			if a, ok := decodeArray(v[0]); ok {
				return a, true
			}
		}
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out, true
	}
	if len(v) == 0 {
		return nil, false
	}
	return coerceString(v[0], t)
}

// coerceString converts a string.
func coerceString(s string, t v1alpha1.ParameterType) (any, bool) {
	switch t {
	case v1alpha1.ParameterString:
		return s, true
	case v1alpha1.ParameterNumber:
		f, ok := parseNumber(strings.TrimSpace(s))
		return f, ok
	case v1alpha1.ParameterBoolean:
		b, ok := parseBool(s)
		return b, ok
	case v1alpha1.ParameterObject:
		v, err := payload.DecodeValue([]byte(s))
		if err != nil {
			return nil, false
		}
		if m, ok := v.(map[string]any); ok {
			return normalizeObject(m)
		}
		return nil, false
	case v1alpha1.ParameterArray:
		return decodeArray(s)
	default:
		return nil, false
	}
}

// decodeArray decodes s as a JSON array literal.
func decodeArray(s string) (any, bool) {
	if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "[") {
		return nil, false
	}
	v, err := payload.DecodeValue([]byte(s))
	if err != nil {
		return nil, false
	}
	return normalize(v)
}

// parseBool reads the usual spellings of a boolean, in any case.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "1", "on", "yes":
		return true, true
	case "false", "f", "0", "off", "no":
		return false, true
	default:
		return false, false
	}
}

// coerceNumber converts a JSON number.
func coerceNumber(n json.Number, t v1alpha1.ParameterType) (any, bool) {
	switch t {
	case v1alpha1.ParameterNumber:
		f, ok := parseNumber(string(n))
		return f, ok
	case v1alpha1.ParameterString:
		return string(n), true
	default:
		return nil, false
	}
}

// coerceFloat converts a float64, as held by a sample's Example.
func coerceFloat(f float64, t v1alpha1.ParameterType) (any, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	switch t {
	case v1alpha1.ParameterNumber:
		return f, true
	case v1alpha1.ParameterString:
		b, err := json.Marshal(f)
		if err != nil {
			return nil, false
		}
		return string(b), true
	default:
		return nil, false
	}
}

// coerceBool converts a boolean.
func coerceBool(b bool, t v1alpha1.ParameterType) (any, bool) {
	switch t {
	case v1alpha1.ParameterBoolean:
		return b, true
	case v1alpha1.ParameterString:
		if b {
			return "true", true
		}
		return "false", true
	default:
		return nil, false
	}
}

// coerceObject converts an object.
func coerceObject(m map[string]any, t v1alpha1.ParameterType) (any, bool) {
	if t != v1alpha1.ParameterObject || m == nil {
		return nil, false
	}
	return normalizeObject(m)
}

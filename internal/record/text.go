package record

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// MaxTextBytes is the longest Text value, in bytes.
const MaxTextBytes = 65536

const (
	reasonText     = "must be text"
	reasonUTF8     = "must be valid UTF-8 text"
	reasonTextSize = "must be at most 65536 bytes"
)

// normalizeText accepts a string, or a number or bool, formatted with
// strconv (numbers in plain decimal notation, without exponent).
func normalizeText(v any) (any, string) {
	s, ok := textOf(v)
	if !ok {
		return nil, reasonText
	}
	if !utf8.ValidString(s) {
		return nil, reasonUTF8
	}
	if len(s) > MaxTextBytes {
		return nil, reasonTextSize
	}
	return s, ""
}

// textOf formats a string, number or bool as text.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		if x == 0 {
			x = 0 // no "-0"
		}
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

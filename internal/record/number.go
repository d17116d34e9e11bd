package record

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/internal/decimal"
)

// maxExactInteger is 2^53: every integer up to it in magnitude is exactly a
// float64, and so exactly a JSON number for any reader.
const maxExactInteger = 1 << 53

const (
	reasonNumber = "must be a number"
	reasonFinite = "must be a finite number"
	reasonExact  = "must be an integer between -9007199254740992 and 9007199254740992 (2^53) to be stored exactly"
)

// normalizeNumber accepts float64, int64, uint64, int, json.Number, or a
// string holding a plain decimal number, and returns a float64. The rule:
// every Number is stored as a float64 (a JSON number); an integer given as an
// integer (an int type, or digits without a fraction or exponent) must be
// within ±2^53, so that it is stored exactly rather than rounded; any other
// decimal is rounded to the nearest float64, as JSON parsers do. -0 becomes 0.
func normalizeNumber(v any) (any, string) {
	switch x := v.(type) {
	case float64:
		return finite(x)
	case int64:
		if x > maxExactInteger || x < -maxExactInteger {
			return nil, reasonExact
		}
		return float64(x), ""
	case int:
		return normalizeNumber(int64(x))
	case uint64:
		if x > maxExactInteger {
			return nil, reasonExact
		}
		return float64(x), ""
	case json.Number:
		return parseDecimal(string(x))
	case string:
		return parseDecimal(strings.TrimSpace(x))
	}
	return nil, reasonNumber
}

// finite rejects NaN and infinities and turns -0 into 0.
func finite(f float64) (any, string) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, reasonFinite
	}
	if f == 0 {
		return 0.0, ""
	}
	return f, ""
}

// parseDecimal parses a plain decimal: an optional sign, digits with an
// optional fraction, and an optional exponent. Hexadecimal, underscores,
// "Inf" and "NaN" are not numbers here.
func parseDecimal(s string) (any, string) {
	integer, ok := decimal.Scan(s)
	if !ok {
		return nil, reasonNumber
	}
	if integer {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, reasonExact // beyond int64
		}
		return normalizeNumber(n)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, reasonFinite // out of range
	}
	return finite(f)
}

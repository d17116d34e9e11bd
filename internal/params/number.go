package params

import (
	"errors"
	"math"
	"strconv"

	"github.com/hookflow/hookflow/internal/decimal"
)

// parseNumber parses a plain decimal number with an optional exponent
// ("-12", "129.5", "1e3", ".5"), as a finite float64. It rejects what
// strconv.ParseFloat also takes but a webhook sender does not mean as a
// number: hexadecimal, underscores, Inf and NaN. A value too small for a
// float64 becomes 0; one too large is rejected.
func parseNumber(s string) (float64, bool) {
	if _, ok := decimal.Scan(s); !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// hasLeadingZero reports whether a plain decimal has a superfluous leading
// zero ("007", "-01.5"), the mark of an identifier such as a postal code
// rather than of a number.
func hasLeadingZero(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return len(s) > 1 && s[0] == '0' && decimal.Digits(s[1:]) > 0
}

// Package decimal is the one grammar of numbers written as text, the way
// webhook senders and CEL mappings write them: [+-] digits [. digits]
// [e [+-] digits], with at least one digit before the exponent. It leaves
// out what strconv.ParseFloat also takes but nobody means as a number:
// hexadecimal, underscores, Inf and NaN.
package decimal

// Scan tells whether s is a plain decimal, and whether it is an integer (no
// fraction and no exponent).
func Scan(s string) (integer, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	intDigits := Digits(s[i:])
	i += intDigits
	fracDigits := 0
	integer = true
	if i < len(s) && s[i] == '.' {
		integer = false
		i++
		fracDigits = Digits(s[i:])
		i += fracDigits
	}
	if intDigits+fracDigits == 0 {
		return false, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		expDigits := Digits(s[i:])
		if expDigits == 0 {
			return false, false
		}
		i += expDigits
	}
	return integer, i == len(s)
}

// Digits counts the leading ASCII digits of s.
func Digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

package record

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// MaxEmailBytes is the longest Email value, in bytes (RFC 5321's limit on a
// path).
const MaxEmailBytes = 254

const (
	reasonEmail     = "must be a bare e-mail address such as name@example.com"
	reasonEmailSize = "must be at most 254 bytes"
)

// normalizeEmail accepts a string that is a bare address, without a display
// name or angle brackets, and returns it trimmed of surrounding spaces.
func normalizeEmail(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, reasonEmail
	}
	s = strings.TrimSpace(s)
	if len(s) > MaxEmailBytes {
		return nil, reasonEmailSize
	}
	if !utf8.ValidString(s) {
		return nil, reasonEmail
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return nil, reasonEmail
	}
	return s, ""
}

package payload

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by the errors of Parse when the body cannot be read
// as its content type says (invalid JSON, broken form or multipart data).
var ErrMalformed = errors.New("malformed request body")

// ErrNotObject is wrapped by the errors of Parse when a JSON body is valid
// JSON but not an object; the caller decides what to answer.
var ErrNotObject = errors.New("request body is not a JSON object")

// maxDetail bounds the detail added to an error, so that an error never echoes
// more than a few bytes of an untrusted body.
const maxDetail = 48

// malformed wraps ErrMalformed with what failed and a short, truncated reason.
func malformed(what string, cause error) error {
	if cause == nil {
		return fmt.Errorf("%w: %s", ErrMalformed, what)
	}
	return fmt.Errorf("%w: %s: %s", ErrMalformed, what, truncate(cause.Error()))
}

// truncate shortens s to at most maxDetail bytes, on a rune boundary, and
// quotes it so that control bytes cannot reach a log line unescaped.
func truncate(s string) string {
	if len(s) <= maxDetail {
		return fmt.Sprintf("%q", s)
	}
	cut := maxDetail
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}

// isRuneStart reports whether b can start a UTF-8 sequence.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

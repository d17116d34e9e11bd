package webhookserver

import (
	"net/url"
	"strings"
	"testing"
)

func TestValidIdempotencyKey(t *testing.T) {
	for key, want := range map[string]bool{
		"":                       false,
		"order-A-1001":           true,
		"with space and ~!@#":    true,
		strings.Repeat("k", 255): true,
		strings.Repeat("k", 256): false,
		"tab\tinside":            false,
		"newline\n":              false,
		"caf\u00e9":              false, // printable ASCII only
		"\x7f":                   false,
	} {
		if got := validIdempotencyKey(key); got != want {
			t.Errorf("validIdempotencyKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestRequestHashIdentifiesTheRequest(t *testing.T) {
	base := requestHash("POST", url.Values{"a": {"1"}}, []byte(`{"x":1}`))
	if requestHash("POST", url.Values{"a": {"1"}}, []byte(`{"x":1}`)) != base {
		t.Error("the same request hashes differently")
	}
	for name, other := range map[string]string{
		"method": requestHash("GET", url.Values{"a": {"1"}}, []byte(`{"x":1}`)),
		"query":  requestHash("POST", url.Values{"a": {"2"}}, []byte(`{"x":1}`)),
		"body":   requestHash("POST", url.Values{"a": {"1"}}, []byte(`{"x":2}`)),
		// The query and the body are not confused at their border.
		"border": requestHash("POST", url.Values{"a": {"1\n{"}}, []byte(`"x":1}`)),
	} {
		if other == base {
			t.Errorf("another %s gives the same hash", name)
		}
	}
}

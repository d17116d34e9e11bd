package webhookid

import (
	"regexp"
	"testing"
)

func TestDerive(t *testing.T) {
	valid := regexp.MustCompile(`^[0-9a-f]{16}$`)
	a := Derive(nil, "shop", "orders")
	if !valid.MatchString(a) {
		t.Fatalf("id %q is not 16 lower-case hex characters", a)
	}
	if got := Derive(nil, "shop", "orders"); got != a {
		t.Errorf("not stable: %q then %q", a, got)
	}
	for _, other := range []string{
		Derive(nil, "shop", "order"),
		Derive(nil, "shop/o", "rders"), // the separator cannot be forged by a namespace
		Derive(nil, "shopo", "rders"),
		Derive([]byte("salt"), "shop", "orders"),
	} {
		if other == a {
			t.Errorf("different input gave the same id %q", a)
		}
	}
	if Derive([]byte("s1"), "a", "b") == Derive([]byte("s2"), "a", "b") {
		t.Error("the salt does not change the id")
	}
}

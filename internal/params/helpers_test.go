package params

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// wantErr describes an expected field error: its field path, type and a part
// of its message.
type wantErr struct {
	field    string
	typ      field.ErrorType
	contains string
}

// checkErrs checks that errs are exactly the errors want, in order.
func checkErrs(t *testing.T, errs field.ErrorList, want []wantErr) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v, want %d %v", len(errs), errs, len(want), want)
	}
	for i, w := range want {
		e := errs[i]
		if e.Field != w.field || e.Type != w.typ || !strings.Contains(e.Error(), w.contains) {
			t.Errorf("error %d = %q (field %q, type %q), want field %q, type %q, containing %q",
				i, e.Error(), e.Field, e.Type, w.field, w.typ, w.contains)
		}
		if len(e.Error()) > 400 {
			t.Errorf("error %d is %d bytes long: %s", i, len(e.Error()), e.Error())
		}
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

package celexpr

import (
	"strings"
	"testing"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

func TestToNativeErrors(t *testing.T) {
	tests := []struct {
		name    string
		val     ref.Val
		wantErr string
	}{
		{"duration", types.Duration{}, "a duration cannot be stored"},
		{"type", types.StringType, "a value of type type cannot be stored"},
		{"error", types.NewErr("boom"), "cannot be stored"},
		{"map with a double key", types.DefaultTypeAdapter.NativeToValue(map[float64]string{1.5: "a"}), "a map key of type double cannot be stored"},
		{"list holding a duration", types.DefaultTypeAdapter.NativeToValue([]any{types.Duration{}}), "a duration cannot be stored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toNative(tt.val)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("toNative = %#v, %v; want error %q", got, err, tt.wantErr)
			}
		})
	}
}

func TestToNativeOptional(t *testing.T) {
	got, err := toNative(types.OptionalOf(types.String("x")))
	if err != nil || got != "x" {
		t.Fatalf("toNative(optional.of('x')) = %#v, %v", got, err)
	}
	got, err = toNative(types.OptionalNone)
	if err != nil || got != nil {
		t.Fatalf("toNative(optional.none()) = %#v, %v", got, err)
	}
}

package celexpr

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// optionalTypeName is the CEL name of optional(T).
const optionalTypeName = "optional_type"

// checkFieldOutput tells whether an expression giving out may fill a field
// of type want. dyn is always accepted (package record checks the value),
// so is null (the field is left empty), and so is optional(T) for an
// accepted T (none leaves the field empty).
func checkFieldOutput(out *cel.Type, want v1alpha1.FieldType) error {
	need, ok := fieldNeeds(want)
	if !ok {
		return fmt.Errorf("unknown field type %q", want)
	}
	if fieldAccepts(out, want) {
		return nil
	}
	msg := fmt.Sprintf("gives %s, but %s %s field needs %s", describeType(out), article(string(want)), want, need)
	if isOptional(out) {
		msg += "; use .orValue(...) to give a default"
	}
	return fmt.Errorf("%s", msg)
}

// fieldAccepts tells whether out is assignable to a field of type want.
func fieldAccepts(out *cel.Type, want v1alpha1.FieldType) bool {
	if isOptional(out) {
		return fieldAccepts(out.Parameters()[0], want)
	}
	switch out.Kind() {
	case types.DynKind, types.AnyKind, types.TypeParamKind, types.NullTypeKind:
		return true
	}
	k := out.Kind()
	switch want {
	case v1alpha1.FieldText, v1alpha1.FieldEmail, v1alpha1.FieldSelect:
		return k == types.StringKind
	case v1alpha1.FieldNumber:
		return k == types.DoubleKind || k == types.IntKind || k == types.UintKind
	case v1alpha1.FieldBoolean:
		return k == types.BoolKind
	case v1alpha1.FieldDateTime:
		return k == types.TimestampKind || k == types.StringKind
	case v1alpha1.FieldJSON:
		return true
	}
	return false
}

// checkConditionOutput tells whether an expression giving out may be a
// condition: bool, or dyn checked when it is evaluated.
func checkConditionOutput(out *cel.Type) error {
	switch out.Kind() {
	case types.BoolKind, types.DynKind, types.AnyKind, types.TypeParamKind:
		return nil
	}
	msg := fmt.Sprintf("gives %s, but a condition needs a bool", describeType(out))
	if isOptional(out) {
		msg += "; use .orValue(false) to give a default"
	}
	return fmt.Errorf("%s", msg)
}

// fieldNeeds describes what a field of type t needs, for error messages.
func fieldNeeds(t v1alpha1.FieldType) (string, bool) {
	switch t {
	case v1alpha1.FieldText, v1alpha1.FieldEmail, v1alpha1.FieldSelect:
		return "a string", true
	case v1alpha1.FieldNumber:
		return "a number (double, int or uint)", true
	case v1alpha1.FieldBoolean:
		return "a bool", true
	case v1alpha1.FieldDateTime:
		return "a timestamp or a string", true
	case v1alpha1.FieldJSON:
		return "any value", true
	}
	return "", false
}

func isOptional(t *cel.Type) bool {
	return t.Kind() == types.OpaqueKind && t.TypeName() == optionalTypeName && len(t.Parameters()) == 1
}

// describeType names a CEL type the way a user writes it: object types of
// params and steps are "object", well-known types lose their package.
func describeType(t *cel.Type) string {
	switch t.Kind() {
	case types.StructKind:
		return "object"
	case types.TimestampKind:
		return "timestamp"
	case types.DurationKind:
		return "duration"
	case types.NullTypeKind:
		return "null"
	case types.ListKind:
		return "list(" + describeType(t.Parameters()[0]) + ")"
	case types.MapKind:
		return "map(" + describeType(t.Parameters()[0]) + ", " + describeType(t.Parameters()[1]) + ")"
	}
	if isOptional(t) {
		return "optional(" + describeType(t.Parameters()[0]) + ")"
	}
	if len(t.Parameters()) > 0 {
		ps := make([]string, len(t.Parameters()))
		for i, p := range t.Parameters() {
			ps[i] = describeType(p)
		}
		return t.TypeName() + "(" + strings.Join(ps, ", ") + ")"
	}
	return t.String()
}

// article is "an" before a word starting with a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

package params

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// fromKeyValues generates a parameter for every example pair; fldPath is the
// field path of the sample's keyValues. Each name is a dot path; two names
// must not be equal, nor be a value and an object holding the other (a and
// a.b). See typeOf for the types.
func fromKeyValues(kvs []v1alpha1.KeyValue, fldPath *field.Path) ([]Parameter, field.ErrorList) {
	if len(kvs) == 0 {
		return nil, field.ErrorList{field.Required(fldPath, "at least one pair is required when the source is KeyValue")}
	}
	if len(kvs) > maxParameters {
		return nil, field.ErrorList{field.TooMany(fldPath, len(kvs), maxParameters)}
	}
	var errs field.ErrorList
	ps := make([]Parameter, 0, len(kvs))
	seen := newPathSet()
	for i, kv := range kvs {
		idx := fldPath.Index(i)
		if detail := checkPath(kv.Name, false); detail != "" {
			errs = append(errs, field.Invalid(idx.Child("name"), excerpt(kv.Name), detail))
			continue
		}
		if seen.has(kv.Name) {
			errs = append(errs, field.Duplicate(idx, excerpt(kv.Name)))
			continue
		}
		if other, ok := seen.conflict(kv.Name); ok {
			errs = append(errs, field.Invalid(idx, excerpt(kv.Name), conflictDetail(other)))
			continue
		}
		seen.add(kv.Name)
		t, example := typeOf(kv.Value)
		ps = append(ps, Parameter{Path: kv.Name, Type: t, Example: example})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return ps, nil
}

// typeOf types an example value of a form or query pair: a plain decimal
// number is a Number, true or false in any case a Boolean, anything else a
// String. A number with a superfluous leading zero ("007", "01234") stays a
// String, as it is most likely an identifier such as a postal code.
func typeOf(value string) (v1alpha1.ParameterType, any) {
	if f, ok := parseNumber(value); ok && !hasLeadingZero(value) {
		return v1alpha1.ParameterNumber, f
	}
	switch {
	case strings.EqualFold(value, "true"):
		return v1alpha1.ParameterBoolean, true
	case strings.EqualFold(value, "false"):
		return v1alpha1.ParameterBoolean, false
	}
	return v1alpha1.ParameterString, value
}

package params

import (
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// parameterTypes are the valid parameter types.
var parameterTypes = []v1alpha1.ParameterType{
	v1alpha1.ParameterString, v1alpha1.ParameterNumber, v1alpha1.ParameterBoolean,
	v1alpha1.ParameterObject, v1alpha1.ParameterArray,
}

// ApplyOverrides returns a copy of ps, sorted by Path, with the overrides
// applied in order; fldPath is the field path of the overrides, used in the
// errors. On errors it returns nil, else a non-nil slice.
//
// An override of an existing parameter sets Required when it is set, Type
// when it is not empty (the Example is converted with Coerce, and dropped
// when it does not convert) and Description when it is not empty. An override
// of a path the sample lacks adds a parameter, a String unless it says
// otherwise. Its name must be a dot path without white space, and must not be
// both a value and an object holding another parameter (a and a.b).
//
// The raw body parameter, present when the sample sets fullBody, stays a
// String.
func ApplyOverrides(ps []Parameter, overrides []v1alpha1.ParameterOverride, fldPath *field.Path) ([]Parameter, field.ErrorList) {
	out := append([]Parameter{}, ps...)
	at := make(map[string]int, len(out))
	paths := newPathSet()
	for i, p := range out {
		at[p.Path] = i
		paths.add(p.Path)
	}
	var errs field.ErrorList
	named := map[string]bool{}
	for i, o := range overrides {
		idx := fldPath.Index(i)
		if err := checkOverride(o, idx, named); err != nil {
			errs = append(errs, err)
			continue
		}
		named[o.Name] = true
		if j, ok := at[o.Name]; ok {
			if out[j].RawBody && o.Type != "" && o.Type != v1alpha1.ParameterString {
				errs = append(errs, field.Invalid(idx.Child("type"), o.Type, `the parameter "body" holds the raw request body and is always a String`))
				continue
			}
			out[j] = override(out[j], o)
			continue
		}
		if other, ok := paths.conflict(o.Name); ok {
			errs = append(errs, field.Invalid(idx.Child("name"), excerpt(o.Name), conflictDetail(other)))
			continue
		}
		p := Parameter{Path: o.Name, Type: v1alpha1.ParameterString}
		at[o.Name] = len(out)
		paths.add(o.Name)
		out = append(out, override(p, o))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sortParameters(out)
	return out, nil
}

// checkOverride returns what is wrong with the override o at idx on its own,
// or nil; named holds the names of the overrides before it.
func checkOverride(o v1alpha1.ParameterOverride, idx *field.Path, named map[string]bool) *field.Error {
	if detail := checkPath(o.Name, true); detail != "" {
		return field.Invalid(idx.Child("name"), excerpt(o.Name), detail)
	}
	if named[o.Name] {
		return field.Duplicate(idx.Child("name"), excerpt(o.Name))
	}
	if o.Type != "" && !slices.Contains(parameterTypes, o.Type) {
		return field.NotSupported(idx.Child("type"), o.Type, parameterTypes)
	}
	return nil
}

// override returns p changed by o.
func override(p Parameter, o v1alpha1.ParameterOverride) Parameter {
	if o.Required != nil {
		p.Required = *o.Required
	}
	if o.Description != "" {
		p.Description = o.Description
	}
	if o.Type != "" && o.Type != p.Type {
		p.Type = o.Type
		if p.Example != nil {
			ex, ok := Coerce(p.Example, o.Type)
			if !ok {
				ex = nil
			}
			p.Example = ex
		}
	}
	return p
}

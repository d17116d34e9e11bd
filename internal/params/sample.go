package params

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// maxParameters is the most parameters a sample may generate.
const maxParameters = 256

// FromSample generates the parameters of a webhook from its sample, sorted by
// Path; fldPath is the field path of the sample, used in the errors. On
// errors it returns nil, else a non-nil slice.
//
//   - JSON (the default source): every leaf of the object becomes a parameter
//     at its dot path, see fromJSON.
//   - KeyValue: every pair becomes a parameter, typed by its value, see
//     fromKeyValues.
//   - Capture: FromSample refuses it; the parameters of a captured
//     request come from FromCapture.
//
// With fullBody, the parameter "body" holds the raw request body, so the
// sample must have nothing at "body" or under it. Without fullBody, "body" is
// an ordinary path.
func FromSample(s v1alpha1.Sample, fldPath *field.Path) ([]Parameter, field.ErrorList) {
	var ps []Parameter
	var errs field.ErrorList
	switch s.Source {
	case "", v1alpha1.SampleJSON:
		ps, errs = fromJSON(s.JSON, fldPath.Child("json"))
	case v1alpha1.SampleKeyValue:
		ps, errs = fromKeyValues(s.KeyValues, fldPath.Child("keyValues"))
	case v1alpha1.SampleCapture:
		err := field.NotSupported(fldPath.Child("source"), s.Source, []v1alpha1.SampleSource{v1alpha1.SampleJSON, v1alpha1.SampleKeyValue})
		err.Detail = "Capture samples are not supported yet; " + err.Detail
		errs = field.ErrorList{err}
	default:
		errs = field.ErrorList{field.NotSupported(fldPath.Child("source"), s.Source,
			[]v1alpha1.SampleSource{v1alpha1.SampleJSON, v1alpha1.SampleKeyValue, v1alpha1.SampleCapture})}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if s.FullBody {
		if at, ok := findBody(ps); ok {
			return nil, field.ErrorList{field.Invalid(fldPath.Child("fullBody"), true,
				"the sample already has a parameter "+quote(at)+"; fullBody adds the parameter \"body\" for the raw request body")}
		}
		ps = append(ps, Parameter{Path: BodyParameter, Type: v1alpha1.ParameterString, Description: "The raw request body", RawBody: true})
	}
	if ps == nil {
		ps = []Parameter{}
	}
	sortParameters(ps)
	return ps, nil
}

// findBody returns the first parameter at "body" or under it.
func findBody(ps []Parameter) (string, bool) {
	for _, p := range ps {
		if p.Path == BodyParameter || strings.HasPrefix(p.Path, BodyParameter+".") {
			return p.Path, true
		}
	}
	return "", false
}

// sortParameters sorts ps by Path.
func sortParameters(ps []Parameter) {
	slices.SortFunc(ps, func(a, b Parameter) int { return strings.Compare(a.Path, b.Path) })
}

package params

import (
	"encoding/json"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/payload"
)

// fromJSON generates a parameter for every leaf of the JSON object sample;
// fldPath is the field path of the sample's json.
//
// A string is a String, a number a Number (Example float64), a boolean a
// Boolean, null a String with no Example, an empty object an Object and an
// array an Array (arrays are not descended into; in the Example, numbers are
// float64). A non-empty object is descended into and is no parameter itself.
// Keys must be non-empty and free of '.'; a sample has at most 256 leaves and
// 32 levels.
func fromJSON(sample string, fldPath *field.Path) ([]Parameter, field.ErrorList) {
	if strings.TrimSpace(sample) == "" {
		return nil, field.ErrorList{field.Required(fldPath, "a JSON object is required when the source is JSON")}
	}
	v, err := payload.DecodeValue([]byte(sample))
	if err != nil {
		return nil, field.ErrorList{field.Invalid(fldPath, excerpt(sample), excerpt(err.Error()))}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, field.ErrorList{field.Invalid(fldPath, excerpt(sample), "must be a JSON object, not "+payload.KindOf(v))}
	}
	w := &jsonWalker{fldPath: fldPath}
	w.walk(obj, nil)
	if w.leaves > maxParameters {
		err := field.TooMany(fldPath, w.leaves, maxParameters)
		err.Detail = "must have at most 256 leaves (parameters)"
		w.errs = append(w.errs, err)
	}
	return w.params, w.errs
}

// jsonWalker collects the parameters and errors of a JSON sample.
type jsonWalker struct {
	fldPath *field.Path
	params  []Parameter
	errs    field.ErrorList
	leaves  int
	tooDeep bool
}

// walk visits the keys of obj, found at the path prefix, in sorted order.
func (w *jsonWalker) walk(obj map[string]any, prefix []string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if detail := checkKey(k); detail != "" {
			w.errs = append(w.errs, field.Invalid(w.fldPath, excerpt(k), keyDetail(k, prefix, detail)))
			continue
		}
		path := append(slices.Clip(prefix), k)
		if m, ok := obj[k].(map[string]any); ok && len(m) > 0 {
			if len(path) >= maxDepth {
				w.deep(path)
				continue
			}
			w.walk(m, path)
			continue
		}
		w.leaf(path, obj[k])
	}
}

// checkKey returns why k cannot be a path segment, or "".
func checkKey(k string) string {
	switch {
	case k == "":
		return "must not be empty"
	case strings.Contains(k, "."):
		return "must not contain '.'"
	}
	return ""
}

// keyDetail is the detail of an error about the key k under prefix, like
// `key "a.b" under "customer": must not contain '.'`.
func keyDetail(k string, prefix []string, detail string) string {
	if len(prefix) == 0 {
		return "key " + quote(k) + ": " + detail
	}
	return "key " + quote(k) + " under " + quote(strings.Join(prefix, ".")) + ": " + detail
}

// deep reports, once, an object nested deeper than maxDepth.
func (w *jsonWalker) deep(path []string) {
	if w.tooDeep {
		return
	}
	w.tooDeep = true
	p := strings.Join(path, ".")
	w.errs = append(w.errs, field.Invalid(w.fldPath, excerpt(p), "objects nest deeper than 32 levels at "+quote(p)))
}

// leaf adds the parameter of the value v at path.
func (w *jsonWalker) leaf(path []string, v any) {
	w.leaves++
	if w.leaves > maxParameters {
		return
	}
	p := Parameter{Path: strings.Join(path, ".")}
	switch v := v.(type) {
	case string:
		p.Type, p.Example = v1alpha1.ParameterString, v
	case bool:
		p.Type, p.Example = v1alpha1.ParameterBoolean, v
	case nil:
		p.Type = v1alpha1.ParameterString
	case map[string]any:
		p.Type, p.Example = v1alpha1.ParameterObject, map[string]any{}
	case json.Number, []any:
		ex, ok := normalize(v)
		if !ok {
			w.errs = append(w.errs, field.Invalid(w.fldPath, excerpt(p.Path), "the value at "+quote(p.Path)+" has a number out of range"))
			return
		}
		p.Type, p.Example = v1alpha1.ParameterArray, ex
		if _, isNumber := v.(json.Number); isNumber {
			p.Type = v1alpha1.ParameterNumber
		}
	}
	w.params = append(w.params, p)
}

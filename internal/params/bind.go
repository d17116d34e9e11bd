package params

import (
	"slices"
	"strings"

	"github.com/hookflow/hookflow/internal/payload"
)

// Bound is request data bound to the parameters of a webhook.
type Bound struct {
	// Values holds the coerced value of every parameter present in the
	// request, nested by path segments: customer.email is
	// Values["customer"].(map[string]any)["email"]. It holds nothing else.
	// It is never nil.
	Values map[string]any
	// Missing lists, sorted, the required parameters that are absent or empty.
	Missing []string
	// Invalid lists, sorted, the parameters whose value does not convert to
	// their type, or whose path crosses a value that is not an object.
	Invalid []string
}

// Bind binds a parsed request doc and its raw body to the parameters ps.
//
// The RawBody parameter gets the raw body. Every other parameter is looked up
// at its path in doc. A value that is absent, null, an empty string, or Text
// with no values or an empty first value, counts as absent: a required
// parameter is then Missing, another one is left out of Values. A JSON null
// on the way counts as absent too. A present value is converted with Coerce;
// a value that does not convert, or a path that crosses a value that is not an
// object (customer.email when customer is a string), is Invalid.
func Bind(ps []Parameter, doc payload.Document, rawBody []byte) Bound {
	b := Bound{Values: map[string]any{}}
	for _, p := range ps {
		v, found := lookup(p, doc, rawBody)
		switch found {
		case absent:
			if p.Required {
				b.Missing = append(b.Missing, p.Path)
			}
			continue
		case crossed:
			b.Invalid = append(b.Invalid, p.Path)
			continue
		}
		c, ok := Coerce(v, p.Type)
		if !ok {
			b.Invalid = append(b.Invalid, p.Path)
			continue
		}
		payload.SetIfAbsent(b.Values, strings.Split(p.Path, "."), c)
	}
	b.Missing = sortedUnique(b.Missing)
	b.Invalid = sortedUnique(b.Invalid)
	return b
}

// found tells what a lookup found.
type found int

const (
	present found = iota // a value that is not empty
	absent               // nothing, or an empty value
	crossed              // the path crosses a value that is not an object
)

// lookup finds the request value of the parameter p.
func lookup(p Parameter, doc payload.Document, rawBody []byte) (any, found) {
	path := p.Path
	if p.RawBody {
		if len(rawBody) == 0 {
			return nil, absent
		}
		return string(rawBody), present
	}
	segs := strings.Split(path, ".")
	var cur map[string]any = doc
	for i, seg := range segs {
		v, ok := cur[seg]
		if !ok || isEmpty(v) {
			return nil, absent
		}
		if i == len(segs)-1 {
			return v, present
		}
		switch o := v.(type) {
		case map[string]any:
			cur = o
		case payload.Document:
			cur = o
		default:
			return nil, crossed
		}
	}
	return nil, absent
}

// isEmpty reports whether a request value counts as absent.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case payload.Text:
		return len(v) == 0 || v[0] == ""
	default:
		return false
	}
}

// sortedUnique sorts s and removes repeats.
func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

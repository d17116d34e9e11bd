package payload

import (
	"net/url"
	"slices"
)

// AddQuery merges the query string q under d: each key is a dot path
// (customer.email is the key email of the object customer) whose values are set
// as Text only where d has nothing at that path yet, so the body wins over the
// query.
//
// A key with an empty segment ("", "a..b", ".a", "a.") or with more than
// MaxDepth segments is ignored. Keys are
// taken in sorted order and the first one wins: a key that would nest under a
// value that is not an object, or set a value where something already is, is
// ignored. Of two keys a and a.b, a is therefore kept and a.b ignored.
//
// Parse reads form and multipart fields the same way. AddQuery does nothing
// on a nil Document. AddQuery checks no bounds: for a request's query, use
// Document.MergeQuery.
func (d Document) AddQuery(q url.Values) {
	if d == nil {
		return
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		segs, ok := splitKey(k)
		if !ok {
			continue
		}
		SetIfAbsent(d, segs, Text(slices.Clone(q[k])))
	}
}

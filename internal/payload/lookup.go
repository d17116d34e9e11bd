package payload

// Lookup returns the value at a dot path of d. It reports false when the path
// has an empty segment, when nothing is there, or when a segment crosses a
// value that is not an object. A JSON null is present, with the value nil.
func Lookup(d Document, path string) (any, bool) {
	segs, ok := splitPath(path)
	if !ok {
		return nil, false
	}
	var cur map[string]any = d
	for i, seg := range segs {
		v, exists := cur[seg]
		if !exists {
			return nil, false
		}
		if i == len(segs)-1 {
			return v, true
		}
		if cur, ok = asObject(v); !ok {
			return nil, false
		}
	}
	return nil, false
}

package payload

import (
	"slices"
	"strings"
)

// MaxDepth is the most segments a form field or query key may have; deeper
// keys are ignored, so that a small body cannot build a deep Document.
// Parameter paths have the same limit.
const MaxDepth = 32

// splitKey splits a form field or query key into its segments; ok is false
// when a segment is empty or when there are more than MaxDepth of them.
func splitKey(key string) ([]string, bool) {
	if strings.Count(key, ".") >= MaxDepth {
		return nil, false
	}
	return splitPath(key)
}

// splitPath splits a dot path into its segments; ok is false when a segment
// is empty.
func splitPath(path string) ([]string, bool) {
	segs := strings.Split(path, ".")
	if slices.Contains(segs, "") {
		return nil, false
	}
	return segs, true
}

// SetIfAbsent sets v at segs under m, creating objects on the way, unless
// the path crosses a value that is not an object or something is already
// there: where paths conflict (a and a.b), the first one set wins.
func SetIfAbsent(m map[string]any, segs []string, v any) {
	for _, seg := range segs[:len(segs)-1] {
		next, exists := m[seg]
		if !exists {
			child := map[string]any{}
			m[seg] = child
			m = child
			continue
		}
		child, ok := asObject(next)
		if !ok {
			return
		}
		m = child
	}
	last := segs[len(segs)-1]
	if _, exists := m[last]; !exists {
		m[last] = v
	}
}

// asObject returns v as an object, when it is one.
func asObject(v any) (map[string]any, bool) {
	switch o := v.(type) {
	case map[string]any:
		return o, o != nil
	case Document:
		return o, o != nil
	default:
		return nil, false
	}
}

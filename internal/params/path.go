package params

import (
	"strings"
	"unicode"

	"github.com/hookflow/hookflow/internal/payload"
)

// maxDepth is the most segments a parameter path may have; form and query
// keys have the same limit.
const maxDepth = payload.MaxDepth

// checkPath returns why path is not a valid parameter path, or "" when it is.
// A path is dot-separated non-empty segments, at most maxDepth of them; with
// noSpace, it must not contain white space either.
func checkPath(path string, noSpace bool) string {
	switch {
	case path == "":
		return "must not be empty"
	case strings.Count(path, ".") >= maxDepth:
		return "must have at most 32 segments"
	case strings.HasPrefix(path, ".") || strings.HasSuffix(path, ".") || strings.Contains(path, ".."):
		return "must not have an empty segment (dot paths look like customer.email)"
	case noSpace && strings.IndexFunc(path, unicode.IsSpace) >= 0:
		return "must not contain white space"
	}
	return ""
}

// pathSet holds parameter paths and finds the ones that cannot live together:
// equal paths, or a path that is a value at one place and an object holding
// another path at the same time (a and a.b).
type pathSet struct {
	leaves   map[string]bool
	prefixes map[string]string // proper prefix -> one path under it
}

// newPathSet returns an empty set.
func newPathSet() *pathSet {
	return &pathSet{leaves: map[string]bool{}, prefixes: map[string]string{}}
}

// add puts path into the set.
func (s *pathSet) add(path string) {
	s.leaves[path] = true
	for i := range len(path) {
		if path[i] == '.' {
			if _, ok := s.prefixes[path[:i]]; !ok {
				s.prefixes[path[:i]] = path
			}
		}
	}
}

// has reports whether path is in the set.
func (s *pathSet) has(path string) bool { return s.leaves[path] }

// conflict returns a path of the set that cannot live with path, other than
// path itself: one under it, or one it would be under.
func (s *pathSet) conflict(path string) (string, bool) {
	if under, ok := s.prefixes[path]; ok {
		return under, true
	}
	for i := range len(path) {
		if path[i] == '.' && s.leaves[path[:i]] {
			return path[:i], true
		}
	}
	return "", false
}

// conflictDetail explains why path cannot live with other.
func conflictDetail(other string) string {
	return "conflicts with parameter " + quote(other) + ": a path cannot be both a value and an object holding other parameters"
}

package clientip

import (
	"iter"
	"strings"
)

// backward yields the entries of a comma-separated header from right to
// left: the last line first, and in each line the last entry first, with
// spaces and tabs around an entry trimmed. The lines are joined as one list,
// as RFC 9110 §5.3 combines field lines; an empty entry is yielded as "".
func backward(lines []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := len(lines) - 1; i >= 0; i-- {
			line := lines[i]
			for {
				j := strings.LastIndexByte(line, ',')
				if !yield(trimOWS(line[j+1:])) {
					return
				}
				if j < 0 {
					break
				}
				line = line[:j]
			}
		}
	}
}

// trimOWS trims HTTP optional whitespace (spaces and tabs) from both ends.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

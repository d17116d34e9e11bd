package celexpr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
)

// issuesError turns cel's parse and check issues into one line a user who
// wrote the expression in YAML can act on:
// "undefined field 'emial' (line 1, column 16)".
func issuesError(iss *cel.Issues) error {
	errs := iss.Errors()
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		if e.Location != nil && e.Location.Line() > 0 {
			msgs = append(msgs, fmt.Sprintf("%s (line %d, column %d)", e.Message, e.Location.Line(), e.Location.Column()+1))
			continue
		}
		msgs = append(msgs, e.Message)
	}
	if len(msgs) == 0 {
		return errors.New("invalid expression")
	}
	return errors.New(strings.Join(msgs, "; "))
}

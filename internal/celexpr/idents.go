package celexpr

// reservedWords are the CEL keywords and reserved identifiers: they cannot be
// written as a field selection (params.in), so an object level holding such a
// key is typed as a map and read with an index (params['in']).
var reservedWords = map[string]struct{}{
	"as": {}, "break": {}, "const": {}, "continue": {}, "else": {},
	"false": {}, "for": {}, "function": {}, "if": {}, "import": {},
	"in": {}, "let": {}, "loop": {}, "namespace": {}, "null": {},
	"package": {}, "return": {}, "true": {}, "var": {}, "void": {},
	"while": {},
}

// isSelectable tells whether name can be written after a dot in CEL: a valid
// identifier ([_a-zA-Z][_a-zA-Z0-9]*) that is not a reserved word.
func isSelectable(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	_, reserved := reservedWords[name]
	return !reserved
}

package payload

import (
	"net/url"
)

// parseForm reads an application/x-www-form-urlencoded body, within the bounds
// of a request (limits.go); keys and values must be valid UTF-8 once
// unescaped. Keys nest by dot path, like the query string in
// Document.AddQuery.
func parseForm(body []byte) (Document, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, malformed("invalid form data", err)
	}
	return fieldsDocument(values)
}

// fieldsDocument checks form fields against the bounds of a request and
// nests them into a Document.
func fieldsDocument(values url.Values) (Document, error) {
	var b bounds
	b.fields(values)
	if err := b.err(); err != nil {
		return nil, err
	}
	d := Document{}
	d.AddQuery(values)
	return d, nil
}

package payload

import (
	"net/url"
)

// parseForm reads an application/x-www-form-urlencoded body. Keys nest by dot
// path, like the query string in Document.AddQuery.
func parseForm(body []byte) (Document, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, malformed("invalid form data", err)
	}
	d := Document{}
	d.AddQuery(values)
	return d, nil
}

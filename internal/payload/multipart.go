package payload

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/url"
)

// parseMultipart reads the form fields of a multipart/form-data body; file
// parts are skipped. It never writes to disk: it does not use ReadForm. Field
// names nest by dot path, like the query string in Document.AddQuery.
func parseMultipart(body []byte, boundary string) (Document, error) {
	if boundary == "" {
		return nil, malformed("multipart body without a boundary parameter", nil)
	}
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	values := url.Values{}
	for {
		part, err := r.NextPart()
		// Only a bare io.EOF is the clean end: NextPart wraps the io.EOF of
		// a stream that ends before its final boundary.
		if err == io.EOF { //nolint:errorlint // see above
			break
		}
		if err != nil {
			return nil, malformed("invalid multipart data", err)
		}
		name := part.FormName()
		if name == "" || part.FileName() != "" {
			continue // NextPart skips the rest of this part
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return nil, malformed("invalid multipart data", err)
		}
		values[name] = append(values[name], string(value))
	}
	d := Document{}
	d.AddQuery(values)
	return d, nil
}

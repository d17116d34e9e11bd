package payload

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
)

// parseMultipart reads the form fields of a multipart/form-data body, like
// parseForm; a file part is an error wrapping ErrFileUpload, and a part
// without a name is skipped. It never writes to disk: it does not use
// ReadForm. Field names nest by dot path, like the query string in
// Document.AddQuery.
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
		if part.FileName() != "" {
			return nil, fmt.Errorf("%w: part %s", ErrFileUpload, truncate(part.FormName()))
		}
		name := part.FormName()
		if name == "" {
			continue // NextPart skips the rest of this part
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return nil, malformed("invalid multipart data", err)
		}
		values[name] = append(values[name], string(value))
	}
	return fieldsDocument(values)
}

package payload

// Parse reads a request body into a Document, by its raw Content-Type header
// value contentType:
//
//   - application/json, text/json and application/*+json: the body must be one
//     JSON object followed only by white space. Invalid JSON and trailing data
//     give an error wrapping ErrMalformed; valid JSON that is not an object
//     gives an error wrapping ErrNotObject.
//   - application/x-www-form-urlencoded and the fields of multipart/form-data:
//     each key is a dot path, see Document.AddQuery for how keys nest. Broken
//     data gives an error wrapping ErrMalformed, and so does multipart without
//     a boundary parameter; a multipart file part gives one wrapping
//     ErrFileUpload.
//   - XML, text and any other type: an empty Document; such a body is only
//     available raw, through the body parameter.
//
// JSON and form bodies are held to the bounds of limits.go: invalid UTF-8 (in
// a JSON body, or in a form key or value once unescaped) gives an error
// wrapping ErrMalformed; more than MaxValues values, nesting deeper than
// MaxDepth, a key longer than MaxKeyBytes or a string value longer than
// MaxValueBytes give errors wrapping ErrTooManyValues, ErrTooDeep,
// ErrKeyTooLong and ErrValueTooLong.
//
// An empty or unparseable Content-Type is sniffed: a body whose first non-space
// byte is '{' is read as JSON, anything else as text. An empty body gives an
// empty Document whatever the type, and so does a JSON body of only white
// space.
//
// Parse never returns a nil Document with a nil error.
func Parse(contentType string, body []byte) (Document, error) {
	if len(body) == 0 {
		return Document{}, nil
	}
	k, boundary := classify(contentType, body)
	switch k {
	case kindJSON:
		return parseJSON(body)
	case kindForm:
		return parseForm(body)
	case kindMultipart:
		return parseMultipart(body, boundary)
	default:
		return Document{}, nil
	}
}

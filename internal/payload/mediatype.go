package payload

import (
	"mime"
	"strings"
)

// kind is how Parse reads a body.
type kind int

const (
	kindRaw       kind = iota // only available raw, through the body parameter
	kindJSON                  // a JSON object
	kindForm                  // application/x-www-form-urlencoded
	kindMultipart             // multipart/form-data
)

// classify tells how to read body from its raw Content-Type header value. It
// also returns the multipart boundary, empty when there is none.
//
// An empty or unparseable header is sniffed: a body whose first non-space byte
// is '{' is JSON, anything else is raw.
func classify(contentType string, body []byte) (kind, string) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		if first, ok := firstNonSpace(body); ok && first == '{' {
			return kindJSON, ""
		}
		return kindRaw, ""
	}
	switch {
	case isJSONMediaType(mediaType):
		return kindJSON, ""
	case mediaType == "application/x-www-form-urlencoded":
		return kindForm, ""
	case mediaType == "multipart/form-data":
		return kindMultipart, params["boundary"]
	default:
		return kindRaw, ""
	}
}

// isJSONMediaType reports whether a lower-case media type is JSON:
// application/json, text/json or application/*+json.
func isJSONMediaType(mediaType string) bool {
	switch mediaType {
	case "application/json", "text/json":
		return true
	}
	sub, ok := strings.CutPrefix(mediaType, "application/")
	return ok && len(sub) > len("+json") && strings.HasSuffix(sub, "+json")
}

// isJSONSpace reports whether b is white space in JSON.
func isJSONSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r'
}

// firstNonSpace returns the first byte of body that is not JSON white space.
func firstNonSpace(body []byte) (byte, bool) {
	for _, b := range body {
		if !isJSONSpace(b) {
			return b, true
		}
	}
	return 0, false
}

package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// parseJSON reads a body that must be one JSON object, followed only by white
// space. Numbers stay json.Number.
func parseJSON(body []byte) (Document, error) {
	if _, ok := firstNonSpace(body); !ok {
		return Document{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(err)
	}
	if off := dec.InputOffset(); off < int64(len(body)) {
		if _, more := firstNonSpace(body[off:]); more {
			return nil, fmt.Errorf("%w: data after the JSON value at byte %d", ErrMalformed, off)
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: got %s", ErrNotObject, KindOf(v))
	}
	return Document(obj), nil
}

// KindOf names the kind of a value decoded from JSON, for error messages:
// "null", "a boolean", "a number", "a string", "an array" or "an object".
func KindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}

// jsonError describes a decoding error by its position only, so that the
// error does not echo the body.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("%w: invalid JSON at byte %d", ErrMalformed, syntax.Offset)
	}
	return fmt.Errorf("%w: unexpected end of JSON", ErrMalformed)
}

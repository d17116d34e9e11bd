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
	v, err := DecodeValue(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
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

// DecodeValue decodes data as exactly one JSON value, followed only by
// white space, with numbers as json.Number. Its errors give a byte offset,
// never the data itself.
func DecodeValue(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("invalid JSON at byte %d", syntax.Offset)
		}
		return nil, errors.New("invalid JSON: unexpected end")
	}
	if off := dec.InputOffset(); off < int64(len(data)) {
		if _, more := firstNonSpace(data[off:]); more {
			return nil, fmt.Errorf("invalid JSON: data after the value at byte %d", off)
		}
	}
	return v, nil
}

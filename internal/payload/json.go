package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// parseJSON reads a body that must be one JSON object, followed only by white
// space, within the bounds of a request (limits.go). Numbers stay json.Number.
//
// The body must be valid UTF-8, and its \u escapes must not stand for half a
// surrogate pair: encoding/json would silently replace either with U+FFFD, and
// the record would not hold what was sent.
func parseJSON(body []byte) (Document, error) {
	if _, ok := firstNonSpace(body); !ok {
		return Document{}, nil
	}
	if !utf8.Valid(body) {
		return nil, malformed("invalid UTF-8", nil)
	}
	v, err := DecodeValue(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if loneSurrogate(body) {
		return nil, malformed(`a \u escape of half a surrogate pair`, nil)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: got %s", ErrNotObject, KindOf(v))
	}
	var b bounds
	b.object(obj, 1)
	if err := b.err(); err != nil {
		return nil, err
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

// loneSurrogate reports whether the escapes of a valid JSON text hold a \u
// escape of a UTF-16 surrogate that is not part of a high-low pair.
func loneSurrogate(data []byte) bool {
	for i := bytes.IndexByte(data, '\\'); i >= 0 && i+1 < len(data); {
		if data[i+1] != 'u' {
			i += 2 // \\, \" and the other one-letter escapes
		} else {
			r := hex4(data[i+2:])
			switch {
			case r >= 0xDC00 && r <= 0xDFFF:
				return true
			case r >= 0xD800 && r <= 0xDBFF:
				if len(data) < i+12 || data[i+6] != '\\' || data[i+7] != 'u' {
					return true
				}
				if lo := hex4(data[i+8:]); lo < 0xDC00 || lo > 0xDFFF {
					return true
				}
				i += 12
			default:
				i += 6
			}
		}
		next := bytes.IndexByte(data[i:], '\\')
		if next < 0 {
			return false
		}
		i += next
	}
	return false
}

// hex4 reads the four hex digits that start b, as valid JSON has them after
// \u.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

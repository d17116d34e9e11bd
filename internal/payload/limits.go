package payload

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Bounds on what one request may hold, body and query together. They keep
// the work done for an untrusted request, and what a run stores, small.
const (
	// MaxValues is the most values a request may hold: every JSON value
	// other than the root object (objects and arrays included), and every
	// value of every form field and query key.
	MaxValues = 1000
	// MaxValueBytes is the longest string value, in bytes: a JSON string,
	// a form field's or a query key's value.
	MaxValueBytes = 64 << 10
	// MaxKeyBytes is the longest key, in bytes: a JSON object's member name,
	// or a whole form field name or query key (all its dot-path segments).
	MaxKeyBytes = 1024
)

// Errors of Parse and Document.MergeQuery for a request over a bound; each
// wraps one of these, never ErrMalformed.
var (
	// ErrTooManyValues: more than MaxValues values.
	ErrTooManyValues = errors.New("too many values")
	// ErrValueTooLong: a string value longer than MaxValueBytes.
	ErrValueTooLong = errors.New("value too long")
	// ErrKeyTooLong: a key longer than MaxKeyBytes.
	ErrKeyTooLong = errors.New("key too long")
	// ErrTooDeep: a JSON value nested more than MaxDepth levels deep, or a
	// form field or query key with more than MaxDepth segments.
	ErrTooDeep = errors.New("nesting too deep")
	// ErrFileUpload: a multipart/form-data part that is a file.
	ErrFileUpload = errors.New("file uploads are not accepted")
)

// bounds collects what a request breaks. It walks everything it is given,
// so that the error it reports does not depend on map order: the first of
// invalid UTF-8 (ErrMalformed), ErrTooDeep, ErrTooManyValues, ErrKeyTooLong
// and ErrValueTooLong.
type bounds struct {
	values                                     int
	badUTF8, tooDeep, keyTooLong, valueTooLong bool
}

// err returns the error for what b found, or nil.
func (b *bounds) err() error {
	switch {
	case b.badUTF8:
		return malformed("invalid UTF-8", nil)
	case b.tooDeep:
		return fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
	case b.values > MaxValues:
		return fmt.Errorf("%w: more than %d", ErrTooManyValues, MaxValues)
	case b.keyTooLong:
		return fmt.Errorf("%w: more than %d bytes", ErrKeyTooLong, MaxKeyBytes)
	case b.valueTooLong:
		return fmt.Errorf("%w: more than %d bytes", ErrValueTooLong, MaxValueBytes)
	default:
		return nil
	}
}

// key checks one JSON member name.
func (b *bounds) key(k string) {
	if len(k) > MaxKeyBytes {
		b.keyTooLong = true
	}
}

// object counts and checks the members of m, whose values sit depth levels
// below the root. It never descends past MaxDepth.
func (b *bounds) object(m map[string]any, depth int) {
	if depth > MaxDepth {
		b.tooDeep = true
		return
	}
	for k, v := range m {
		b.key(k)
		b.value(v, depth)
	}
}

// value counts and checks v, depth levels below the root.
func (b *bounds) value(v any, depth int) {
	b.values++
	switch v := v.(type) {
	case string:
		if len(v) > MaxValueBytes {
			b.valueTooLong = true
		}
	case Text:
		b.values += len(v) - 1
		for _, s := range v {
			b.text(s)
		}
	case map[string]any:
		b.object(v, depth+1)
	case Document:
		b.object(v, depth+1)
	case []any:
		if depth+1 > MaxDepth {
			b.tooDeep = true
			return
		}
		for _, e := range v {
			b.value(e, depth+1)
		}
	}
}

// text checks one form or query value.
func (b *bounds) text(s string) {
	if len(s) > MaxValueBytes {
		b.valueTooLong = true
	}
	if !utf8.ValidString(s) {
		b.badUTF8 = true
	}
}

// fields counts and checks form fields or query keys with their values.
func (b *bounds) fields(q url.Values) {
	for k, vs := range q {
		if len(k) > MaxKeyBytes {
			b.keyTooLong = true
		}
		if strings.Count(k, ".") >= MaxDepth {
			b.tooDeep = true
		}
		if !utf8.ValidString(k) {
			b.badUTF8 = true
		}
		b.values += len(vs)
		for _, s := range vs {
			b.text(s)
		}
	}
}

// MergeQuery is Document.AddQuery within the bounds of a request: it fails,
// changing nothing, when a query key or value is not valid UTF-8 (an error
// wrapping ErrMalformed), when a key is longer than MaxKeyBytes or has more
// than MaxDepth segments, when a value is longer than MaxValueBytes, or when d
// and q together hold more than MaxValues values (errors wrapping
// ErrKeyTooLong, ErrTooDeep, ErrValueTooLong and ErrTooManyValues). Values of
// q are counted whether or not they are set in d.
//
// MergeQuery does nothing on a nil Document.
func (d Document) MergeQuery(q url.Values) error {
	if d == nil || len(q) == 0 {
		return nil
	}
	var b bounds
	b.fields(q)
	if err := b.err(); err != nil {
		return err
	}
	b.object(d, 1)
	if err := b.err(); err != nil {
		return err
	}
	d.AddQuery(q)
	return nil
}

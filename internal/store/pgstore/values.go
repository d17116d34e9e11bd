package pgstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
)

// reasonNUL is the problem of a text holding a NUL character, which
// PostgreSQL's text and jsonb cannot store.
const reasonNUL = "must not contain NUL characters (U+0000), which PostgreSQL cannot store"

// columnArgs returns the value of each field's column, in the order of
// fields, from normalized values: nil for a field without a value. A
// value that PostgreSQL cannot store is a *record.ValidationError; a key
// that is not a field is an error.
func columnArgs(fields []v1alpha1.WorksheetField, values map[string]any) ([]any, error) {
	args := make([]any, len(fields))
	var problems []record.Problem
	for i, f := range fields {
		v, ok := values[f.Name]
		if !ok || v == nil {
			continue
		}
		arg, reason, err := columnValue(f, v)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			problems = append(problems, record.Problem{Field: f.Name, Reason: reason})
		}
		args[i] = arg
	}
	for k := range values {
		if !hasField(fields, k) {
			return nil, fmt.Errorf("field %s: not a field of the Worksheet", k)
		}
	}
	if len(problems) > 0 {
		return nil, &record.ValidationError{Problems: problems}
	}
	return args, nil
}

// columnValue is the column value of a normalized value v of field f, or
// the reason PostgreSQL cannot store it. A value that is not normalized is
// an error.
func columnValue(f v1alpha1.WorksheetField, v any) (arg any, reason string, err error) {
	switch f.Type {
	case v1alpha1.FieldText, v1alpha1.FieldSelect, v1alpha1.FieldEmail:
		s, ok := v.(string)
		if !ok {
			break
		}
		if strings.ContainsRune(s, 0) {
			return nil, reasonNUL, nil
		}
		return s, "", nil
	case v1alpha1.FieldNumber:
		if n, ok := v.(float64); ok {
			return n, "", nil
		}
	case v1alpha1.FieldBoolean:
		if b, ok := v.(bool); ok {
			return b, "", nil
		}
	case v1alpha1.FieldDateTime:
		if s, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, "", fmt.Errorf("field %s: not a normalized date-time", f.Name)
			}
			return t.UTC().Truncate(time.Microsecond), "", nil
		}
	case v1alpha1.FieldJSON:
		if jsonHasNUL(v) {
			return nil, reasonNUL, nil
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, "", fmt.Errorf("field %s: encode JSON: %w", f.Name, err)
		}
		return string(raw), "", nil
	}
	return nil, "", fmt.Errorf("field %s: a %T is not a normalized %s value", f.Name, v, f.Type)
}

// jsonHasNUL tells whether a string or key of a JSON value holds U+0000.
func jsonHasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.ContainsRune(x, 0)
	case []any:
		for _, e := range x {
			if jsonHasNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if strings.ContainsRune(k, 0) || jsonHasNUL(e) {
				return true
			}
		}
	}
	return false
}

// storedValues returns values as the table keeps them and reads them
// back: a DateTime cut to microseconds.
func storedValues(fields []v1alpha1.WorksheetField, values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		out[k] = v
		f, ok := fieldNamed(fields, k)
		if !ok || f.Type != v1alpha1.FieldDateTime {
			continue
		}
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				out[k] = t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
			}
		}
	}
	return out
}

// columnScanner reads the column of a field into its normalized value.
type columnScanner struct {
	field v1alpha1.WorksheetField
	text  *string
	num   *float64
	flag  *bool
	time  *time.Time
	json  []byte
}

// target is what to pass to Scan for the column.
func (c *columnScanner) target() any {
	switch c.field.Type {
	case v1alpha1.FieldNumber:
		return &c.num
	case v1alpha1.FieldBoolean:
		return &c.flag
	case v1alpha1.FieldDateTime:
		return &c.time
	case v1alpha1.FieldJSON:
		return &c.json
	}
	return &c.text
}

// value is the normalized value read, or nil for NULL. A JSON value keeps
// its numbers exact (json.Number), as the CustomResource store reads them.
func (c *columnScanner) value() (any, error) {
	switch {
	case c.text != nil:
		return *c.text, nil
	case c.num != nil:
		return *c.num, nil
	case c.flag != nil:
		return *c.flag, nil
	case c.time != nil:
		return c.time.UTC().Format(time.RFC3339Nano), nil
	case c.json != nil:
		dec := json.NewDecoder(bytes.NewReader(c.json))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("field %s: decode stored JSON: %w", c.field.Name, err)
		}
		return v, nil
	}
	return nil, nil
}

// fieldScanners returns a scanner per field.
func fieldScanners(fields []v1alpha1.WorksheetField) []*columnScanner {
	out := make([]*columnScanner, len(fields))
	for i, f := range fields {
		out[i] = &columnScanner{field: f}
	}
	return out
}

// scannedValues collects the values of the scanners, leaving out NULLs.
func scannedValues(scanners []*columnScanner) (map[string]any, error) {
	values := make(map[string]any, len(scanners))
	for _, s := range scanners {
		v, err := s.value()
		if err != nil {
			return nil, err
		}
		if v != nil {
			values[s.field.Name] = v
		}
	}
	return values, nil
}

func hasField(fields []v1alpha1.WorksheetField, name string) bool {
	_, ok := fieldNamed(fields, name)
	return ok
}

func fieldNamed(fields []v1alpha1.WorksheetField, name string) (v1alpha1.WorksheetField, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return v1alpha1.WorksheetField{}, false
}

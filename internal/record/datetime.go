package record

import (
	"strings"
	"time"
)

const (
	reasonDateTime = "must be an RFC 3339 date-time, e.g. 2024-05-01T10:00:00Z"
	reasonYear     = "must be a date-time between the years 0000 and 9999"
)

// normalizeDateTime accepts a time.Time or an RFC 3339 string and returns
// it as an RFC 3339 string in UTC, with as many fractional digits as needed
// (time.RFC3339Nano).
func normalizeDateTime(v any) (any, string) {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case string:
		parsed, err := time.Parse(time.RFC3339, strings.TrimSpace(x))
		if err != nil {
			return nil, reasonDateTime
		}
		t = parsed
	default:
		return nil, reasonDateTime
	}
	t = t.UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return nil, reasonYear
	}
	return t.Format(time.RFC3339Nano), ""
}

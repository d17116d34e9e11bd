package record

import "strings"

const reasonBoolean = "must be true or false"

// normalizeBoolean accepts a bool, or the strings "true" and "false".
func normalizeBoolean(v any) (any, string) {
	switch x := v.(type) {
	case bool:
		return x, ""
	case string:
		switch strings.TrimSpace(x) {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
	}
	return nil, reasonBoolean
}

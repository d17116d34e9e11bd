package celexpr

import (
	"fmt"
	"strconv"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// toNative converts a CEL value to the Go value Eval returns, recursively
// for lists and maps. Map keys become strings: int, uint and bool keys are
// formatted, as JSON objects only have string keys.
func toNative(val ref.Val) (any, error) {
	switch v := val.(type) {
	case types.String:
		return string(v), nil
	case types.Double:
		return float64(v), nil
	case types.Int:
		return int64(v), nil
	case types.Uint:
		return uint64(v), nil
	case types.Bool:
		return bool(v), nil
	case types.Bytes:
		return []byte(v), nil
	case types.Timestamp:
		return v.Time, nil
	case types.Null:
		return nil, nil
	case *types.Optional:
		if !v.HasValue() {
			return nil, nil
		}
		return toNative(v.GetValue())
	case types.Duration:
		return nil, fmt.Errorf("a duration cannot be stored; convert it with string() or .getSeconds()")
	case traits.Mapper:
		return mapToNative(v)
	case traits.Lister:
		return listToNative(v)
	}
	return nil, fmt.Errorf("a value of type %s cannot be stored", val.Type().TypeName())
}

func listToNative(l traits.Lister) (any, error) {
	n, ok := l.Size().(types.Int)
	if !ok {
		return nil, fmt.Errorf("list has no size")
	}
	out := make([]any, 0, int(n))
	for it := l.Iterator(); it.HasNext() == types.True; {
		elem, err := toNative(it.Next())
		if err != nil {
			return nil, err
		}
		out = append(out, elem)
	}
	return out, nil
}

func mapToNative(m traits.Mapper) (any, error) {
	n, _ := m.Size().(types.Int)
	out := make(map[string]any, int(n))
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		key, err := mapKey(k)
		if err != nil {
			return nil, err
		}
		val, err := toNative(m.Get(k))
		if err != nil {
			return nil, err
		}
		out[key] = val
	}
	return out, nil
}

// mapKey formats a CEL map key as a string.
func mapKey(k ref.Val) (string, error) {
	switch v := k.(type) {
	case types.String:
		return string(v), nil
	case types.Int:
		return strconv.FormatInt(int64(v), 10), nil
	case types.Uint:
		return strconv.FormatUint(uint64(v), 10), nil
	case types.Bool:
		return strconv.FormatBool(bool(v)), nil
	}
	return "", fmt.Errorf("a map key of type %s cannot be stored", k.Type().TypeName())
}

// describeNative names the kind of a value Eval returned, without the value.
func describeNative(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64, int64, uint64:
		return "a number"
	case bool:
		return "a bool"
	case time.Time:
		return "a timestamp"
	case []byte:
		return "bytes"
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}

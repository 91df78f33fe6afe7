package clb

import (
	"encoding/json"
	"math"
)

// Normalize converts a JSON value decoded with UseNumber (as gophercloud
// decodes response bodies) into plain Go values: integers become int, other
// numbers float64, objects map[string]any and arrays []any.
func Normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil && n >= math.MinInt && n <= math.MaxInt {
			return int(n)
		}
		f, _ := x.Float64()
		return f
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return x
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Normalize(e)
		}
		return out
	}
	return v
}

// Object returns body[key] normalized as a map, or nil.
func Object(body any, key string) map[string]any {
	m, _ := body.(map[string]any)
	o, _ := Normalize(m[key]).(map[string]any)
	return o
}

// Array returns body[key] normalized as a list of maps; non-map items are
// skipped.
func Array(body any, key string) []map[string]any {
	m, _ := body.(map[string]any)
	l, _ := Normalize(m[key]).([]any)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		if o, ok := e.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

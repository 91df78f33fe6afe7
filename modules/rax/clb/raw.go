package clb

import (
	"encoding/json"
	"math"

	"github.com/goplay/goplay/engine/pyfmt"
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
	m, _ := decode(body).(map[string]any)
	o, _ := m[key].(map[string]any)
	return o
}

// Array returns body[key] normalized as a list of maps; non-map items are
// skipped.
func Array(body any, key string) []map[string]any {
	m, _ := decode(body).(map[string]any)
	l, _ := m[key].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		if o, ok := e.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// Body is the value a result keeps of a response body decoded as
// json.RawMessage: the raw JSON (nil when the response had none). Extract
// methods read it with gophercloud's ExtractInto; Object and Array parse it
// as Python's json.loads does, keeping the document's key order (recorded
// with pyfmt.SetOrder), so a dict built from it prints like pyrax's.
func Body(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}

// decode returns body as plain Go values: a raw JSON body is parsed with
// pyfmt.ParseJSON (key order kept), anything else is normalized.
func decode(body any) any {
	switch b := body.(type) {
	case json.RawMessage:
		v, err := pyfmt.ParseJSON(b)
		if err != nil {
			return nil
		}
		return v
	case []byte:
		return decode(json.RawMessage(b))
	}
	return Normalize(body)
}

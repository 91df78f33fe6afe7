// Package pyfmt prints Go values the way CPython 3.11 prints the
// corresponding Python values, and decodes JSON the way Python's json
// module does.
//
// Value conventions (the "Python data model" used throughout goplay):
//
//	Python          Go
//	None            nil (also a nil pointer or nil interface)
//	bool            bool
//	int             int, int8..int64, uint..uint64, *big.Int
//	float           float64 (float32 is widened)
//	str             string (and named string types)
//	list            []any, or any other slice/array type (via reflection)
//	dict            map[string]any (printed in the key order recorded with
//	                SetOrder, else sorted, since a Go map has no order),
//	                any other map type (sorted), or *OrderedMap (printed in
//	                insertion order)
//
// A nil slice prints as [] and a nil map as {}. A []byte prints as a Python
// bytes literal (b'...') in Repr and as a string in JSON. json.Number prints
// verbatim. Any other type falls back to fmt's %v.
//
// Functions:
//
//   - Repr is Python's repr(); Str is Python's str().
//   - FormatFloat is float.__repr__.
//   - JSON is json.dumps(v, sort_keys=..., ensure_ascii=False, indent=...).
//   - SetOrder / KeyOrder record and read back the insertion order of a
//     particular map[string]any, without keeping the map alive.
//   - ParseJSON / ParseJSONOrdered are json.loads, with Python's error
//     messages (JSONDecodeError). Nesting deeper than 10000 is an error
//     ("Maximum nesting depth exceeded"), where Python would raise
//     RecursionError at some similar depth.
//
// There is no cycle detection: a self-referencing value recurses forever
// (Python raises ValueError/RecursionError).
//
// Strings are UTF-8. Bytes that are not valid UTF-8 are treated like the
// lone surrogates Python's "surrogateescape" error handler produces: Repr
// prints byte 0xNN as \udcNN; JSON copies such bytes through unchanged.
package pyfmt

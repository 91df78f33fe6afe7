package pyfmt

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON returns exactly what Python's
//
//	json.dumps(v, sort_keys=sortKeys, ensure_ascii=False, indent=indent)
//
// returns. indent < 0 means indent=None: one line, with ", " and ": "
// separators. indent >= 0 puts every element on its own line, indented by
// indent spaces per level, with "," and ": " separators (indent 0 gives
// newlines without indentation). Empty containers are "{}" and "[]".
//
// With sortKeys false, a map[string]any prints in the order recorded by
// SetOrder, or sorted when none was recorded; an *OrderedMap prints in
// insertion order. With sortKeys true, every dict prints sorted. Non-string
// map keys are converted like Python does (int 1 -> "1", true -> "true",
// nil -> "null", float -> its repr).
func JSON(v any, indent int, sortKeys bool) string {
	e := jsonEncoder{indent: indent, sortKeys: sortKeys}
	e.value(v, 0)
	return e.b.String()
}

// JSONASCII is JSON with Python's default ensure_ascii=True: every
// character outside ASCII is a \uXXXX escape (a surrogate pair above
// U+FFFF), as the json callback prints.
func JSONASCII(v any, indent int, sortKeys bool) string {
	e := jsonEncoder{indent: indent, sortKeys: sortKeys, ascii: true}
	e.value(v, 0)
	return e.b.String()
}

type jsonEncoder struct {
	b        strings.Builder
	indent   int
	sortKeys bool
	ascii    bool
}

func writeU(b *strings.Builder, r rune) {
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(lowerHex[(r>>shift)&0xf])
	}
}

// QuoteJSON returns the JSON string literal json.dumps(s, ensure_ascii=False)
// produces.
func QuoteJSON(s string) string {
	var b strings.Builder
	writeJSONString(&b, s, false)
	return b.String()
}

func writeJSONString(b *strings.Builder, s string, ascii bool) {
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x7f && ascii {
			b.WriteString(s[start:i])
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				// a lone byte b: Python's surrogateescape gives U+DC00+b
				r = 0xdc00 + rune(c)
			}
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				writeU(b, r1)
				writeU(b, r2)
			} else {
				writeU(b, r)
			}
			i += size - 1
			start = i + 1
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(lowerHex[c>>4])
			b.WriteByte(lowerHex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

func (e *jsonEncoder) newline(level int) {
	e.b.WriteByte('\n')
	for i := 0; i < level*e.indent; i++ {
		e.b.WriteByte(' ')
	}
}

// open writes the separator before element i of a container at level.
func (e *jsonEncoder) sep(i, level int) {
	if e.indent < 0 {
		if i > 0 {
			e.b.WriteString(", ")
		}
		return
	}
	if i > 0 {
		e.b.WriteByte(',')
	}
	e.newline(level + 1)
}

func (e *jsonEncoder) closeContainer(n, level int, c byte) {
	if n > 0 && e.indent >= 0 {
		e.newline(level)
	}
	e.b.WriteByte(c)
}

func (e *jsonEncoder) value(v any, level int) {
	b := &e.b
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, x, e.ascii)
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(jsonFloat(x))
	case json.Number:
		b.WriteString(string(x))
	case *big.Int:
		if x == nil {
			b.WriteString("null")
		} else {
			b.WriteString(x.String())
		}
	case []any:
		b.WriteByte('[')
		for i, el := range x {
			e.sep(i, level)
			e.value(el, level+1)
		}
		e.closeContainer(len(x), level, ']')
	case map[string]any:
		var keys []string
		if e.sortKeys {
			keys = make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
		} else {
			keys = KeyOrder(x)
		}
		b.WriteByte('{')
		for i, k := range keys {
			e.sep(i, level)
			writeJSONString(b, k, e.ascii)
			b.WriteString(": ")
			e.value(x[k], level+1)
		}
		e.closeContainer(len(keys), level, '}')
	case *OrderedMap:
		if x == nil {
			b.WriteString("null")
			return
		}
		keys := x.keys
		if e.sortKeys {
			keys = append([]string(nil), keys...)
			sort.Strings(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			e.sep(i, level)
			writeJSONString(b, k, e.ascii)
			b.WriteString(": ")
			e.value(x.m[k], level+1)
		}
		e.closeContainer(len(keys), level, '}')
	case []byte:
		writeJSONString(b, string(x), e.ascii)
	default:
		e.reflectValue(reflect.ValueOf(v), level)
	}
}

func (e *jsonEncoder) reflectValue(rv reflect.Value, level int) {
	b := &e.b
	switch rv.Kind() {
	case reflect.Invalid:
		b.WriteString("null")
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			b.WriteString("null")
			return
		}
		e.value(rv.Elem().Interface(), level)
	case reflect.Bool:
		e.value(rv.Bool(), level)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(jsonFloat(rv.Float()))
	case reflect.String:
		writeJSONString(b, rv.String(), e.ascii)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			writeJSONString(b, string(rv.Bytes()), e.ascii)
			return
		}
		n := rv.Len()
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			e.sep(i, level)
			e.value(valueInterface(rv.Index(i)), level+1)
		}
		e.closeContainer(n, level, ']')
	case reflect.Map:
		keys := sortedMapKeys(rv)
		b.WriteByte('{')
		for i, k := range keys {
			e.sep(i, level)
			writeJSONString(b, jsonKey(valueInterface(k)), e.ascii)
			b.WriteString(": ")
			e.value(valueInterface(rv.MapIndex(k)), level+1)
		}
		e.closeContainer(len(keys), level, '}')
	default:
		writeJSONString(b, fmt.Sprintf("%v", valueInterface(rv)), e.ascii)
	}
}

// jsonKey converts a non-string dict key the way json.dumps does.
func jsonKey(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	rv := reflect.ValueOf(k)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return "null"
		}
		return jsonKey(rv.Elem().Interface())
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return jsonKey(rv.Bool())
	case reflect.Float32, reflect.Float64:
		return jsonFloat(rv.Float())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return Repr(k)
	}
	return fmt.Sprintf("%v", k)
}

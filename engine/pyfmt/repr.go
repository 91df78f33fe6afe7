package pyfmt

//go:generate sh -c "python3 testdata/gen_printable.py > printable_table.go"

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

const lowerHex = "0123456789abcdef"

// Repr returns Python's repr() of v (see the package comment for the
// value conventions).
func Repr(v any) string {
	var b strings.Builder
	writeRepr(&b, v)
	return b.String()
}

// Str returns Python's str() of v: a string is returned unchanged,
// everything else is Repr(v).
func Str(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case json.Number:
		return string(s)
	case nil:
		return "None"
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return "None"
		}
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.String {
		return rv.String()
	}
	return Repr(v)
}

// QuoteString returns Python's repr() of the string s.
func QuoteString(s string) string {
	var b strings.Builder
	writeReprString(&b, s)
	return b.String()
}

// isPrintable reports whether Python's str.isprintable() is true for r.
func isPrintable(r rune) bool {
	if r < 0x80 {
		return r >= 0x20 && r < 0x7f
	}
	i := sort.Search(len(nonPrintable), func(i int) bool { return nonPrintable[i][1] >= r })
	return !(i < len(nonPrintable) && nonPrintable[i][0] <= r)
}

func writeHexEscape(b *strings.Builder, r rune) {
	switch {
	case r <= 0xff:
		b.WriteString(`\x`)
		b.WriteByte(lowerHex[r>>4])
		b.WriteByte(lowerHex[r&0xf])
	case r <= 0xffff:
		b.WriteString(`\u`)
		for s := 12; s >= 0; s -= 4 {
			b.WriteByte(lowerHex[(r>>s)&0xf])
		}
	default:
		b.WriteString(`\U`)
		for s := 28; s >= 0; s -= 4 {
			b.WriteByte(lowerHex[(r>>s)&0xf])
		}
	}
}

func writeReprString(b *strings.Builder, s string) {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b.Grow(len(s) + 2)
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == quote || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c < 0x20 || c == 0x7f:
				writeHexEscape(b, rune(c))
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// surrogateescape: byte 0xNN is U+DCNN, which is not printable.
			writeHexEscape(b, 0xdc00+rune(c))
			i++
			continue
		}
		if isPrintable(r) {
			b.WriteString(s[i : i+size])
		} else {
			writeHexEscape(b, r)
		}
		i += size
	}
	b.WriteByte(quote)
}

func writeReprBytes(b *strings.Builder, s []byte) {
	quote := byte('\'')
	if containsByte(s, '\'') && !containsByte(s, '"') {
		quote = '"'
	}
	b.WriteByte('b')
	b.WriteByte(quote)
	for _, c := range s {
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			writeHexEscape(b, rune(c))
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
}

func containsByte(s []byte, c byte) bool {
	for _, x := range s {
		if x == c {
			return true
		}
	}
	return false
}

func writeRepr(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case string:
		writeReprString(b, x)
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(FormatFloat(x))
	case json.Number:
		b.WriteString(string(x))
	case *big.Int:
		if x == nil {
			b.WriteString("None")
		} else {
			b.WriteString(x.String())
		}
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := KeyOrder(x)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeReprString(b, k)
			b.WriteString(": ")
			writeRepr(b, x[k])
		}
		b.WriteByte('}')
	case *OrderedMap:
		if x == nil {
			b.WriteString("None")
			return
		}
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeReprString(b, k)
			b.WriteString(": ")
			writeRepr(b, x.m[k])
		}
		b.WriteByte('}')
	case []byte:
		writeReprBytes(b, x)
	default:
		writeReprReflect(b, reflect.ValueOf(v))
	}
}

func writeReprReflect(b *strings.Builder, rv reflect.Value) {
	switch rv.Kind() {
	case reflect.Invalid:
		b.WriteString("None")
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			b.WriteString("None")
			return
		}
		writeRepr(b, rv.Elem().Interface())
	case reflect.Bool:
		writeRepr(b, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(FormatFloat(rv.Float()))
	case reflect.String:
		writeReprString(b, rv.String())
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			writeReprBytes(b, rv.Bytes())
			return
		}
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, valueInterface(rv.Index(i)))
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := sortedMapKeys(rv)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, valueInterface(k))
			b.WriteString(": ")
			writeRepr(b, valueInterface(rv.MapIndex(k)))
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "%v", valueInterface(rv))
	}
}

// valueInterface is rv.Interface() that also works for values reached
// through unexported struct fields (it never is here, but be safe).
func valueInterface(rv reflect.Value) any {
	if !rv.IsValid() {
		return nil
	}
	if rv.CanInterface() {
		return rv.Interface()
	}
	return fmt.Sprintf("%v", rv)
}

// sortedMapKeys returns the keys of a map value in a deterministic order:
// numerically when every key is a number, by string value when every key
// is a string, otherwise by their Repr.
func sortedMapKeys(rv reflect.Value) []reflect.Value {
	keys := rv.MapKeys()
	kind := rv.Type().Key().Kind()
	switch {
	case kind == reflect.String:
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		return keys
	case kind >= reflect.Int && kind <= reflect.Int64:
		sort.Slice(keys, func(i, j int) bool { return keys[i].Int() < keys[j].Int() })
		return keys
	case kind >= reflect.Uint && kind <= reflect.Uintptr:
		sort.Slice(keys, func(i, j int) bool { return keys[i].Uint() < keys[j].Uint() })
		return keys
	case kind == reflect.Float32 || kind == reflect.Float64:
		sort.Slice(keys, func(i, j int) bool { return keys[i].Float() < keys[j].Float() })
		return keys
	}
	// Interface (or other) keys: numbers first, numerically; then the rest
	// by their repr.
	type keyed struct {
		k     reflect.Value
		isNum bool
		num   float64
		repr  string
	}
	ks := make([]keyed, len(keys))
	for i, k := range keys {
		kv := valueInterface(k)
		ks[i] = keyed{k: k, repr: Repr(kv)}
		ks[i].num, ks[i].isNum = asFloat(kv)
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.isNum != b.isNum {
			return a.isNum
		}
		if a.isNum && a.num != b.num {
			return a.num < b.num
		}
		return a.repr < b.repr
	})
	for i := range ks {
		keys[i] = ks[i].k
	}
	return keys
}

func asFloat(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

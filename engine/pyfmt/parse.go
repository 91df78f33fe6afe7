package pyfmt

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONDecodeError is the error ParseJSON returns; Error() matches the text
// of Python's json.JSONDecodeError, e.g.
// "Expecting value: line 1 column 1 (char 0)". Pos, Line and Col count
// characters (code points), like Python.
type JSONDecodeError struct {
	Msg       string
	Pos       int // character offset
	Line, Col int // 1-based
}

func (e *JSONDecodeError) Error() string {
	return fmt.Sprintf("%s: line %d column %d (char %d)", e.Msg, e.Line, e.Col, e.Pos)
}

// ParseJSON decodes data like Python's json.loads: objects become
// map[string]any (a repeated key keeps the last value) with their document
// key order recorded by SetOrder, arrays []any,
// strings string, true/false bool, null nil. A number without '.', 'e' or
// 'E' becomes an int (or a *big.Int when it does not fit in an int);
// other numbers, and the NaN / Infinity / -Infinity extensions Python
// accepts, become float64. A leading UTF-8 byte order mark is skipped (as
// json.loads does for bytes input). A \uXXXX escape naming a lone
// surrogate decodes to U+FFFD, since Go strings cannot hold surrogates.
func ParseJSON(data []byte) (any, error) {
	return parseJSON(data, false)
}

// ParseJSONOrdered is ParseJSON but decodes objects as *OrderedMap, keeping
// the key order of the document (a repeated key keeps its first position
// and takes the last value, like a Python dict).
func ParseJSONOrdered(data []byte) (any, error) {
	return parseJSON(data, true)
}

func parseJSON(data []byte, ordered bool) (any, error) {
	s := string(data)
	s = strings.TrimPrefix(s, "\ufeff")
	p := jsonParser{s: s, ordered: ordered}
	p.skipWS()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.i != len(p.s) {
		return nil, p.errAt("Extra data", p.i)
	}
	return v, nil
}

type jsonParser struct {
	s       string
	i       int
	ordered bool
	depth   int
}

// maxDepth bounds nesting; CPython raises RecursionError somewhere around
// here too.
const maxDepth = 10000

func (p *jsonParser) errAt(msg string, byteOff int) error {
	prefix := p.s[:byteOff]
	pos := utf8.RuneCountInString(prefix)
	line := strings.Count(prefix, "\n") + 1
	col := pos + 1
	if nl := strings.LastIndexByte(prefix, '\n'); nl >= 0 {
		col = utf8.RuneCountInString(prefix[nl:])
	}
	return &JSONDecodeError{Msg: msg, Pos: pos, Line: line, Col: col}
}

func (p *jsonParser) skipWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.errAt("Expecting value", p.i)
	}
	switch c := p.s[p.i]; c {
	case '"':
		return p.str()
	case '{':
		return p.object()
	case '[':
		return p.array()
	case 'n':
		if strings.HasPrefix(p.s[p.i:], "null") {
			p.i += 4
			return nil, nil
		}
	case 't':
		if strings.HasPrefix(p.s[p.i:], "true") {
			p.i += 4
			return true, nil
		}
	case 'f':
		if strings.HasPrefix(p.s[p.i:], "false") {
			p.i += 5
			return false, nil
		}
	case 'N':
		if strings.HasPrefix(p.s[p.i:], "NaN") {
			p.i += 3
			return math.NaN(), nil
		}
	case 'I':
		if strings.HasPrefix(p.s[p.i:], "Infinity") {
			p.i += 8
			return math.Inf(1), nil
		}
	case '-':
		if strings.HasPrefix(p.s[p.i:], "-Infinity") {
			p.i += 9
			return math.Inf(-1), nil
		}
		return p.number()
	default:
		if c >= '0' && c <= '9' {
			return p.number()
		}
	}
	return nil, p.errAt("Expecting value", p.i)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *jsonParser) number() (any, error) {
	start := p.i
	i := p.i
	if i < len(p.s) && p.s[i] == '-' {
		i++
	}
	if i >= len(p.s) || !isDigit(p.s[i]) {
		return nil, p.errAt("Expecting value", start)
	}
	if p.s[i] == '0' {
		i++
	} else {
		for i < len(p.s) && isDigit(p.s[i]) {
			i++
		}
	}
	isFloat := false
	if i+1 < len(p.s) && p.s[i] == '.' && isDigit(p.s[i+1]) {
		isFloat = true
		i += 2
		for i < len(p.s) && isDigit(p.s[i]) {
			i++
		}
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		j := i + 1
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if j < len(p.s) && isDigit(p.s[j]) {
			isFloat = true
			for j < len(p.s) && isDigit(p.s[j]) {
				j++
			}
			i = j
		}
	}
	p.i = i
	lit := p.s[start:i]
	if isFloat {
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil && !isRangeErr(err) {
			return nil, p.errAt("Expecting value", start)
		}
		return f, nil
	}
	if n, err := strconv.ParseInt(lit, 10, 0); err == nil {
		return int(n), nil
	}
	n, ok := new(big.Int).SetString(lit, 10)
	if !ok {
		return nil, p.errAt("Expecting value", start)
	}
	return n, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func hexVal(s string) (rune, bool) {
	if len(s) != 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

func (p *jsonParser) str() (string, error) {
	begin := p.i // the opening quote
	i := p.i + 1
	// fast path: no escapes
	for j := i; j < len(p.s); j++ {
		c := p.s[j]
		if c == '"' {
			p.i = j + 1
			return p.s[i:j], nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	var b strings.Builder
	for {
		if i >= len(p.s) {
			return "", p.errAt("Unterminated string starting at", begin)
		}
		c := p.s[i]
		switch {
		case c == '"':
			p.i = i + 1
			return b.String(), nil
		case c < 0x20:
			return "", p.errAt("Invalid control character at", i)
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		// backslash
		if i+1 >= len(p.s) {
			return "", p.errAt("Unterminated string starting at", begin)
		}
		e := p.s[i+1]
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hexVal(p.s[i+2 : min(i+6, len(p.s))])
			if !ok {
				return "", p.errAt("Invalid \\uXXXX escape", i+1)
			}
			i += 6
			if utf16.IsSurrogate(r) && r < 0xdc00 && i+1 < len(p.s) && p.s[i] == '\\' && p.s[i+1] == 'u' {
				if r2, ok := hexVal(p.s[i+2 : min(i+6, len(p.s))]); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
			b.WriteRune(r) // a lone surrogate becomes U+FFFD
			continue
		default:
			return "", p.errAt("Invalid \\escape", i)
		}
		i += 2
	}
}

func (p *jsonParser) object() (any, error) {
	p.depth++
	if p.depth > maxDepth {
		return nil, p.errAt("Maximum nesting depth exceeded", p.i)
	}
	defer func() { p.depth-- }()
	p.i++ // {
	var m map[string]any
	var om *OrderedMap
	var order []string
	if p.ordered {
		om = NewOrderedMap(0)
	} else {
		m = map[string]any{}
	}
	ret := func() any {
		if p.ordered {
			return om
		}
		if len(order) > 1 && !sort.StringsAreSorted(order) {
			SetOrder(m, order)
		}
		return m
	}
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return ret(), nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.errAt("Expecting property name enclosed in double quotes", p.i)
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errAt("Expecting ':' delimiter", p.i)
		}
		p.i++
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if p.ordered {
			om.Set(k, v)
		} else {
			if _, dup := m[k]; !dup {
				order = append(order, k)
			}
			m[k] = v
		}
		p.skipWS()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return ret(), nil
		}
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return nil, p.errAt("Expecting ',' delimiter", p.i)
		}
		p.i++
		p.skipWS()
	}
}

func (p *jsonParser) array() (any, error) {
	p.depth++
	if p.depth > maxDepth {
		return nil, p.errAt("Maximum nesting depth exceeded", p.i)
	}
	defer func() { p.depth-- }()
	p.i++ // [
	out := []any{}
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return out, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.skipWS()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return out, nil
		}
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return nil, p.errAt("Expecting ',' delimiter", p.i)
		}
		p.i++
		p.skipWS()
	}
}

package inventory

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errNotLiteral is returned by parsePyLiteral for any input that Python's
// ast.literal_eval would reject with ValueError or SyntaxError.
var errNotLiteral = errors.New("not a python literal")

// errUnhashable mirrors the TypeError literal_eval raises for a dict key or
// set member that is a list, dict or set. Ansible does not catch it, so the
// INI source fails to parse.
type errUnhashable struct{ kind string }

func (e errUnhashable) Error() string { return "unhashable type: '" + e.kind + "'" }

// parseINIValue implements the INI plugin's _parse_value: the value is run
// through ast.literal_eval and kept as the original string when that fails.
// Tuples and sets become lists, bytes become strings, dict keys are turned
// into strings the way json.dumps would print them. Complex numbers and ints
// that do not fit in an int64 are kept as the original string.
func parseINIValue(s string) (any, error) {
	v, err := parsePyLiteral(s)
	if err != nil {
		var uh errUnhashable
		if errors.As(err, &uh) {
			return nil, err
		}
		return s, nil
	}
	return v, nil
}

type pyTuple []any // marks a tuple, so it can be a dict key
type pyBytes string

type pyParser struct {
	s   string
	pos int
}

// parsePyLiteral parses s as a Python 3.11 literal expression (the subset
// ast.literal_eval accepts).
func parsePyLiteral(s string) (any, error) {
	s = strings.TrimLeft(s, " \t")
	if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		return nil, errNotLiteral
	}
	p := &pyParser{s: s}
	v, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return nil, errNotLiteral
	}
	return finishPy(v), nil
}

// finishPy converts the parser's intermediate types to goplay values.
func finishPy(v any) any {
	switch x := v.(type) {
	case pyTuple:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = finishPy(e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = finishPy(e)
		}
		return x
	case pyBytes:
		return string(x)
	case map[string]any:
		for k, e := range x {
			x[k] = finishPy(e)
		}
		return x
	}
	return v
}

func (p *pyParser) skipSpace() {
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch c {
		case ' ', '\t', '\f':
			p.pos++
		case '#':
			p.pos = len(p.s)
		default:
			return
		}
	}
}

func (p *pyParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *pyParser) expr() (any, error) {
	c := p.peek()
	switch {
	case c == '+' || c == '-':
		p.pos++
		// literal_eval accepts a sign only directly on a number (possibly
		// parenthesised: -(1) is a UnaryOp on a Constant).
		v, err := p.atom()
		if err != nil {
			return nil, err
		}
		switch n := v.(type) {
		case int:
			if c == '-' {
				if n == math.MinInt {
					return nil, errNotLiteral
				}
				return -n, nil
			}
			return n, nil
		case float64:
			if c == '-' {
				return -n, nil
			}
			return n, nil
		}
		return nil, errNotLiteral
	}
	v, err := p.atom()
	if err != nil {
		return nil, err
	}
	// A binary operator after a number would be a complex literal (1+2j),
	// which goplay does not model; anything else is not a literal.
	return v, nil
}

func (p *pyParser) atom() (any, error) {
	c := p.peek()
	switch {
	case c == 0:
		return nil, errNotLiteral
	case c == '[':
		p.pos++
		items, _, err := p.seq(']')
		if err != nil {
			return nil, err
		}
		return items, nil
	case c == '(':
		p.pos++
		items, trailingComma, err := p.seq(')')
		if err != nil {
			return nil, err
		}
		if len(items) == 1 && !trailingComma {
			return items[0], nil
		}
		return pyTuple(items), nil
	case c == '{':
		p.pos++
		return p.dictOrSet()
	case c == '"' || c == '\'':
		return p.strings()
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case isIdentStart(c):
		start := p.pos
		for p.pos < len(p.s) && isIdentChar(p.s[p.pos]) {
			p.pos++
		}
		word := p.s[start:p.pos]
		if p.pos < len(p.s) && (p.s[p.pos] == '\'' || p.s[p.pos] == '"') && isStrPrefix(word) {
			p.pos = start
			return p.strings()
		}
		switch word {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return nil, nil
		case "set":
			// set() is the one call literal_eval accepts.
			if p.peek() == '(' {
				p.pos++
				if p.peek() == ')' {
					p.pos++
					return []any{}, nil
				}
			}
		}
		return nil, errNotLiteral
	}
	return nil, errNotLiteral
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func isStrPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "br", "rb", "f", "fr", "rf":
		return true
	}
	return false
}

// seq parses comma separated expressions up to the closing byte.
func (p *pyParser) seq(end byte) ([]any, bool, error) {
	items := []any{}
	trailing := false
	for {
		if p.peek() == end {
			p.pos++
			return items, trailing, nil
		}
		v, err := p.expr()
		if err != nil {
			return nil, false, err
		}
		items = append(items, v)
		trailing = false
		switch p.peek() {
		case ',':
			p.pos++
			trailing = true
		case end:
		default:
			return nil, false, errNotLiteral
		}
	}
}

func (p *pyParser) dictOrSet() (any, error) {
	if p.peek() == '}' {
		p.pos++
		return map[string]any{}, nil
	}
	first, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek() == ':' {
		// dict
		m := map[string]any{}
		key := first
		for {
			if p.peek() != ':' {
				return nil, errNotLiteral
			}
			p.pos++
			val, err := p.expr()
			if err != nil {
				return nil, err
			}
			ks, err := pyKeyString(key)
			if err != nil {
				return nil, err
			}
			m[ks] = val
			switch p.peek() {
			case ',':
				p.pos++
				if p.peek() == '}' {
					p.pos++
					return m, nil
				}
			case '}':
				p.pos++
				return m, nil
			default:
				return nil, errNotLiteral
			}
			key, err = p.expr()
			if err != nil {
				return nil, err
			}
		}
	}
	// set
	items := []any{first}
	for {
		switch p.peek() {
		case ',':
			p.pos++
			if p.peek() == '}' {
				p.pos++
				return setItems(items)
			}
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		case '}':
			p.pos++
			return setItems(items)
		default:
			return nil, errNotLiteral
		}
	}
}

func setItems(items []any) (any, error) {
	for _, it := range items {
		if _, err := pyKeyString(it); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// pyKeyString renders a hashable literal as a dict key the way json.dumps
// does; lists, dicts and sets are unhashable.
func pyKeyString(k any) (string, error) {
	switch x := k.(type) {
	case string:
		return x, nil
	case pyBytes:
		return string(x), nil
	case nil:
		return "null", nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		return pyFloatRepr(x), nil
	case pyTuple:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := pyKeyString(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "(" + strings.Join(parts, ", ") + ")", nil
	case []any:
		return "", errUnhashable{"list"}
	case map[string]any:
		return "", errUnhashable{"dict"}
	}
	return fmt.Sprint(k), nil
}

func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	// float.__repr__: shortest digits, exponent form when exp < -4 or >= 16
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		return fmt.Sprintf("%se%s%02d", mant, sign, exp)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// number parses a Python numeric literal.
func (p *pyParser) number() (any, error) {
	start := p.pos
	s := p.s
	i := p.pos
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	// digits with single underscores between digits
	digitRun := func(ok func(byte) bool) bool {
		if i >= len(s) || !ok(s[i]) {
			return false
		}
		i++
		for i < len(s) {
			if ok(s[i]) {
				i++
			} else if s[i] == '_' && i+1 < len(s) && ok(s[i+1]) {
				i += 2
			} else {
				break
			}
		}
		return true
	}
	finishWord := func() error {
		// a number directly followed by an identifier character is a
		// tokenizer error (10l, 1x, 1_)
		if i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
			return errNotLiteral
		}
		return nil
	}
	if s[i] == '0' && i+1 < len(s) && strings.ContainsRune("xXoObB", rune(s[i+1])) {
		base := 16
		ok := func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
		switch s[i+1] {
		case 'o', 'O':
			base = 8
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		case 'b', 'B':
			base = 2
			ok = func(c byte) bool { return c == '0' || c == '1' }
		}
		i += 2
		if i < len(s) && s[i] == '_' {
			i++
		}
		if !digitRun(ok) {
			return nil, errNotLiteral
		}
		if err := finishWord(); err != nil {
			return nil, err
		}
		p.pos = i
		txt := strings.ReplaceAll(s[start+2:i], "_", "")
		n, err := strconv.ParseInt(txt, base, 64)
		if err != nil {
			return nil, errNotLiteral
		}
		return int(n), nil
	}
	isFloat := false
	intPart := digitRun(isDigit)
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		frac := digitRun(isDigit)
		if !intPart && !frac {
			return nil, errNotLiteral
		}
	} else if !intPart {
		return nil, errNotLiteral
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digitRun(isDigit) {
			i = j
			return nil, errNotLiteral
		}
		isFloat = true
	}
	if i < len(s) && (s[i] == 'j' || s[i] == 'J') {
		return nil, errNotLiteral // complex: not modelled
	}
	if err := finishWord(); err != nil {
		return nil, err
	}
	p.pos = i
	txt := strings.ReplaceAll(s[start:i], "_", "")
	if isFloat {
		f, err := strconv.ParseFloat(txt, 64)
		if err != nil {
			// overflow gives inf in Python
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				return f, nil
			}
			return nil, errNotLiteral
		}
		return f, nil
	}
	// decimal int: leading zeros only allowed for zero itself
	if len(txt) > 1 && txt[0] == '0' && strings.Trim(txt, "0") != "" {
		return nil, errNotLiteral
	}
	n, err := strconv.ParseInt(txt, 10, 64)
	if err != nil {
		return nil, errNotLiteral // too big for int64: keep the string
	}
	return int(n), nil
}

// strings parses one or more adjacent string literals (implicit
// concatenation). Mixing bytes and str is a syntax error.
func (p *pyParser) strings() (any, error) {
	var sb strings.Builder
	kind := 0 // 1 str, 2 bytes
	for {
		c := p.peek()
		prefixStart := p.pos
		for p.pos < len(p.s) && isIdentChar(p.s[p.pos]) {
			p.pos++
		}
		prefix := strings.ToLower(p.s[prefixStart:p.pos])
		if p.pos >= len(p.s) || (p.s[p.pos] != '\'' && p.s[p.pos] != '"') || (prefix != "" && !isStrPrefix(prefix)) {
			if kind == 0 {
				return nil, errNotLiteral
			}
			p.pos = prefixStart
			break
		}
		_ = c
		if strings.Contains(prefix, "f") {
			return nil, errNotLiteral // f-strings are JoinedStr, not literals
		}
		raw := strings.Contains(prefix, "r")
		isBytes := strings.Contains(prefix, "b")
		k := 1
		if isBytes {
			k = 2
		}
		if kind != 0 && kind != k {
			return nil, errNotLiteral
		}
		kind = k
		if err := p.oneString(&sb, raw, isBytes); err != nil {
			return nil, err
		}
		nc := p.peek()
		if !(nc == '\'' || nc == '"' || isIdentStart(nc)) {
			break
		}
		if isIdentStart(nc) {
			// only continue if this is a string prefix followed by a quote
			j := p.pos
			for j < len(p.s) && isIdentChar(p.s[j]) {
				j++
			}
			if j >= len(p.s) || (p.s[j] != '\'' && p.s[j] != '"') || !isStrPrefix(p.s[p.pos:j]) {
				break
			}
		}
	}
	if kind == 2 {
		return pyBytes(sb.String()), nil
	}
	return sb.String(), nil
}

func (p *pyParser) oneString(sb *strings.Builder, raw, isBytes bool) error {
	q := p.s[p.pos]
	triple := strings.HasPrefix(p.s[p.pos:], strings.Repeat(string(q), 3))
	if triple {
		p.pos += 3
	} else {
		p.pos++
	}
	s := p.s
	for {
		if p.pos >= len(s) {
			return errNotLiteral
		}
		c := s[p.pos]
		if c == q {
			if !triple {
				p.pos++
				return nil
			}
			if strings.HasPrefix(s[p.pos:], strings.Repeat(string(q), 3)) {
				p.pos += 3
				return nil
			}
			sb.WriteByte(c)
			p.pos++
			continue
		}
		if (c == '\n' || c == '\r') && !triple {
			return errNotLiteral
		}
		if isBytes && c >= 0x80 {
			return errNotLiteral // bytes can only contain ASCII literal characters
		}
		if c != '\\' {
			sb.WriteByte(c)
			p.pos++
			continue
		}
		// backslash
		if p.pos+1 >= len(s) {
			return errNotLiteral
		}
		n := s[p.pos+1]
		if raw {
			// the backslash stays, and escapes the next character from
			// ending the string
			sb.WriteByte('\\')
			_, size := utf8.DecodeRuneInString(s[p.pos+1:])
			sb.WriteString(s[p.pos+1 : p.pos+1+size])
			p.pos += 1 + size
			continue
		}
		p.pos += 2
		switch n {
		case '\n':
		case '\\', '\'', '"':
			sb.WriteByte(n)
		case 'a':
			sb.WriteByte('\a')
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'v':
			sb.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(n - '0')
			for k := 0; k < 2 && p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '7'; k++ {
				v = v*8 + int(s[p.pos]-'0')
				p.pos++
			}
			if isBytes {
				sb.WriteString(string(rune(v & 0xff)))
			} else {
				sb.WriteRune(rune(v))
			}
		case 'x':
			if p.pos+2 > len(s) {
				return errNotLiteral
			}
			v, err := strconv.ParseUint(s[p.pos:p.pos+2], 16, 8)
			if err != nil {
				return errNotLiteral
			}
			p.pos += 2
			sb.WriteRune(rune(v))
		case 'u', 'U':
			if isBytes {
				sb.WriteByte('\\')
				sb.WriteByte(n)
				continue
			}
			w := 4
			if n == 'U' {
				w = 8
			}
			if p.pos+w > len(s) {
				return errNotLiteral
			}
			v, err := strconv.ParseUint(s[p.pos:p.pos+w], 16, 32)
			if err != nil || v > unicode.MaxRune {
				return errNotLiteral
			}
			if v >= 0xD800 && v <= 0xDFFF {
				return errNotLiteral // lone surrogate: not representable
			}
			p.pos += w
			sb.WriteRune(rune(v))
		case 'N':
			return errNotLiteral // \N{name}: not modelled
		default:
			// unknown escapes keep the backslash
			sb.WriteByte('\\')
			p.pos--
			_, size := utf8.DecodeRuneInString(s[p.pos:])
			sb.WriteString(s[p.pos : p.pos+size])
			p.pos += size
		}
	}
}

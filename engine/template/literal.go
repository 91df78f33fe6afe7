package template

import (
	"math"
	"strconv"
	"strings"
)

// literalEval is Python's ast.literal_eval after Ansible's Json2Python
// transform (true/false/null are accepted as names). It reports false when
// s is not a valid literal.
func literalEval(s string) (v any, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			v, ok = nil, false
		}
	}()
	toks, good := pyTokens(s)
	if !good {
		return nil, false
	}
	p := &litParser{toks: toks}
	v = p.value(0)
	if p.pos != len(p.toks) {
		return nil, false
	}
	return v, true
}

type litTok struct {
	kind byte // 's' string, 'n' number, 'i' identifier, 'o' operator
	s    string
	v    any
}

func pyTokens(s string) ([]litTok, bool) {
	var out []litTok
	i := 0
	depth := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			i++
		case c == '\n' || c == '\r':
			if depth == 0 {
				// a newline outside brackets ends the expression
				rest := strings.TrimSpace(s[i:])
				if rest != "" && !strings.HasPrefix(rest, "#") {
					return nil, false
				}
				return out, true
			}
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"' || ((c == 'r' || c == 'R' || c == 'u' || c == 'U' || c == 'b' || c == 'B') && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"')) ||
			((c == 'r' || c == 'R' || c == 'b' || c == 'B') && i+2 < len(s) && strings.ContainsRune("rRbB", rune(s[i+1])) && (s[i+2] == '\'' || s[i+2] == '"')):
			raw := false
			for s[i] != '\'' && s[i] != '"' {
				if s[i] == 'r' || s[i] == 'R' {
					raw = true
				}
				if s[i] == 'b' || s[i] == 'B' {
					return nil, false // bytes literals: not representable
				}
				i++
			}
			q := s[i]
			triple := strings.HasPrefix(s[i:], strings.Repeat(string(q), 3))
			var end string
			if triple {
				end = strings.Repeat(string(q), 3)
				i += 3
			} else {
				end = string(q)
				i++
			}
			st := i
			for {
				if i >= len(s) {
					return nil, false
				}
				if s[i] == '\\' {
					i += 2
					continue
				}
				if !triple && s[i] == '\n' {
					return nil, false
				}
				if strings.HasPrefix(s[i:], end) {
					break
				}
				i++
			}
			body := s[st:i]
			i += len(end)
			if !raw {
				body = decodeEscapes(body)
			}
			out = append(out, litTok{kind: 's', v: body})
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			j := i
			for j < len(s) && (isAlnum(s[j]) || s[j] == '.' || s[j] == '_' ||
				((s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E') && !strings.HasPrefix(strings.ToLower(s[i:]), "0x"))) {
				j++
			}
			lit := strings.ReplaceAll(s[i:j], "_", "")
			i = j
			if n, err := strconv.ParseInt(lit, 0, 64); err == nil && !(len(lit) > 1 && lit[0] == '0' && lit[1] >= '0' && lit[1] <= '9') {
				out = append(out, litTok{kind: 'n', v: int(n)})
			} else if lit != "" && strings.Trim(lit, "0") == "" {
				out = append(out, litTok{kind: 'n', v: 0})
			} else if f, err := strconv.ParseFloat(lit, 64); err == nil && !strings.ContainsAny(lit, "xXoObB") {
				out = append(out, litTok{kind: 'n', v: f})
			} else if strings.HasSuffix(lit, "j") || strings.HasSuffix(lit, "J") {
				return nil, false
			} else if _, err := strconv.ParseFloat(lit, 64); err != nil && strings.ContainsAny(lit, "eE.") {
				return nil, false
			} else {
				// huge integer: Python keeps it exact; use float
				f, err := strconv.ParseFloat(lit, 64)
				if err != nil || math.IsInf(f, 0) {
					return nil, false
				}
				out = append(out, litTok{kind: 'n', v: f})
			}
		case isAlpha(c) || c >= 0x80:
			j := i
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_' || s[j] >= 0x80) {
				j++
			}
			out = append(out, litTok{kind: 'i', s: s[i:j]})
			i = j
		default:
			if strings.IndexByte("([{", c) >= 0 {
				depth++
			} else if strings.IndexByte(")]}", c) >= 0 {
				depth--
			}
			if strings.IndexByte("()[]{},:-+", c) < 0 {
				return nil, false
			}
			out = append(out, litTok{kind: 'o', s: string(c)})
			i++
		}
	}
	return out, true
}

func isAlpha(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isAlnum(c byte) bool { return isAlpha(c) || (c >= '0' && c <= '9') }

type litParser struct {
	toks []litTok
	pos  int
}

func (p *litParser) fail() { panic("literal") }

func (p *litParser) peekOp(op string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == 'o' && p.toks[p.pos].s == op
}

func (p *litParser) expect(op string) {
	if !p.peekOp(op) {
		p.fail()
	}
	p.pos++
}

func (p *litParser) value(depth int) any {
	if depth > 200 {
		p.fail()
	}
	if p.pos >= len(p.toks) {
		p.fail()
	}
	t := p.toks[p.pos]
	switch t.kind {
	case 's':
		p.pos++
		s := t.v.(string)
		for p.pos < len(p.toks) && p.toks[p.pos].kind == 's' {
			s += p.toks[p.pos].v.(string)
			p.pos++
		}
		return s
	case 'n':
		p.pos++
		return t.v
	case 'i':
		p.pos++
		switch t.s {
		case "True", "true":
			return true
		case "False", "false":
			return false
		case "None", "null":
			return nil
		}
		p.fail()
	case 'o':
		switch t.s {
		case "-", "+":
			p.pos++
			v := p.value(depth + 1)
			switch x := v.(type) {
			case int:
				if t.s == "-" {
					return -x
				}
				return x
			case float64:
				if t.s == "-" {
					return -x
				}
				return x
			}
			p.fail()
		case "[":
			p.pos++
			out := []any{}
			for !p.peekOp("]") {
				out = append(out, p.value(depth+1))
				if !p.peekOp("]") {
					p.expect(",")
				}
			}
			p.pos++
			return out
		case "(":
			p.pos++
			out := Tuple{}
			single := true
			for !p.peekOp(")") {
				out = append(out, p.value(depth+1))
				if !p.peekOp(")") {
					p.expect(",")
					single = false
				}
			}
			p.pos++
			if len(out) == 1 && single {
				return out[0]
			}
			return out
		case "{":
			p.pos++
			out := map[string]any{}
			var keys []string
			if p.peekOp("}") {
				p.pos++
				return out
			}
			for !p.peekOp("}") {
				k := p.value(depth + 1)
				if !p.peekOp(":") {
					p.fail() // sets are not supported
				}
				p.pos++
				v := p.value(depth + 1)
				var ks string
				switch kk := k.(type) {
				case string:
					ks = kk
				case []any, map[string]any:
					p.fail()
				default:
					ks = pyStr(kk)
				}
				if _, dup := out[ks]; !dup {
					keys = append(keys, ks)
				}
				out[ks] = v
				if !p.peekOp("}") {
					p.expect(",")
				}
			}
			p.pos++
			setOrder(out, keys)
			return out
		}
	}
	p.fail()
	return nil
}

package template

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

type tokKind int

const (
	tkEOF tokKind = iota
	tkData
	tkVarBegin
	tkVarEnd
	tkBlockBegin
	tkBlockEnd
	tkName
	tkString
	tkInt
	tkFloat
	tkOp
)

type token struct {
	kind tokKind
	val  string // data text, name, operator or decoded string
	num  any    // int or float64 for number tokens
	line int
}

// describe returns Jinja2's description of a token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tkEOF:
		return "end of template"
	case tkData:
		return "template data / text"
	case tkVarBegin:
		return "begin of print statement"
	case tkVarEnd:
		return "end of print statement"
	case tkBlockBegin:
		return "begin of statement block"
	case tkBlockEnd:
		return "end of statement block"
	case tkName, tkOp:
		return t.val
	case tkString:
		return "string"
	case tkInt:
		return "integer"
	case tkFloat:
		return "float"
	}
	return "?"
}

var (
	rawBeginRe = regexp.MustCompile(`^\{%[-+]?\s*raw\s*(-?)%\}`)
	rawEndRe   = regexp.MustCompile(`\{%(-?)\+?\s*endraw\s*(-?)%\}`)
	floatRe    = regexp.MustCompile(`^(?:[0-9]+_)*[0-9]+(?:(?:\.(?:[0-9]+_)*[0-9]+)?[eE][+\-]?(?:[0-9]+_)*[0-9]+|\.(?:[0-9]+_)*[0-9]+)`)
	intRe      = regexp.MustCompile(`^(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[0-9a-fA-F])+|[1-9](?:_?[0-9])*|0(?:_?0)*)`)
	nameRe     = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*`)
)

var operators3 = []string{"//", "**", "==", "!=", "<=", ">="}

const operators1 = "+-/*%~[](){}<>=.:|,;"

func syntaxErr(format string, a ...any) *TemplateError {
	return &TemplateError{Msg: fmt.Sprintf(format, a...), syntax: true}
}

// lex splits a template source into tokens. escapeBackslashes applies
// Ansible's _escape_backslashes: string literals inside {{ }} keep their
// backslashes literally.
func lex(src string, escapeBackslashes bool) ([]token, error) {
	if strings.Contains(src, "\r") {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	src = strings.TrimSuffix(src, "\n")
	var toks []token
	line := 1
	pos := 0
	n := len(src)
	emitData := func(s string) {
		if s != "" {
			toks = append(toks, token{kind: tkData, val: s, line: line})
			line += strings.Count(s, "\n")
		}
	}
	for pos < n {
		idx := -1
		for i := pos; i+1 < n; i++ {
			if src[i] == '{' && (src[i+1] == '{' || src[i+1] == '%' || src[i+1] == '#') {
				idx = i
				break
			}
		}
		if idx < 0 {
			emitData(src[pos:])
			break
		}
		data := src[pos:idx]
		if idx+2 < n && src[idx+2] == '-' {
			data = strings.TrimRight(data, " \t\n\r\f\v")
		}
		emitData(data)
		// line accounting for stripped whitespace
		line += strings.Count(src[pos:idx], "\n") - strings.Count(data, "\n")
		pos = idx
		switch src[idx+1] {
		case '#':
			end := strings.Index(src[idx+2:], "#}")
			if end < 0 {
				return nil, syntaxErr("Missing end of comment tag")
			}
			endAbs := idx + 2 + end
			line += strings.Count(src[idx:endAbs], "\n")
			stripAfter := endAbs > idx+2 && src[endAbs-1] == '-'
			pos = endAbs + 2
			pos = afterTag(src, pos, stripAfter, true)
			continue
		case '%':
			if m := rawBeginRe.FindStringSubmatchIndex(src[idx:]); m != nil {
				bodyStart := idx + m[1]
				stripBody := m[2] < m[3]
				em := rawEndRe.FindStringSubmatchIndex(src[bodyStart:])
				if em == nil {
					return nil, syntaxErr("Missing end of raw directive")
				}
				body := src[bodyStart : bodyStart+em[0]]
				if stripBody {
					body = strings.TrimLeft(body, " \t\n\r\f\v")
				}
				if em[2] < em[3] {
					body = strings.TrimRight(body, " \t\n\r\f\v")
				}
				line += strings.Count(src[idx:bodyStart], "\n")
				emitData(body)
				line += strings.Count(src[bodyStart:bodyStart+em[0]], "\n") - strings.Count(body, "\n")
				pos = bodyStart + em[1]
				pos = afterTag(src, pos, em[4] < em[5], true)
				continue
			}
			toks = append(toks, token{kind: tkBlockBegin, line: line})
		case '{':
			toks = append(toks, token{kind: tkVarBegin, line: line})
		}
		isVar := src[idx+1] == '{'
		pos = idx + 2
		if pos < n && (src[pos] == '-' || src[pos] == '+') {
			pos++
		}
		// tokenize the expression up to the closing delimiter
		var stack []byte
		closed := false
		var prev token
		for pos < n {
			c := src[pos]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
				if c == '\n' {
					line++
				}
				pos++
				continue
			}
			if len(stack) == 0 {
				endTok := "%}"
				kind := tkBlockEnd
				if isVar {
					endTok = "}}"
					kind = tkVarEnd
				}
				if strings.HasPrefix(src[pos:], "-"+endTok) {
					toks = append(toks, token{kind: kind, line: line})
					pos = afterTag(src, pos+3, true, false)
					closed = true
					break
				}
				if strings.HasPrefix(src[pos:], "+"+endTok) {
					toks = append(toks, token{kind: kind, line: line})
					pos += 3
					closed = true
					break
				}
				if strings.HasPrefix(src[pos:], endTok) {
					toks = append(toks, token{kind: kind, line: line})
					pos = afterTag(src, pos+2, false, !isVar)
					closed = true
					break
				}
			}
			rest := src[pos:]
			var tok token
			tok.line = line
			switch {
			case c == '\'' || c == '"':
				j := pos + 1
				literal := isVar && escapeBackslashes
				for j < n && src[j] != c {
					if src[j] == '\\' && !literal {
						j++
					}
					j++
				}
				if j >= n {
					return nil, syntaxErr("unexpected char %s at %d", quoteString(string(c)), pos)
				}
				raw := src[pos+1 : j]
				tok.kind = tkString
				if isVar && escapeBackslashes {
					tok.val = raw
				} else {
					tok.val = decodeEscapes(raw)
				}
				line += strings.Count(raw, "\n")
				pos = j + 1
			case c >= '0' && c <= '9':
				if m := floatRe.FindString(rest); m != "" && !(prev.kind == tkOp && prev.val == ".") {
					f, err := strconv.ParseFloat(strings.ReplaceAll(m, "_", ""), 64)
					if err != nil {
						return nil, syntaxErr("invalid float %s", m)
					}
					tok.kind, tok.val, tok.num = tkFloat, m, f
					pos += len(m)
				} else if m := intRe.FindString(rest); m != "" {
					v, err := strconv.ParseInt(strings.ReplaceAll(m, "_", ""), 0, 64)
					if err != nil {
						f, _ := strconv.ParseFloat(strings.ReplaceAll(m, "_", ""), 64)
						tok.kind, tok.val, tok.num = tkFloat, m, f
					} else {
						tok.kind, tok.val, tok.num = tkInt, m, int(v)
					}
					pos += len(m)
				} else {
					return nil, syntaxErr("unexpected char %s at %d", quoteString(string(c)), pos)
				}
			case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
				m := nameRe.FindString(rest)
				tok.kind, tok.val = tkName, m
				pos += len(m)
			default:
				op := ""
				for _, o := range operators3 {
					if strings.HasPrefix(rest, o) {
						op = o
						break
					}
				}
				if op == "" && strings.IndexByte(operators1, c) >= 0 {
					op = string(c)
				}
				if op == "" {
					r := []rune(rest)[0]
					return nil, syntaxErr("unexpected char %s at %d", quoteString(string(r)), pos)
				}
				switch op {
				case "(":
					stack = append(stack, ')')
				case "[":
					stack = append(stack, ']')
				case "{":
					stack = append(stack, '}')
				case ")", "]", "}":
					if len(stack) == 0 {
						return nil, syntaxErr("unexpected '%s'", op)
					}
					if want := stack[len(stack)-1]; want != op[0] {
						return nil, syntaxErr("unexpected '%s', expected '%c'", op, want)
					}
					stack = stack[:len(stack)-1]
				}
				tok.kind, tok.val = tkOp, op
				pos += len(op)
			}
			toks = append(toks, tok)
			prev = tok
		}
		if !closed {
			if len(stack) > 0 {
				return nil, syntaxErr("unexpected end of template, expected '%c'.", stack[len(stack)-1])
			}
			break
		}
	}
	toks = append(toks, token{kind: tkEOF, line: line})
	return toks, nil
}

// afterTag applies whitespace control after a tag ending at pos: strip all
// whitespace (the '-' modifier) or, with trim_blocks, one newline.
func afterTag(src string, pos int, strip, trim bool) int {
	if strip {
		for pos < len(src) && strings.IndexByte(" \t\n\r\f\v", src[pos]) >= 0 {
			pos++
		}
		return pos
	}
	if trim && pos < len(src) && src[pos] == '\n' {
		pos++
	}
	return pos
}

// decodeEscapes decodes Python string-literal escapes.
func decodeEscapes(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case '\n':
		case '\\':
			b.WriteByte('\\')
		case '\'':
			b.WriteByte('\'')
		case '"':
			b.WriteByte('"')
		case 'a':
			b.WriteByte('\a')
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
		case 'v':
			b.WriteByte('\v')
		case 'x', 'u', 'U':
			size := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
			if i+1+size <= len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+1+size], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += size
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(s[i])
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 32)
			b.WriteRune(rune(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

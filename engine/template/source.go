package template

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// prepareSource rewrites a template source before gonja lexes it. It does not
// tokenize Jinja2 itself: it only finds the tags ({{ }}, {% %}, {# #}, raw
// blocks) and, inside tags, the string literals, so that it can
//
//   - apply Ansible's _escape_backslashes (escape): backslashes in string
//     literals inside {{ }} are literal characters, as Ansible doubles them
//     before Jinja2 sees the text;
//   - decode Python string escapes itself ({% %} literals, and {{ }} ones when
//     escape is off) and re-emit every literal in a form that gonja's lexer
//     and parser decode to exactly that text (gonja decodes Go escapes and
//     rejects Python-only ones such as \d);
//   - normalise newlines and drop one trailing newline (keep_trailing_newline
//     off; the callers add trailing newlines back like Ansible does).
func prepareSource(src string, escape bool) (string, error) {
	if strings.Contains(src, "\r") {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	src = strings.TrimSuffix(src, "\n")
	if err := checkBlockNesting(src); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(src) + 16)
	n := len(src)
	pos := 0
	for pos < n {
		idx := indexTagStart(src, pos)
		if idx < 0 {
			b.WriteString(src[pos:])
			break
		}
		b.WriteString(src[pos:idx])
		kind := src[idx+1]
		if kind == '#' {
			end := strings.Index(src[idx+2:], "#}")
			if end < 0 {
				b.WriteString(src[idx:])
				break
			}
			b.WriteString(src[idx : idx+2+end+2])
			pos = idx + 2 + end + 2
			continue
		}
		if kind == '%' {
			if m := rawBeginRe().FindStringSubmatchIndex(src[idx:]); m != nil {
				bodyStart := idx + m[1]
				em := rawEndRe().FindStringSubmatchIndex(src[bodyStart:])
				if em == nil {
					b.WriteString(src[idx:])
					break
				}
				// Jinja2 keeps a raw body verbatim except for the - of
				// its tags; gonja's lexer ignores those and applies
				// trim_blocks to the body, so the body is trimmed here
				// and a newline that gonja would eat is doubled.
				body := src[bodyStart : bodyStart+em[0]]
				if m[2] < m[3] {
					body = strings.TrimLeft(body, " \t\n\r\f\v")
				}
				if em[2] < em[3] {
					body = strings.TrimRight(body, " \t\n\r\f\v")
				}
				open := "{%"
				if c := src[idx+2]; c == '-' || c == '+' {
					open += string(c)
				}
				b.WriteString(open + " raw %}")
				if strings.HasPrefix(body, "\n") {
					b.WriteByte('\n')
				}
				b.WriteString(body)
				if strings.HasSuffix(src[:bodyStart+em[1]], "-%}") {
					b.WriteString("{% endraw -%}")
				} else {
					b.WriteString("{% endraw %}")
				}
				pos = bodyStart + em[1]
				continue
			}
		}
		isVar := kind == '{'
		endTok := "%}"
		if isVar {
			endTok = "}}"
		}
		b.WriteString(src[idx : idx+2])
		pos = idx + 2
		var stack []byte
		codeStart := pos
		closed := false
		tagStart := pos
		for pos < n {
			c := src[pos]
			if len(stack) == 0 && strings.HasPrefix(src[pos:], endTok) {
				if isVar && strings.Trim(src[tagStart:pos], " \t\n\r\f\v-+") == "" {
					return "", syntaxErr("Expected an expression, got 'end of print statement'")
				}
				writeCode(&b, src[codeStart:pos])
				b.WriteString(endTok)
				pos += 2
				closed = true
				break
			}
			switch c {
			case '(', '[', '{':
				stack = append(stack, closerOf[c])
				if len(stack) > maxNesting {
					return "", syntaxErr("expression nested too deeply")
				}
			case ')', ']', '}':
				if len(stack) == 0 {
					return "", syntaxErr("unexpected '%c'", c)
				}
				if want := stack[len(stack)-1]; want != c {
					return "", syntaxErr("unexpected '%c', expected '%c'", c, want)
				}
				stack = stack[:len(stack)-1]
			case '\'', '"':
				j := pos + 1
				literal := isVar && escape
				for j < n && src[j] != c {
					if src[j] == '\\' && !literal {
						j++
					}
					j++
				}
				if j >= n {
					return "", syntaxErr("unexpected char %s at %d", quoteString(string(c)), pos)
				}
				writeCode(&b, src[codeStart:pos])
				raw := src[pos+1 : j]
				if !literal {
					raw = decodeEscapes(raw)
				}
				writeGonjaString(&b, raw)
				pos = j + 1
				codeStart = pos
				continue
			default:
				if !validCodeByte(src, pos) {
					r, _ := utf8.DecodeRuneInString(src[pos:])
					return "", syntaxErr("unexpected char %s at %d", quoteString(string(r)), pos)
				}
			}
			pos++
		}
		if !closed && len(stack) > 0 {
			return "", syntaxErr("unexpected end of template, expected '%c'.", stack[len(stack)-1])
		}
		if !closed && codeStart < n {
			writeCode(&b, src[codeStart:])
		}
	}
	return b.String(), nil
}

var closerOf = map[byte]byte{'(': ')', '[': ']', '{': '}'}

// validCodeByte reports whether the byte at i may appear in Jinja2 code
// outside string literals.
func validCodeByte(src string, i int) bool {
	c := src[i]
	switch {
	case c >= 0x80, c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case strings.IndexByte(" \t\n\r\f\v+-/*%~<>=.:|,;", c) >= 0:
		return true
	case c == '!':
		return i+1 < len(src) && src[i+1] == '='
	}
	return false
}

// maxNesting bounds bracket nesting (gonja's parser and the evaluator recurse).
const maxNesting = 200

var blockStarts = map[string]bool{"if": true, "for": true, "macro": true, "with": true, "filter": true, "set": true, "call": true, "block": true}

// checkBlockNesting bounds the nesting of statement blocks (gonja's parser
// recurses once per open block). {% set %} counts as open only when it
// is a block set; over-counting it is harmless for the bound.
func checkBlockNesting(src string) error {
	depth := 0
	for pos := 0; ; {
		i := strings.Index(src[pos:], "{%")
		if i < 0 {
			return nil
		}
		pos += i + 2
		j := pos
		for j < len(src) && (src[j] == '-' || src[j] == '+' || src[j] == ' ' || src[j] == '\t' || src[j] == '\n') {
			j++
		}
		k := j
		for k < len(src) && isAlnum(src[k]) {
			k++
		}
		word := src[j:k]
		switch {
		case word == "set" && isInlineSet(src[k:]):
		case blockStarts[word]:
			depth++
			if depth > maxNesting {
				return syntaxErr("statement blocks nested too deeply")
			}
		case strings.HasPrefix(word, "end"):
			if depth > 0 {
				depth--
			}
		}
	}
}

// isInlineSet reports whether a set tag (from after its name) assigns with =.
func isInlineSet(rest string) bool {
	end := strings.Index(rest, "%}")
	if end < 0 {
		end = len(rest)
	}
	return strings.Contains(rest[:end], "=")
}

func indexTagStart(src string, pos int) int {
	for {
		i := strings.IndexByte(src[pos:], '{')
		if i < 0 || pos+i+1 >= len(src) {
			return -1
		}
		j := pos + i
		if c := src[j+1]; c == '{' || c == '%' || c == '#' {
			return j
		}
		pos = j + 1
	}
}

// writeCode copies tag code.
func writeCode(b *strings.Builder, code string) { b.WriteString(code) }

// writeGonjaString writes s as a single-quoted literal that gonja's lexer
// and parser decode back to exactly s.
func writeGonjaString(b *strings.Builder, s string) {
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\x5c`)
		case r == '\'':
			b.WriteString(`\x27`)
		case r == '"':
			b.WriteString(`\x22`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			h := strconv.FormatInt(int64(r), 16)
			if len(h) < 2 {
				b.WriteByte('0')
			}
			b.WriteString(h)
		case r == 0xFFFD:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
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

var (
	rawBeginRe = lazyRegexp(`^\{%[-+]?\s*raw\s*(-?)%\}`)
	rawEndRe   = lazyRegexp(`\{%(-?)\+?\s*endraw\s*-?%\}`)
)

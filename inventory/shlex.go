package inventory

import "errors"

// pyIsSpace reports whether r is whitespace for Python's str.isspace() (and
// so for str.strip(), str.split() and \s in str regexes).
func pyIsSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// pyStrip is Python's str.strip() with no arguments.
func pyStrip(s string) string {
	rs := []rune(s)
	i, j := 0, len(rs)
	for i < j && pyIsSpace(rs[i]) {
		i++
	}
	for j > i && pyIsSpace(rs[j-1]) {
		j--
	}
	if i == 0 && j == len(rs) {
		return s
	}
	return string(rs[i:j])
}

// pySplitLines is Python's str.splitlines() (without keepends).
func pySplitLines(s string) []string {
	var lines []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, string(rs[start:i]))
			start = i + 1
		case '\r':
			lines = append(lines, string(rs[start:i]))
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(rs) {
		lines = append(lines, string(rs[start:]))
	}
	return lines
}

var (
	errNoClosingQuote = errors.New("No closing quotation")
	errNoEscapedChar  = errors.New("No escaped character")
)

// shlexSplit is Python's shlex.split(s, comments=True) in POSIX mode, for
// a single line: whitespace separates words, quotes group, '#' at any
// point outside quotes starts a comment, a backslash escapes the next
// character outside quotes and only '"' and '\' inside double quotes.
func shlexSplit(s string) ([]string, error) {
	const (
		stWhite = iota
		stWord
		stSingle
		stDouble
		stEscape
	)
	isWS := func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }
	var out []string
	var tok []rune
	quoted := false
	state := stWhite
	escaped := stWord // the state an escape returns to
	rs := []rune(s)
	for i := 0; ; i++ {
		if i >= len(rs) {
			switch state {
			case stSingle, stDouble:
				return nil, errNoClosingQuote
			case stEscape:
				return nil, errNoEscapedChar
			}
			if len(tok) > 0 || quoted {
				out = append(out, string(tok))
			}
			return out, nil
		}
		c := rs[i]
		switch state {
		case stWhite, stWord:
			switch {
			case isWS(c):
				if state == stWord {
					out = append(out, string(tok))
					tok, quoted = nil, false
				}
				state = stWhite
			case c == '#':
				// comment to the end of the line
				if state == stWord || quoted {
					out = append(out, string(tok))
				}
				return out, nil
			case c == '\\':
				escaped = stWord
				state = stEscape
			case c == '\'':
				state = stSingle
			case c == '"':
				state = stDouble
			default:
				tok = append(tok, c)
				state = stWord
			}
		case stSingle:
			quoted = true
			if c == '\'' {
				state = stWord
			} else {
				tok = append(tok, c)
			}
		case stDouble:
			quoted = true
			switch c {
			case '"':
				state = stWord
			case '\\':
				escaped = stDouble
				state = stEscape
			default:
				tok = append(tok, c)
			}
		case stEscape:
			if escaped == stDouble && c != '"' && c != '\\' {
				tok = append(tok, '\\')
			}
			tok = append(tok, c)
			state = escaped
		}
	}
}

func utf8DecodeRune(s string) (rune, int) {
	for i, r := range s {
		_ = i
		return r, len(string(r))
	}
	return 0, 0
}

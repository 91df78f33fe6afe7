package builtin

import (
	"errors"
	"strings"
)

// Errors of Split, worded as Python's shlex raises them.
var (
	ErrNoClosingQuotation = errors.New("No closing quotation")
	ErrNoEscapedCharacter = errors.New("No escaped character")
)

// Split splits s the way Python's shlex.split(s) does (posix mode, no
// comments): whitespace is space, tab, CR and LF; single quotes keep
// everything literally; inside double quotes a backslash escapes only
// '"' and '\'; outside quotes a backslash escapes any character; an empty
// quoted string is an empty word.
func Split(s string) ([]string, error) {
	const (
		stNone  = 0
		stSpace = ' '
		stWord  = 'a'
	)
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	isQuote := func(c byte) bool { return c == '\'' || c == '"' }

	out := []string{}
	state := byte(stSpace)
	i := 0
	for state != stNone {
		// One call of shlex.read_token.
		quoted := false
		escapedState := byte(stSpace)
		var tok strings.Builder
		for {
			eof := i >= len(s)
			var c byte
			if !eof {
				c = s[i]
				i++
			}
			switch {
			case state == stSpace:
				switch {
				case eof:
					state = stNone
				case isSpace(c):
					if tok.Len() > 0 || quoted {
						goto emit
					}
					continue
				case c == '\\':
					escapedState = stWord
					state = c
				case isQuote(c):
					state = c
				default:
					tok.WriteByte(c)
					state = stWord
				}
				if state == stNone {
					goto emit
				}
			case isQuote(state):
				quoted = true
				if eof {
					return nil, ErrNoClosingQuotation
				}
				switch {
				case c == state:
					state = stWord
				case c == '\\' && state == '"':
					escapedState = state
					state = c
				default:
					tok.WriteByte(c)
				}
			case state == '\\':
				if eof {
					return nil, ErrNoEscapedCharacter
				}
				if isQuote(escapedState) && c != state && c != escapedState {
					tok.WriteByte(state)
				}
				tok.WriteByte(c)
				state = escapedState
			case state == stWord:
				switch {
				case eof:
					state = stNone
					goto emit
				case isSpace(c):
					state = stSpace
					if tok.Len() > 0 || quoted {
						goto emit
					}
				case isQuote(c):
					state = c
				case c == '\\':
					escapedState = stWord
					state = c
				default:
					tok.WriteByte(c)
				}
			}
		}
	emit:
		if tok.Len() > 0 || quoted {
			out = append(out, tok.String())
		} else if state == stNone {
			break
		}
	}
	return out, nil
}

// Quote is Python's shlex.quote: s unchanged when it holds only
// [A-Za-z0-9_@%+=:,./-], else wrapped in single quotes.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_@%+=:,./-", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// Join is Python's shlex.join: the quoted words joined by spaces.
func Join(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

package kv

import (
	"errors"
	"strings"
)

// SplitError is returned by SplitArgs (and ParseKV) when a quote or a
// Jinja2 block is left open. Its text is Ansible's AnsibleParserError.
type SplitError struct {
	Args string // the whole argument string
}

func (e *SplitError) Error() string {
	return "failed at splitting arguments, either an unbalanced jinja2 block or quotes: " + e.Args
}

// ErrIndex is returned by SplitArgs where Python's split_args raises
// IndexError ("list index out of range"): before the first token there is
// a space that is not the first character of its line, or a newline
// (outside a line continuation). Examples: " ", "  a=b", "\na=b".
var ErrIndex = errors.New("list index out of range")

// quoteState is _get_quote_state: it scans token and returns the quote
// character still open at its end (0 for none), starting from quote.
// A quote character preceded by a backslash is ignored.
func quoteState(token string, quote byte) byte {
	for i := 0; i < len(token); i++ {
		c := token[i]
		if (c == '"' || c == '\'') && (i == 0 || token[i-1] != '\\') {
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else {
				quote = c
			}
		}
	}
	return quote
}

// countBlocks is _count_jinja2_blocks.
func countBlocks(token string, depth int, open, close string) int {
	nOpen := strings.Count(token, open)
	nClose := strings.Count(token, close)
	if nOpen != nClose {
		depth += nOpen - nClose
		if depth < 0 {
			depth = 0
		}
	}
	return depth
}

// JoinArgs is join_args: it joins tokens with single spaces, except that
// no space is added after a token that ends in a newline.
func JoinArgs(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if s := b.String(); len(s) > 0 && s[len(s)-1] != '\n' {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	return b.String()
}

// SplitArgs is split_args: it splits s on spaces and newlines, but
// reassembles pieces that were split inside quotes or a Jinja2 block.
//
//	SplitArgs(`a=b c="foo bar"`) == []string{"a=b", `c="foo bar"`}
//
// Runs of spaces are kept (appended to the previous token), a newline inside
// quotes or a block is kept in the token, and a newline between tokens is
// appended to the token before it. A token that is a lone backslash outside
// quotes is dropped and joins the line to the next one.
//
// Errors: *SplitError for an unbalanced quote or block, ErrIndex where
// Python fails with IndexError.
func SplitArgs(s string) ([]string, error) {
	var params []string
	items := strings.Split(s, "\n")

	var quote byte
	inQuotes := false
	printDepth, blockDepth, commentDepth := 0, 0, 0

	for itemIdx, item := range items {
		tokens := strings.Split(item, " ")
		lineContinuation := false
		for idx, token := range tokens {
			if len(token) == 0 && idx != 0 {
				if len(params) == 0 {
					return nil, ErrIndex
				}
				params[len(params)-1] += " "
				continue
			}
			if token == "\\" && !inQuotes {
				lineContinuation = true
				continue
			}

			wasInQuotes := inQuotes
			quote = quoteState(token, quote)
			inQuotes = quote != 0

			appended := false
			inBlock := printDepth != 0 || blockDepth != 0 || commentDepth != 0
			if inQuotes && !wasInQuotes && !inBlock {
				params = append(params, token)
				appended = true
			} else if inBlock || inQuotes || wasInQuotes {
				// An open quote or block implies an earlier token, so
				// params is never empty here; stay safe anyway.
				if len(params) == 0 {
					return nil, ErrIndex
				}
				last := len(params) - 1
				switch {
				case idx == 0 && wasInQuotes:
					params[last] += token
				case len(tokens) > 1:
					if idx > 0 {
						params[last] += " "
					}
					params[last] += token
				default:
					params[last] += "\n" + token
				}
				appended = true
			}

			prev := printDepth
			printDepth = countBlocks(token, printDepth, "{{", "}}")
			if printDepth != prev && !appended {
				params = append(params, token)
				appended = true
			}
			prev = blockDepth
			blockDepth = countBlocks(token, blockDepth, "{%", "%}")
			if blockDepth != prev && !appended {
				params = append(params, token)
				appended = true
			}
			prev = commentDepth
			commentDepth = countBlocks(token, commentDepth, "{#", "#}")
			if commentDepth != prev && !appended {
				params = append(params, token)
				appended = true
			}

			if printDepth == 0 && blockDepth == 0 && commentDepth == 0 && !inQuotes && !appended && token != "" {
				params = append(params, token)
			}
		}

		if len(items) > 1 && itemIdx != len(items)-1 && !lineContinuation {
			if len(params) == 0 {
				return nil, ErrIndex
			}
			params[len(params)-1] += "\n"
		}
	}

	if printDepth != 0 || blockDepth != 0 || commentDepth != 0 || inQuotes {
		return nil, &SplitError{Args: s}
	}
	return params, nil
}

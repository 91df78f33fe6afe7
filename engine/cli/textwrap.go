package cli

import (
	"strings"
	"unicode"

	"github.com/goplay/goplay/engine/config"
)

// This file reproduces the parts of Python 3.11's textwrap module that
// argparse's HelpFormatter uses (TextWrapper with default options:
// break_long_words, break_on_hyphens, drop_whitespace, expand_tabs).
// Lengths are counted in code points, like Python's len().

// textwrap's whitespace: ASCII only.
func twSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\x0b', '\x0c', '\r', ' ':
		return true
	}
	return false
}

// Python's \w for str patterns.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// textwrap's "letter": [^\d\W].
func isLetterRune(r rune) bool {
	return isWordRune(r) && !unicode.Is(unicode.Nd, r)
}

// textwrap's word_punct: [\w!"'&.,?].
func isWordPunct(r rune) bool {
	return isWordRune(r) || strings.ContainsRune("!\"'&.,?", r)
}

// twChunks splits text like TextWrapper.wordsep_re.split (empty chunks
// removed).
func twChunks(t []rune) [][]rune {
	n := len(t)
	at := func(i int) rune {
		if i < 0 || i >= n {
			return -1
		}
		return t[i]
	}
	letter := func(i int) bool { return i >= 0 && i < n && isLetterRune(t[i]) }
	var out [][]rune
	i := 0
	for i < n {
		if twSpace(t[i]) {
			j := i
			for j < n && twSpace(t[j]) {
				j++
			}
			out = append(out, t[i:j])
			i = j
			continue
		}
		// em-dash between words: (?<=wp) -{2,} (?=\w)
		if t[i] == '-' && i > 0 && isWordPunct(t[i-1]) {
			j := i
			for j < n && t[j] == '-' {
				j++
			}
			if j-i >= 2 && j < n && isWordRune(t[j]) {
				out = append(out, t[i:j])
				i = j
				continue
			}
		}
		// a word, possibly hyphenated: [^ws]+? followed by one of
		// the three alternatives.
		j := i + 1
		for {
			if j < n && t[j] == '-' {
				lb := (letter(j-2) && letter(j-1)) || (letter(j-3) && at(j-2) == '-' && letter(j-1))
				la := letter(j+1) && (letter(j+2) || (at(j+2) == '-' && letter(j+3)))
				if lb && la {
					j++
					break
				}
			}
			if j == n || twSpace(t[j]) {
				break
			}
			if isWordPunct(t[j-1]) && at(j) == '-' && at(j+1) == '-' {
				k := j
				for k < n && t[k] == '-' {
					k++
				}
				if k < n && isWordRune(t[k]) {
					break
				}
			}
			j++
		}
		out = append(out, t[i:j])
		i = j
	}
	return out
}

func allPySpace(c []rune) bool {
	for _, r := range c {
		if !config.IsPySpace(r) {
			return false
		}
	}
	return true
}

// expandTabs is str.expandtabs(8).
func expandTabs(s string) string {
	if !strings.ContainsRune(s, '\t') {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			sp := 8 - col%8
			b.WriteString(strings.Repeat(" ", sp))
			col += sp
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// wrapText is textwrap.wrap(text, width, initial_indent, subsequent_indent).
func wrapText(text string, width int, initialIndent, subsequentIndent string) []string {
	text = expandTabs(text)
	text = strings.Map(func(r rune) rune {
		if twSpace(r) {
			return ' '
		}
		return r
	}, text)
	chunks := twChunks([]rune(text))
	// reversed stack
	for l, r := 0, len(chunks)-1; l < r; l, r = l+1, r-1 {
		chunks[l], chunks[r] = chunks[r], chunks[l]
	}
	var lines []string
	for len(chunks) > 0 {
		var cur [][]rune
		curLen := 0
		indent := initialIndent
		if len(lines) > 0 {
			indent = subsequentIndent
		}
		w := width - len([]rune(indent))
		if len(lines) > 0 && allPySpace(chunks[len(chunks)-1]) {
			chunks = chunks[:len(chunks)-1]
		}
		for len(chunks) > 0 {
			l := len(chunks[len(chunks)-1])
			if curLen+l <= w {
				cur = append(cur, chunks[len(chunks)-1])
				chunks = chunks[:len(chunks)-1]
				curLen += l
			} else {
				break
			}
		}
		if len(chunks) > 0 && len(chunks[len(chunks)-1]) > w {
			// _handle_long_word
			spaceLeft := 1
			if w >= 1 {
				spaceLeft = w - curLen
			}
			chunk := chunks[len(chunks)-1]
			end := spaceLeft
			if len(chunk) > spaceLeft {
				hy := -1
				for k := min(spaceLeft, len(chunk)) - 1; k >= 0; k-- {
					if chunk[k] == '-' {
						hy = k
						break
					}
				}
				if hy > 0 {
					for _, r := range chunk[:hy] {
						if r != '-' {
							end = hy + 1
							break
						}
					}
				}
			}
			if end < 0 {
				end = 0
			}
			if end > len(chunk) {
				end = len(chunk)
			}
			cur = append(cur, chunk[:end])
			chunks[len(chunks)-1] = chunk[end:]
			if len(chunks[len(chunks)-1]) == 0 {
				// Python keeps an empty chunk; it is harmless there
				// because it has length 0. Keep the same behaviour.
			}
			curLen = 0
			for _, c := range cur {
				curLen += len(c)
			}
		}
		if len(cur) > 0 && allPySpace(cur[len(cur)-1]) {
			curLen -= len(cur[len(cur)-1])
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			var b strings.Builder
			b.WriteString(indent)
			for _, c := range cur {
				b.WriteString(string(c))
			}
			lines = append(lines, b.String())
		}
	}
	return lines
}

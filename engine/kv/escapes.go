package kv

//go:generate sh -c "python3 testdata/gen_names.py > names_table.go && gofmt -w names_table.go"

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"
)

// DecodeError is returned where Python's 'unicode-escape' codec raises
// UnicodeDecodeError while decoding one escape sequence.
type DecodeError struct {
	Escape string // the escape sequence, e.g. `\U00110000`
	Reason string // "illegal Unicode character" or "unknown Unicode character name"
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("'unicodeescape' codec can't decode bytes in position 0-%d: %s", len(e.Escape)-1, e.Reason)
}

func hexDigits(s string, n int) (rune, bool) {
	if len(s) < n {
		return 0, false
	}
	var r uint32
	for i := 0; i < n; i++ {
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
		r = r<<4 | uint32(d)
	}
	if r > 0x7fffffff {
		return -1, true // out of range; reported as illegal by the caller
	}
	return rune(r), true
}

// hexEscapeAt reports the \u / \U escape at s[i:] (s[i] == '\\'): its value
// and length, or ok=false.
func hexEscapeAt(s string, i int) (r rune, n int, ok bool) {
	if i+1 >= len(s) || s[i] != '\\' {
		return 0, 0, false
	}
	switch s[i+1] {
	case 'U':
		if r, ok := hexDigits(s[i+2:], 8); ok {
			return r, 10, true
		}
	case 'u':
		if r, ok := hexDigits(s[i+2:], 4); ok {
			return r, 6, true
		}
	}
	return 0, 0, false
}

// DecodeEscapes is splitter._decode_escapes: it decodes, left to right,
// the escapes \UXXXXXXXX, \uXXXX, \xXX, \N{name} and \\ \' \" \a \b \f \n
// \r \t \v, leaving every other backslash alone.
func DecodeEscapes(s string) (string, error) {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch e := s[i+1]; e {
		case 'U', 'u':
			r, n, ok := hexEscapeAt(s, i)
			if !ok {
				break
			}
			if r < 0 || r > utf8.MaxRune {
				return "", &DecodeError{Escape: s[i : i+n], Reason: "illegal Unicode character"}
			}
			i += n
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 {
					if r2, n2, ok := hexEscapeAt(s, i); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						b.WriteRune(utf16.DecodeRune(r, r2))
						i += n2
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		case 'x':
			if r, ok := hexDigits(s[i+2:], 2); ok {
				b.WriteRune(r)
				i += 4
				continue
			}
		case 'N':
			if i+2 < len(s) && s[i+2] == '{' {
				end := strings.IndexByte(s[i+3:], '}')
				if end > 0 { // [^}]+ needs at least one character
					esc := s[i : i+3+end+1]
					r, ok := lookupName(s[i+3 : i+3+end])
					if !ok {
						return "", &DecodeError{Escape: esc, Reason: "unknown Unicode character name"}
					}
					b.WriteRune(r)
					i += len(esc)
					continue
				}
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
			i += 2
			continue
		case 'a':
			b.WriteByte('\a')
			i += 2
			continue
		case 'b':
			b.WriteByte('\b')
			i += 2
			continue
		case 'f':
			b.WriteByte('\f')
			i += 2
			continue
		case 'n':
			b.WriteByte('\n')
			i += 2
			continue
		case 'r':
			b.WriteByte('\r')
			i += 2
			continue
		case 't':
			b.WriteByte('\t')
			i += 2
			continue
		case 'v':
			b.WriteByte('\v')
			i += 2
			continue
		}
		// not an escape: keep the backslash, go on with the next character
		b.WriteByte('\\')
		i++
	}
	return b.String(), nil
}

func inRanges(tab [][2]rune, r rune) bool {
	i := sort.Search(len(tab), func(i int) bool { return tab[i][1] >= r })
	return i < len(tab) && tab[i][0] <= r
}

var (
	nameOnce  sync.Once
	nameIndex map[string]rune // upper-case explicit name -> rune
)

func buildNameIndex() {
	nameIndex = make(map[string]rune, 40000)
	for _, rg := range pyNamedRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			n := runenames.Name(r)
			if n == "" || n[0] == '<' {
				continue
			}
			nameIndex[n] = r
		}
	}
}

func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Hangul syllable name parts (Unicode §3.12).
var (
	hangulL = []string{"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H"}
	hangulV = []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I"}
	hangulT = []string{"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT", "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H"}
)

// longestPrefix returns the index and length of the longest entry of tab
// that prefixes s (length 0 and index of "" when only the empty one does).
func longestPrefix(s string, tab []string) (int, int) {
	pos, n := -1, -1
	for i, p := range tab {
		if len(p) > n && strings.HasPrefix(s, p) {
			pos, n = i, len(p)
		}
	}
	if n < 0 {
		return -1, 0
	}
	return pos, n
}

// lookupName resolves \N{name} like CPython: CJK unified ideograph and
// Hangul syllable names must be exact (upper case); other names and the
// formal aliases are matched ignoring ASCII case.
func lookupName(name string) (rune, bool) {
	const hangulPrefix = "HANGUL SYLLABLE "
	const cjkPrefix = "CJK UNIFIED IDEOGRAPH-"
	if strings.HasPrefix(name, hangulPrefix) {
		rest := name[len(hangulPrefix):]
		l, n := longestPrefix(rest, hangulL)
		rest = rest[n:]
		v, n := longestPrefix(rest, hangulV)
		rest = rest[n:]
		t, n := longestPrefix(rest, hangulT)
		rest = rest[n:]
		if l < 0 || v < 0 || t < 0 || rest != "" {
			return 0, false
		}
		return 0xac00 + rune((l*len(hangulV)+v)*len(hangulT)+t), true
	}
	if strings.HasPrefix(name, cjkPrefix) {
		hex := name[len(cjkPrefix):]
		if len(hex) != 4 && len(hex) != 5 {
			return 0, false
		}
		var r rune
		for i := 0; i < len(hex); i++ {
			c := hex[i]
			switch {
			case c >= '0' && c <= '9':
				r = r<<4 | rune(c-'0')
			case c >= 'A' && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		if !inRanges(pyCJKRanges[:], r) {
			return 0, false
		}
		return r, true
	}
	up := asciiUpper(name)
	if r, ok := pyNameAliases[up]; ok {
		return r, true
	}
	nameOnce.Do(buildNameIndex)
	r, ok := nameIndex[up]
	return r, ok
}

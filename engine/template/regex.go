package template

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

var regexCache sync.Map // string -> *regexp.Regexp

// compileRegex compiles a Python regular expression with RE2 (lookarounds
// and backreferences are not supported and report an error).
func compileRegex(pattern string, ignorecase, multiline bool) *regexp.Regexp {
	flags := ""
	if ignorecase {
		flags += "i"
	}
	if multiline {
		flags += "m"
	}
	src := translatePyRegex(pattern)
	if flags != "" {
		src = "(?" + flags + ")" + src
	}
	if re, ok := regexCache.Load(src); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		filterErr("invalid regular expression %s: %s", quoteString(pattern), err.Error())
	}
	regexCache.Store(src, re)
	return re
}

// translatePyRegex rewrites Python-only syntax into RE2 syntax.
func translatePyRegex(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) {
			switch p[i+1] {
			case 'Z':
				b.WriteString(`\z`)
				i++
				continue
			}
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
			continue
		}
		if c == '(' && strings.HasPrefix(p[i:], "(?P=") {
			filterErr("backreferences are not supported in regular expressions: %s", p)
		}
		b.WriteByte(c)
	}
	return b.String()
}

// regexSub is Python's re.sub with a Python replacement template.
func regexSub(re *regexp.Regexp, repl, s string, count int) string {
	type piece struct {
		lit   string
		group int
		name  string
	}
	var pieces []piece
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			pieces = append(pieces, piece{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 >= len(repl) {
			lit.WriteByte(c)
			continue
		}
		n := repl[i+1]
		switch {
		case n >= '0' && n <= '9':
			j := i + 1
			for j < len(repl) && j < i+3 && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			g, _ := strconv.Atoi(repl[i+1 : j])
			flush()
			pieces = append(pieces, piece{group: g})
			i = j - 1
		case n == 'g' && i+2 < len(repl) && repl[i+2] == '<':
			end := strings.IndexByte(repl[i+3:], '>')
			if end < 0 {
				filterErr("missing >, unterminated name")
			}
			name := repl[i+3 : i+3+end]
			flush()
			if g, err := strconv.Atoi(name); err == nil {
				pieces = append(pieces, piece{group: g})
			} else {
				idx := re.SubexpIndex(name)
				if idx < 0 {
					filterErr("unknown group name '%s'", name)
				}
				pieces = append(pieces, piece{group: idx})
			}
			i += 3 + end
		case n == 'n':
			lit.WriteByte('\n')
			i++
		case n == 't':
			lit.WriteByte('\t')
			i++
		case n == 'r':
			lit.WriteByte('\r')
			i++
		case n == '\\':
			lit.WriteByte('\\')
			i++
		default:
			if (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') {
				filterErr("bad escape \\%c", n)
			}
			lit.WriteByte('\\')
			lit.WriteByte(n)
			i++
		}
	}
	flush()
	for _, p := range pieces {
		if p.group > re.NumSubexp() {
			filterErr("invalid group reference %d", p.group)
		}
	}
	var out strings.Builder
	last := 0
	n := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if count > 0 && n >= count {
			break
		}
		n++
		out.WriteString(s[last:m[0]])
		for _, p := range pieces {
			if p.group < 0 {
				out.WriteString(p.lit)
			} else if m[2*p.group] >= 0 {
				out.WriteString(s[m[2*p.group]:m[2*p.group+1]])
			}
		}
		last = m[1]
	}
	out.WriteString(s[last:])
	return out.String()
}

package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/pyfmt"
)

// DefaultSection is configparser's DEFAULTSECT: its options are visible
// from every other (existing) section.
const DefaultSection = "DEFAULT"

// INI is an ansible.cfg parsed the way ansible-core 2.14 parses it:
// Python 3.11's configparser.ConfigParser(inline_comment_prefixes=(';',))
// fed with read_string, and read with get(section, key, raw=True).
//
//   - Sections are "[name]" (the name is everything up to the last "]",
//     case-sensitive, not trimmed). Option names are lower-cased.
//   - "key = value" and "key: value"; the first "=" or ":" splits.
//   - Whole-line comments start with "#" or ";" (after indentation);
//     inline comments only with ";" preceded by whitespace. A "#" after a
//     value is part of the value.
//   - A line indented deeper than its option line continues the value
//     (joined with "\n"); blank lines inside a value are kept, trailing
//     ones dropped.
//   - Duplicate sections or options are errors (strict mode); lines that
//     are neither sections nor options are collected and reported together.
//   - No interpolation: "%" is literal.
type INI struct {
	defaults map[string]string
	sections map[string]map[string]string
	order    []string
}

// INIError is a configparser error; Error() is Python's str(exception).
type INIError struct{ Msg string }

func (e *INIError) Error() string { return e.Msg }

const iniSource = "'<string>'" // repr of read_string's source name

// Sections returns the section names in file order (DEFAULT excluded).
func (f *INI) Sections() []string { return append([]string(nil), f.order...) }

// Get is configparser's get(section, key, raw=True): the section must
// exist (or be DEFAULT); the key is looked up in it and then in DEFAULT.
func (f *INI) Get(section, key string) (string, bool) {
	if f == nil {
		return "", false
	}
	key = strings.ToLower(key)
	sect, ok := f.sections[section]
	if !ok && section != DefaultSection {
		return "", false
	}
	if ok {
		if v, ok := sect[key]; ok {
			return v, true
		}
	}
	v, ok := f.defaults[key]
	return v, ok
}

// Keys returns the option names of a section, including DEFAULT's.
func (f *INI) Keys(section string) []string {
	seen := map[string]bool{}
	var out []string
	if s, ok := f.sections[section]; ok {
		for k := range s {
			seen[k] = true
			out = append(out, k)
		}
	}
	for k := range f.defaults {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// splitLinesKeepEnds splits like iterating over io.StringIO: on "\n" only,
// keeping the terminator.
func splitLinesKeepEnds(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// indentLevel is the index (in code points) of the first non-whitespace
// character, 0 when there is none.
func indentLevel(line string) int {
	n := 0
	for _, r := range line {
		if !IsPySpace(r) {
			return n
		}
		n++
	}
	return 0
}

// ParseINI parses text as described on INI.
func ParseINI(text string) (*INI, error) {
	f := &INI{defaults: map[string]string{}, sections: map[string]map[string]string{}}
	raw := map[string]map[string][]string{} // section -> option -> lines
	rawDefaults := map[string][]string{}
	added := map[string]bool{}
	var cursect map[string][]string
	cursectName := ""
	optname := ""
	hasOpt := false
	indent := 0
	var perr *INIError
	addErr := func(lineno int, line string) {
		if perr == nil {
			perr = &INIError{Msg: "Source contains parsing errors: " + iniSource}
		}
		perr.Msg += fmt.Sprintf("\n\t[line %2d]: %s", lineno, pyfmt.Repr(line))
	}
	for n, line := range splitLinesKeepEnds(text) {
		lineno := n + 1
		commentStart := -1
		for idx := 0; ; {
			k := strings.IndexByte(line[idx:], ';')
			if k < 0 {
				break
			}
			pos := idx + k
			if pos == 0 {
				commentStart = 0
				break
			}
			prev, _ := utf8.DecodeLastRuneInString(line[:pos])
			if IsPySpace(prev) {
				commentStart = pos
				break
			}
			idx = pos + 1
		}
		if s := PyStrip(line); strings.HasPrefix(s, "#") || strings.HasPrefix(s, ";") {
			commentStart = 0
		}
		value := line
		if commentStart >= 0 {
			value = line[:commentStart]
		}
		value = PyStrip(value)
		if value == "" {
			if commentStart < 0 && cursect != nil && hasOpt && optname != "" {
				cursect[optname] = append(cursect[optname], "")
			}
			continue
		}
		cur := indentLevel(line)
		if cursect != nil && hasOpt && optname != "" && cur > indent {
			cursect[optname] = append(cursect[optname], value)
			continue
		}
		indent = cur
		if last := strings.LastIndexByte(value, ']'); value[0] == '[' && last >= 2 {
			name := value[1:last]
			if _, exists := raw[name]; exists {
				if added[name] {
					return nil, &INIError{Msg: fmt.Sprintf("While reading from %s [line %2d]: section %s already exists", iniSource, lineno, pyfmt.Repr(name))}
				}
				cursect = raw[name]
				added[name] = true
			} else if name == DefaultSection {
				cursect = rawDefaults
			} else {
				cursect = map[string][]string{}
				raw[name] = cursect
				f.order = append(f.order, name)
				added[name] = true
			}
			cursectName = name
			hasOpt = false
			optname = ""
			continue
		}
		if cursect == nil {
			return nil, &INIError{Msg: fmt.Sprintf("File contains no section headers.\nfile: %s, line: %d\n%s", iniSource, lineno, pyfmt.Repr(line))}
		}
		d := strings.IndexAny(value, "=:")
		if d < 0 {
			addErr(lineno, line)
			continue
		}
		name := PyRStrip(value[:d])
		if name == "" {
			addErr(lineno, line)
		}
		name = strings.ToLower(name)
		ek := cursectName + "\x00" + name
		if added[ek] {
			return nil, &INIError{Msg: fmt.Sprintf("While reading from %s [line %2d]: option %s in section %s already exists", iniSource, lineno, pyfmt.Repr(name), pyfmt.Repr(cursectName))}
		}
		added[ek] = true
		cursect[name] = []string{PyStrip(value[d+1:])}
		optname = name
		hasOpt = true
	}
	join := func(lines []string) string { return PyRStrip(strings.Join(lines, "\n")) }
	for k, v := range rawDefaults {
		f.defaults[k] = join(v)
	}
	for name, opts := range raw {
		m := make(map[string]string, len(opts))
		for k, v := range opts {
			m[k] = join(v)
		}
		f.sections[name] = m
	}
	if perr != nil {
		return nil, perr
	}
	return f, nil
}

package builtin

import (
	"fmt"
	"github.com/goplay/goplay/engine/pyfmt"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// pyDatetime formats t as Python's str(datetime): "2006-01-02 15:04:05.000000",
// without the fraction when the microseconds are 0.
func pyDatetime(t time.Time) string {
	us := t.Nanosecond() / 1000
	s := t.Format("2006-01-02 15:04:05")
	if us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

// pyTimedelta formats d as Python's str(timedelta): "0:00:00.023543",
// "1 day, 2:03:04", without the fraction when the microseconds are 0.
func pyTimedelta(d time.Duration) string {
	us := d.Microseconds()
	days := us / (86400 * 1e6)
	rem := us % (86400 * 1e6)
	if rem < 0 { // Python normalises to a negative day count and positive rest
		rem += 86400 * 1e6
		days--
	}
	sec := rem / 1e6
	frac := rem % 1e6
	s := fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	if frac != 0 {
		s += fmt.Sprintf(".%06d", frac)
	}
	if days != 0 {
		plural := "s"
		if days == 1 || days == -1 {
			plural = ""
		}
		s = fmt.Sprintf("%d day%s, %s", days, plural, s)
	}
	return s
}

// splitlines is Python's str.splitlines(): it splits on \n, \r, \r\n, \v,
// \f, \x1c, \x1d, \x1e, \x85, \u2028 and \u2029 and drops the separators.
// The result is never nil.
func splitlines(s string) []any {
	out := []any{}
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		n := 0
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			n = size
		case '\r':
			n = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
		}
		if r == utf8.RuneError && size == 1 {
			n = 0
		}
		if n > 0 {
			out = append(out, s[start:i])
			i += n
			start = i
			continue
		}
		i += size
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// pyBytesRepr is Python's repr() of a bytes value.
func pyBytesRepr(s string) string { return pyfmt.Repr([]byte(s)) }

// pyFloat is Python's repr() of a float.
func pyFloat(f float64) string { return pyfmt.FormatFloat(f) }

// pyType names a value's Python class as type() prints it.
func pyType(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case int, int64, int32, uint, uint64:
		return "<class 'int'>"
	case float64, float32:
		return "<class 'float'>"
	case bool:
		return "<class 'bool'>"
	case []any, []string:
		return "<class 'list'>"
	case map[string]any:
		return "<class 'dict'>"
	case nil:
		return "<class 'NoneType'>"
	}
	return fmt.Sprintf("<class '%T'>", v)
}

// jsonKey is the JSON object key Python's json module writes for a dict key.
func jsonKey(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return pyFloat(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// truthy is Python's bool(v).
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case []any:
		return len(x) > 0
	case []string:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// sortedKeys returns m's keys in sorted order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var pyKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true, "def": true,
	"del": true, "elif": true, "else": true, "except": true, "finally": true, "for": true,
	"from": true, "global": true, "if": true, "import": true, "in": true, "is": true,
	"lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true,
	"return": true, "try": true, "while": true, "with": true, "yield": true,
}

// isIdentifier is ansible.utils.vars.isidentifier: an ASCII Python
// identifier that is not a keyword.
func isIdentifier(s string) bool {
	if s == "" || pyKeywords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

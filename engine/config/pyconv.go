package config

import (
	"math"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/pyfmt"
)

// This file holds the small pieces of Python semantics the settings need:
// str.strip/isspace, int(), float(), ansible's boolean() and unquote(), and
// the os.path functions behind ansible's unfrackpath().

// IsPySpace reports whether r is whitespace for Python's str.isspace()
// (and therefore for str.strip() without arguments).
func IsPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// PyStrip is Python's str.strip() with no arguments.
func PyStrip(s string) string { return strings.TrimFunc(s, IsPySpace) }

// PyRStrip is Python's str.rstrip() with no arguments.
func PyRStrip(s string) string { return strings.TrimRightFunc(s, IsPySpace) }

// digitValue returns the value of a Unicode decimal digit (category Nd),
// which is what Python's int() and float() accept besides ASCII digits.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Every run of Nd code points in Unicode starts at a digit zero.
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// pyDigits validates a run of digits with Python's underscore rule (single
// underscores only between digits) and returns it as ASCII digits.
func pyDigits(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	var b strings.Builder
	prevUnderscore := true // a leading underscore is invalid
	for _, r := range s {
		if r == '_' {
			if prevUnderscore {
				return "", false
			}
			prevUnderscore = true
			continue
		}
		d, ok := digitValue(r)
		if !ok {
			return "", false
		}
		b.WriteByte(byte('0' + d))
		prevUnderscore = false
	}
	if prevUnderscore {
		return "", false
	}
	return b.String(), true
}

// PyInt is Python's int(s) for a str: surrounding whitespace, an optional
// sign, decimal digits (any Unicode Nd digit) with single underscores
// between them. Values beyond the int range saturate (Python has no limit).
// The error text is Python's ValueError message.
func PyInt(s string) (int, error) {
	t := PyStrip(s)
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	digits, ok := pyDigits(t)
	if !ok {
		return 0, &valueError{"invalid literal for int() with base 10: " + pyfmt.Repr(s)}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		n = math.MaxInt64
	}
	if n > math.MaxInt {
		n = math.MaxInt
	}
	if neg {
		n = -n
	}
	return int(n), nil
}

// PyFloat is Python's float(s) for a str.
func PyFloat(s string) (float64, error) {
	bad := &valueError{"could not convert string to float: " + pyfmt.Repr(s)}
	t := PyStrip(s)
	sign := ""
	if t != "" && (t[0] == '+' || t[0] == '-') {
		sign = t[:1]
		t = t[1:]
	}
	switch strings.ToLower(t) {
	case "inf", "infinity":
		if sign == "-" {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	case "nan":
		return math.NaN(), nil
	}
	mant, exp := t, ""
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		mant, exp = t[:i], t[i+1:]
		if exp == "" {
			return 0, bad
		}
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	var num strings.Builder
	num.WriteString(sign)
	if intPart != "" {
		d, ok := pyDigits(intPart)
		if !ok {
			return 0, bad
		}
		num.WriteString(d)
	} else {
		num.WriteByte('0')
	}
	if hasDot && frac != "" {
		d, ok := pyDigits(frac)
		if !ok {
			return 0, bad
		}
		num.WriteString("." + d)
	}
	if intPart == "" && frac == "" {
		return 0, bad
	}
	if exp != "" {
		es := ""
		if exp[0] == '+' || exp[0] == '-' {
			es = exp[:1]
			exp = exp[1:]
		}
		d, ok := pyDigits(exp)
		if !ok {
			return 0, bad
		}
		num.WriteString("e" + es + d)
	}
	f, err := strconv.ParseFloat(num.String(), 64)
	if err != nil && !isRangeError(err) {
		return 0, bad
	}
	return f, nil
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

// Boolean is ansible's boolean(value, strict=False) for a string: true for
// y, yes, on, 1, true, t (any case, surrounding whitespace ignored), false
// for anything else.
func Boolean(s string) bool {
	switch strings.ToLower(PyStrip(s)) {
	case "y", "yes", "on", "1", "true", "t":
		return true
	}
	return false
}

// Unquote is ansible's unquote(): it removes one pair of matching outer
// single or double quotes unless the closing quote is escaped.
func Unquote(s string) string {
	if utf8.RuneCountInString(s) > 1 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		_, size := utf8.DecodeLastRuneInString(s[:len(s)-1])
		if s[len(s)-1-size:len(s)-1] != "\\" {
			return s[1 : len(s)-1]
		}
	}
	return s
}

// Getenv is the environment lookup used throughout goplay's configuration:
// it returns the value and whether the variable is set at all.
type Getenv func(string) (string, bool)

// OSGetenv is os.LookupEnv.
var OSGetenv Getenv = os.LookupEnv

func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// ExpandVars is Python's os.path.expandvars: $name and ${name} are replaced
// by the variable's value when it is set and left alone otherwise.
func ExpandVars(path string, env Getenv) string {
	if !strings.Contains(path, "$") {
		return path
	}
	i := 0
	for {
		j := strings.IndexByte(path[i:], '$')
		if j < 0 {
			return path
		}
		start := i + j
		var name string
		end := start + 1
		if end < len(path) && path[end] == '{' {
			k := strings.IndexByte(path[end:], '}')
			if k < 0 {
				i = start + 1
				continue
			}
			name = path[end+1 : end+k]
			end = end + k + 1
		} else {
			for end < len(path) && isWordByte(path[end]) {
				end++
			}
			if end == start+1 {
				i = start + 1
				continue
			}
			name = path[start+1 : end]
		}
		value, ok := env(name)
		if !ok {
			i = end
			continue
		}
		tail := path[end:]
		path = path[:start] + value
		i = len(path)
		path += tail
	}
}

// ExpandUser is Python's os.path.expanduser.
func ExpandUser(path string, env Getenv) string {
	if !strings.HasPrefix(path, "~") {
		return path
	}
	i := strings.IndexByte(path[1:], '/')
	if i < 0 {
		i = len(path)
	} else {
		i++
	}
	var home string
	if i == 1 {
		if h, ok := env("HOME"); ok {
			home = h
		} else if u, err := user.Current(); err == nil {
			home = u.HomeDir
		} else {
			return path
		}
	} else {
		u, err := user.Lookup(path[1:i])
		if err != nil {
			return path
		}
		home = u.HomeDir
	}
	home = strings.TrimRight(home, "/")
	if r := home + path[i:]; r != "" {
		return r
	}
	return "/"
}

// NormPath is Python's posixpath.normpath (which, unlike filepath.Clean,
// keeps exactly two leading slashes).
func NormPath(path string) string {
	if path == "" {
		return "."
	}
	initial := 0
	if strings.HasPrefix(path, "/") {
		initial = 1
		if strings.HasPrefix(path, "//") && !strings.HasPrefix(path, "///") {
			initial = 2
		}
	}
	var out []string
	for _, comp := range strings.Split(path, "/") {
		if comp == "" || comp == "." {
			continue
		}
		if comp != ".." || (initial == 0 && len(out) == 0) || (len(out) > 0 && out[len(out)-1] == "..") {
			out = append(out, comp)
		} else if len(out) > 0 {
			out = out[:len(out)-1]
		}
	}
	res := strings.Repeat("/", initial) + strings.Join(out, "/")
	if res == "" {
		return "."
	}
	return res
}

// pyJoin is os.path.join for two components.
func pyJoin(a, b string) string {
	if strings.HasPrefix(b, "/") {
		return b
	}
	if a == "" || strings.HasSuffix(a, "/") {
		return a + b
	}
	return a + "/" + b
}

// RealPath is Python's os.path.realpath (non-strict): symlinks are resolved
// as far as the path exists; the rest is kept as written.
func RealPath(path, cwd string) string {
	p, _ := joinRealPath("", path, map[string]*string{})
	if !strings.HasPrefix(p, "/") {
		p = pyJoin(cwd, p)
	}
	return NormPath(p)
}

func joinRealPath(path, rest string, seen map[string]*string) (string, bool) {
	if strings.HasPrefix(rest, "/") {
		rest = rest[1:]
		path = "/"
	}
	for rest != "" {
		var name string
		name, rest, _ = strings.Cut(rest, "/")
		if name == "" || name == "." {
			continue
		}
		if name == ".." {
			if path != "" {
				dir, base := filepath.Split(path)
				if strings.Trim(dir, "/") != "" {
					dir = strings.TrimRight(dir, "/")
				}
				path = dir
				if base == ".." {
					path = pyJoin(pyJoin(path, ".."), "..")
				}
			} else {
				path = ".."
			}
			continue
		}
		newpath := pyJoin(path, name)
		st, err := os.Lstat(newpath)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			path = newpath
			continue
		}
		if p, ok := seen[newpath]; ok {
			if p != nil {
				path = *p
				continue
			}
			return pyJoin(newpath, rest), false
		}
		seen[newpath] = nil
		target, err := os.Readlink(newpath)
		if err != nil {
			path = newpath
			continue
		}
		var ok bool
		path, ok = joinRealPath(path, target, seen)
		if !ok {
			return pyJoin(path, rest), false
		}
		resolved := path
		seen[newpath] = &resolved
	}
	return path, true
}

// UnfrackPath is ansible's unfrackpath(path, follow, basedir): environment
// variables and ~ are expanded, a relative path is made absolute against
// basedir (its directory when basedir is a file; cwd when basedir is ""),
// symlinks are resolved when follow is true, and the result is normalised.
func UnfrackPath(path string, follow bool, basedir, cwd string, env Getenv) string {
	if basedir == "" {
		basedir = cwd
	} else if st, err := os.Stat(basedir); err == nil && st.Mode().IsRegular() {
		basedir = filepath.Dir(basedir)
	}
	p := ExpandUser(ExpandVars(path, env), env)
	if !strings.HasPrefix(p, "/") {
		p = pyJoin(basedir, p)
	}
	if follow {
		p = RealPath(p, cwd)
	}
	return NormPath(p)
}

// splitExt is Python's os.path.splitext extension (leading dots of the
// base name do not start an extension).
func splitExt(path string) string {
	base := path[strings.LastIndexByte(path, '/')+1:]
	i := strings.LastIndexByte(base, '.')
	if i <= 0 {
		return ""
	}
	if strings.Trim(base[:i], ".") == "" {
		return ""
	}
	return base[i:]
}

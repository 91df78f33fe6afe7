package template

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// getMethod returns the bound Python method name of obj, or nil. The
// methods are registered in gonja's method sets (registry.go).
func getMethod(_ *evaluator, obj any, name string) *Callable {
	methods := environment().Methods
	switch o := obj.(type) {
	case string:
		return boundMethod(methods.Str, o, name, "str")
	case map[string]any:
		return boundMethod(methods.Dict, o, name, "dict")
	case []any:
		return boundMethod(methods.List, o, name, "list")
	case Tuple:
		if name == "index" || name == "count" {
			return boundMethod(methods.List, []any(o), name, "tuple")
		}
	}
	return nil
}

func argN(args []any, kw map[string]any, i int, name string, def any) any {
	if i < len(args) {
		return args[i]
	}
	if v, ok := kw[name]; ok {
		return v
	}
	return def
}

func argStr(method string, v any) string {
	checkUndef(v)
	s, ok := v.(string)
	if !ok {
		typeErr("%s arg must be None or str", method)
	}
	return s
}

func argInt(v any) int {
	checkUndef(v)
	n, _, isF, ok := numeric(v)
	if !ok || isF {
		typeErr("'%s' object cannot be interpreted as an integer", typeName(v))
	}
	return n
}

func pySplit(s string, sep any, maxsplit int, right bool) []any {
	var parts []string
	if sep == nil {
		if maxsplit < 0 {
			parts = strings.Fields(s)
		} else {
			// whitespace split with limit
			fields := []string{}
			rest := s
			if right {
				rest = strings.TrimRightFunc(rest, unicode.IsSpace)
				for len(fields) < maxsplit {
					k := strings.LastIndexFunc(rest, unicode.IsSpace)
					if k < 0 {
						break
					}
					_, size := utf8.DecodeRuneInString(rest[k:])
					fields = append([]string{rest[k+size:]}, fields...)
					rest = strings.TrimRightFunc(rest[:k], unicode.IsSpace)
				}
				if rest != "" {
					fields = append([]string{rest}, fields...)
				}
			} else {
				rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
				for len(fields) < maxsplit {
					k := strings.IndexFunc(rest, unicode.IsSpace)
					if k < 0 {
						break
					}
					fields = append(fields, rest[:k])
					rest = strings.TrimLeftFunc(rest[k:], unicode.IsSpace)
				}
				if rest != "" {
					fields = append(fields, rest)
				}
			}
			parts = fields
		}
	} else {
		sp := argStr("split", sep)
		if sp == "" {
			valErr("empty separator")
		}
		switch {
		case maxsplit < 0:
			parts = strings.Split(s, sp)
		case right:
			parts = []string{}
			rest := s
			for len(parts) < maxsplit {
				k := strings.LastIndex(rest, sp)
				if k < 0 {
					break
				}
				parts = append([]string{rest[k+len(sp):]}, parts...)
				rest = rest[:k]
			}
			parts = append([]string{rest}, parts...)
		default:
			parts = strings.SplitN(s, sp, maxsplit+1)
		}
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

func stripChars(args []any, kw map[string]any) (string, bool) {
	c := argN(args, kw, 0, "chars", nil)
	if c == nil {
		return "", false
	}
	return argStr("strip", c), true
}

func prefixes(v any) []string {
	checkUndef(v)
	switch x := v.(type) {
	case string:
		return []string{x}
	case Tuple:
		out := []string{}
		for _, e := range x {
			out = append(out, argStr("startswith", e))
		}
		return out
	}
	typeErr("startswith first arg must be str or a tuple of str, not %s", typeName(v))
	return nil
}

func runeIndex(s string, byteIdx int) int {
	if byteIdx < 0 {
		return byteIdx
	}
	return utf8.RuneCountInString(s[:byteIdx])
}

func strMethod(e *evaluator, s string, name string) func(args []any, kw map[string]any) any {
	switch name {
	case "split", "rsplit":
		return func(args []any, kw map[string]any) any {
			return pySplit(s, argN(args, kw, 0, "sep", nil), argInt(argN(args, kw, 1, "maxsplit", -1)), name == "rsplit")
		}
	case "startswith", "endswith":
		return func(args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("%s() takes at least 1 argument (0 given)", name)
			}
			sub := s
			if len(args) > 1 {
				st := argInt(args[1])
				r := []rune(s)
				if st < 0 {
					st += len(r)
				}
				if st < 0 {
					st = 0
				}
				if st > len(r) {
					return false
				}
				sub = string(r[st:])
			}
			for _, p := range prefixes(args[0]) {
				if name == "startswith" && strings.HasPrefix(sub, p) || name == "endswith" && strings.HasSuffix(sub, p) {
					return true
				}
			}
			return false
		}
	case "strip", "lstrip", "rstrip":
		return func(args []any, kw map[string]any) any {
			chars, ok := stripChars(args, kw)
			switch {
			case !ok && name == "strip":
				return strings.TrimSpace(s)
			case !ok && name == "lstrip":
				return strings.TrimLeftFunc(s, unicode.IsSpace)
			case !ok:
				return strings.TrimRightFunc(s, unicode.IsSpace)
			case name == "strip":
				return strings.Trim(s, chars)
			case name == "lstrip":
				return strings.TrimLeft(s, chars)
			}
			return strings.TrimRight(s, chars)
		}
	case "upper":
		return func([]any, map[string]any) any { return strings.ToUpper(s) }
	case "lower", "casefold":
		return func([]any, map[string]any) any { return strings.ToLower(s) }
	case "swapcase":
		return func([]any, map[string]any) any {
			return strings.Map(func(r rune) rune {
				if unicode.IsUpper(r) {
					return unicode.ToLower(r)
				}
				return unicode.ToUpper(r)
			}, s)
		}
	case "capitalize":
		return func([]any, map[string]any) any { return pyCapitalize(s) }
	case "title":
		return func([]any, map[string]any) any { return pyTitle(s) }
	case "replace":
		return func(args []any, kw map[string]any) any {
			if len(args) < 2 {
				typeErr("replace expected at least 2 arguments, got %d", len(args))
			}
			n := -1
			if len(args) > 2 {
				n = argInt(args[2])
			}
			return strings.Replace(s, argStr("replace", args[0]), argStr("replace", args[1]), n)
		}
	case "format":
		return func(args []any, kw map[string]any) any { return strFormat(e, s, args, kw) }
	case "format_map":
		return func(args []any, kw map[string]any) any {
			m, _ := argN(args, kw, 0, "mapping", nil).(map[string]any)
			return strFormat(e, s, nil, m)
		}
	case "join":
		return func(args []any, kw map[string]any) any {
			if len(args) != 1 {
				typeErr("str.join() takes exactly one argument (%d given)", len(args))
			}
			var parts []string
			for i, it := range toList(args[0]) {
				checkUndef(it)
				str, ok := it.(string)
				if !ok {
					typeErr("sequence item %d: expected str instance, %s found", i, typeName(it))
				}
				parts = append(parts, str)
			}
			return strings.Join(parts, s)
		}
	case "find", "rfind", "index", "rindex", "count":
		return func(args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("%s() takes at least 1 argument (0 given)", name)
			}
			sub := argStr(name, args[0])
			switch name {
			case "count":
				if sub == "" {
					return utf8.RuneCountInString(s) + 1
				}
				return strings.Count(s, sub)
			case "find", "index":
				k := strings.Index(s, sub)
				if k < 0 && name == "index" {
					valErr("substring not found")
				}
				return runeIndex(s, k)
			}
			k := strings.LastIndex(s, sub)
			if k < 0 && name == "rindex" {
				valErr("substring not found")
			}
			return runeIndex(s, k)
		}
	case "splitlines":
		return func(args []any, kw map[string]any) any {
			keep := truthy(argN(args, kw, 0, "keepends", false))
			out := []any{}
			rest := s
			for rest != "" {
				k := strings.IndexAny(rest, "\n\r\v\f\x1c\x1d\x1e\u0085\u2028\u2029")
				if k < 0 {
					out = append(out, rest)
					break
				}
				_, size := utf8.DecodeRuneInString(rest[k:])
				end := k + size
				if rest[k] == '\r' && end < len(rest) && rest[end] == '\n' {
					end++
				}
				if keep {
					out = append(out, rest[:end])
				} else {
					out = append(out, rest[:k])
				}
				rest = rest[end:]
			}
			return out
		}
	case "isdigit", "isnumeric", "isdecimal", "isalpha", "isalnum", "isspace", "islower", "isupper":
		return func([]any, map[string]any) any {
			if s == "" {
				return false
			}
			cased := false
			for _, r := range s {
				switch name {
				case "isdigit", "isnumeric", "isdecimal":
					if !unicode.IsDigit(r) {
						return false
					}
				case "isalpha":
					if !unicode.IsLetter(r) {
						return false
					}
				case "isalnum":
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
						return false
					}
				case "isspace":
					if !unicode.IsSpace(r) {
						return false
					}
				case "islower":
					if unicode.IsUpper(r) {
						return false
					}
					if unicode.IsLower(r) {
						cased = true
					}
				case "isupper":
					if unicode.IsLower(r) {
						return false
					}
					if unicode.IsUpper(r) {
						cased = true
					}
				}
			}
			if name == "islower" || name == "isupper" {
				return cased
			}
			return true
		}
	case "center", "ljust", "rjust":
		return func(args []any, kw map[string]any) any {
			w := argInt(argN(args, kw, 0, "width", 0))
			checkWidth(w)
			fill := " "
			if len(args) > 1 {
				fill = argStr(name, args[1])
			}
			n := utf8.RuneCountInString(s)
			if w <= n {
				return s
			}
			padding := w - n
			switch name {
			case "ljust":
				return s + strings.Repeat(fill, padding)
			case "rjust":
				return strings.Repeat(fill, padding) + s
			}
			left := padding / 2
			if padding%2 == 1 && w%2 == 1 {
				left++
			}
			return strings.Repeat(fill, left) + s + strings.Repeat(fill, padding-left)
		}
	case "zfill":
		return func(args []any, kw map[string]any) any {
			w := argInt(argN(args, kw, 0, "width", 0))
			checkWidth(w)
			n := utf8.RuneCountInString(s)
			if w <= n {
				return s
			}
			sign := ""
			body := s
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				sign, body = s[:1], s[1:]
			}
			return sign + strings.Repeat("0", w-n) + body
		}
	case "partition", "rpartition":
		return func(args []any, kw map[string]any) any {
			sep := argStr(name, argN(args, kw, 0, "sep", nil))
			if sep == "" {
				valErr("empty separator")
			}
			var k int
			if name == "partition" {
				k = strings.Index(s, sep)
				if k < 0 {
					return Tuple{s, "", ""}
				}
			} else {
				k = strings.LastIndex(s, sep)
				if k < 0 {
					return Tuple{"", "", s}
				}
			}
			return Tuple{s[:k], sep, s[k+len(sep):]}
		}
	}
	return nil
}

func pyCapitalize(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.ToLower(s[size:])
}

// pyTitle is Python's str.title.
func pyTitle(s string) string {
	var b strings.Builder
	prevCased := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevCased {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToTitle(r))
			}
			prevCased = true
		} else {
			b.WriteRune(r)
			prevCased = false
		}
	}
	return b.String()
}

func dictMethod(d map[string]any, name string) func(args []any, kw map[string]any) any {
	switch name {
	case "keys":
		return func([]any, map[string]any) any { return toList(d) }
	case "values":
		return func([]any, map[string]any) any {
			out := make([]any, 0, len(d))
			for _, k := range sortedKeys(d) {
				out = append(out, norm(d[k]))
			}
			return out
		}
	case "items":
		return func([]any, map[string]any) any { return dictItems(d) }
	case "get":
		return func(args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("get expected at least 1 argument, got 0")
			}
			checkUndef(args[0])
			var def any
			if len(args) > 1 {
				def = args[1]
			}
			k, ok := args[0].(string)
			if !ok {
				k = pyStr(args[0])
			}
			if v, ok := d[k]; ok {
				return norm(v)
			}
			return def
		}
	case "copy":
		return func([]any, map[string]any) any {
			out := make(map[string]any, len(d))
			for k, v := range d {
				out[k] = v
			}
			return out
		}
	}
	return nil
}

func dictItems(d map[string]any) []any {
	out := make([]any, 0, len(d))
	for _, k := range sortedKeys(d) {
		out = append(out, Tuple{k, norm(d[k])})
	}
	return out
}

func seqMethod(l []any, name string) func(args []any, kw map[string]any) any {
	switch name {
	case "index":
		return func(args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("index expected at least 1 argument, got 0")
			}
			for i, v := range l {
				if pyEqual(norm(v), args[0]) {
					return i
				}
			}
			valErr("%s is not in list", pyRepr(args[0]))
			return nil
		}
	case "count":
		return func(args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("count() takes exactly one argument (0 given)")
			}
			n := 0
			for _, v := range l {
				if pyEqual(norm(v), args[0]) {
					n++
				}
			}
			return n
		}
	case "copy":
		return func([]any, map[string]any) any { return append([]any(nil), l...) }
	}
	return nil
}

func checkWidth(w int) {
	if w > 1_000_000 {
		valErr("width too big")
	}
}

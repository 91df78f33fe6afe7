package template

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/pyfmt"
)

type filterFn func(e *evaluator, v any, args []any, kw map[string]any) any

var filters map[string]filterFn

// lenientFilters accept an undefined input value.
var lenientFilters = map[string]bool{"default": true, "d": true, "mandatory": true}

// nativeTextFilters are Ansible's STRING_TYPE_FILTERS: their result, output
// alone, is never literal_eval'ed.
var nativeTextFilters = map[string]bool{"string": true, "to_json": true, "to_nice_json": true, "to_yaml": true, "to_nice_yaml": true, "json": true}

var pluginPrefixes = []string{"ansible.builtin.", "ansible.legacy.", "community.general.", "ansible.utils.", "ansible.netcommon."}

func canonicalName(name string) string {
	for _, p := range pluginPrefixes {
		if strings.HasPrefix(name, p) {
			return name[len(p):]
		}
	}
	return name
}

func filterErr(format string, a ...any) {
	panic(&TemplateError{Msg: strings.TrimSpace(sprintf(format, a...))})
}

// arg returns positional argument i or keyword name, else def.
func arg(args []any, kw map[string]any, i int, name string, def any) any {
	if i < len(args) {
		return args[i]
	}
	if v, ok := kw[name]; ok {
		return v
	}
	return def
}

func toInt(v any) (int, bool) {
	n, f, isF, ok := numeric(v)
	if !ok {
		return 0, false
	}
	if isF {
		return int(f), true
	}
	return n, true
}

func toFloat(v any) (float64, bool) {
	_, f, _, ok := numeric(v)
	return f, ok
}

// pyInt parses a string like Python's int(s, base).
func pyInt(s string, base int) (int, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "__") || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") {
		return 0, false
	}
	t := strings.ReplaceAll(s, "_", "")
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	if base == 0 || base == 16 || base == 8 || base == 2 {
		lt := strings.ToLower(t)
		switch {
		case strings.HasPrefix(lt, "0x") && (base == 0 || base == 16):
			t, base = t[2:], 16
		case strings.HasPrefix(lt, "0o") && (base == 0 || base == 8):
			t, base = t[2:], 8
		case strings.HasPrefix(lt, "0b") && (base == 0 || base == 2):
			t, base = t[2:], 2
		}
		if base == 0 {
			base = 10
		}
	}
	if t == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(t, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return int(n), true
}

// pyFloat parses a string like Python's float(s).
func pyFloat(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	if strings.Contains(t, "__") {
		return 0, false
	}
	t = strings.ReplaceAll(t, "_", "")
	switch strings.ToLower(strings.TrimLeft(t, "+-")) {
	case "inf", "infinity":
		if strings.HasPrefix(t, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	if strings.ContainsAny(t, "xXpP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func toBool(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return x
	case string:
		switch strings.ToLower(x) {
		case "yes", "on", "1", "true":
			return true
		}
		return false
	}
	if n, f, _, ok := numeric(v); ok {
		return n == 1 || f == 1
	}
	return false
}

// attrGetter resolves a dotted attribute path like Jinja2's make_attrgetter.
func (e *evaluator) attrGetter(attribute any, def any, hasDef bool) func(any) any {
	var parts []any
	switch a := attribute.(type) {
	case string:
		for _, p := range strings.Split(a, ".") {
			if n, err := strconv.Atoi(p); err == nil {
				parts = append(parts, n)
			} else {
				parts = append(parts, p)
			}
		}
	case nil:
	default:
		parts = []any{a}
	}
	return func(item any) any {
		for _, p := range parts {
			item = e.getitem(item, p)
		}
		if _, ok := item.(*Undefined); ok && hasDef {
			return def
		}
		return item
	}
}

func ignoreCase(v any) any {
	if s, ok := v.(string); ok {
		return strings.ToLower(s)
	}
	return v
}

func (e *evaluator) testFunc(args []any, kw map[string]any) func(any) bool {
	if len(args) == 0 {
		return truthy
	}
	name, ok := args[0].(string)
	if !ok {
		typeErr("test name must be a string")
	}
	rest := args[1:]
	return func(v any) bool { return e.callTest(name, v, rest, kw) }
}

func uniqueList(items []any, caseSensitive bool) []any {
	out := []any{}
	var keys []any
	seen := map[string]bool{}
	for _, it := range items {
		k := it
		if !caseSensitive {
			k = ignoreCase(it)
		}
		if s, ok := k.(string); ok {
			if seen[s] {
				continue
			}
			seen[s] = true
			out = append(out, it)
			continue
		}
		dup := false
		for _, o := range keys {
			if pyEqual(o, k) {
				dup = true
				break
			}
		}
		if !dup {
			keys = append(keys, k)
			out = append(out, it)
		}
	}
	return out
}

func containsVal(l []any, v any) bool {
	for _, x := range l {
		if pyEqual(norm(x), v) {
			return true
		}
	}
	return false
}

func flatten(l []any, levels int, skipNulls bool) []any {
	out := []any{}
	for _, el := range l {
		el = norm(el)
		if skipNulls {
			if el == nil || el == "None" || el == "null" {
				continue
			}
		}
		switch x := el.(type) {
		case []any, Tuple:
			if levels < 0 {
				out = append(out, flatten(toList(x), -1, skipNulls)...)
			} else if levels >= 1 {
				out = append(out, flatten(toList(x), levels-1, skipNulls)...)
			} else {
				out = append(out, el)
			}
		default:
			out = append(out, el)
		}
	}
	return out
}

func combine(dst, src map[string]any, recursive bool, listMerge string) map[string]any {
	out := make(map[string]any, len(dst)+len(src))
	keys := sortedKeys(dst)
	for _, k := range keys {
		out[k] = dst[k]
	}
	for _, k := range sortedKeys(src) {
		sv := norm(src[k])
		dv, exists := out[k]
		if !exists {
			keys = append(keys, k)
		}
		dv = norm(dv)
		if dm, ok := dv.(map[string]any); ok && recursive {
			if sm, ok := sv.(map[string]any); ok {
				out[k] = combine(dm, sm, true, listMerge)
				continue
			}
		}
		if dl, ok := dv.([]any); ok && exists {
			if sl, ok := sv.([]any); ok {
				switch listMerge {
				case "keep":
					out[k] = dl
					continue
				case "append":
					out[k] = append(append([]any{}, dl...), sl...)
					continue
				case "prepend":
					out[k] = append(append([]any{}, sl...), dl...)
					continue
				case "append_rp":
					var r []any
					for _, x := range dl {
						if !containsVal(sl, x) {
							r = append(r, x)
						}
					}
					out[k] = append(r, sl...)
					continue
				case "prepend_rp":
					r := append([]any{}, sl...)
					for _, x := range dl {
						if !containsVal(sl, x) {
							r = append(r, x)
						}
					}
					out[k] = r
					continue
				}
			}
		}
		out[k] = sv
	}
	setOrder(out, keys)
	return out
}

func hashHex(name string, data string) string {
	var h hash.Hash
	switch strings.ToLower(name) {
	case "md5":
		h = md5.New()
	case "sha1":
		h = sha1.New()
	case "sha224":
		h = sha256.New224()
	case "sha256":
		h = sha256.New()
	case "sha384":
		h = sha512.New384()
	case "sha512":
		h = sha512.New()
	default:
		filterErr("unsupported hash type %s", name)
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil))
}

// shellQuote is Python's shlex.quote.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || strings.IndexByte("@%+=:,./-", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func pyBasename(p string) string {
	return p[strings.LastIndex(p, "/")+1:]
}

// pySplitext is posixpath.splitext: leading dots of the file name do not
// start an extension.
func pySplitext(p string) (string, string) {
	sep := strings.LastIndex(p, "/")
	dot := strings.LastIndex(p, ".")
	if dot > sep {
		for i := sep + 1; i < dot; i++ {
			if p[i] != '.' {
				return p[:dot], p[dot:]
			}
		}
	}
	return p, ""
}

func pyDirname(p string) string {
	i := strings.LastIndex(p, "/") + 1
	head := p[:i]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

// pyRound is Python's round(x, ndigits) for floats.
func pyRound(x float64, prec int) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	if prec >= 0 {
		f, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', prec, 64), 64)
		if err != nil {
			return x
		}
		return f
	}
	p := math.Pow(10, float64(-prec))
	return math.RoundToEven(x/p) * p
}

func jsonASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r <= 0xffff:
			b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(r), 16), 4))
		default:
			r -= 0x10000
			b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(0xd800+(r>>10)), 16), 4))
			b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(0xdc00+(r&0x3ff)), 16), 4))
		}
	}
	return b.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

func toJSON(v any, indent int, sortKeys bool, compactSep bool) string {
	out := pyfmt.JSON(export(jsonObjects(v)), indent, sortKeys)
	return jsonASCII(out)
}

func urlQuote(s string, safe string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if isAlnum(c) || strings.IndexByte("_.-~", c) >= 0 || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(leftPad(strconv.FormatInt(int64(c), 16), 2)))
		}
	}
	return b.String()
}

func sortItems(e *evaluator, items []any, reverse, caseSensitive bool, attribute any) []any {
	out := append([]any(nil), items...)
	var getters []func(any) any
	if s, ok := attribute.(string); ok && strings.Contains(s, ",") {
		for _, a := range strings.Split(s, ",") {
			getters = append(getters, e.attrGetter(strings.TrimSpace(a), nil, false))
		}
	} else if attribute != nil {
		getters = append(getters, e.attrGetter(attribute, nil, false))
	} else {
		getters = append(getters, func(v any) any { return v })
	}
	key := func(v any) []any {
		ks := make([]any, len(getters))
		for i, g := range getters {
			k := norm(g(v))
			if !caseSensitive {
				k = ignoreCase(k)
			}
			ks[i] = k
		}
		return ks
	}
	keys := make([][]any, len(out))
	for i, v := range out {
		keys[i] = key(v)
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		c := compareSeq(keys[idx[a]], keys[idx[b]], "<")
		if reverse {
			return c > 0
		}
		return c < 0
	})
	res := make([]any, len(out))
	for i, j := range idx {
		res[i] = out[j]
	}
	return res
}

func minmax(e *evaluator, v any, kw map[string]any, wantMax bool) any {
	items := toList(v)
	if len(items) == 0 {
		return &Undefined{Hint: "No aggregated item, sequence was empty."}
	}
	cs := truthy(arg(nil, kw, 0, "case_sensitive", false))
	get := func(x any) any { return x }
	if a, ok := kw["attribute"]; ok && a != nil {
		get = e.attrGetter(a, nil, false)
	}
	best := items[0]
	bk := norm(get(best))
	if !cs {
		bk = ignoreCase(bk)
	}
	for _, it := range items[1:] {
		k := norm(get(it))
		if !cs {
			k = ignoreCase(k)
		}
		c := pyCompare(k, bk, "<")
		if (wantMax && c > 0) || (!wantMax && c < 0) {
			best, bk = it, k
		}
	}
	return norm(best)
}

func strArg(v any) string {
	checkUndef(v)
	if s, ok := v.(string); ok {
		return s
	}
	return pyStr(v)
}

func init() {
	filters = map[string]filterFn{
		"default": func(e *evaluator, v any, args []any, kw map[string]any) any {
			def := arg(args, kw, 0, "default_value", "")
			boolean := truthy(arg(args, kw, 1, "boolean", false))
			if _, ok := v.(*Undefined); ok {
				return def
			}
			if boolean && !truthy(v) {
				return def
			}
			return v
		},
		"mandatory": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if u, ok := v.(*Undefined); ok {
				if msg := arg(args, kw, 0, "msg", nil); msg != nil {
					filterErr("%s", pyStr(msg))
				}
				name := ""
				if !u.HasObj && u.Name != "" {
					name = "'" + u.Name + "' "
				} else if s, ok := u.Key.(string); ok {
					name = "'" + s + "' "
				}
				panic(&TemplateError{Msg: "Mandatory variable " + name + " not defined."})
			}
			return v
		},
		"bool": func(e *evaluator, v any, args []any, kw map[string]any) any { return toBool(v) },
		"int": func(e *evaluator, v any, args []any, kw map[string]any) any {
			def := arg(args, kw, 0, "default", 0)
			base, _ := toInt(arg(args, kw, 1, "base", 10))
			if s, ok := v.(string); ok {
				if n, ok := pyInt(s, base); ok {
					return n
				}
				if f, ok := pyFloat(s); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
					return int(f)
				}
				return def
			}
			if n, ok := toInt(v); ok {
				if f, isF := v.(float64); isF && (math.IsInf(f, 0) || math.IsNaN(f)) {
					return def
				}
				return n
			}
			return def
		},
		"float": func(e *evaluator, v any, args []any, kw map[string]any) any {
			def := arg(args, kw, 0, "default", 0.0)
			if s, ok := v.(string); ok {
				if f, ok := pyFloat(s); ok {
					return f
				}
				return def
			}
			if f, ok := toFloat(v); ok {
				return f
			}
			return def
		},
		"string": func(e *evaluator, v any, args []any, kw map[string]any) any { return pyStr(v) },
		"length": func(e *evaluator, v any, args []any, kw map[string]any) any { return length(v) },
		"join": func(e *evaluator, v any, args []any, kw map[string]any) any {
			sep := strArg(arg(args, kw, 0, "d", ""))
			items := append([]any(nil), toList(v)...)
			if a := arg(args, kw, 1, "attribute", nil); a != nil {
				g := e.attrGetter(a, nil, false)
				for i := range items {
					items[i] = g(items[i])
				}
			}
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = pyStr(norm(it))
			}
			return strings.Join(parts, sep)
		},
		"map": func(e *evaluator, v any, args []any, kw map[string]any) any {
			items := toList(v)
			out := make([]any, len(items))
			if len(args) == 0 {
				a, ok := kw["attribute"]
				if !ok {
					return append([]any(nil), items...)
				}
				def, hasDef := kw["default"]
				g := e.attrGetter(a, def, hasDef)
				for i, it := range items {
					out[i] = g(it)
				}
				return out
			}
			name, ok := args[0].(string)
			if !ok {
				typeErr("map filter name must be a string")
			}
			for i, it := range items {
				out[i] = e.callFilter(name, norm(it), args[1:], kw)
			}
			return out
		},
		"select": func(e *evaluator, v any, args []any, kw map[string]any) any {
			t := e.testFunc(args, kw)
			out := []any{}
			for _, it := range toList(v) {
				if t(norm(it)) {
					out = append(out, it)
				}
			}
			return out
		},
		"reject": func(e *evaluator, v any, args []any, kw map[string]any) any {
			t := e.testFunc(args, kw)
			out := []any{}
			for _, it := range toList(v) {
				if !t(norm(it)) {
					out = append(out, it)
				}
			}
			return out
		},
		"selectattr": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("selectattr requires an attribute")
			}
			g := e.attrGetter(args[0], nil, false)
			t := e.testFunc(args[1:], kw)
			out := []any{}
			for _, it := range toList(v) {
				if t(g(norm(it))) {
					out = append(out, it)
				}
			}
			return out
		},
		"rejectattr": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if len(args) == 0 {
				typeErr("rejectattr requires an attribute")
			}
			g := e.attrGetter(args[0], nil, false)
			t := e.testFunc(args[1:], kw)
			out := []any{}
			for _, it := range toList(v) {
				if !t(g(norm(it))) {
					out = append(out, it)
				}
			}
			return out
		},
		"list": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return append([]any{}, toList(v)...)
		},
		"first": func(e *evaluator, v any, args []any, kw map[string]any) any {
			items := toList(v)
			if len(items) == 0 {
				return &Undefined{Hint: "No first item, sequence was empty."}
			}
			return norm(items[0])
		},
		"last": func(e *evaluator, v any, args []any, kw map[string]any) any {
			items := toList(v)
			if len(items) == 0 {
				return &Undefined{Hint: "No last item, sequence was empty."}
			}
			return norm(items[len(items)-1])
		},
		"min": func(e *evaluator, v any, args []any, kw map[string]any) any { return minmax(e, v, kw, false) },
		"max": func(e *evaluator, v any, args []any, kw map[string]any) any { return minmax(e, v, kw, true) },
		"sum": func(e *evaluator, v any, args []any, kw map[string]any) any {
			items := toList(v)
			var total any = arg(args, kw, 1, "start", 0)
			if a := arg(args, kw, 0, "attribute", nil); a != nil {
				g := e.attrGetter(a, nil, false)
				for _, it := range items {
					total = binaryOp("+", total, norm(g(it)))
				}
				return total
			}
			for _, it := range items {
				total = binaryOp("+", total, norm(it))
			}
			return total
		},
		"unique": func(e *evaluator, v any, args []any, kw map[string]any) any {
			items := toList(v)
			cs := truthy(arg(args, kw, 0, "case_sensitive", false))
			if a := arg(args, kw, 1, "attribute", nil); a != nil {
				g := e.attrGetter(a, nil, false)
				out := []any{}
				var seen []any
				for _, it := range items {
					k := norm(g(it))
					if !cs {
						k = ignoreCase(k)
					}
					if !containsVal(seen, k) {
						seen = append(seen, k)
						out = append(out, it)
					}
				}
				return out
			}
			return uniqueList(items, cs)
		},
		"sort": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return sortItems(e, toList(v), truthy(arg(args, kw, 0, "reverse", false)),
				truthy(arg(args, kw, 1, "case_sensitive", false)), arg(args, kw, 2, "attribute", nil))
		},
		"reverse": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if s, ok := v.(string); ok {
				r := []rune(s)
				for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
					r[i], r[j] = r[j], r[i]
				}
				return string(r)
			}
			items := toList(v)
			out := make([]any, len(items))
			for i, it := range items {
				out[len(items)-1-i] = it
			}
			return out
		},
		"flatten": func(e *evaluator, v any, args []any, kw map[string]any) any {
			levels := -1
			if l := arg(args, kw, 0, "levels", nil); l != nil {
				levels, _ = toInt(l)
			}
			return flatten(toList(v), levels, truthy(arg(args, kw, 1, "skip_nulls", true)))
		},
		"union": func(e *evaluator, v any, args []any, kw map[string]any) any {
			b := toList(arg(args, kw, 0, "b", []any{}))
			return uniqueList(append(append([]any{}, toList(v)...), b...), true)
		},
		"intersect": func(e *evaluator, v any, args []any, kw map[string]any) any {
			b := toList(arg(args, kw, 0, "b", []any{}))
			var out []any
			for _, x := range toList(v) {
				if containsVal(b, norm(x)) {
					out = append(out, x)
				}
			}
			return uniqueList(out, true)
		},
		"difference": func(e *evaluator, v any, args []any, kw map[string]any) any {
			b := toList(arg(args, kw, 0, "b", []any{}))
			var out []any
			for _, x := range toList(v) {
				if !containsVal(b, norm(x)) {
					out = append(out, x)
				}
			}
			return uniqueList(out, true)
		},
		"symmetric_difference": func(e *evaluator, v any, args []any, kw map[string]any) any {
			a := toList(v)
			b := toList(arg(args, kw, 0, "b", []any{}))
			var isect []any
			for _, x := range a {
				if containsVal(b, norm(x)) {
					isect = append(isect, x)
				}
			}
			out := []any{}
			for _, x := range uniqueList(append(append([]any{}, a...), b...), true) {
				if !containsVal(isect, norm(x)) {
					out = append(out, x)
				}
			}
			return out
		},
		"zip": func(e *evaluator, v any, args []any, kw map[string]any) any {
			lists := [][]any{toList(v)}
			for _, a := range args {
				lists = append(lists, toList(a))
			}
			n := len(lists[0])
			for _, l := range lists {
				if len(l) < n {
					n = len(l)
				}
			}
			out := make([]any, n)
			for i := 0; i < n; i++ {
				t := make(Tuple, len(lists))
				for j, l := range lists {
					t[j] = norm(l[i])
				}
				out[i] = t
			}
			return out
		},
		"zip_longest": func(e *evaluator, v any, args []any, kw map[string]any) any {
			lists := [][]any{toList(v)}
			for _, a := range args {
				lists = append(lists, toList(a))
			}
			fill := arg(nil, kw, 0, "fillvalue", nil)
			n := 0
			for _, l := range lists {
				if len(l) > n {
					n = len(l)
				}
			}
			out := make([]any, n)
			for i := 0; i < n; i++ {
				t := make(Tuple, len(lists))
				for j, l := range lists {
					if i < len(l) {
						t[j] = norm(l[i])
					} else {
						t[j] = fill
					}
				}
				out[i] = t
			}
			return out
		},
		"dict2items": func(e *evaluator, v any, args []any, kw map[string]any) any {
			m, ok := v.(map[string]any)
			if !ok {
				filterErr("dict2items requires a dictionary, got <class '%s'> instead.", typeName(v))
			}
			kn := strArg(arg(args, kw, 0, "key_name", "key"))
			vn := strArg(arg(args, kw, 1, "value_name", "value"))
			out := []any{}
			for _, k := range sortedKeys(m) {
				item := map[string]any{kn: k, vn: norm(m[k])}
				setOrder(item, []string{kn, vn})
				out = append(out, item)
			}
			return out
		},
		"items2dict": func(e *evaluator, v any, args []any, kw map[string]any) any {
			kn := strArg(arg(args, kw, 0, "key_name", "key"))
			vn := strArg(arg(args, kw, 1, "value_name", "value"))
			switch v.(type) {
			case []any, Tuple:
			default:
				typeErr("items2dict requires a list, got <class '%s'> instead.", typeName(v))
			}
			out := map[string]any{}
			var keys []string
			for _, it := range toList(v) {
				m, ok := norm(it).(map[string]any)
				if !ok {
					typeErr("items2dict requires a list of dictionaries")
				}
				k, ok1 := m[kn]
				val, ok2 := m[vn]
				if !ok1 || !ok2 {
					// AnsibleFilterTypeError, a TypeError
					typeErr("items2dict requires each dictionary in the list to contain the keys '%s' and '%s', got %s instead.", kn, vn, pyRepr(v))
				}
				ks := pyStr(norm(k))
				if _, dup := out[ks]; !dup {
					keys = append(keys, ks)
				}
				out[ks] = norm(val)
			}
			setOrder(out, keys)
			return out
		},
		"combine": func(e *evaluator, v any, args []any, kw map[string]any) any {
			recursive := truthy(arg(nil, kw, 0, "recursive", false))
			listMerge := strArg(arg(nil, kw, 0, "list_merge", "replace"))
			for k := range kw {
				if k != "recursive" && k != "list_merge" {
					filterErr("'recursive' and 'list_merge' are the only valid keyword arguments")
				}
			}
			terms := flatten(append([]any{v}, args...), 1, false)
			out := map[string]any{}
			for _, t := range terms {
				checkUndef(t)
				m, ok := norm(t).(map[string]any)
				if !ok {
					filterErr("failed to combine variables, expected dicts but got a '%s' and a '%s': \n%s\n%s", "dict", typeName(t), pyRepr(out), pyRepr(t))
				}
				out = combine(out, m, recursive, listMerge)
			}
			return out
		},
		"to_json": func(e *evaluator, v any, args []any, kw map[string]any) any {
			indent := -1
			if i, ok := kw["indent"]; ok && i != nil {
				indent, _ = toInt(i)
			}
			return toJSON(v, indent, truthy(arg(nil, kw, 0, "sort_keys", false)), false)
		},
		"to_nice_json": func(e *evaluator, v any, args []any, kw map[string]any) any {
			indent, _ := toInt(arg(args, kw, 0, "indent", 4))
			return toJSON(v, indent, truthy(arg(args, kw, 1, "sort_keys", true)), true)
		},
		"from_json": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			out, err := pyfmt.ParseJSON([]byte(s))
			if err != nil {
				// json.JSONDecodeError, a ValueError
				pyErr("ValueError", "%s", err.Error())
			}
			return norm(out)
		},
		"to_yaml": func(e *evaluator, v any, args []any, kw map[string]any) any {
			flow := 0 // default_flow_style=None
			if f, ok := kw["default_flow_style"]; ok && f != nil {
				if truthy(f) {
					flow = 1
				} else {
					flow = -1
				}
			}
			indent := 2
			if i, ok := kw["indent"]; ok {
				indent, _ = toInt(i)
			}
			return toYAML(export(yamlObjects(v)), indent, flow)
		},
		"to_nice_yaml": func(e *evaluator, v any, args []any, kw map[string]any) any {
			indent, _ := toInt(arg(args, kw, 0, "indent", 4))
			return toYAML(export(yamlObjects(v)), indent, -1)
		},
		"from_yaml": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if s, ok := v.(string); ok {
				return fromYAML(s)
			}
			return v
		},
		"from_yaml_all": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if s, ok := v.(string); ok {
				return fromYAMLAll(s)
			}
			return v
		},
		"regex_replace": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			re := compileRegex(strArg(arg(args, kw, 0, "pattern", "")), truthy(arg(args, kw, 2, "ignorecase", false)), truthy(arg(args, kw, 3, "multiline", false)))
			repl := strArg(arg(args, kw, 1, "replacement", ""))
			count, _ := toInt(arg(args, kw, 4, "count", 0))
			return regexSub(re, repl, s, count)
		},
		"regex_search": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			if len(args) == 0 {
				typeErr("regex_search() missing 1 required positional argument: 'regex'")
			}
			re := compileRegex(strArg(args[0]), truthy(arg(nil, kw, 0, "ignorecase", false)), truthy(arg(nil, kw, 0, "multiline", false)))
			m := re.FindStringSubmatchIndex(s)
			if m == nil {
				return nil
			}
			if len(args) == 1 {
				return s[m[0]:m[1]]
			}
			out := []any{}
			for _, a := range args[1:] {
				as := strArg(a)
				var idx int
				switch {
				case strings.HasPrefix(as, "\\g<"):
					name := strings.TrimSuffix(as[3:], ">")
					idx = re.SubexpIndex(name)
					if n, err := strconv.Atoi(name); err == nil {
						idx = n
					}
				case strings.HasPrefix(as, "\\"):
					n, err := strconv.Atoi(as[1:])
					if err != nil {
						filterErr("Unknown argument")
					}
					idx = n
				default:
					filterErr("Unknown argument")
				}
				if idx < 0 || 2*idx+1 >= len(m) {
					filterErr("invalid group reference %d", idx)
				}
				if m[2*idx] < 0 {
					out = append(out, nil)
				} else {
					out = append(out, s[m[2*idx]:m[2*idx+1]])
				}
			}
			return out
		},
		"regex_findall": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			re := compileRegex(strArg(arg(args, kw, 0, "regex", "")), truthy(arg(args, kw, 2, "ignorecase", false)), truthy(arg(args, kw, 1, "multiline", false)))
			out := []any{}
			ng := re.NumSubexp()
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				switch ng {
				case 0:
					out = append(out, m[0])
				case 1:
					out = append(out, m[1])
				default:
					t := make(Tuple, ng)
					for i := 1; i <= ng; i++ {
						t[i-1] = m[i]
					}
					out = append(out, t)
				}
			}
			return out
		},
		"regex_escape": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			switch strArg(arg(args, kw, 0, "re_type", "python")) {
			case "python":
				var b strings.Builder
				for _, r := range s {
					if r < 128 && strings.ContainsRune("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", r) {
						b.WriteByte('\\')
					}
					b.WriteRune(r)
				}
				return b.String()
			case "posix_basic":
				var b strings.Builder
				for _, r := range s {
					if strings.ContainsRune("].[^$*\\", r) {
						b.WriteByte('\\')
					}
					b.WriteRune(r)
				}
				return b.String()
			case "posix_extended":
				filterErr("Regex type (posix_extended) not yet implemented")
			}
			filterErr("Invalid regex type (%s)", strArg(arg(args, kw, 0, "re_type", "python")))
			return nil
		},
		"replace": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			n := -1
			if c := arg(args, kw, 2, "count", nil); c != nil {
				n, _ = toInt(c)
			}
			return strings.Replace(s, strArg(arg(args, kw, 0, "old", "")), strArg(arg(args, kw, 1, "new", "")), n)
		},
		"lower":      func(e *evaluator, v any, args []any, kw map[string]any) any { return strings.ToLower(strArg(v)) },
		"upper":      func(e *evaluator, v any, args []any, kw map[string]any) any { return strings.ToUpper(strArg(v)) },
		"capitalize": func(e *evaluator, v any, args []any, kw map[string]any) any { return pyCapitalize(strArg(v)) },
		"title":      func(e *evaluator, v any, args []any, kw map[string]any) any { return jinjaTitle(strArg(v)) },
		"trim": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			if c := arg(args, kw, 0, "chars", nil); c != nil {
				return strings.Trim(s, strArg(c))
			}
			return strings.TrimSpace(s)
		},
		"split": func(e *evaluator, v any, args []any, kw map[string]any) any {
			mx, _ := toInt(arg(args, kw, 1, "maxsplit", -1))
			return pySplit(strArg(v), arg(args, kw, 0, "sep", nil), mx, false)
		},
		"quote": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if v == nil {
				return "''"
			}
			return shellQuote(strArg(v))
		},
		"b64encode": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return base64.StdEncoding.EncodeToString([]byte(strArg(v)))
		},
		"b64decode": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
				if err != nil {
					filterErr("Incorrect padding")
				}
			}
			if !utf8.Valid(b) {
				return strings.ToValidUTF8(string(b), "\uFFFD")
			}
			return string(b)
		},
		"basename": func(e *evaluator, v any, args []any, kw map[string]any) any { return pyBasename(strArg(v)) },
		"dirname":  func(e *evaluator, v any, args []any, kw map[string]any) any { return pyDirname(strArg(v)) },
		"splitext": func(e *evaluator, v any, args []any, kw map[string]any) any {
			root, ext := pySplitext(strArg(v))
			return Tuple{root, ext}
		},
		"hash": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return hashHex(strArg(arg(args, kw, 0, "hashtype", "sha1")), strArg(v))
		},
		"checksum": func(e *evaluator, v any, args []any, kw map[string]any) any { return hashHex("sha1", strArg(v)) },
		"sha1":     func(e *evaluator, v any, args []any, kw map[string]any) any { return hashHex("sha1", strArg(v)) },
		"md5":      func(e *evaluator, v any, args []any, kw map[string]any) any { return hashHex("md5", strArg(v)) },
		"ternary": func(e *evaluator, v any, args []any, kw map[string]any) any {
			tv := arg(args, kw, 0, "true_val", nil)
			fv := arg(args, kw, 1, "false_val", nil)
			nv := arg(args, kw, 2, "none_val", nil)
			if v == nil && nv != nil {
				return nv
			}
			if truthy(v) {
				return tv
			}
			return fv
		},
		"type_debug": func(e *evaluator, v any, args []any, kw map[string]any) any { return typeName(v) },
		"urlencode": func(e *evaluator, v any, args []any, kw map[string]any) any {
			var pairs [][2]any
			switch x := v.(type) {
			case string:
				return urlQuote(x, "/")
			case map[string]any:
				for _, k := range sortedKeys(x) {
					pairs = append(pairs, [2]any{k, norm(x[k])})
				}
			default:
				for _, it := range toList(v) {
					l := toList(it)
					if len(l) != 2 {
						valErr("urlencode needs pairs")
					}
					pairs = append(pairs, [2]any{l[0], l[1]})
				}
			}
			parts := []string{}
			for _, p := range pairs {
				parts = append(parts, strings.ReplaceAll(urlQuote(pyStr(p[0]), ""), "%20", "+")+"="+strings.ReplaceAll(urlQuote(pyStr(p[1]), ""), "%20", "+"))
			}
			return strings.Join(parts, "&")
		},
		"urldecode": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s, err := url.QueryUnescape(strArg(v))
			if err != nil {
				return strArg(v)
			}
			return s
		},
		"format": func(e *evaluator, v any, args []any, kw map[string]any) any {
			if len(args) > 0 && len(kw) > 0 {
				filterErr("can't handle positional and keyword arguments at the same time")
			}
			if len(kw) > 0 {
				return percentFormat(strArg(v), kw)
			}
			return percentFormat(strArg(v), Tuple(args))
		},
		"abs": func(e *evaluator, v any, args []any, kw map[string]any) any {
			switch x := v.(type) {
			case int:
				if x < 0 {
					return -x
				}
				return x
			case float64:
				return math.Abs(x)
			case bool:
				if x {
					return 1
				}
				return 0
			}
			typeErr("bad operand type for abs(): '%s'", typeName(v))
			return nil
		},
		"round": func(e *evaluator, v any, args []any, kw map[string]any) any {
			prec, _ := toInt(arg(args, kw, 0, "precision", 0))
			method := strArg(arg(args, kw, 1, "method", "common"))
			_, f, isF, ok := numeric(v)
			if !ok {
				typeErr("type %s doesn't define __round__ method", typeName(v))
			}
			switch method {
			case "common":
				if !isF {
					if prec >= 0 {
						n, _ := toInt(v)
						return n
					}
					return int(pyRound(f, prec))
				}
				return pyRound(f, prec)
			case "ceil", "floor":
				p := math.Pow(10, float64(prec))
				if method == "ceil" {
					return math.Ceil(f*p) / p
				}
				return math.Floor(f*p) / p
			}
			filterErr("method must be common, ceil or floor")
			return nil
		},
		"center": func(e *evaluator, v any, args []any, kw map[string]any) any {
			w, _ := toInt(arg(args, kw, 0, "width", 80))
			return strMethod(e, strArg(v), "center")([]any{w}, nil)
		},
		"indent": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := strArg(v)
			var ind string
			switch w := arg(args, kw, 0, "width", 4).(type) {
			case string:
				ind = w
			default:
				n, _ := toInt(w)
				checkWidth(n)
				ind = strings.Repeat(" ", max(n, 0))
			}
			first := truthy(arg(args, kw, 1, "first", false))
			blank := truthy(arg(args, kw, 2, "blank", false))
			nl := "\n"
			s += nl
			lines := strings.Split(s, nl)
			lines = lines[:len(lines)-1]
			var b strings.Builder
			for i, l := range lines {
				if i > 0 {
					b.WriteString(nl)
					if blank || l != "" {
						b.WriteString(ind)
					}
				}
				b.WriteString(l)
			}
			rv := b.String()
			if first {
				rv = ind + rv
			}
			return rv
		},
		"truncate": func(e *evaluator, v any, args []any, kw map[string]any) any {
			s := []rune(strArg(v))
			ln, _ := toInt(arg(args, kw, 0, "length", 255))
			kill := truthy(arg(args, kw, 1, "killwords", false))
			end := strArg(arg(args, kw, 2, "end", "..."))
			leeway, _ := toInt(arg(args, kw, 3, "leeway", 5))
			if ln < utf8.RuneCountInString(end) {
				valErr("expected length >= %d, got %d", utf8.RuneCountInString(end), ln)
			}
			if len(s) <= ln+leeway {
				return string(s)
			}
			cut := string(s[:ln-utf8.RuneCountInString(end)])
			if kill {
				return cut + end
			}
			if k := strings.LastIndex(cut, " "); k >= 0 {
				cut = cut[:k]
			}
			return cut + end
		},
		"wordcount": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return len(strings.FieldsFunc(strArg(v), func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') }))
		},
		"batch": func(e *evaluator, v any, args []any, kw map[string]any) any {
			n, _ := toInt(arg(args, kw, 0, "linecount", 1))
			if n <= 0 {
				valErr("batch size must be positive")
			}
			fill, hasFill := kw["fill_with"]
			if len(args) > 1 {
				fill, hasFill = args[1], true
			}
			out := []any{}
			var cur []any
			for _, it := range toList(v) {
				cur = append(cur, it)
				if len(cur) == n {
					out = append(out, cur)
					cur = nil
				}
			}
			if len(cur) > 0 {
				if hasFill && fill != nil {
					for len(cur) < n {
						cur = append(cur, fill)
					}
				}
				out = append(out, cur)
			}
			return out
		},
		"dictsort": func(e *evaluator, v any, args []any, kw map[string]any) any {
			m, ok := v.(map[string]any)
			if !ok {
				filterErr("You can only sort by either \"key\" or \"value\"")
			}
			cs := truthy(arg(args, kw, 0, "case_sensitive", false))
			by := strArg(arg(args, kw, 1, "by", "key"))
			rev := truthy(arg(args, kw, 2, "reverse", false))
			pos := 0
			if by == "value" {
				pos = 1
			}
			items := dictItems(m)
			sort.SliceStable(items, func(a, b int) bool {
				ka, kb := items[a].(Tuple)[pos], items[b].(Tuple)[pos]
				if !cs {
					ka, kb = ignoreCase(ka), ignoreCase(kb)
				}
				c := pyCompare(ka, kb, "<")
				if rev {
					return c > 0
				}
				return c < 0
			})
			return items
		},
		"items": func(e *evaluator, v any, args []any, kw map[string]any) any {
			m, ok := v.(map[string]any)
			if !ok {
				typeErr("Can only get item pairs from a mapping.")
			}
			return dictItems(m)
		},
		"attr": func(e *evaluator, v any, args []any, kw map[string]any) any {
			name := strArg(arg(args, kw, 0, "name", ""))
			if m := getMethod(e, v, name); m != nil {
				return m
			}
			if ns, ok := v.(*Namespace); ok {
				if x, ok := ns.M[name]; ok {
					return x
				}
			}
			return &Undefined{Obj: v, HasObj: true, Key: name}
		},
		"groupby": func(e *evaluator, v any, args []any, kw map[string]any) any {
			a := arg(args, kw, 0, "attribute", nil)
			def, hasDef := kw["default"]
			if len(args) > 1 {
				def, hasDef = args[1], true
			}
			cs := truthy(arg(args, kw, 2, "case_sensitive", false))
			g := e.attrGetter(a, def, hasDef)
			sorted := sortItems(e, toList(v), false, cs, a)
			out := []any{}
			for _, it := range sorted {
				k := norm(g(it))
				kc := k
				if !cs {
					kc = ignoreCase(k)
				}
				if len(out) > 0 {
					last := out[len(out)-1].(Tuple)
					lk := last[0]
					if !cs {
						lk = ignoreCase(lk)
					}
					if pyEqual(lk, kc) {
						last[1] = append(last[1].([]any), it)
						continue
					}
				}
				out = append(out, Tuple{k, []any{it}})
			}
			return out
		},
		"pprint": func(e *evaluator, v any, args []any, kw map[string]any) any { return pyRepr(v) },
		"extract": func(e *evaluator, v any, args []any, kw map[string]any) any {
			container := arg(args, kw, 0, "container", nil)
			keys := []any{v}
			if mk := arg(args, kw, 1, "morekeys", nil); mk != nil {
				if l, ok := mk.([]any); ok {
					keys = append(keys, l...)
				} else {
					keys = append(keys, mk)
				}
			}
			val := container
			for _, k := range keys {
				val = e.getitem(val, k)
			}
			return val
		},
		"log": func(e *evaluator, v any, args []any, kw map[string]any) any {
			x, ok := toFloat(v)
			if !ok {
				filterErr("log() can only be used on numbers: must be real number, not %s", typeName(v))
			}
			if len(args) > 0 {
				b, _ := toFloat(args[0])
				if b == 10 {
					return math.Log10(x)
				}
				return math.Log(x) / math.Log(b)
			}
			return math.Log(x)
		},
		"path_join": func(e *evaluator, v any, args []any, kw map[string]any) any {
			var parts []string
			if s, ok := v.(string); ok {
				parts = []string{s}
			} else {
				for _, p := range toList(v) {
					parts = append(parts, strArg(p))
				}
			}
			out := ""
			for _, p := range parts {
				if strings.HasPrefix(p, "/") || out == "" {
					out = p
				} else if strings.HasSuffix(out, "/") {
					out += p
				} else {
					out += "/" + p
				}
			}
			return out
		},
		"subelements": func(e *evaluator, v any, args []any, kw map[string]any) any {
			var elems []any
			switch x := v.(type) {
			case map[string]any:
				for _, k := range sortedKeys(x) {
					elems = append(elems, norm(x[k]))
				}
			case []any:
				elems = x
			default:
				filterErr("obj must be a list of dicts or a nested dict")
			}
			path := strings.Split(strArg(arg(args, kw, 0, "subelements", "")), ".")
			skip := truthy(arg(args, kw, 1, "skip_missing", false))
			out := []any{}
			for _, el := range elems {
				var cur any = norm(el)
				missing := false
				for _, p := range path {
					m, ok := cur.(map[string]any)
					if !ok {
						filterErr("the key %s should point to a dictionary, got '%s'", p, pyStr(cur))
					}
					nv, ok := m[p]
					if !ok {
						if skip {
							missing = true
							break
						}
						filterErr("could not find %s key in iterated item %s", quoteString(p), pyRepr(cur))
					}
					cur = norm(nv)
				}
				if missing {
					continue
				}
				l, ok := cur.([]any)
				if !ok {
					filterErr("the key %s should point to a list, got %s", path[len(path)-1], pyRepr(cur))
				}
				for _, s := range l {
					out = append(out, Tuple{el, norm(s)})
				}
			}
			return out
		},
		"tojson": func(e *evaluator, v any, args []any, kw map[string]any) any {
			out := toJSON(v, -1, true, false)
			r := strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, "'", `\u0027`)
			return r.Replace(out)
		},
		"safe":   func(e *evaluator, v any, args []any, kw map[string]any) any { return v },
		"escape": func(e *evaluator, v any, args []any, kw map[string]any) any { return htmlEscape(strArg(v)) },
		"wordwrap": func(e *evaluator, v any, args []any, kw map[string]any) any {
			return wordwrap(strArg(v), arg(args, kw, 0, "width", 79))
		},
	}
	filters["d"] = filters["default"]
	filters["count"] = filters["length"]
	filters["e"] = filters["escape"]
	filters["forceescape"] = filters["escape"]
	filters["json"] = filters["to_json"]
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&#34;", "'", "&#39;").Replace(s)
}

func wordwrap(s string, width any) string {
	w, _ := toInt(width)
	if w <= 0 {
		return s
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		cur := ""
		for _, word := range words {
			switch {
			case cur == "":
				cur = word
			case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= w:
				cur += " " + word
			default:
				lines = append(lines, cur)
				cur = word
			}
		}
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}

// jinjaTitle is Jinja2's title filter: capitalize each word, where words
// start after whitespace, hyphens, brackets and braces.
func jinjaTitle(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if start {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		start = unicode.IsSpace(r) || strings.ContainsRune("-([{", r)
	}
	return b.String()
}

package template

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

type testFn func(e *evaluator, v any, args []any, kw map[string]any) bool

var tests map[string]testFn

// strictTests fail on an undefined value (the others are isinstance-like).
var lenientTests = map[string]bool{
	"defined": true, "undefined": true, "none": true, "string": true, "number": true, "integer": true,
	"float": true, "boolean": true, "mapping": true, "sameas": true, "callable": true, "false": true, "true": true,
}

func resultDict(name string, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		panic(&TemplateError{Msg: "The '" + name + "' test expects a dictionary"})
	}
	return m
}

// looseVersion splits a version like distutils' LooseVersion.
var looseRe = lazyRegexp(`\d+|[a-z]+|\.`)

func looseParts(s string) []any {
	var out []any
	for _, p := range looseRe().FindAllString(s, -1) {
		if p == "." {
			continue
		}
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		} else {
			out = append(out, p)
		}
	}
	// LooseVersion keeps characters the regex does not match as their own
	// components; approximate by splitting on them.
	return out
}

var strictRe = lazyRegexp(`^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$`)

func strictParts(s string) []any {
	m := strictRe().FindStringSubmatch(s)
	if m == nil {
		panic(&TemplateError{Msg: "Version comparison failed: invalid version number '" + s + "'"})
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c := 0
	if m[4] != "" {
		c, _ = strconv.Atoi(m[4])
	}
	// prerelease: none sorts after any prerelease
	pre := []any{"~"}
	if m[5] != "" {
		n, _ := strconv.Atoi(m[6])
		pre = []any{m[5][:1], n}
	}
	return []any{a, b, c, Tuple(pre)}
}

func versionCompare(v any, args []any, kw map[string]any) bool {
	value := strArg(v)
	version := strArg(arg(args, kw, 0, "version", ""))
	op := strArg(arg(args, kw, 1, "operator", "eq"))
	strict := truthy(arg(args, kw, 2, "strict", false))
	vtype := arg(args, kw, 3, "version_type", nil)
	if value == "" {
		panic(&TemplateError{Msg: "Input version value cannot be empty"})
	}
	if version == "" {
		panic(&TemplateError{Msg: "Version parameter to compare against cannot be empty"})
	}
	opMap := map[string]string{"==": "eq", "=": "eq", "eq": "eq", "<": "lt", "lt": "lt", "<=": "le", "le": "le",
		">": "gt", "gt": "gt", ">=": "ge", "ge": "ge", "!=": "ne", "<>": "ne", "ne": "ne"}
	o, ok := opMap[op]
	if !ok {
		panic(&TemplateError{Msg: "Invalid operator type (" + op + ")"})
	}
	parse := looseParts
	if strict || vtype == "strict" {
		parse = strictParts
	} else if vtype != nil && vtype != "loose" {
		parse = semverParts
	}
	var c int
	func() {
		defer func() {
			if r := recover(); r != nil {
				if te, ok := r.(*TemplateError); ok && strings.HasPrefix(te.Msg, "Version comparison failed") {
					panic(te)
				}
				if te, ok := r.(*TemplateError); ok {
					panic(&TemplateError{Msg: "Version comparison failed: " + te.Msg})
				}
				panic(r)
			}
		}()
		c = compareSeq(parse(value), parse(version), "<")
	}()
	switch o {
	case "eq":
		return c == 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	}
	return c != 0
}

func semverParts(s string) []any {
	s = strings.TrimPrefix(s, "v")
	core, _, _ := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	var out []any
	for _, p := range strings.Split(core, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			panic(&TemplateError{Msg: "Version comparison failed: invalid semantic version '" + s + "'"})
		}
		out = append(out, n)
	}
	for len(out) < 3 {
		out = append(out, 0)
	}
	if hasPre {
		var pp []any
		for _, p := range strings.Split(pre, ".") {
			if n, err := strconv.Atoi(p); err == nil {
				pp = append(pp, Tuple{0, n, ""})
			} else {
				pp = append(pp, Tuple{1, 0, p})
			}
		}
		out = append(out, Tuple{0, Tuple(pp)})
	} else {
		out = append(out, Tuple{1, Tuple{}})
	}
	return out
}

func regexTest(v any, args []any, kw map[string]any, mode string) bool {
	s := strArg(v)
	pattern := strArg(arg(args, kw, 0, "pattern", ""))
	re := compileRegex(pattern, truthy(arg(args, kw, 1, "ignorecase", false)), truthy(arg(args, kw, 2, "multiline", false)))
	if mode == "match" {
		loc := re.FindStringIndex(s)
		if loc == nil {
			return false
		}
		if loc[0] == 0 {
			return true
		}
		anchored := compileRegex(`\A(?:`+pattern+`)`, truthy(arg(args, kw, 1, "ignorecase", false)), truthy(arg(args, kw, 2, "multiline", false)))
		return anchored.MatchString(s)
	}
	return re.MatchString(s)
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, float64, bool:
		return true
	}
	return false
}

func init() {
	tests = map[string]testFn{
		"defined": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, u := v.(*Undefined)
			return !u
		},
		"undefined": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, u := v.(*Undefined)
			return u
		},
		"none":   func(e *evaluator, v any, args []any, kw map[string]any) bool { return v == nil },
		"truthy": func(e *evaluator, v any, args []any, kw map[string]any) bool { return truthy(v) },
		"falsy":  func(e *evaluator, v any, args []any, kw map[string]any) bool { return !truthy(v) },
		"true": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			b, ok := v.(bool)
			return ok && b
		},
		"false": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			b, ok := v.(bool)
			return ok && !b
		},
		"succeeded": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return !truthy(norm(resultDict("failed", v)["failed"]))
		},
		"failed": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return truthy(norm(resultDict("failed", v)["failed"]))
		},
		"changed": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			m := resultDict("changed", v)
			if c, ok := m["changed"]; ok {
				return truthy(norm(c))
			}
			if rs, ok := norm(m["results"]).([]any); ok && len(rs) > 0 {
				if _, isMap := norm(rs[0]).(map[string]any); isMap {
					for _, r := range rs {
						if rm, ok := norm(r).(map[string]any); ok && truthy(norm(rm["changed"])) {
							return true
						}
					}
				}
			}
			return false
		},
		"skipped": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return truthy(norm(resultDict("skipped", v)["skipped"]))
		},
		"unreachable": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return truthy(norm(resultDict("unreachable", v)["unreachable"]))
		},
		"reachable": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return !truthy(norm(resultDict("unreachable", v)["unreachable"]))
		},
		"finished": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			m := resultDict("finished", v)
			if f, ok := m["finished"]; ok {
				return pyEqual(norm(f), 1)
			}
			return true
		},
		"started": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			m := resultDict("started", v)
			if f, ok := m["started"]; ok {
				return pyEqual(norm(f), 1)
			}
			return true
		},
		"match":  func(e *evaluator, v any, args []any, kw map[string]any) bool { return regexTest(v, args, kw, "match") },
		"search": func(e *evaluator, v any, args []any, kw map[string]any) bool { return regexTest(v, args, kw, "search") },
		"regex": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			mode := "search"
			if mt := arg(args, kw, 3, "match_type", nil); mt != nil {
				mode = strArg(mt)
			}
			return regexTest(v, args, kw, mode)
		},
		"in": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return contains(arg(args, kw, 0, "seq", nil), v)
		},
		"contains": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return contains(v, arg(args, kw, 0, "value", nil))
		},
		"string": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := v.(string)
			return ok
		},
		"number": func(e *evaluator, v any, args []any, kw map[string]any) bool { return isNumber(v) },
		"integer": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := v.(int)
			return ok
		},
		"float": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := v.(float64)
			return ok
		},
		"boolean": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := v.(bool)
			return ok
		},
		"mapping": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := v.(map[string]any)
			return ok
		},
		"sequence": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			switch v.(type) {
			case []any, Tuple, string, map[string]any:
				return true
			}
			return false
		},
		"iterable": func(e *evaluator, v any, args []any, kw map[string]any) bool { return isIterable(v) },
		"callable": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := v.(*Callable)
			return ok
		},
		"version":         func(e *evaluator, v any, args []any, kw map[string]any) bool { return versionCompare(v, args, kw) },
		"version_compare": func(e *evaluator, v any, args []any, kw map[string]any) bool { return versionCompare(v, args, kw) },
		"equalto": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return pyEqual(v, arg(args, kw, 0, "other", nil))
		},
		"ne": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return !pyEqual(v, arg(args, kw, 0, "other", nil))
		},
		"lt": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return pyCompare(v, arg(args, kw, 0, "other", nil), "<") < 0
		},
		"le": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return pyCompare(v, arg(args, kw, 0, "other", nil), "<=") <= 0
		},
		"gt": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return pyCompare(v, arg(args, kw, 0, "other", nil), ">") > 0
		},
		"ge": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return pyCompare(v, arg(args, kw, 0, "other", nil), ">=") >= 0
		},
		"sameas": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			o := arg(args, kw, 0, "other", nil)
			switch x := v.(type) {
			case nil:
				return o == nil
			case bool:
				y, ok := o.(bool)
				return ok && x == y
			case int:
				y, ok := o.(int)
				return ok && x == y && x >= -5 && x <= 256
			case string:
				y, ok := o.(string)
				return ok && x == y
			case *Undefined:
				return v == o
			}
			return false
		},
		"divisibleby": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			n := arg(args, kw, 0, "num", nil)
			r := binaryOp("%", v, n)
			return pyEqual(r, 0)
		},
		"even": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			n, ok := toInt(v)
			if !ok {
				typeErr("not all arguments converted during string formatting")
			}
			if f, isF := v.(float64); isF {
				return math.Mod(f, 2) == 0
			}
			return n%2 == 0
		},
		"odd": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			n, ok := toInt(v)
			if !ok {
				typeErr("not all arguments converted during string formatting")
			}
			if f, isF := v.(float64); isF {
				return math.Abs(math.Mod(f, 2)) == 1
			}
			return n%2 != 0
		},
		"lower": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			s := strArg(v)
			return strings.ToLower(s) == s
		},
		"upper": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			s := strArg(v)
			return strings.ToUpper(s) == s
		},
		"any": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			for _, x := range toList(v) {
				if truthy(norm(x)) {
					return true
				}
			}
			return false
		},
		"all": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			for _, x := range toList(v) {
				if !truthy(norm(x)) {
					return false
				}
			}
			return true
		},
		"subset": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			b := toList(arg(args, kw, 0, "b", []any{}))
			for _, x := range toList(v) {
				if !containsVal(b, norm(x)) {
					return false
				}
			}
			return true
		},
		"superset": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			a := toList(v)
			for _, x := range toList(arg(args, kw, 0, "b", []any{})) {
				if !containsVal(a, norm(x)) {
					return false
				}
			}
			return true
		},
		"nan": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			f, ok := v.(float64)
			return ok && math.IsNaN(f)
		},
		"abs": func(e *evaluator, v any, args []any, kw map[string]any) bool { return filepath.IsAbs(strArg(v)) },
		"exists": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, err := os.Stat(expandUser(strArg(v)))
			return err == nil
		},
		"file": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			st, err := os.Stat(strArg(v))
			return err == nil && st.Mode().IsRegular()
		},
		"directory": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			st, err := os.Stat(strArg(v))
			return err == nil && st.IsDir()
		},
		"link": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			st, err := os.Lstat(strArg(v))
			return err == nil && st.Mode()&os.ModeSymlink != 0
		},
		"vault_encrypted": func(e *evaluator, v any, args []any, kw map[string]any) bool { return false },
		"escaped":         func(e *evaluator, v any, args []any, kw map[string]any) bool { return false },
		"filter": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := filters[canonicalName(strArg(v))]
			return ok
		},
		"test": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			_, ok := tests[canonicalName(strArg(v))]
			return ok
		},
		"isupper_": func(e *evaluator, v any, args []any, kw map[string]any) bool {
			return strings.IndexFunc(strArg(v), unicode.IsLower) < 0
		},
	}
	delete(tests, "isupper_")
	alias := map[string]string{
		"success": "succeeded", "failure": "failed", "change": "changed", "skip": "skipped",
		"eq": "equalto", "==": "equalto", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
		"greaterthan": "gt", "lessthan": "lt", "issubset": "subset", "issuperset": "superset",
		"is_abs": "abs", "is_file": "file", "is_dir": "directory", "is_link": "link", "mount": "directory",
	}
	for a, t := range alias {
		tests[a] = tests[t]
	}
}

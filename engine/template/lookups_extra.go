package template

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/goplay/goplay/engine/kv"
)

// sequenceShortcut is the [start-]end[/stride][:format] form of the
// sequence lookup.
var sequenceShortcut = regexp.MustCompile(`(?is)^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(/(0?x?[0-9a-f]+))?(:(.+))?$`)

// pyIntBase0 is Python's int(s, 0): a prefix selects the base and a
// decimal number may not start with 0.
func pyIntBase0(s string) (int, bool) {
	t := strings.TrimSpace(s)
	u := strings.TrimLeft(t, "+-")
	if len(u) > 1 && u[0] == '0' {
		switch u[1] {
		case 'x', 'X', 'o', 'O', 'b', 'B':
		default:
			if strings.Trim(u, "0_") != "" {
				return 0, false
			}
		}
	}
	return pyInt(t, 0)
}

// sequenceLookup is Ansible's sequence lookup.
func sequenceLookup(terms []any) []any {
	fail := func(msg string) { lookupErr("sequence", msg) }
	out := []any{}
	for _, term := range terms {
		s, isStr := term.(string)
		if !isStr {
			fail("unknown error parsing with_sequence arguments: " + pyRepr(term) + ". Error was: expected string or bytes-like object, got '" + typeName(term) + "'")
		}
		start, stride, format := 1, 1, "%d"
		var end, count *int
		parseNum := func(name, raw string) int {
			n, ok := pyIntBase0(raw)
			if !ok {
				fail("can't parse " + name + "=" + raw + " as integer")
			}
			return n
		}
		if m := sequenceShortcut.FindStringSubmatch(s); m != nil {
			if m[1] != "" {
				start = parseNum("start", m[2])
			}
			e := parseNum("end", m[3])
			end = &e
			if m[4] != "" {
				stride = parseNum("stride", m[5])
			}
			if m[6] != "" {
				format = m[7]
			}
		} else {
			pairs, raw, hasRaw, err := kv.ParseKV(s, false)
			if err != nil {
				fail("unknown error parsing with_sequence arguments: " + pyRepr(s) + ". Error was: " + err.Error())
			}
			args := map[string]string{}
			var order []string
			for _, p := range pairs {
				args[p.Key] = p.Value
				order = append(order, p.Key)
			}
			if hasRaw {
				args["_raw_params"] = raw
				order = append(order, "_raw_params")
			}
			for _, name := range []string{"start", "end", "count", "stride"} {
				raw, ok := args[name]
				if !ok {
					continue
				}
				delete(args, name)
				n := parseNum(name, raw)
				switch name {
				case "start":
					start = n
				case "end":
					end = &n
				case "count":
					count = &n
				case "stride":
					stride = n
				}
			}
			if f, ok := args["format"]; ok {
				format = f
				delete(args, "format")
			}
			if len(args) > 0 {
				var left []any
				for _, k := range order {
					if _, ok := args[k]; ok {
						left = append(left, k)
					}
				}
				fail("unrecognized arguments to with_sequence: " + pyRepr(left))
			}
		}
		switch {
		case count == nil && end == nil:
			fail("must specify count or end in with_sequence")
		case count != nil && end != nil:
			fail("can't specify both count and end in with_sequence")
		case count != nil:
			if *count != 0 {
				e := start + *count*stride - 1
				end = &e
			} else {
				e := 0
				start, end, stride = 0, &e, 0
			}
		}
		if stride > 0 && *end < start {
			fail("to count backwards make stride negative")
		}
		if stride < 0 && *end > start {
			fail("to count forward don't make stride negative")
		}
		if strings.Count(format, "%") != 1 {
			fail("bad formatting string: " + format)
		}
		if stride == 0 {
			continue
		}
		adjust := 1
		if stride < 0 {
			adjust = -1
		}
		stop := *end + adjust
		n := rangeLen(start, stop, stride)
		if n > maxRange {
			fail("unknown error generating sequence: Range too big")
		}
		for i := 0; i < n; i++ {
			x := start + i*stride
			func() {
				defer func() {
					if r := recover(); r != nil {
						if _, ok := r.(*TemplateError); ok {
							fail("problem formatting " + strconv.Itoa(x) + " with " + pyRepr(format))
						}
						panic(r)
					}
				}()
				out = append(out, percentFormat(format, x))
			}()
		}
	}
	return out
}

// nestedLookup is Ansible's nested lookup (with_nested).
func nestedLookup(terms []any) []any {
	if len(terms) == 0 {
		lookupErr("nested", "with_nested requires at least one element in the nested list")
	}
	// listify_lookup_plugin_terms: a string (stripped) or a non-iterable is
	// a list of one, a dict gives its keys
	listify := func(t any) []any {
		switch x := t.(type) {
		case string:
			return []any{strings.TrimSpace(x)}
		case map[string]any:
			return toList(x)
		case []any:
			return x
		case Tuple:
			return []any(x)
		}
		return []any{t}
	}
	flat := func(items []any) []any {
		var out []any
		for _, it := range items {
			switch x := norm(it).(type) {
			case []any:
				out = append(out, x...)
			case Tuple:
				out = append(out, x...)
			default:
				out = append(out, x)
			}
		}
		return out
	}
	result := listify(terms[0])
	for _, t := range terms[1:] {
		var next []any
		for _, x := range result {
			for _, y := range listify(t) {
				next = append(next, flat([]any{x, y}))
			}
		}
		result = next
	}
	out := []any{}
	for _, x := range result {
		switch v := norm(x).(type) {
		case []any, Tuple, map[string]any, string:
			out = append(out, flat(toList(v)))
		default:
			panic(&TemplateError{Msg: "An unhandled exception occurred while running the lookup plugin 'nested'. Error was a <class 'TypeError'>, original message: '" +
				typeName(v) + "' object is not iterable. '" + typeName(v) + "' object is not iterable"})
		}
	}
	return out
}

// linesLookup is Ansible's lines lookup: each command's output lines.
func (e *evaluator) linesLookup(terms []any) []any {
	out := []any{}
	for _, t := range terms {
		cmd := exec.Command("/bin/sh", "-c", strArg(t))
		if e.t.opts.BaseDir != "" {
			cmd.Dir = e.t.opts.BaseDir
		}
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		if err := cmd.Run(); err != nil {
			rc := 1
			if ee, ok := err.(*exec.ExitError); ok {
				rc = ee.ExitCode()
			}
			lookupErr("lines", sprintf("lookup_plugin.lines(%s) returned %d", strArg(t), rc))
		}
		for _, l := range splitBytesLines(stdout.String()) {
			out = append(out, strings.ToValidUTF8(l, "\uFFFD"))
		}
	}
	return out
}

// splitBytesLines is Python's bytes.splitlines(): \n, \r\n and \r end lines.
func splitBytesLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			s = s[i+2:]
		} else {
			s = s[i+1:]
		}
	}
	return out
}

// LookupItems runs the sequence, nested or lines lookup on already
// templated terms, for a with_<lookup> loop: the items in goplay's value
// conventions, or the lookup's AnsibleError message (which a with_ loop
// prints alone). baseDir is the directory lines runs its commands in.
func LookupItems(name string, terms []any, baseDir string) (items []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = recoverErr(r)
			m := err.Error()
			const orig = "original message: "
			if i := strings.Index(m, orig); i >= 0 && strings.HasPrefix(m, "An unhandled exception occurred while running the lookup plugin") {
				inner := m[i+len(orig):]
				if half := (len(inner) - 2) / 2; half > 0 && len(inner) == 2*half+2 && inner[:half] == inner[half+2:] {
					inner = inner[:half]
				}
				err = &TemplateError{Msg: inner}
			}
		}
	}()
	norm := make([]any, len(terms))
	for i, t := range terms {
		norm[i] = normDeep(t)
	}
	var out []any
	switch name {
	case "sequence":
		out = sequenceLookup(norm)
	case "nested":
		out = nestedLookup(norm)
	case "lines":
		e := &evaluator{t: New(Options{BaseDir: baseDir})}
		out = e.linesLookup(norm)
	default:
		return nil, &TemplateError{Msg: "lookup plugin (" + name + ") not found"}
	}
	return export(out).([]any), nil
}

// normDeep converts a Go value and its elements to the evaluator's types.
func normDeep(v any) any {
	switch x := norm(v).(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normDeep(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normDeep(e)
		}
		setOrder(out, sortedKeys(x))
		return out
	default:
		return x
	}
}

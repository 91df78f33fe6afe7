package template

import (
	"bytes"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/vault"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const maxRange = 1_000_000

func expandUser(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return h + p[1:]
		}
	}
	return p
}

// global returns the Jinja2/Ansible global function name, or nil.
func (e *evaluator) global(name string) any {
	switch name {
	case "range":
		return &Callable{Name: "range", Fn: func(args []any, kw map[string]any) any {
			ints := make([]int, len(args))
			for i, a := range args {
				checkUndef(a)
				n, _, isF, ok := numeric(a)
				if !ok || isF {
					typeErr("'%s' object cannot be interpreted as an integer", typeName(a))
				}
				ints[i] = n
			}
			start, stop, step := 0, 0, 1
			switch len(ints) {
			case 1:
				stop = ints[0]
			case 2:
				start, stop = ints[0], ints[1]
			case 3:
				start, stop, step = ints[0], ints[1], ints[2]
			default:
				typeErr("range expected at most 3 arguments, got %d", len(ints))
			}
			if step == 0 {
				valErr("range() arg 3 must not be zero")
			}
			n := rangeLen(start, stop, step)
			if n > maxRange {
				valErr("Range too big. The sandbox blocks ranges larger than MAX_RANGE (%d).", maxRange)
			}
			out := make([]any, n)
			for i := range out {
				out[i] = start + i*step
			}
			return out
		}}
	case "lookup", "query", "q":
		want := name != "lookup"
		return &Callable{Name: name, Fn: func(args []any, kw map[string]any) any {
			return e.lookup(want, args, kw)
		}}
	case "dict":
		return &Callable{Name: "dict", Fn: func(args []any, kw map[string]any) any {
			out := map[string]any{}
			if len(args) > 0 {
				switch a := args[0].(type) {
				case map[string]any:
					for k, v := range a {
						out[k] = v
					}
				default:
					for _, it := range toList(a) {
						p := toList(it)
						if len(p) != 2 {
							valErr("dictionary update sequence element has length %d; 2 is required", len(p))
						}
						out[pyStr(p[0])] = p[1]
					}
				}
			}
			for k, v := range kw {
				out[k] = v
			}
			return out
		}}
	case "namespace":
		return &Callable{Name: "namespace", Fn: func(args []any, kw map[string]any) any {
			ns := &Namespace{M: map[string]any{}}
			if len(args) > 0 {
				if m, ok := args[0].(map[string]any); ok {
					for k, v := range m {
						ns.M[k] = v
					}
				}
			}
			for k, v := range kw {
				ns.M[k] = v
			}
			return ns
		}}
	case "undef":
		return &Callable{Name: "undef", Fn: func(args []any, kw map[string]any) any {
			hint := "Mandatory variable has not been overridden"
			if h := arg(args, kw, 0, "hint", nil); h != nil {
				hint = pyStr(h)
			}
			return &Undefined{Hint: hint}
		}}
	case "now":
		return &Callable{Name: "now", Fn: func(args []any, kw map[string]any) any {
			t := time.Now()
			if truthy(arg(args, kw, 0, "utc", false)) {
				t = t.UTC()
			}
			f := arg(args, kw, 1, "fmt", nil)
			if f == nil {
				return t.Format("2006-01-02 15:04:05.000000")
			}
			return strftime(t, strArg(f))
		}}
	}
	return nil
}

// strftime is datetime.strftime of a naive datetime (now(fmt=...)).
func strftime(t time.Time, f string) string { return pyStrftime(t, f, "", false) }

func lookupErr(plugin string, msg string) {
	// AnsibleError(orig_exc=e): its text ends with the original message
	// again
	panic(&TemplateError{Msg: "An unhandled exception occurred while running the lookup plugin '" + plugin +
		"'. Error was a <class 'ansible.errors.AnsibleError'>, original message: " + msg + ". " + msg})
}

// searchPaths returns candidate paths for a relative file in subdir.
func (e *evaluator) searchPaths(term, subdir string) []string {
	term = expandUser(term)
	if filepath.IsAbs(term) {
		return []string{term}
	}
	// DataLoader.path_dwim_relative_stack over ansible_search_path (the
	// task's roles and file directory), then the playbook's directory.
	var stack []string
	if sp, ok := e.vars["ansible_search_path"].([]any); ok {
		for _, p := range sp {
			if s, ok := p.(string); ok && s != "" {
				stack = append(stack, s)
			}
		}
	}
	base := e.t.opts.BaseDir
	if pd, ok := e.vars["playbook_dir"].(string); ok && pd != "" {
		base = pd
	}
	if base == "" {
		base = "."
	}
	return playbook.SearchCandidates(stack, base, subdir, term)
}

func (e *evaluator) findFile(term, subdir string) (string, bool) {
	for _, p := range e.searchPaths(term, subdir) {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			abs, err := filepath.Abs(p)
			if err != nil {
				return p, true
			}
			return abs, true
		}
	}
	return "", false
}

func (e *evaluator) lookup(wantlist bool, args []any, kw map[string]any) any {
	if len(args) == 0 {
		typeErr("lookup() missing 1 required positional argument: 'name'")
	}
	name := canonicalName(strArg(args[0]))
	terms := args[1:]
	for _, t := range terms {
		checkUndef(t)
	}
	errMode := "strict"
	if em, ok := kw["errors"]; ok {
		errMode = strArg(em)
	}
	wl := wantlist || truthy(arg(nil, kw, 0, "wantlist", false))
	var ran []any
	func() {
		if errMode != "strict" {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(*TemplateError); ok && errMode == "ignore" || errMode == "warn" {
						if errMode == "warn" {
							e.t.warn(pyStr(r.(error).Error()))
						}
						ran = nil
						return
					}
					panic(r)
				}
			}()
		}
		ran = e.runLookup(name, terms, kw)
	}()
	if wl {
		if ran == nil {
			return []any{}
		}
		return ran
	}
	if ran == nil {
		return nil
	}
	allStr := true
	parts := make([]string, len(ran))
	for i, r := range ran {
		s, ok := r.(string)
		if !ok {
			allStr = false
			break
		}
		parts[i] = s
	}
	if allStr {
		return strings.Join(parts, ",")
	}
	if len(ran) == 1 {
		return ran[0]
	}
	return ran
}

func (e *evaluator) runLookup(name string, terms []any, kw map[string]any) []any {
	out := []any{}
	switch name {
	case "env":
		def := arg(nil, kw, 0, "default", "")
		for _, t := range terms {
			if v, ok := os.LookupEnv(strArg(t)); ok {
				out = append(out, v)
			} else {
				out = append(out, def)
			}
		}
	case "file":
		for _, t := range terms {
			p, ok := e.findFile(strArg(t), "files")
			if !ok {
				e.t.warn("Unable to find '" + strArg(t) + "' in expected paths (use -vvvvv to see paths)")
				lookupErr("file", "could not locate file in lookup: "+strArg(t))
			}
			data, err := vault.ReadFile(p)
			if ve, ok := err.(*vault.Error); ok {
				lookupErr("file", ve.Msg)
			}
			if err != nil {
				lookupErr("file", "could not locate file in lookup: "+strArg(t))
			}
			s := string(data)
			if truthy(arg(nil, kw, 0, "lstrip", false)) {
				s = strings.TrimLeft(s, " \t\n\r\f\v")
			}
			if truthy(arg(nil, kw, 0, "rstrip", true)) {
				s = strings.TrimRight(s, " \t\n\r\f\v")
			}
			out = append(out, s)
		}
	case "pipe":
		for _, t := range terms {
			cmd := exec.Command("/bin/sh", "-c", strArg(t))
			if e.t.opts.BaseDir != "" {
				cmd.Dir = e.t.opts.BaseDir
			}
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			err := cmd.Run()
			if err != nil {
				rc := 1
				if ee, ok := err.(*exec.ExitError); ok {
					rc = ee.ExitCode()
				}
				lookupErr("pipe", sprintf("lookup_plugin.pipe(%s) returned %d", strArg(t), rc))
			}
			out = append(out, strings.TrimRight(stdout.String(), " \t\n\r\f\v"))
		}
	case "template":
		for _, t := range terms {
			p, ok := e.findFile(strArg(t), "templates")
			if !ok {
				e.t.warn("Unable to find '" + strArg(t) + "' in expected paths (use -vvvvv to see paths)")
				lookupErr("template", "the template file "+strArg(t)+" could not be found for the lookup")
			}
			data, err := os.ReadFile(p)
			if err != nil {
				lookupErr("template", "the template file "+strArg(t)+" could not be found for the lookup")
			}
			vars := make(map[string]any, len(e.vars)+4)
			for k, v := range e.vars {
				vars[k] = v
			}
			vars["template_path"] = p
			vars["template_fullpath"] = p
			vars["template_host"], _ = os.Hostname()
			vars["template_uid"] = ""
			if tv, ok := kw["template_vars"].(map[string]any); ok {
				for k, v := range tv {
					vars[k] = v
				}
			}
			if e.depth > maxDepth {
				valErr("maximum template recursion depth exceeded")
			}
			convert := truthy(arg(nil, kw, 0, "convert_data", true))
			src := string(data)
			if !IsTemplate(src) {
				out = append(out, src)
				continue
			}
			text, _, err := e.t.renderText(src, vars, false, convert, e.depth+1)
			if err != nil {
				panic(err)
			}
			if want := countTrailingNewlines(src); want > countTrailingNewlines(text) {
				text += strings.Repeat("\n", want-countTrailingNewlines(text))
			}
			var res any = text
			if convert && (strings.HasPrefix(text, "{") || strings.HasPrefix(text, "[") || text == "True" || text == "False") {
				if v, ok := literalEval(text); ok {
					res = v
				}
			}
			out = append(out, res)
		}
	case "vars":
		def, hasDef := kw["default"]
		for _, t := range terms {
			n := strArg(t)
			v, ok := e.vars[n]
			if !ok {
				v, ok = e.ctx.Get(n)
			}
			if !ok {
				if hv, isMap := norm(e.vars["hostvars"]).(map[string]any); isMap {
					if ih, isStr := e.vars["inventory_hostname"].(string); isStr {
						if h, isMap := norm(hv[ih]).(map[string]any); isMap {
							v, ok = h[n]
						}
					}
				}
			}
			if !ok {
				if hasDef {
					out = append(out, def)
					continue
				}
				panic(&UndefinedError{Msg: "No variable found with this name: " + n})
			}
			v = norm(v)
			if s, isStr := v.(string); isStr && IsTemplate(s) {
				r, err := e.t.render(s, e.vars, e.depth+1)
				if err != nil {
					panic(err)
				}
				v = r
			}
			out = append(out, v)
		}
	case "first_found":
		var files, paths []string
		skip := truthy(arg(nil, kw, 0, "skip", false))
		if f, ok := kw["files"]; ok {
			for _, x := range flatten(toList(f), -1, true) {
				files = append(files, splitTerms(strArg(x))...)
			}
		}
		if p, ok := kw["paths"]; ok {
			for _, x := range flatten(toList(p), -1, true) {
				paths = append(paths, splitTerms(strArg(x))...)
			}
		}
		for _, t := range flatten(terms, -1, true) {
			switch x := t.(type) {
			case map[string]any:
				if f, ok := x["files"]; ok {
					for _, y := range flatten(toList(norm(f)), -1, true) {
						files = append(files, splitTerms(strArg(y))...)
					}
				}
				if p, ok := x["paths"]; ok {
					for _, y := range flatten(toList(norm(p)), -1, true) {
						paths = append(paths, splitTerms(strArg(y))...)
					}
				}
				if s, ok := x["skip"]; ok {
					skip = truthy(norm(s))
				}
			case string:
				files = append(files, x)
			}
		}
		var candidates []string
		if len(paths) == 0 {
			candidates = files
		} else {
			for _, p := range paths {
				for _, f := range files {
					candidates = append(candidates, filepath.Join(p, f))
				}
			}
		}
		for _, c := range candidates {
			if p, ok := e.findFile(c, "files"); ok {
				return []any{p}
			}
		}
		if !skip {
			lookupErr("first_found", "No file was found when using first_found.")
		}
		return []any{}
	case "items", "list":
		if name == "items" {
			return flatten(terms, 1, false)
		}
		return append(out, terms...)
	case "dict":
		for _, t := range terms {
			m, ok := t.(map[string]any)
			if !ok {
				lookupErr("dict", "with_dict expects a dict")
			}
			for _, k := range sortedKeys(m) {
				item := map[string]any{"key": k, "value": norm(m[k])}
				setOrder(item, []string{"key", "value"})
				out = append(out, item)
			}
		}
	case "sequence":
		return sequenceLookup(terms)
	case "nested":
		return nestedLookup(terms)
	case "lines":
		return e.linesLookup(terms)
	case "indexed_items":
		for i, t := range flatten(terms, 1, false) {
			out = append(out, Tuple{i, t})
		}
	default:
		panic(&TemplateError{Msg: "lookup plugin (" + name + ") not found"})
	}
	return out
}

func splitTerms(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

// rangeLen is len(range(start, stop, step)) for a step that is not 0.
func rangeLen(start, stop, step int) int {
	switch {
	case step > 0 && stop > start:
		return (stop - start + step - 1) / step
	case step < 0 && stop < start:
		return (start - stop - step - 1) / -step
	}
	return 0
}

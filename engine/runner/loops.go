package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
)

// lookupItems implements the with_<lookup> loops.
func lookupItems(with string, v any, pr *playRun, vars map[string]any) ([]any, error) {
	list := func(x any) []any {
		switch y := x.(type) {
		case []any:
			return y
		case nil:
			return []any{nil}
		}
		return []any{x}
	}
	switch with {
	case "items":
		var out []any
		for _, x := range list(v) {
			if l, ok := x.([]any); ok {
				out = append(out, l...)
			} else {
				out = append(out, x)
			}
		}
		return out, nil
	case "list":
		return list(v), nil
	case "flattened":
		var out []any
		var rec func(x any)
		rec = func(x any) {
			if l, ok := x.([]any); ok {
				for _, y := range l {
					rec(y)
				}
				return
			}
			out = append(out, x)
		}
		rec(v)
		return out, nil
	case "indexed_items":
		var out []any
		for i, x := range flattenOne(list(v)) {
			out = append(out, []any{i, x})
		}
		return out, nil
	case "dict":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &loopError{fmt.Sprintf("with_dict expects a dict")}
		}
		var out []any
		for _, k := range pyfmt.KeyOrder(m) {
			out = append(out, map[string]any{"key": k, "value": m[k]})
		}
		return out, nil
	case "together":
		lists := list(v)
		n := 0
		for _, l := range lists {
			if ll, ok := l.([]any); ok && len(ll) > n {
				n = len(ll)
			}
		}
		var out []any
		for i := 0; i < n; i++ {
			var row []any
			for _, l := range lists {
				ll, _ := l.([]any)
				if i < len(ll) {
					row = append(row, ll[i])
				} else {
					row = append(row, nil)
				}
			}
			out = append(out, row)
		}
		return out, nil
	case "nested", "sequence", "lines":
		// the lookups' own code (template.LookupItems): nested flattens
		// its items, sequence follows Ansible's count/stride rules
		items, err := template.LookupItems(with, list(v), pr.play.Playbook.Dir)
		if err != nil {
			return nil, &loopError{err.Error()}
		}
		return items, nil
	case "cartesian":
		lists := list(v)
		out := []any{[]any{}}
		for _, l := range lists {
			ll := list(l)
			var next []any
			for _, prefix := range out {
				for _, x := range ll {
					p := append(append([]any{}, prefix.([]any)...), x)
					next = append(next, p)
				}
			}
			out = next
		}
		return out, nil
	case "subelements":
		l := list(v)
		if len(l) < 2 {
			return nil, &loopError{"subelements lookup expects a list of two or three items"}
		}
		key := modules.ToString(l[1])
		var out []any
		for _, e := range list(l[0]) {
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			// the lookup pops the subelement key from (a copy of) the parent
			parent := make(map[string]any, len(m))
			var order []string
			for _, k := range pyfmt.KeyOrder(m) {
				if k != key {
					parent[k] = m[k]
					order = append(order, k)
				}
			}
			pyfmt.SetOrder(parent, order)
			for _, sub := range list(m[key]) {
				out = append(out, []any{parent, sub})
			}
		}
		return out, nil
	case "fileglob":
		var out []any
		for _, p := range list(v) {
			pat := modules.ToString(p)
			if !filepath.IsAbs(pat) {
				pat = filepath.Join(pr.play.Playbook.Dir, "files", pat)
			}
			matches, _ := filepath.Glob(pat)
			sort.Strings(matches)
			for _, m := range matches {
				if st, err := os.Stat(m); err == nil && !st.IsDir() {
					out = append(out, m)
				}
			}
		}
		return out, nil
	case "file":
		var out []any
		for _, p := range list(v) {
			path := modules.ToString(p)
			if !filepath.IsAbs(path) {
				path = filepath.Join(pr.play.Playbook.Dir, path)
			}
			b, err := vault.ReadFile(path)
			if ve, ok := err.(*vault.Error); ok {
				return nil, &loopError{"An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: " + ve.Msg}
			}
			if err != nil {
				return nil, &loopError{fmt.Sprintf("An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: %s", modules.ToString(p))}
			}
			out = append(out, strings.TrimRight(string(b), "\n"))
		}
		return out, nil
	case "random_choice":
		l := list(v)
		if len(l) == 0 {
			return l, nil
		}
		return []any{l[0]}, nil
	case "first_found":
		for _, p := range list(v) {
			path := modules.ToString(p)
			if !filepath.IsAbs(path) {
				path = filepath.Join(pr.play.Playbook.Dir, "files", path)
			}
			if fileExists(path) {
				return []any{path}, nil
			}
		}
		return nil, &loopError{"No file was found when using first_found."}
	case "env":
		var out []any
		for _, x := range list(v) {
			out = append(out, os.Getenv(modules.ToString(x)))
		}
		return out, nil
	}
	return nil, &loopError{fmt.Sprintf("lookup plugin (%s) not found", with)}
}

func flattenOne(l []any) []any {
	var out []any
	for _, x := range l {
		if ll, ok := x.([]any); ok {
			out = append(out, ll...)
		} else {
			out = append(out, x)
		}
	}
	return out
}

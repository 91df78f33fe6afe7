package external

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultLibrary is Ansible's default module path (DEFAULT_MODULE_PATH),
// searched after the library/ directories beside the playbook and in roles.
const DefaultLibrary = "~/.ansible/plugins/modules:/usr/share/ansible/plugins/modules"

// ignoreExts are the file endings Ansible skips when it looks for modules
// (MODULE_IGNORE_EXTS).
var ignoreExts = []string{".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".yaml", ".yml", ".ini"}

// SplitPath splits a module path setting (ANSIBLE_LIBRARY, ansible.cfg's
// library =) on colons and expands a leading ~, as Ansible's "pathspec"
// configuration type does. Empty entries are dropped.
func SplitPath(s string) []string {
	var out []string
	for _, p := range strings.Split(s, string(os.PathListSeparator)) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if p == "~" || strings.HasPrefix(p, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				p = home + p[1:]
			}
		}
		out = append(out, p)
	}
	return out
}

// Find looks for the module called name in the library directories dirs,
// in order, as Ansible's module loader does: a regular file named name, or
// whose name without its extension is name (ping.py, ping.sh), is a match;
// files with an ignored extension (.pyc, .md, .yml …) and __init__.py are
// skipped. Within one directory an exact name wins,
// then the first match in sorted order. A leading "ansible.legacy." is
// ignored. It returns the absolute path of the file.
func Find(name string, dirs []string) (string, bool) {
	name = strings.TrimPrefix(name, "ansible.legacy.")
	if name == "" || strings.ContainsAny(name, "/\x00") || isFQCN(name) {
		return "", false
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		var best string
		for _, f := range names {
			if skipFile(f) {
				continue
			}
			if f != name && baseName(f) != name {
				continue
			}
			full := filepath.Join(dir, f)
			st, err := os.Stat(full)
			if err != nil || !st.Mode().IsRegular() {
				continue
			}
			if f == name {
				best = full
				break
			}
			if best == "" {
				best = full
			}
		}
		if best != "" {
			if abs, err := filepath.Abs(best); err == nil {
				best = abs
			}
			return best, true
		}
	}
	return "", false
}

// isFQCN reports whether name looks like a collection name (ns.coll.mod),
// which library directories never provide.
func isFQCN(name string) bool {
	return strings.Count(name, ".") >= 2
}

func skipFile(f string) bool {
	if strings.HasSuffix(f, "__init__.py") {
		return true
	}
	for _, x := range ignoreExts {
		if strings.HasSuffix(f, x) {
			return true
		}
	}
	return false
}

// baseName is Python's os.path.splitext(f)[0]: leading dots do not start
// an extension.
func baseName(f string) string {
	i := strings.LastIndexByte(f, '.')
	if i <= 0 {
		return f
	}
	if strings.Trim(f[:i], ".") == "" {
		return f
	}
	return f[:i]
}

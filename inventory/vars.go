package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/vault"
)

// varsDir is one directory whose group_vars/ and host_vars/ apply (the
// host_group_vars vars plugin for one base directory). Files are read the
// first time an entity asks for them, and cached.
type varsDir struct {
	base  string
	mu    sync.Mutex
	cache map[string]varsEntry
}

type varsEntry struct {
	vars map[string]any
	err  error
}

func newVarsDir(base string) *varsDir {
	return &varsDir{base: base, cache: map[string]varsEntry{}}
}

var varsExts = []string{".yml", ".yaml", ".json"}

// get returns the merged vars of group_vars/<name> (kind "group_vars") or
// host_vars/<name>.
func (d *varsDir) get(kind, name string) (map[string]any, error) {
	if strings.HasPrefix(name, "/") {
		return nil, nil
	}
	key := kind + "\x00" + name
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.cache[key]; ok {
		return e.vars, e.err
	}
	vars, err := d.load(kind, name)
	d.cache[key] = varsEntry{vars, err}
	return vars, err
}

func (d *varsDir) load(kind, name string) (map[string]any, error) {
	dir := filepath.Join(d.base, kind)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if !isDir(dir) {
		return nil, nil
	}
	files := findVarsFiles(dir, name)
	var out map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if vault.IsEncrypted(data) {
			if data, err = vault.DecryptFile(data, f); err != nil {
				return nil, err
			}
		}
		root, err := loadYAMLDoc(data)
		if err != nil {
			return nil, fmt.Errorf("Syntax Error while loading YAML. %v (in '%s')", err, f)
		}
		if root == nil {
			continue
		}
		v, err := yamlValue(root, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if isFalsy(v) {
			continue // empty files are ignored
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("failed to combine variables, expected dicts but got a 'dict' and a '%s' (%s)", strings.Trim(strings.TrimPrefix(pyTypeName(v), "<class "), "'>"), f)
		}
		if out == nil {
			out = map[string]any{}
		}
		for k, val := range m {
			out[k] = val
		}
	}
	return out, nil
}

func isFalsy(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case int:
		return x == 0
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// findVarsFiles is DataLoader.find_vars_files: <name> (a file, or a
// directory searched recursively), else <name>.yml, .yaml, .json; only the
// first that exists counts.
func findVarsFiles(dir, name string) []string {
	base := filepath.Join(dir, name)
	for _, ext := range append([]string{""}, varsExts...) {
		p := base + ext
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if st.IsDir() {
			return dirVarsFiles(p)
		}
		return []string{p}
	}
	return nil
}

func dirVarsFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") {
			continue
		}
		ext := pyExt(n)
		full := filepath.Join(dir, n)
		st, err := os.Stat(full)
		if err != nil {
			continue
		}
		if st.IsDir() {
			if ext == "" {
				out = append(out, dirVarsFiles(full)...)
			}
		} else if st.Mode().IsRegular() && (ext == "" || contains(varsExts, ext)) {
			out = append(out, full)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// preloadVars reads the vars files of every current group and host from
// dirs, so that broken files are reported at load time.
func (inv *Inventory) preloadVars(dirs []*varsDir) error {
	for _, d := range dirs {
		for _, g := range inv.groupList {
			if _, err := d.get("group_vars", g.Name); err != nil {
				return err
			}
		}
		for _, h := range inv.hostList {
			if _, err := d.get("host_vars", h.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadVarsDir adds a playbook directory: its group_vars/ and host_vars/
// apply to every host, above the inventory-adjacent ones of the same level.
// Directories added later win over earlier ones; adding the same directory
// again does nothing. Files of the current groups and hosts are read now,
// and a file that does not parse is returned as an error.
func (inv *Inventory) LoadVarsDir(dir string) error {
	dir = absPath(dir, inv.opts.Cwd)
	inv.mu.Lock()
	for _, d := range inv.pbDirs {
		if d.base == dir {
			inv.mu.Unlock()
			return nil
		}
	}
	d := newVarsDir(dir)
	inv.pbDirs = append(inv.pbDirs, d)
	inv.mu.Unlock()
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.preloadVars([]*varsDir{d})
}

// HostVars returns the host's merged inventory variables, ignoring errors
// from group_vars/host_vars files (see HostVarsErr). Unknown hosts give nil.
func (inv *Inventory) HostVars(name string) map[string]any {
	v, _ := inv.HostVarsErr(name)
	return v
}

// HostVarsErr returns a fresh map of the host's variables as Ansible's
// VariableManager layers them (DEFAULT_VARIABLE_PRECEDENCE), later layers
// replacing top-level keys of earlier ones:
//
//  1. vars of the all group (inventory source)
//  2. vars of the host's other groups, sorted by (depth, ansible_group_priority, name)
//  3. group_vars/all next to each inventory source, in source order
//  4. group_vars/all next to each playbook directory (LoadVarsDir)
//  5. group_vars/<group> next to each inventory source (sources outer, groups sorted as in 2)
//  6. group_vars/<group> next to each playbook directory
//  7. the host's own vars (inventory_file, inventory_dir, ansible_port ...),
//     then inventory_hostname, inventory_hostname_short and group_names
//  8. host_vars/<host> next to each inventory source
//  9. host_vars/<host> next to each playbook directory
//
// The implicit localhost has only the all group. The error reports a vars
// file that does not load; the returned map then lacks it.
func (inv *Inventory) HostVarsErr(name string) (map[string]any, error) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	h := inv.getHost(name)
	if h == nil {
		return nil, nil
	}
	out := map[string]any{}
	merge := func(m map[string]any) {
		for k, v := range m {
			out[k] = v
		}
	}
	var firstErr error
	fromDirs := func(dirs []*varsDir, kind, entity string) {
		for _, d := range dirs {
			m, err := d.get(kind, entity)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			merge(m)
		}
	}
	all := inv.groups["all"]
	groups := sortedGroups(h.groups)
	merge(all.vars)
	for _, g := range groups {
		merge(g.vars)
	}
	fromDirs(inv.invDirs, "group_vars", "all")
	fromDirs(inv.pbDirs, "group_vars", "all")
	for _, d := range inv.invDirs {
		for _, g := range groups {
			fromDirs([]*varsDir{d}, "group_vars", g.Name)
		}
	}
	for _, d := range inv.pbDirs {
		for _, g := range groups {
			fromDirs([]*varsDir{d}, "group_vars", g.Name)
		}
	}
	merge(h.vars)
	merge(h.magicVars())
	fromDirs(inv.invDirs, "host_vars", h.Name)
	fromDirs(inv.pbDirs, "host_vars", h.Name)
	return deepCopy(out).(map[string]any), firstErr
}

// sortedGroups is sort_groups over the host's groups other than all.
func sortedGroups(gs []*Group) []*Group {
	var out []*Group
	for _, g := range gs {
		if g.Name != "all" {
			out = append(out, g)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		if a.priority != b.priority {
			return a.priority < b.priority
		}
		return a.Name < b.Name
	})
	return out
}

func (h *Host) magicVars() map[string]any {
	short := h.Name
	if !(reIPv4().MatchString(h.Name) || reIPv6().MatchString(h.Name)) {
		short, _, _ = strings.Cut(h.Name, ".")
	}
	names := h.groupNames()
	gn := make([]any, len(names))
	for i, n := range names {
		gn[i] = n
	}
	return map[string]any{
		"inventory_hostname":       h.Name,
		"inventory_hostname_short": short,
		"group_names":              gn,
	}
}

func (h *Host) groupNames() []string {
	var names []string
	for _, g := range h.groups {
		if g.Name != "all" {
			names = append(names, g.Name)
		}
	}
	sort.Strings(names)
	return names
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/vault"
)

// Localhost names: a pattern that is exactly one of these, when no
// inventory host has that name, yields the implicit localhost.
var LocalhostNames = []string{"127.0.0.1", "localhost", "::1"}

// DefaultSource is Ansible's default inventory. Like Ansible, Load does not
// warn about it when it does not exist.
const DefaultSource = "/etc/ansible/hosts"

func isLocalhostName(s string) bool { return slices.Contains(LocalhostNames, s) }

// Options tune Load. The zero value behaves like Ansible's defaults.
type Options struct {
	// PythonInterpreter is ansible_python_interpreter of the implicit
	// localhost (Ansible uses its own sys.executable). Default
	// "/usr/bin/python3".
	PythonInterpreter string
	// UnparsedIsFailed: INVENTORY_UNPARSED_IS_FAILED; when no source parses,
	// Load fails with "No inventory was parsed, please check your
	// configuration and options." instead of warning.
	UnparsedIsFailed bool
	// AnyUnparsedIsFailed: INVENTORY_ANY_UNPARSED_IS_FAILED; a source that
	// does not parse fails Load with "Completely failed to parse inventory
	// source X".
	AnyUnparsedIsFailed bool
	// HostPatternMismatch: HOST_PATTERN_MISMATCH, "warning" (default),
	// "error" or "ignore".
	HostPatternMismatch string
	// Cwd resolves relative sources and @limit files; default os.Getwd().
	Cwd string
}

// Inventory holds hosts and groups. All methods are safe for concurrent
// use: readers share a read lock, AddHost/AddGroup/GroupBy/Limit/LoadVarsDir
// take the write lock.
type Inventory struct {
	mu        sync.RWMutex
	opts      Options
	hosts     map[string]*Host
	hostList  []*Host // the hosts dict, in insertion order
	groups    map[string]*Group
	groupList []*Group // the groups dict, in insertion order

	lhMu      sync.Mutex
	localhost *Host // first localhost-like inventory host, or the implicit one

	sources   []string // resolved sources, as given
	processed []string // sources that parsed
	invDirs   []*varsDir
	pbDirs    []*varsDir
	subset    []string

	// set while a source is being parsed (Ansible's current_source)
	current    string
	hasCurrent bool
	basedirOf  string // cache of pyBasedir(current)
	basedir    any
	warn       func(string)
}

// Host is one inventory host. Name never changes; everything else is read
// through methods, which lock the inventory.
type Host struct {
	Name     string
	inv      *Inventory
	vars     map[string]any
	groups   []*Group // its groups and all their ancestors
	implicit bool
}

// Group is one inventory group.
type Group struct {
	Name     string
	inv      *Inventory
	vars     map[string]any
	hosts    []*Host
	hostSet  map[string]bool
	children []*Group
	parents  []*Group
	depth    int
	priority int
}

// New returns an empty inventory with only the all and ungrouped groups.
func New(opts Options) *Inventory {
	if opts.PythonInterpreter == "" {
		opts.PythonInterpreter = "/usr/bin/python3"
	}
	if opts.HostPatternMismatch == "" {
		opts.HostPatternMismatch = "warning"
	}
	if opts.Cwd == "" {
		opts.Cwd, _ = os.Getwd()
	}
	inv := &Inventory{opts: opts, hosts: map[string]*Host{}, groups: map[string]*Group{}}
	inv.warn = func(string) {}
	inv.addGroup("all")
	inv.addGroup("ungrouped")
	_, _ = inv.addChild("all", "ungrouped")
	return inv
}

// Load parses the inventory sources with default Options. See LoadWith.
func Load(sources []string) (*Inventory, []string, error) {
	return LoadWith(sources, Options{})
}

// LoadWith parses each source in turn: an INI or YAML file, a directory of
// them, or a comma separated host list such as "h1,h2,". It returns the
// warnings Ansible would print (without the "[WARNING]: " prefix, in order,
// not yet de-duplicated or wrapped). The error is non-nil only for the
// failures Ansible treats as fatal (see Options) and for group_vars/host_vars
// files that do not load.
func LoadWith(sources []string, opts Options) (*Inventory, []string, error) {
	inv := New(opts)
	var warnings []string
	inv.warn = func(s string) { warnings = append(warnings, s) }
	defer func() { inv.warn = func(string) {} }()

	parsed := false
	for _, src := range sources {
		if src == "" {
			continue
		}
		if !strings.Contains(src, ",") {
			src = unfrackPath(src, inv.opts.Cwd)
		}
		inv.sources = append(inv.sources, src)
		ok, err := inv.parseSource(src)
		if err != nil {
			return inv, warnings, err
		}
		parsed = parsed || ok
	}
	if parsed {
		inv.reconcile()
	} else if inv.opts.UnparsedIsFailed {
		return inv, warnings, errors.New("No inventory was parsed, please check your configuration and options.")
	} else {
		inv.warn("No inventory was parsed, only implicit localhost is available")
	}
	// inventory-adjacent group_vars/ and host_vars/
	for _, src := range inv.sources {
		dir := src
		if strings.Contains(src, ",") && !exists(src) {
			continue
		}
		if !isDir(src) {
			dir = filepath.Dir(src)
		}
		inv.invDirs = append(inv.invDirs, newVarsDir(dir))
	}
	if err := inv.preloadVars(inv.invDirs); err != nil {
		return inv, warnings, err
	}
	return inv, warnings, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
func isDir(p string) bool  { st, err := os.Stat(p); return err == nil && st.IsDir() }
func isFile(p string) bool { st, err := os.Stat(p); return err == nil && st.Mode().IsRegular() }

// unfrackPath is ansible's unfrackpath(follow=False): expand $VARS and ~,
// make absolute, normalise.
func unfrackPath(p, cwd string) string {
	p = pyExpandVars(p)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = home + p[1:]
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return filepath.Clean(p)
}

var reEnvVar = lazyRegexp(`\$(\w+|\{[^}]*\})`)

// pyExpandVars is os.path.expandvars: unknown variables are left alone.
func pyExpandVars(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return reEnvVar().ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m[1:], "{}")
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return m
	})
}

// ignored matches the directory entries Ansible skips in a directory source.
var ignoredEntry = lazyRegexp(`^\.|^host_vars$|^group_vars$|^vars_plugins$|` +
	`(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$`)

type failure struct{ plugin, msg string }

func (inv *Inventory) parseSource(source string) (bool, error) {
	parsed := false
	var failures []failure
	if isDir(source) {
		entries, err := os.ReadDir(source)
		if err == nil {
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				names = append(names, e.Name())
			}
			sort.Strings(names)
			for _, name := range names {
				if ignoredEntry().MatchString(name) {
					continue
				}
				ok, err := inv.parseSource(filepath.Join(source, name))
				if err != nil {
					return false, err
				}
				parsed = parsed || ok
			}
		}
	} else {
		inv.current, inv.hasCurrent = source, true
		parsed, failures = inv.parseOne(source)
		inv.current, inv.hasCurrent = "", false
	}
	if parsed {
		inv.processed = append(inv.processed, source)
		return true, nil
	}
	if source != DefaultSource || exists(source) {
		for _, f := range failures {
			inv.warn(fmt.Sprintf("\n* Failed to parse %s with %s plugin: %s", source, f.plugin, f.msg))
		}
		if inv.opts.AnyUnparsedIsFailed {
			return false, fmt.Errorf("Completely failed to parse inventory source %s", source)
		}
		inv.warn(fmt.Sprintf("Unable to parse %s as an inventory source", source))
	}
	return false, nil
}

// parseOne tries the enabled inventory plugins in Ansible's order
// (host_list, script, auto, yaml, ini, toml) on one file or host list.
func (inv *Inventory) parseOne(source string) (bool, []failure) {
	var failures []failure
	st, statErr := os.Stat(source)
	if statErr != nil {
		if strings.Contains(source, ",") {
			inv.parseHostList(source)
			return true, nil
		}
		return false, nil
	}
	if !st.Mode().IsRegular() {
		return false, nil
	}
	data, err := os.ReadFile(source)
	if err != nil {
		return false, nil // not readable: every plugin declines
	}
	if vault.IsEncrypted(data) {
		// the ini and yaml plugins read through DataLoader, which decrypts
		if data, err = vault.DecryptFile(data, source); err != nil {
			return false, []failure{{"yaml", err.Error()}, {"ini", err.Error()}}
		}
	}
	ext := pyExt(source)
	if ext == ".yml" || ext == ".yaml" {
		if msg, isPlugin := autoPluginCheck(data, source); msg != "" {
			failures = append(failures, failure{"auto", msg})
			if isPlugin {
				failures = append(failures, failure{"yaml", "Plugin configuration YAML file, not YAML inventory"})
			}
		}
	}
	if ext == "" || ext == ".yml" || ext == ".yaml" || ext == ".json" {
		if err := inv.parseYAML(source, data); err != nil {
			failures = append(failures, failure{"yaml", err.Error()})
		} else {
			return true, nil
		}
	}
	if err := inv.parseINI(source, data); err != nil {
		failures = append(failures, failure{"ini", err.Error()})
	} else {
		return true, nil
	}
	if ext == ".toml" {
		failures = append(failures, failure{"toml", "TOML inventories are not supported by goplay"})
	}
	return false, failures
}

// pyExt is os.path.splitext(path)[1].
func pyExt(p string) string {
	base := filepath.Base(p)
	trimmed := strings.TrimLeft(base, ".")
	i := strings.LastIndexByte(trimmed, '.')
	if i < 0 {
		return ""
	}
	return trimmed[i:]
}

func (inv *Inventory) parseHostList(list string) {
	for _, h := range strings.Split(list, ",") {
		h = pyStrip(h)
		if h == "" {
			continue
		}
		host, port, err := ParseAddress(h, false)
		if err != nil {
			host, port = h, 0
		}
		if _, ok := inv.hosts[host]; !ok {
			_, _ = inv.addHost(host, "ungrouped", port)
		}
	}
}

// ---- the InventoryData / Group / Host model ----

var reInvalidGroupChars = lazyRegexp(`^[\d\W]|[^\w]`)

func (inv *Inventory) addGroup(name string) (*Group, error) {
	if name == "" {
		return nil, errors.New("Invalid empty/false group name provided: ")
	}
	if g, ok := inv.groups[name]; ok {
		return g, nil
	}
	if reInvalidGroupChars().MatchString(name) {
		inv.warn("Invalid characters were found in group names but not replaced, use -vvvv to see details")
	}
	g := &Group{Name: name, inv: inv, vars: map[string]any{}, hostSet: map[string]bool{}, priority: 1}
	inv.groups[name] = g
	inv.groupList = append(inv.groupList, g)
	return g, nil
}

// addHost is InventoryData.add_host.
func (inv *Inventory) addHost(name, group string, port int) (*Host, error) {
	if name == "" {
		return nil, errors.New("Invalid empty host name provided: ")
	}
	var g *Group
	if group != "" {
		var ok bool
		if g, ok = inv.groups[group]; !ok {
			return nil, fmt.Errorf("Could not find group %s in inventory", group)
		}
	}
	h, ok := inv.hosts[name]
	if !ok {
		h = &Host{Name: name, inv: inv, vars: map[string]any{}}
		if port != 0 {
			h.vars["ansible_port"] = port
		}
		inv.hosts[name] = h
		inv.hostList = append(inv.hostList, h)
		if inv.hasCurrent {
			h.vars["inventory_file"] = inv.current
			if inv.basedirOf != inv.current || inv.basedir == nil {
				inv.basedirOf, inv.basedir = inv.current, pyBasedir(inv.current, inv.opts.Cwd)
			}
			h.vars["inventory_dir"] = inv.basedir
		} else {
			h.vars["inventory_file"] = nil
			h.vars["inventory_dir"] = nil
		}
		if isLocalhostName(name) {
			inv.lhMu.Lock()
			if inv.localhost == nil {
				inv.localhost = h
			} else {
				inv.warn(fmt.Sprintf("A duplicate localhost-like entry was found (%s). First found localhost was %s", name, inv.localhost.Name))
			}
			inv.lhMu.Unlock()
		}
	}
	if g != nil {
		g.addHost(h)
	}
	return h, nil
}

// pyBasedir is ansible.utils.path.basedir.
func pyBasedir(source, cwd string) any {
	switch {
	case isDir(source):
		return absPath(source, cwd)
	case source == "" || source == ".":
		return cwd
	case isFile(source):
		return absPath(filepath.Dir(source), cwd)
	}
	return nil
}

func absPath(p, cwd string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return filepath.Clean(p)
}

// addChild is InventoryData.add_child: child may name a group or a host.
func (inv *Inventory) addChild(group, child string) (bool, error) {
	g, ok := inv.groups[group]
	if !ok {
		return false, fmt.Errorf("%s is not a known group", group)
	}
	if c, ok := inv.groups[child]; ok {
		return g.addChildGroup(c)
	}
	if h, ok := inv.hosts[child]; ok {
		return g.addHost(h), nil
	}
	return false, fmt.Errorf("%s is not a known host nor group", child)
}

func (inv *Inventory) setVariable(entity, key string, value any) error {
	if g, ok := inv.groups[entity]; ok {
		return g.setVariable(key, value)
	}
	if h, ok := inv.hosts[entity]; ok {
		h.vars[key] = value
		return nil
	}
	return fmt.Errorf("Could not identify group or host named %s", entity)
}

func (g *Group) setVariable(key string, value any) error {
	if key == "ansible_group_priority" {
		n, err := pyIntOf(value)
		if err != nil {
			return err
		}
		g.priority = n
		return nil
	}
	g.vars[key] = value
	return nil
}

// pyIntOf is Python's int(value) for the value types inventories produce.
func pyIntOf(v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		return int(x), nil
	case string:
		return pyInt(x)
	case nil:
		return 0, errors.New("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
	}
	return 0, fmt.Errorf("int() argument must be a string, a bytes-like object or a real number, not '%T'", v)
}

// ancestors is Group.get_ancestors (a set).
func (g *Group) ancestors() map[*Group]bool {
	seen := map[*Group]bool{}
	queue := append([]*Group(nil), g.parents...)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		queue = append(queue, p.parents...)
	}
	return seen
}

// descendants returns g and its descendant groups, breadth first, each
// level in child order.
func (g *Group) descendants() []*Group {
	out := []*Group{g}
	seen := map[*Group]bool{g: true}
	for i := 0; i < len(out); i++ {
		for _, c := range out[i].children {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func (g *Group) addChildGroup(c *Group) (bool, error) {
	if g == c {
		return false, errors.New("can't add group to itself")
	}
	if slices.Contains(g.children, c) {
		return false, nil
	}
	start := c.ancestors()
	newAnc := g.ancestors()
	if newAnc[c] {
		return false, fmt.Errorf("Adding group '%s' as child to '%s' creates a recursive dependency loop.", c.Name, g.Name)
	}
	newAnc[g] = true
	for a := range start {
		delete(newAnc, a)
	}
	g.children = append(g.children, c)
	if g.depth+1 > c.depth {
		c.depth = g.depth + 1
	}
	c.checkChildrenDepth()
	hasParent := false
	for _, p := range c.parents {
		if p.Name == g.Name {
			hasParent = true
		}
	}
	if !hasParent {
		c.parents = append(c.parents, g)
		for _, h := range c.getHosts() {
			for a := range newAnc {
				if !slices.Contains(h.groups, a) {
					h.groups = append(h.groups, a)
				}
			}
		}
	}
	return true, nil
}

func (g *Group) checkChildrenDepth() {
	level := []*Group{g}
	for len(level) > 0 {
		var next []*Group
		for _, p := range level {
			for _, c := range p.children {
				if c.depth < p.depth+1 {
					c.depth = p.depth + 1
					next = append(next, c)
				}
			}
		}
		level = next
	}
}

// addHost is Group.add_host.
func (g *Group) addHost(h *Host) bool {
	if g.hostSet[h.Name] {
		return false
	}
	g.hosts = append(g.hosts, h)
	g.hostSet[h.Name] = true
	h.addGroup(g)
	return true
}

func (g *Group) removeHost(h *Host) bool {
	if !g.hostSet[h.Name] {
		return false
	}
	g.hosts = slices.DeleteFunc(g.hosts, func(x *Host) bool { return x == h })
	delete(g.hostSet, h.Name)
	h.removeGroup(g)
	return true
}

// getHosts is Group.get_hosts: the hosts of g and its descendants, without
// duplicates; the all group leaves out the implicit localhost.
func (g *Group) getHosts() []*Host {
	var out []*Host
	seen := map[*Host]bool{}
	for _, d := range g.descendants() {
		for _, h := range d.hosts {
			if seen[h] {
				continue
			}
			seen[h] = true
			if g.Name == "all" && h.implicit {
				continue
			}
			out = append(out, h)
		}
	}
	return out
}

func (h *Host) addGroup(g *Group) bool {
	for a := range g.ancestors() {
		if !slices.Contains(h.groups, a) {
			h.groups = append(h.groups, a)
		}
	}
	if slices.Contains(h.groups, g) {
		return false
	}
	h.groups = append(h.groups, g)
	return true
}

func (h *Host) removeGroup(g *Group) bool {
	i := slices.Index(h.groups, g)
	if i < 0 {
		return false
	}
	h.groups = slices.Delete(h.groups, i, i+1)
	for old := range g.ancestors() {
		if old.Name == "all" {
			continue
		}
		still := false
		for _, cg := range h.groups {
			if cg.ancestors()[old] {
				still = true
				break
			}
		}
		if !still {
			h.removeGroup(old)
		}
	}
	return true
}

// reconcile is InventoryData.reconcile_inventory.
func (inv *Inventory) reconcile() {
	all, ungrouped := inv.groups["all"], inv.groups["ungrouped"]
	for _, g := range inv.groupList {
		if g.Name != "all" && len(g.parents) == 0 {
			_, _ = all.addChildGroup(g)
		}
	}
	remove := map[*Host]bool{}
	for _, h := range inv.hostList {
		if slices.Contains(h.groups, ungrouped) {
			for _, g := range h.groups {
				if g != all && g != ungrouped {
					remove[h] = true
					break
				}
			}
		} else if !h.implicit {
			if len(h.groups) == 0 || (len(h.groups) == 1 && h.groups[0] == all) {
				// add_child('ungrouped', name) prefers a group of that name
				_, _ = inv.addChild("ungrouped", h.Name)
			}
		}
	}
	if len(remove) > 0 {
		// ungrouped.removeHost for each, without the quadratic cost
		ungrouped.hosts = slices.DeleteFunc(ungrouped.hosts, func(h *Host) bool { return remove[h] })
		for h := range remove {
			delete(ungrouped.hostSet, h.Name)
			h.removeGroup(ungrouped)
		}
	}
	var both []string
	for _, h := range inv.hostList {
		if _, ok := inv.groups[h.Name]; ok {
			both = append(both, h.Name)
		}
	}
	sort.Strings(both)
	for _, n := range both {
		inv.warn("Found both group and host with same name: " + n)
	}
}

// implicitLocalhost is InventoryData._create_implicit_localhost.
func (inv *Inventory) implicitLocalhost(name string) *Host {
	inv.lhMu.Lock()
	defer inv.lhMu.Unlock()
	if inv.localhost != nil {
		return inv.localhost
	}
	h := &Host{Name: name, inv: inv, implicit: true, vars: map[string]any{
		"ansible_python_interpreter": inv.opts.PythonInterpreter,
		"ansible_connection":         "local",
	}}
	inv.localhost = h
	return h
}

// getHost is InventoryData.get_host; the caller holds a lock.
func (inv *Inventory) getHost(name string) *Host {
	if h, ok := inv.hosts[name]; ok {
		return h
	}
	if isLocalhostName(name) {
		return inv.implicitLocalhost(name)
	}
	return nil
}

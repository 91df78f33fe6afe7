package inventory

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
)

// Host looks a host up by name. Like Ansible's get_host, a localhost name
// (localhost, 127.0.0.1, ::1) that is not in the inventory yields the
// implicit localhost (ok is true); note that it keeps the name it was
// first created with.
func (inv *Inventory) Host(name string) (*Host, bool) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	h := inv.getHost(name)
	return h, h != nil
}

// HostNames returns every inventory host in insertion order (the implicit
// localhost is not one).
func (inv *Inventory) HostNames() []string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	out := make([]string, len(inv.hostList))
	for i, h := range inv.hostList {
		out[i] = h.Name
	}
	return out
}

// GroupList returns the group names in creation order (all and ungrouped
// first).
func (inv *Inventory) GroupList() []string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	out := make([]string, len(inv.groupList))
	for i, g := range inv.groupList {
		out[i] = g.Name
	}
	return out
}

// Groups returns the `groups` magic variable: every group, including all
// and ungrouped, mapped to the names of its hosts (its own and its
// descendants'), in Ansible's order. The implicit localhost is never in
// all. The map is fresh.
func (inv *Inventory) Groups() map[string][]string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	out := make(map[string][]string, len(inv.groupList))
	for _, g := range inv.groupList {
		hs := g.getHosts()
		names := make([]string, len(hs))
		for i, h := range hs {
			names[i] = h.Name
		}
		out[g.Name] = names
	}
	return out
}

// GroupNames returns the `group_names` magic variable: the host's groups
// (with their ancestors), sorted, without all. As in Ansible, a host in no
// other group has ["ungrouped"]. Unknown hosts give nil.
func (inv *Inventory) GroupNames(host string) []string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	h := inv.getHost(host)
	if h == nil {
		return nil
	}
	return h.groupNames()
}

// GroupVars returns a copy of the inventory-source vars of a group (not
// group_vars/ files), and whether the group exists.
func (inv *Inventory) GroupVars(group string) (map[string]any, bool) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	g, ok := inv.groups[group]
	if !ok {
		return nil, false
	}
	return deepCopy(g.vars).(map[string]any), true
}

// GroupChildren returns the names of a group's direct child groups, in
// order.
func (inv *Inventory) GroupChildren(group string) []string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	g, ok := inv.groups[group]
	if !ok {
		return nil
	}
	out := make([]string, len(g.children))
	for i, c := range g.children {
		out[i] = c.Name
	}
	return out
}

// HasHosts reports whether the inventory has any host (ignoring the
// Limit). When false, ansible-playbook warns "provided hosts list is empty,
// only localhost is available. Note that the implicit localhost does not
// match 'all'".
func (inv *Inventory) HasHosts() bool {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return len(inv.groups["all"].getHosts()) > 0
}

// Sources returns the resolved inventory sources (absolute paths, or host
// lists as given), for ansible_inventory_sources.
func (inv *Inventory) Sources() []string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return slices.Clone(inv.sources)
}

// InventoryFile returns the inventory_file of a host: the source file in
// which it was first defined (a host list string for "h1,h2"), and false
// when it has none (hosts from add_host have None, the implicit localhost
// has the variable undefined).
func (inv *Inventory) InventoryFile(host string) (string, bool) {
	return inv.strHostVar(host, "inventory_file")
}

// InventoryDir returns the inventory_dir of a host: the directory of its
// inventory file; false when it is None or undefined.
func (inv *Inventory) InventoryDir(host string) (string, bool) {
	return inv.strHostVar(host, "inventory_dir")
}

func (inv *Inventory) strHostVar(host, key string) (string, bool) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	h := inv.getHost(host)
	if h == nil {
		return "", false
	}
	s, ok := h.vars[key].(string)
	return s, ok
}

// Vars returns a copy of the host's own variables (inventory host vars,
// inventory_file, inventory_dir, add_host vars), without group vars.
func (h *Host) Vars() map[string]any {
	if h.inv != nil {
		h.inv.mu.RLock()
		defer h.inv.mu.RUnlock()
	}
	return deepCopy(h.vars).(map[string]any)
}

// Groups returns the names of the host's groups (with ancestors, including
// all), sorted.
func (h *Host) Groups() []string {
	if h.inv != nil {
		h.inv.mu.RLock()
		defer h.inv.mu.RUnlock()
	}
	names := make([]string, len(h.groups))
	for i, g := range h.groups {
		names[i] = g.Name
	}
	sort.Strings(names)
	return names
}

// Implicit reports whether this is the implicit localhost.
func (h *Host) Implicit() bool { return h.implicit }

func (h *Host) String() string { return h.Name }

// AddHost applies an add_host result (InventoryManager.add_dynamic_host).
// A new host joins all directly (so `all` lists it before the inventory's
// hosts, as Ansible does) and gets inventory_file/inventory_dir None. vars
// are merged over the host's vars (top-level keys replaced); port > 0 sets
// ansible_ssh_port. Missing groups are created (children of all). changed
// is true if the host is new, its vars changed, a group was created or it
// joined a group. An empty group name is an error.
func (inv *Inventory) AddHost(name string, port int, groups []string, vars map[string]any) (changed bool, err error) {
	if name == "" {
		return false, errors.New("Invalid empty host name provided: ")
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	h, ok := inv.hosts[name]
	if !ok {
		if h, err = inv.addHost(name, "all", 0); err != nil {
			return false, err
		}
		changed = true
	}
	add := map[string]any{}
	for k, v := range vars {
		add[k] = v
	}
	if port > 0 {
		add["ansible_ssh_port"] = port
	}
	cur := h.vars
	combined := map[string]any{}
	for k, v := range cur {
		combined[k] = v
	}
	for k, v := range h.magicVars() {
		combined[k] = v
	}
	before := deepCopy(combined).(map[string]any)
	for k, v := range add {
		combined[k] = deepCopy(v)
	}
	if !pyEqual(before, combined) {
		h.vars = combined
		changed = true
	}
	for _, gname := range groups {
		g, ok := inv.groups[gname]
		if !ok {
			if g, err = inv.addGroup(gname); err != nil {
				return changed, err
			}
			changed = true
		}
		if g.addHost(h) {
			changed = true
		}
	}
	if changed {
		inv.reconcile()
	}
	return changed, nil
}

// AddGroup creates a group (and its parents, defaulting to all) if needed
// and makes it a child of each parent. changed is true if a group was
// created or a parent link is new.
func (inv *Inventory) AddGroup(name string, parents ...string) (changed bool, err error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if _, ok := inv.groups[name]; !ok {
		changed = true
	}
	_, changed2, err := inv.addDynamicGroup(name, parents)
	return changed || changed2, err
}

// GroupBy applies a group_by result (InventoryManager.add_dynamic_group):
// group (spaces replaced by '-', as the action does) is created if missing,
// parents (nil means ["all"]) are created and linked, and the host joins
// the group. changed is true if a parent was created, a parent link is new,
// or the host joined. The host may be the implicit localhost.
func (inv *Inventory) GroupBy(host, group string, parents []string) (changed bool, err error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	h, ok := inv.hosts[host]
	if !ok {
		inv.lhMu.Lock()
		lh := inv.localhost
		inv.lhMu.Unlock()
		if lh != nil && lh.Name == host {
			h = lh
		} else {
			return false, fmt.Errorf("%s cannot be matched in inventory", host)
		}
	}
	g, changed, err := inv.addDynamicGroup(strings.ReplaceAll(group, " ", "-"), parents)
	if err != nil {
		return changed, err
	}
	if !slices.Contains(g.getHosts(), h) {
		changed = g.addHost(h) || changed
	}
	if changed {
		inv.reconcile()
	}
	return changed, nil
}

func (inv *Inventory) addDynamicGroup(name string, parents []string) (*Group, bool, error) {
	if parents == nil {
		parents = []string{"all"}
	}
	changed := false
	g, err := inv.addGroup(name)
	if err != nil {
		return nil, false, err
	}
	for _, p := range parents {
		p = strings.ReplaceAll(p, " ", "-")
		if _, ok := inv.groups[p]; !ok {
			if _, err := inv.addGroup(p); err != nil {
				return g, changed, err
			}
			changed = true
		}
	}
	for _, p := range parents {
		pg := inv.groups[strings.ReplaceAll(p, " ", "-")]
		added, err := pg.addChildGroup(g)
		if err != nil {
			return g, changed, err
		}
		changed = changed || added
	}
	if changed {
		inv.reconcile()
	}
	return g, changed, nil
}

// OrderHosts applies a play's `order`: "inventory" (or ""), "reverse_inventory",
// "sorted", "reverse_sorted" or "shuffle". It returns a new slice.
func OrderHosts(hosts []*Host, order string) ([]*Host, error) {
	out := slices.Clone(hosts)
	switch order {
	case "", "inventory":
	case "reverse_inventory":
		slices.Reverse(out)
	case "sorted":
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	case "reverse_sorted":
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	case "shuffle":
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	default:
		return nil, fmt.Errorf("Invalid 'order' specified for inventory hosts: %s", order)
	}
	return out, nil
}

// pyEqual is Python's == for goplay values (1 == 1.0 == True).
func pyEqual(a, b any) bool {
	if an, ok := pyNum(a); ok {
		if bn, ok := pyNum(b); ok {
			return an == bn
		}
		return false
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !pyEqual(v, w) {
				return false
			}
		}
		return true
	}
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

func pyNum(v any) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

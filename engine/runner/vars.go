package runner

import (
	"github.com/goplay/goplay/engine/template"
	"path/filepath"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
)

// Omit is the value of the omit magic variable; arguments equal to it are
// dropped.
const Omit = "__omit_place_holder__2f6e6dc1c7a8c9f0e3f3a5b4d7e1c0a9b8f7e6d5"

func merge(dst, src map[string]any) {
	for k, v := range src {
		dst[k] = v
	}
}

// baseVars are a host's variables at play level (no task scope).
func (pr *playRun) baseVars(host string) map[string]any {
	return pr.taskVars(host, nil)
}

// roleChain lists the roles enclosing t, outermost first.
func roleChain(t *playbook.Task) []*playbook.Role {
	var out []*playbook.Role
	seen := map[*playbook.Role]bool{}
	for p := t; p != nil; p = p.Parent {
		if p.Role != nil && !seen[p.Role] {
			seen[p.Role] = true
			out = append([]*playbook.Role{p.Role}, out...)
		}
	}
	return out
}

// blockChain lists t's enclosing blocks, outermost first.
func blockChain(t *playbook.Task) []*playbook.Task {
	var out []*playbook.Task
	for p := t.Parent; p != nil; p = p.Parent {
		out = append([]*playbook.Task{p}, out...)
	}
	return out
}

// taskVars assembles the variables a task sees on host, in Ansible's
// precedence order (lowest first).
func (pr *playRun) taskVars(host string, t *playbook.Task) map[string]any {
	r := pr.r
	v := map[string]any{}
	var roles []*playbook.Role
	if t != nil {
		roles = roleChain(t)
	}
	// Every public role of the play exposes its defaults (and its
	// dependencies') to the whole play, below the task's own roles'.
	for _, role := range pr.exposedRoles() {
		mergeRoleTree(v, role, func(x *playbook.Role) map[string]any { return x.Defaults })
	}
	for _, role := range roles {
		merge(v, role.Defaults)
	}
	merge(v, r.inv.HostVars(host))
	r.mu.Lock()
	facts := r.facts[host]
	merge(v, facts)
	if len(facts) > 0 {
		v["ansible_facts"] = factsDict(facts)
	} else {
		v["ansible_facts"] = map[string]any{}
	}
	r.mu.Unlock()
	merge(v, pr.play.Vars)
	merge(v, pr.varsFiles[host])
	// A role's vars are its entry's vars: (roles: - role: x, vars:, or the
	// import_role task's vars) below its vars/main.yml (Role.get_vars).
	for _, role := range pr.exposedRoles() {
		mergeRoleTree(v, role, roleVars)
	}
	for _, role := range roles {
		mergeRoleTree(v, role, roleVars)
	}
	if t != nil {
		for _, b := range blockChain(t) {
			merge(v, b.Vars)
		}
		merge(v, t.Vars)
	}
	r.mu.Lock()
	merge(v, r.includeVars[host])
	merge(v, r.nonPersist[host])
	r.mu.Unlock()
	for _, role := range roles {
		merge(v, role.Params)
	}
	merge(v, r.opt.ExtraVars)
	pr.magicVars(v, host, t, roles)
	// registered results and gathered facts are unsafe: the templater
	// does not template their values again
	unsafe := map[string]bool{}
	r.mu.Lock()
	for k := range r.registered[host] {
		unsafe[k] = true
	}
	for k := range r.facts[host] {
		unsafe[k] = true
	}
	r.mu.Unlock()
	v[template.UnsafeVarsKey] = unsafe
	return v
}

func (pr *playRun) magicVars(v map[string]any, host string, t *playbook.Task, roles []*playbook.Role) {
	r := pr.r
	v["inventory_hostname"] = host
	v["inventory_hostname_short"] = strings.SplitN(host, ".", 2)[0]
	v["group_names"] = stringsToAny(r.inv.GroupNames(host))
	groups := map[string]any{}
	for g, hs := range r.inv.Groups() {
		groups[g] = stringsToAny(hs)
	}
	v["groups"] = groups
	active := pr.active(pr.batch)
	v["ansible_play_batch"] = stringsToAny(active)
	playHosts := pr.activeAll()
	v["play_hosts"] = stringsToAny(active)
	v["ansible_play_hosts"] = stringsToAny(playHosts)
	v["ansible_play_hosts_all"] = stringsToAny(pr.allHosts)
	v["ansible_play_name"] = pr.play.Name
	v["playbook_dir"] = pr.play.Playbook.Dir
	v["ansible_check_mode"] = r.opt.Check
	v["ansible_diff_mode"] = r.opt.Diff
	v["ansible_verbosity"] = r.opt.Verbosity
	v["ansible_forks"] = r.opt.Forks
	v["ansible_run_tags"] = runTags(r.opt.Tags)
	v["ansible_skip_tags"] = stringsToAny(r.opt.SkipTags)
	v["ansible_version"] = map[string]any{"full": "2.14.18", "major": 2, "minor": 14, "revision": 18, "string": "2.14.18"}
	v["omit"] = Omit
	if r.opt.ConfigFile != "" {
		v["ansible_config_file"] = r.opt.ConfigFile
	}
	v["ansible_playbook_python"] = "/usr/bin/python3"
	if src := r.opt.InventorySources; len(src) > 0 {
		v["ansible_inventory_sources"] = stringsToAny(absAll(src))
		if h, ok := r.inv.Host(host); ok {
			_ = h
		}
		f := absPath(src[0])
		if st := fileInfo(f); st == "dir" {
			v["inventory_dir"] = f
			v["inventory_file"] = f
		} else if st == "file" {
			v["inventory_dir"] = filepath.Dir(f)
			v["inventory_file"] = f
		}
	}
	if _, ok := v["inventory_dir"]; !ok {
		v["inventory_dir"] = nil
		v["inventory_file"] = nil
	}
	// ansible_search_path (Task.get_search_path): the roles' paths, inner
	// first, then the task file's directory; lookups search it, then the
	// playbook's directory.
	var sp []any
	if t != nil {
		for _, d := range searchStack(t) {
			sp = append(sp, d)
		}
	}
	if len(sp) == 0 {
		sp = append(sp, pr.play.Playbook.Dir)
	}
	v["ansible_search_path"] = sp
	if len(roles) > 0 {
		role := roles[len(roles)-1]
		v["role_name"] = role.Name
		v["role_path"] = role.Path
		v["ansible_role_name"] = role.Name
	}
	var roleNames []any
	for _, role := range pr.exposedRoles() {
		roleNames = append(roleNames, role.Name)
	}
	v["role_names"] = roleNames
	v["ansible_play_role_names"] = roleNames
	v["ansible_role_names"] = roleNames
	v["hostvars"] = pr.hostvars()
}

func runTags(tags []string) []any {
	if len(tags) == 0 {
		return []any{"all"}
	}
	return stringsToAny(tags)
}

func absAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if strings.Contains(s, ",") && !fileExists(s) {
			out[i] = s
			continue
		}
		out[i] = absPath(s)
	}
	return out
}

func fileInfo(p string) string {
	if st, err := statPath(p); err == nil {
		if st.IsDir() {
			return "dir"
		}
		return "file"
	}
	return ""
}

// activeAll are the play's hosts that have not failed.
func (pr *playRun) activeAll() []string {
	pr.r.mu.Lock()
	defer pr.r.mu.Unlock()
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var out []string
	for _, h := range pr.allHosts {
		if st, ok := pr.state[h]; ok && (st.failed || st.unreachable) {
			continue
		}
		if pr.r.failed[h] || pr.r.unreachable[h] {
			continue
		}
		out = append(out, h)
	}
	return out
}

// hostvars is computed once per task and shared by its hosts.
func (pr *playRun) hostvars() map[string]any {
	pr.mu.Lock()
	hv := pr.hvCache
	pr.mu.Unlock()
	if hv != nil {
		return hv
	}
	play := map[string]any{}
	merge(play, pr.play.Vars)
	hv = pr.r.hostVarsSnapshot(play)
	pr.mu.Lock()
	pr.hvCache = hv
	pr.mu.Unlock()
	return hv
}

func (pr *playRun) invalidateHostvars() {
	pr.mu.Lock()
	pr.hvCache = nil
	pr.mu.Unlock()
}

// mergeRoleTree merges a role's dependencies' values, then its own.
func mergeRoleTree(v map[string]any, r *playbook.Role, get func(*playbook.Role) map[string]any) {
	for _, d := range r.Deps {
		mergeRoleTree(v, d, get)
	}
	merge(v, get(r))
}

// roleVars is what a role adds at role-vars precedence: its entry's vars,
// then its vars/main.yml.
func roleVars(x *playbook.Role) map[string]any {
	if len(x.Vars) == 0 {
		return x.RoleVars
	}
	if len(x.RoleVars) == 0 {
		return x.Vars
	}
	m := make(map[string]any, len(x.Vars)+len(x.RoleVars))
	merge(m, x.Vars)
	merge(m, x.RoleVars)
	return m
}

// exposedRoles are the roles whose defaults and vars every task of the
// play sees (Ansible's play.get_roles()): the play's roles, the roles of
// import_role (static), then public include_role roles.
func (pr *playRun) exposedRoles() []*playbook.Role {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if len(pr.publicRoles) == 0 && len(pr.play.Imported) == 0 {
		return pr.play.Roles
	}
	out := make([]*playbook.Role, 0, len(pr.play.Roles)+len(pr.play.Imported)+len(pr.publicRoles))
	out = append(append(append(out, pr.play.Roles...), pr.play.Imported...), pr.publicRoles...)
	return out
}

package runner

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/modules"
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

// taskParent is t's enclosing block, nil for none (or no task).
func taskParent(t *playbook.Task) *playbook.Task {
	if t == nil {
		return nil
	}
	return t.Parent
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
	mergeFacts(v, facts)
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
	unsafeFacts(r, host, unsafe)
	for p := taskParent(t); p != nil; p = p.Parent {
		for _, k := range p.UnsafeVars {
			unsafe[k] = true
		}
	}
	for _, k := range pr.play.UnsafeVars {
		unsafe[k] = true
	}
	v[template.UnsafeVarsKey] = unsafe
	v[template.OriginKey] = &varOrigins{pr: pr, host: host, t: t, roles: roles}
	if t != nil {
		// Ansible's environment variable: the environment keyword's
		// entries as written, outer first
		v["environment"] = pr.environmentList(t)
	}
	// the vars magic variable: the variables as stored, read when used
	v["vars"] = &template.VarsView{M: v}
	return v
}

func (pr *playRun) magicVars(v map[string]any, host string, t *playbook.Task, roles []*playbook.Role) {
	pr.hostMagic(v, host)
	batch := pr.batch
	if pr.batchAll != nil {
		batch = pr.batchAll
	}
	active := pr.active(batch)
	v["ansible_play_batch"] = stringsToAny(active)
	playHosts := pr.activeAll()
	v["play_hosts"] = stringsToAny(active)
	v["ansible_play_hosts"] = stringsToAny(playHosts)
	v["ansible_play_hosts_all"] = stringsToAny(pr.allHosts)
	v["ansible_play_name"] = pr.play.Name
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

// hostMagic sets the magic variables that Ansible computes without a play
// or task (VariableManager._get_magic_variables with only the host), which
// hostvars[host] holds too.
func (pr *playRun) hostMagic(v map[string]any, host string) {
	r := pr.r
	v["inventory_hostname"] = host
	v["inventory_hostname_short"] = strings.SplitN(host, ".", 2)[0]
	v["group_names"] = stringsToAny(r.inv.GroupNames(host))
	groups := map[string]any{}
	for g, hs := range r.inv.Groups() {
		groups[g] = stringsToAny(hs)
	}
	v["groups"] = groups
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
	} else {
		v["ansible_config_file"] = nil // C.CONFIG_FILE is None
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
	// Ansible's hostvars[h] is get_vars(host=h) without the play: no play,
	// role or task vars.
	hv = pr.r.hostVarsSnapshot(pr.hostMagic)
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

// varOrigins tells the templater where a task's variables came from, for
// the class names type_debug prints (template/provenance.go): YAML sources
// give AnsibleUnicode, INI inventory values, extra vars and magic
// variables str, registered results and facts AnsibleUnsafeText, set_fact
// values the class of their rendering. It is consulted only when a class
// is asked for, so it costs one small allocation per task.
type varOrigins struct {
	pr    *playRun
	host  string
	t     *playbook.Task
	roles []*playbook.Role
	// the host's inventory variables' classes, read on first use
	invOnce sync.Once
	inv     map[string]string
}

// magicNames are the magic variables (str, lists and dicts of str).
var magicNames = map[string]bool{"inventory_hostname": true, "inventory_hostname_short": true,
	"group_names": true, "groups": true, "inventory_file": true, "inventory_dir": true, "hostvars": true,
	"play_hosts": true, "ansible_play_batch": true, "ansible_play_hosts": true, "ansible_play_hosts_all": true,
	"ansible_play_name": true, "playbook_dir": true, "ansible_check_mode": true, "ansible_diff_mode": true,
	"ansible_verbosity": true, "ansible_forks": true, "ansible_run_tags": true, "ansible_skip_tags": true,
	"ansible_version": true, "omit": true, "ansible_config_file": true, "ansible_playbook_python": true,
	"ansible_inventory_sources": true, "ansible_search_path": true, "role_name": true, "role_path": true,
	"ansible_role_name": true, "role_names": true, "ansible_role_names": true, "vars": true}

// invClasses maps the host's inventory variables to their class: those of
// the inventory source (str from INI, AnsibleUnicode from YAML) and those
// of group_vars/ and host_vars/ files (AnsibleUnicode).
func (o *varOrigins) invClasses() map[string]string {
	o.invOnce.Do(func() {
		r := o.pr.r
		out := map[string]string{}
		h, ok := r.inv.Host(o.host)
		if !ok {
			o.inv = out
			return
		}
		for k := range r.inv.HostVars(o.host) {
			out[k] = template.ClassUnicode
		}
		inline := template.ClassStr
		f, _ := r.inv.InventoryFile(o.host)
		switch strings.ToLower(filepath.Ext(f)) {
		case ".yml", ".yaml":
			inline = template.ClassUnicode
		}
		for _, g := range h.Groups() {
			gv, _ := r.inv.GroupVars(g)
			for k := range gv {
				out[k] = inline
			}
		}
		for k := range h.Vars() {
			out[k] = inline
		}
		o.inv = out
	})
	return o.inv
}

func (o *varOrigins) Origin(name string) string {
	pr, r := o.pr, o.pr.r
	if magicNames[name] {
		return template.ClassStr
	}
	if name == "environment" && o.t != nil {
		return template.ClassUnicode
	}
	if _, ok := r.opt.ExtraVars[name]; ok {
		if r.opt.ExtraVarsYAML[name] {
			return template.ClassUnicode
		}
		return template.ClassStr
	}
	for _, role := range o.roles {
		if _, ok := role.Params[name]; ok {
			return template.ClassUnicode
		}
	}
	r.mu.Lock()
	_, inNP := r.nonPersist[o.host][name]
	reg := r.registered[o.host][name]
	_, inIV := r.includeVars[o.host][name]
	_, inFacts := r.facts[o.host][name]
	r.mu.Unlock()
	switch {
	case reg:
		return template.ClassUnsafe
	case inNP:
		if c := factClass(r, o.host, name); c != "" {
			return c
		}
		return template.ClassUnicode
	case inIV:
		return template.ClassUnicode
	}
	if o.t != nil {
		if _, ok := o.t.Vars[name]; ok {
			return template.ClassUnicode
		}
		chain := blockChain(o.t)
		for i := len(chain) - 1; i >= 0; i-- {
			if _, ok := chain[i].Vars[name]; ok {
				for _, k := range chain[i].UnsafeVars {
					if k == name {
						return template.ClassUnsafe
					}
				}
				return template.ClassUnicode
			}
		}
	}
	for _, roles := range [][]*playbook.Role{pr.exposedRoles(), o.roles} {
		for _, role := range roles {
			if roleTreeHas(role, name, roleVars) {
				return template.ClassUnicode
			}
		}
	}
	if _, ok := pr.varsFiles[o.host][name]; ok {
		return template.ClassUnicode
	}
	if _, ok := pr.play.Vars[name]; ok {
		return template.ClassUnicode
	}
	if inFacts || name == "ansible_facts" {
		return template.ClassUnsafe
	}
	if c, ok := o.invClasses()[name]; ok {
		return c
	}
	for _, roles := range [][]*playbook.Role{pr.exposedRoles(), o.roles} {
		for _, role := range roles {
			if roleTreeHas(role, name, func(x *playbook.Role) map[string]any { return x.Defaults }) {
				return template.ClassUnicode
			}
		}
	}
	// magic variables
	return template.ClassStr
}

func roleTreeHas(r *playbook.Role, name string, get func(*playbook.Role) map[string]any) bool {
	for _, d := range r.Deps {
		if roleTreeHas(d, name, get) {
			return true
		}
	}
	_, ok := get(r)[name]
	return ok
}

// loopOrigins adds a loop variable's class to a task's origins: with_*
// items come from a lookup (unsafe); loop: items have the class of the
// loop value's strings (per item for a YAML list).
type loopOrigins struct {
	base template.Origins
	name string
	sh   *loopShared
	idx  int
}

type loopShared struct {
	once sync.Once
	all  string
	per  []string
	get  func() (string, []string)
}

func (o *loopOrigins) Origin(name string) string {
	if name == o.name {
		sh := o.sh
		sh.once.Do(func() { sh.all, sh.per = sh.get() })
		if o.idx < len(sh.per) {
			return sh.per[o.idx]
		}
		return sh.all
	}
	if o.base != nil {
		return o.base.Origin(name)
	}
	return ""
}

// loopOrigin returns the origins of a loop's iteration i (vars are the
// task's variables, loopVar the loop variable's name).
func (pr *playRun) loopOrigin(t *playbook.Task, vars map[string]any, loopVar string) func(i int) template.Origins {
	base, _ := vars[template.OriginKey].(template.Origins)
	sh := &loopShared{get: func() (string, []string) {
		if t.LoopWith != "" {
			return template.ClassUnsafe, nil
		}
		if l, ok := t.Loop.([]any); ok {
			per := make([]string, len(l))
			for i, it := range l {
				_, cls, err := pr.r.tpl.RenderValueClass(it, vars, template.ClassUnicode)
				if err != nil || cls == "" {
					cls = template.ClassStr
				}
				per[i] = cls
			}
			return template.ClassStr, per
		}
		_, cls, err := pr.r.tpl.RenderValueClass(t.Loop, vars, template.ClassUnicode)
		if err != nil || cls == "" {
			return template.ClassStr, nil
		}
		return cls, nil
	}}
	return func(i int) template.Origins {
		return &loopOrigins{base: base, name: loopVar, sh: sh, idx: i}
	}
}

// factClassStore holds, per host, the class of each set_fact value and the
// names whose values are unsafe (a Runner field).
type factClassStore struct {
	mu      sync.Mutex
	classes map[string]map[string]string
	unsafe  map[string]map[string]bool
}

// unsafeFacts adds the set_fact names of host whose values are unsafe
// (they are not templated again, as Ansible's AnsibleUnsafe values).
func unsafeFacts(r *Runner, host string, unsafe map[string]bool) {
	r.fc.mu.Lock()
	defer r.fc.mu.Unlock()
	for k := range r.fc.unsafe[host] {
		unsafe[k] = true
	}
}

func factClass(r *Runner, host, name string) string {
	r.fc.mu.Lock()
	defer r.fc.mu.Unlock()
	return r.fc.classes[host][name]
}

// renderArgs templates a task's arguments; for set_fact it also returns
// the class of each value (k=v values are str, YAML ones AnsibleUnicode,
// templated ones their rendering's).
func (pr *playRun) renderArgs(t *playbook.Task, vars map[string]any) (any, map[string]string, error) {
	if t.Module != "set_fact" {
		v, err := pr.r.tpl.RenderValue(t.Args, vars)
		return v, nil, err
	}
	raw := template.ClassUnicode
	if kvArgs(t) {
		raw = template.ClassStr
	}
	out := make(map[string]any, len(t.Args))
	classes := make(map[string]string, len(t.Args))
	keys := make([]string, 0, len(t.Args))
	for k := range t.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	newKeys := make([]string, 0, len(keys))
	for _, k := range keys {
		nk := k
		if template.IsTemplate(k) {
			rk, err := pr.r.tpl.RenderString(k, vars)
			if err != nil {
				return nil, nil, err
			}
			nk = rk
		}
		v, cls, err := pr.r.tpl.RenderValueClass(t.Args[k], vars, raw)
		if err != nil {
			return nil, nil, err
		}
		out[nk] = v
		classes[nk] = cls
		newKeys = append(newKeys, nk)
	}
	pyfmt.SetOrder(out, newKeys)
	return out, classes, nil
}

// recordClasses remembers the classes of the facts a set_fact set.
func (pr *playRun) recordClasses(host string, res *modules.Result, classes map[string]string) {
	if classes == nil || res == nil {
		return
	}
	fc := &pr.r.fc
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for _, e := range res.Effects {
		if sf, ok := e.(modules.SetFacts); ok {
			if fc.classes == nil {
				fc.classes = map[string]map[string]string{}
			}
			m := fc.classes[host]
			if m == nil {
				m = map[string]string{}
				fc.classes[host] = m
			}
			if fc.unsafe == nil {
				fc.unsafe = map[string]map[string]bool{}
			}
			u := fc.unsafe[host]
			for k := range sf.Facts {
				if c, ok := classes[k]; ok {
					m[k] = c
				} else {
					delete(m, k)
				}
				if c := classes[k]; c == template.ClassUnsafe {
					if u == nil {
						u = map[string]bool{}
						fc.unsafe[host] = u
					}
					u[k] = true
				} else {
					delete(u, k)
				}
			}
		}
	}
}

// kvArgs reports whether the task's arguments were written as k=v text
// (whose values are plain str) rather than a YAML mapping.
func kvArgs(t *playbook.Task) bool { return t.KVArgs() }

// environmentList is the task's environment entries (play, roles and
// blocks, then the task's), untemplated.
func (pr *playRun) environmentList(t *playbook.Task) []any {
	out := []any{}
	out = append(out, pr.play.Environment...)
	chain := blockChain(t)
	chain = append(chain, t)
	var seen []*playbook.Role
	for _, p := range chain {
		if p.Role != nil && !slices.Contains(seen, p.Role) {
			seen = append(seen, p.Role)
			out = append(out, p.Role.Environment...)
		}
		out = append(out, p.Environment...)
	}
	return out
}

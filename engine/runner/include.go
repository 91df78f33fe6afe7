package runner

import (
	"fmt"
	"github.com/goplay/goplay/engine/pyfmt"
	"strings"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/modules"
)

// runIncludes loads and runs include_tasks/include_role for the hosts that
// reached them, grouping hosts that include the same file with the same
// arguments, as Ansible does.
func (pr *playRun) runIncludes(t *playbook.Task, hrs []*hostResult) {
	type group struct {
		key      string
		args     map[string]any
		hosts    []string
		label    any
		loopVars map[string]any
	}
	var groups []*group
	index := map[string]*group{}
	add := func(host string, res map[string]any) {
		args, _ := res[includeArgsKey].(map[string]any)
		// An include in a loop runs once per item, with the loop variables
		// (IncludedFile compares file, arguments and variables).
		lv := map[string]any{}
		for _, k := range []string{"ansible_loop_var", "ansible_index_var"} {
			if name, ok := res[k].(string); ok {
				lv[name] = res[name]
			}
		}
		if v, ok := res["ansible_loop"]; ok {
			lv["ansible_loop"] = v
		}
		key := pyfmt.Repr(args) + "\x00" + pyfmt.Repr(lv)
		g := index[key]
		if g == nil {
			g = &group{key: key, args: args, label: res["_ansible_item_label"], loopVars: lv}
			index[key] = g
			groups = append(groups, g)
		}
		g.hosts = append(g.hosts, host)
	}
	for _, hr := range hrs {
		if list, ok := hr.res["results"].([]any); ok {
			for _, it := range list {
				if m, ok := it.(map[string]any); ok && !truthy(m["skipped"]) && !truthy(m["failed"]) {
					add(hr.host, m)
				}
			}
			continue
		}
		add(hr.host, hr.res)
	}
	opts := pr.play.Playbook.Options(playbook.Options{RolesPath: pr.r.opt.RolesPath, Warn: pr.r.d.Warning})
	// As the strategy does: every "included:" line first, then the
	// included blocks in order.
	type run struct {
		block *playbook.Task
		hosts []string
	}
	var runs []run
	defer func() {
		for _, x := range runs {
			if pr.abort || pr.endPlay {
				return
			}
			pr.runList([]*playbook.Task{x.block}, x.hosts)
		}
	}()
	for _, g := range groups {
		if pr.abort || pr.endPlay {
			return
		}
		vars := map[string]any{}
		for k, v := range t.Vars {
			vars[k] = v
		}
		for k, v := range g.loopVars {
			vars[k] = v
		}
		switch t.Module {
		case "include_tasks", "include":
			file := ""
			for _, k := range []string{"file", "_raw_params"} {
				if s, ok := g.args[k].(string); ok && s != "" {
					file = s
				}
			}
			for k, v := range g.args {
				if k != "file" && k != "_raw_params" && k != "apply" {
					vars[k] = v
				}
			}
			dirs := []string{}
			if t.Pos.File != "" {
				dirs = append(dirs, dirOf(t.Pos.File))
			}
			if t.Role != nil {
				dirs = append(dirs, t.Role.Path+"/tasks", t.Role.Path)
			}
			dirs = append(dirs, pr.play.Playbook.Dir)
			path := playbook.FindFile(file, dirs)
			if path == "" {
				pr.failHosts(t, g.hosts, fmt.Sprintf("Could not find or access '%s' on the Ansible Controller.", file))
				continue
			}
			pr.countIncluded(g.hosts)
			pr.cb.Included(path, g.hosts, g.label)
			b := &playbook.Task{IsBlock: true, Parent: t.Parent, Role: t.Role, Play: pr.play, Pos: t.Pos}
			b.Attrs = includeAttrs(t, g.args)
			b.Vars = vars
			b.UnsafeVars = unsafeLoopVars(t, g.loopVars)
			tasks, err := playbook.LoadTasksFile(path, pr.play, t.Role, b, opts)
			if err != nil {
				pr.failHosts(t, g.hosts, err.Error())
				continue
			}
			if t.Handler {
				// a handler's included tasks are handlers too
				// (RUNNING HANDLER banners)
				markHandlers(tasks)
			}
			b.Block = tasks
			runs = append(runs, run{b, g.hosts})
		case "include_role":
			name := modules.ToString(g.args["name"])
			s := func(k string) string { x, _ := g.args[k].(string); return x }
			role, err := playbook.LoadRole(name, pr.play, t.Role, opts, s("tasks_from"), s("vars_from"), s("defaults_from"), s("handlers_from"))
			if err != nil {
				pr.failHosts(t, g.hosts, err.Error())
				continue
			}
			for k, v := range g.args {
				switch k {
				case "name", "tasks_from", "vars_from", "defaults_from", "handlers_from", "public", "apply", "allow_duplicates", "rolespec_validate":
				default:
					vars[k] = v
				}
			}
			wrapper := &playbook.Task{IsBlock: true, Parent: t.Parent, Role: t.Role, Play: pr.play, Pos: t.Pos, Attrs: includeAttrs(t, g.args)}
			wrapper.Vars = vars
			wrapper.UnsafeVars = unsafeLoopVars(t, g.loopVars)
			rb := playbook.RoleBlock(role, wrapper, pr.play)
			wrapper.Block = []*playbook.Task{rb}
			if modules.ToString(g.args["public"]) == "true" || g.args["public"] == true {
				// public: the role's defaults and vars reach the rest of the play
				pr.mu.Lock()
				pr.publicRoles = append(pr.publicRoles, role)
				pr.mu.Unlock()
			}
			pr.handlers = append(pr.handlers, flat(role.Handlers)...)
			runs = append(runs, run{wrapper, g.hosts})
		}
	}
}

// unsafeLoopVars names the loop variables of an include whose values are
// unsafe: with_* items come from a lookup (AnsibleUnsafe), so the included
// tasks do not template them again.
func unsafeLoopVars(t *playbook.Task, loopVars map[string]any) []string {
	if t.LoopWith == "" {
		return nil
	}
	var out []string
	for k := range loopVars {
		out = append(out, k)
	}
	return out
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "."
}

func (pr *playRun) failHosts(t *playbook.Task, hosts []string, msg string) {
	for _, h := range hosts {
		res := map[string]any{"failed": true, "msg": msg}
		pr.r.mu.Lock()
		pr.r.stat(h).Failures++
		pr.r.mu.Unlock()
		pr.mu.Lock()
		pr.state[h].failed = true
		pr.mu.Unlock()
		pr.cb.Failed(&output.Result{Host: h, Data: res, Action: t.Action}, false)
	}
}

// isInclude reports whether t is a dynamic include (its loop items are not
// printed: each item prints an "included:" line instead).
func isInclude(t *playbook.Task) bool {
	switch t.Module {
	case "include_tasks", "include_role", "include":
		return true
	}
	return false
}

func (pr *playRun) countIncluded(hosts []string) {
	pr.r.mu.Lock()
	for _, h := range hosts {
		pr.r.stat(h).OK++
	}
	pr.r.mu.Unlock()
}

// markHandlers marks tasks (and the tasks of their blocks) as handlers.
func markHandlers(tasks []*playbook.Task) {
	for _, x := range tasks {
		x.Handler = true
		markHandlers(x.Block)
		markHandlers(x.Rescue)
		markHandlers(x.Always)
	}
}

// includeAttrs are the keywords that the tasks of a dynamic include get
// from it. A dynamic include is not statically loaded, so its tasks do not
// inherit its own keywords (Task._get_parent_attribute skips it for the
// grandparent); only its vars reach them, and the keywords of apply:
// (tags, become, ignore_errors, no_log, environment …). The legacy include
// keeps its keywords.
func includeAttrs(t *playbook.Task, args map[string]any) playbook.Attrs {
	if t.Module == "include" {
		a := t.Attrs
		a.When, a.Tags = nil, nil
		return a
	}
	var a playbook.Attrs
	ap, _ := args["apply"].(map[string]any)
	boolPtr := func(k string) *bool {
		v, ok := ap[k]
		if !ok || v == nil {
			return nil
		}
		b, err := modules.ToBool(v)
		if err != nil {
			return nil
		}
		return &b
	}
	switch tg := ap["tags"].(type) {
	case string:
		a.Tags = strings.Split(tg, ",")
	case []any:
		for _, x := range tg {
			a.Tags = append(a.Tags, modules.ToString(x))
		}
	}
	a.Become = boolPtr("become")
	a.IgnoreErrors = boolPtr("ignore_errors")
	a.IgnoreUnreach = boolPtr("ignore_unreachable")
	a.AnyErrorsFatal = boolPtr("any_errors_fatal")
	a.CheckMode = boolPtr("check_mode")
	a.Diff = boolPtr("diff")
	a.RunOnce = boolPtr("run_once")
	a.BecomeUser = ap["become_user"]
	a.BecomeMethod = ap["become_method"]
	a.NoLog = ap["no_log"]
	a.DelegateTo = ap["delegate_to"]
	if e, ok := ap["environment"]; ok && e != nil {
		a.Environment = []any{e}
	}
	return a
}

package runner

import (
	"fmt"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/modules"
)

// runIncludes loads and runs include_tasks/include_role for the hosts that
// reached them, grouping hosts that include the same file with the same
// arguments, as Ansible does.
func (pr *playRun) runIncludes(t *playbook.Task, hrs []*hostResult) {
	type group struct {
		key   string
		args  map[string]any
		hosts []string
		label any
	}
	var groups []*group
	index := map[string]*group{}
	add := func(host string, res map[string]any) {
		args, _ := res["include_args"].(map[string]any)
		key := fmt.Sprint(args)
		g := index[key]
		if g == nil {
			g = &group{key: key, args: args, label: res["_ansible_item_label"]}
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
	for _, g := range groups {
		if pr.abort || pr.endPlay {
			return
		}
		vars := map[string]any{}
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
			pr.r.cb.Included(path, g.hosts, g.label)
			b := &playbook.Task{IsBlock: true, Parent: t.Parent, Role: t.Role, Play: pr.play, Pos: t.Pos}
			b.Attrs = t.Attrs
			b.When = nil
			b.Vars = vars
			tasks, err := playbook.LoadTasksFile(path, pr.play, t.Role, b, opts)
			if err != nil {
				pr.failHosts(t, g.hosts, err.Error())
				continue
			}
			b.Block = tasks
			pr.runList([]*playbook.Task{b}, g.hosts)
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
			wrapper := &playbook.Task{IsBlock: true, Parent: t.Parent, Role: t.Role, Play: pr.play, Pos: t.Pos, Attrs: t.Attrs}
			wrapper.When = nil
			wrapper.Vars = vars
			rb := playbook.RoleBlock(role, wrapper, pr.play)
			wrapper.Block = []*playbook.Task{rb}
			pr.handlers = append(pr.handlers, flat(role.Handlers)...)
			pr.runList([]*playbook.Task{wrapper}, g.hosts)
		}
	}
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
		pr.r.cb.Failed(&output.Result{Host: h, Data: res, Action: t.Action}, false)
	}
}

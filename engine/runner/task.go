package runner

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goplay/goplay/modules/external"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
)

// hostResult is the outcome of a task on one host.
type hostResult struct {
	host        string
	res         map[string]any
	failed      bool
	unreachable bool
	skipped     bool
	changed     bool
	ignored     bool
	label       *output.Result
	delegate    string
	vars        map[string]any
}

// effective attribute lookups through the parents of a task.
func effBool(t *playbook.Task, play *playbook.Play, get func(a *playbook.Attrs) *bool, def bool) bool {
	for p := t; p != nil; p = p.Parent {
		if b := get(&p.Attrs); b != nil {
			return *b
		}
		if p.Role != nil {
			if b := get(&p.Role.Attrs); b != nil {
				return *b
			}
		}
	}
	if play != nil {
		if b := get(&play.Attrs); b != nil {
			return *b
		}
	}
	return def
}

func effAny(t *playbook.Task, play *playbook.Play, get func(a *playbook.Attrs) any) any {
	for p := t; p != nil; p = p.Parent {
		if v := get(&p.Attrs); v != nil {
			return v
		}
		if p.Role != nil {
			if v := get(&p.Role.Attrs); v != nil {
				return v
			}
		}
	}
	if play != nil {
		return get(&play.Attrs)
	}
	return nil
}

// allWhen collects the task's conditions and its parents' (outer first).
func allWhen(t *playbook.Task) []any {
	var out []any
	var chain []*playbook.Task
	for p := t; p != nil; p = p.Parent {
		chain = append([]*playbook.Task{p}, chain...)
	}
	seenRole := map[*playbook.Role]bool{}
	for _, p := range chain {
		if p.Role != nil && !seenRole[p.Role] {
			seenRole[p.Role] = true
			out = append(out, p.Role.When...)
		}
		out = append(out, p.When...)
	}
	return out
}

func allTags(t *playbook.Task) []string {
	var out []string
	for p := t; p != nil; p = p.Parent {
		out = append(out, p.Tags...)
		if p.Role != nil {
			out = append(out, p.Role.Tags...)
		}
	}
	if t.Play != nil {
		out = append(out, t.Play.Tags...)
	}
	return out
}

// tagsMatch implements Ansible's --tags/--skip-tags evaluation.
func tagsMatch(tags, only, skip []string) bool {
	has := func(s string) bool {
		for _, t := range tags {
			if t == s {
				return true
			}
		}
		return false
	}
	run := true
	if len(only) > 0 && !(len(only) == 1 && only[0] == "all") {
		run = false
		for _, o := range only {
			switch o {
			case "all":
				if !has("never") {
					run = true
				}
			case "tagged":
				if len(tags) > 0 && !has("never") {
					run = true
				}
			case "untagged":
				if len(tags) == 0 {
					run = true
				}
			default:
				if has(o) {
					run = true
				}
			}
		}
		if has("always") {
			run = true
		}
	} else if has("never") {
		run = false
	}
	if run && len(skip) > 0 {
		for _, s := range skip {
			switch s {
			case "all":
				if !has("always") || containsStr(skip, "always") {
					run = false
				}
			case "tagged":
				if len(tags) > 0 && (!has("always") || containsStr(skip, "always")) {
					run = false
				}
			case "untagged":
				if len(tags) == 0 {
					run = false
				}
			default:
				if has(s) {
					run = false
				}
			}
		}
	}
	return run
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// taskName is the banner name of a task: templated with play-level vars,
// left raw when that fails; roles prefix "role : ".
func (pr *playRun) taskName(t *playbook.Task, host string) string {
	name := t.DisplayName()
	if !t.HasName && t.Module == "include_role" {
		// IncludeRole.get_name: "include_role : <role>"
		if rn, ok := t.Args["name"].(string); ok {
			name = t.Action + " : " + rn
		}
	}
	if t.HasName {
		if strings.Contains(name, "{{") || strings.Contains(name, "{%") {
			v := pr.taskVars(host, t)
			if s, err := pr.r.tpl.RenderString(name, v); err == nil {
				name = s
			}
		}
	}
	if t.Role != nil && t.Action != "gather_facts" {
		name = t.Role.Name + " : " + name
	}
	return name
}

// runTask runs one task on hosts (the linear strategy step).
func (pr *playRun) runTask(t *playbook.Task, hosts []string) {
	r := pr.r
	if !pr.r.startDone {
		name := pr.taskName(t, hosts[0])
		if name == r.opt.StartAtTask || t.DisplayName() == r.opt.StartAtTask {
			r.startDone = true
		} else {
			return
		}
	}
	if t.Action != "gather_facts" || true {
		tags := allTags(t)
		if t.Action == "gather_facts" {
			tags = append(tags, "always")
		}
		if !tagsMatch(tags, r.opt.Tags, r.opt.SkipTags) {
			return
		}
	}
	info, _ := modules.Lookup(t.Module)
	if t.Module == "meta" {
		pr.runMeta(t, hosts)
		return
	}
	pr.invalidateHostvars()
	name := pr.taskName(t, hosts[0])
	if ab, ok := pr.cb.(output.ArgsBanner); ok && r.opt.DisplayArgs && !noLog(t, pr.play, r, nil) {
		ab.SetTaskArgs(bannerArgs(t))
	}
	if fc, ok := pr.cb.(*freeCallback); ok {
		fc.task = t
	}
	// the banner's [CHECK MODE] follows task.check_mode: the keyword, or -C
	pr.cb.TaskStart(name, t.Handler, effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.CheckMode }, r.opt.Check))
	r.taskPos(pr.cb, t)

	runOnce := effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.RunOnce }, false)
	bypass := info != nil && info.BypassHostLoop
	if pr.free != nil {
		if runOnce {
			r.d.Warning("Using run_once with the free strategy is not currently supported. This task will still be executed for every host in the inventory list.")
		}
		if effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.AnyErrorsFatal }, r.opt.AnyErrorsFatal) {
			r.d.Warning("Using any_errors_fatal with the free strategy is not supported, as tasks are executed independently on each host")
		}
	}
	runHosts := hosts
	if runOnce || bypass {
		runHosts = hosts[:1]
	}
	results := make([]*hostResult, len(runHosts))
	var wg sync.WaitGroup
	forks := r.opt.Forks
	if t.Throttle > 0 && t.Throttle < forks {
		forks = t.Throttle
	}
	sem := make(chan struct{}, forks)
	if pr.free != nil {
		// free: the batch's workers; host_pinned: this host holds one
		sem = pr.free.sem
		if sem == nil {
			sem = make(chan struct{}, 1)
		}
	}
	for i, h := range runHosts {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, h string) {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if p := recover(); p != nil {
					results[i] = &hostResult{host: h, failed: true, res: map[string]any{"msg": fmt.Sprintf("internal error: %v", p), "failed": true}}
					r.emit(func() { pr.cb.Failed(&output.Result{Host: h, Data: results[i].res, Action: t.Action}, false) })
				}
			}()
			results[i] = pr.runHost(t, h, name, bypass)
		}(i, h)
	}
	wg.Wait()

	ignoreErrors := effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.IgnoreErrors }, false)
	aef := effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.AnyErrorsFatal }, r.opt.AnyErrorsFatal)
	if (runOnce || bypass) && !ignoreErrors {
		aef = true
	}
	if pr.free != nil {
		// each host goes on by itself (the warnings are the free
		// strategy's)
		aef = false
	}
	anyFailed, fatal := false, false
	var includes []*hostResult
	for _, hr := range results {
		if hr == nil {
			continue
		}
		if hr.failed || hr.unreachable {
			anyFailed = true
		}
		if hr.unreachable || hr.failed && !inRescueBlock(t) {
			// a failure that a rescue section will handle is not fatal
			fatal = true
		}
		if hr.res != nil && (t.Module == "include_tasks" || t.Module == "include_role" || t.Module == "include") && !hr.failed && !hr.skipped {
			includes = append(includes, hr)
		}
		if runOnce || bypass {
			// run_once results apply to every host of the batch, facts too
			if facts, ok := hr.res["ansible_facts"].(map[string]any); ok && hr.res != nil && !hr.failed && !hr.skipped && len(hosts) > 1 {
				r.mu.Lock()
				for _, h := range hosts[1:] {
					target := r.facts
					switch t.Module {
					case "set_fact":
						target = r.nonPersist
					case "include_vars":
						target = r.includeVars
					}
					if target[h] == nil {
						target[h] = map[string]any{}
					}
					for k, v := range facts {
						target[h][k] = v
					}
				}
				r.mu.Unlock()
			}
			if t.Register != "" && hr.res != nil {
				reg := registered(hr.res)
				r.mu.Lock()
				for _, h := range hosts[1:] {
					if r.nonPersist[h] == nil {
						r.nonPersist[h] = map[string]any{}
					}
					r.nonPersist[h][t.Register] = reg
					r.markRegistered(h, t.Register)
				}
				r.mu.Unlock()
			}
			if hr.failed && !ignoreErrors {
				pr.mu.Lock()
				for _, h := range hosts {
					pr.state[h].failed = true
				}
				pr.mu.Unlock()
			}
		}
	}
	if len(includes) > 0 {
		pr.runIncludes(t, includes)
	}
	if fatal && aef && !r.opt.AEFUnreachableAborts && onlyUnreachable(results) {
		// ansible-core 2.14: when the only errors are unreachable hosts,
		// any_errors_fatal ends this batch for every host, but the play
		// goes on with the next serial batch (the unreachable hosts count
		// twice in PlaybookExecutor's whole-batch check, which then never
		// matches). --aef-unreachable-aborts makes it end the play.
		pr.mu.Lock()
		for _, h := range pr.batch {
			if st := pr.state[h]; st != nil && !st.unreachable && !st.failed {
				st.ended = true
			}
		}
		pr.mu.Unlock()
		pr.cb.NoHostsRemaining()
		pr.endBatch = true
		return
	}
	if fatal && aef {
		pr.mu.Lock()
		for _, h := range pr.batch {
			if st := pr.state[h]; st != nil && !st.unreachable {
				if !st.failed {
					r.mu.Lock()
					r.failed[h] = true
					r.mu.Unlock()
				}
				st.failed = true
			}
		}
		pr.mu.Unlock()
		pr.abort = true
		pr.cb.NoHostsRemaining()
		return
	}
	if mfp := pr.play.MaxFailPct; mfp != nil && anyFailed {
		pr.mu.Lock()
		n := 0
		for _, h := range pr.batch {
			if st := pr.state[h]; st != nil && (st.failed || st.unreachable) {
				n++
			}
		}
		pr.mu.Unlock()
		if float64(n)/float64(len(pr.batch)) > *mfp/100.0 {
			pr.mu.Lock()
			for _, h := range pr.batch {
				pr.state[h].failed = true
			}
			pr.mu.Unlock()
			pr.abort = true
			pr.cb.NoHostsRemaining()
			pr.cb.NoHostsRemaining()
			return
		}
	}
	// when every host of the batch has failed, Ansible prints the banner
	if anyFailed && len(pr.active(pr.batch)) == 0 && hasRemaining(t) {
		// nothing: the whole-batch failure ends the play without a banner
	}
}

func hasRemaining(t *playbook.Task) bool { return true }

// onlyUnreachable reports whether the task's errors were all unreachable
// hosts (no failure).
func onlyUnreachable(results []*hostResult) bool {
	for _, hr := range results {
		if hr != nil && hr.failed {
			return false
		}
	}
	return true
}

// includeArgsKey holds, in an include's result, its templated arguments.
const includeArgsKey = "_ansible_goplay_include_args"

// regItemKey holds, in a loop item's result, the item templated (when it
// holds template text and is not unsafe): Ansible adds the loop variable to
// the result after wrapping the result unsafe, so reading it from the
// registered variable templates it.
const regItemKey = "_ansible_goplay_item"

// registered is the value stored by register: without internal keys and
// the top-level invocation.
func registered(res map[string]any) map[string]any {
	out := make(map[string]any, len(res))
	keys := pyfmt.KeyOrder(res)
	kept := keys[:0:0]
	for _, k := range keys {
		v := res[k]
		if strings.HasPrefix(k, "_ansible_") || k == "invocation" {
			continue
		}
		if k == "results" {
			if list, ok := v.([]any); ok {
				nl := make([]any, len(list))
				for i, it := range list {
					if m, ok := it.(map[string]any); ok {
						c := make(map[string]any, len(m))
						var ck []string
						for _, kk := range pyfmt.KeyOrder(m) {
							if strings.HasPrefix(kk, "_ansible_") && kk != "_ansible_no_log" {
								continue
							}
							c[kk] = m[kk]
							ck = append(ck, kk)
						}
						if ri, ok := m[regItemKey]; ok {
							// the loop variable is not unsafe in the
							// registered result: it reads templated
							if lv, ok := m["ansible_loop_var"].(string); ok {
								c[lv] = ri
							}
						}
						pyfmt.SetOrder(c, ck)
						nl[i] = c
					} else {
						nl[i] = it
					}
				}
				v = nl
			}
		}
		out[k] = v
		kept = append(kept, k)
	}
	pyfmt.SetOrder(out, kept)
	return out
}

// runHost runs t for one host: loops, conditions, retries, modules.
func (pr *playRun) runHost(t *playbook.Task, host, name string, bypass bool) *hostResult {
	r := pr.r
	vars := pr.taskVars(host, t)
	hr := &hostResult{host: host, vars: vars}
	r.mu.Lock()
	delete(r.discovered, host)
	r.mu.Unlock()
	delegate, dAddr, dErr := pr.delegate(t, host, vars)
	perItemDelegate := false
	if dErr != nil && t.HasLoop {
		// delegate_to: "{{ item }}": resolved for each item
		perItemDelegate, dErr = true, nil
	}
	if dErr == nil {
		pr.connMagicVars(vars, t, host, delegate)
	}
	if delegate != "" {
		// VariableManager._get_delegated_vars: the delegate's variables
		dv := map[string]any{}
		for k, v := range pr.delegateVars(delegate) {
			dv[k] = v
		}
		dv["inventory_hostname"] = delegate
		vars["ansible_delegated_vars"] = map[string]any{delegate: dv}
	}
	mkOut := func(res map[string]any, loop bool) *output.Result {
		o := &output.Result{Host: host, Action: t.Action, Data: res, Loop: loop, TaskName: name, TaskPath: taskPath(t)}
		if delegate != "" && delegate != host {
			o.Delegate, o.DelegateAddr = delegate, dAddr
		}
		o.NoLog = noLog(t, pr.play, r, vars)
		return o
	}
	var res map[string]any
	if dErr != nil {
		res = errResult(dErr.Error())
	} else if t.HasLoop {
		res = pr.runLoop(t, host, vars, delegate, mkOut, bypass, perItemDelegate)
	} else {
		res = pr.execute(t, host, vars, delegate, mkOut, nil)
	}
	if pr.ctx.Err() != nil {
		// Interrupted (Ctrl-C): Ansible reports nothing for the task.
		return nil
	}
	if _, ok := res["changed"]; !ok && !isErrResult(res) {
		res["changed"] = false
	}
	// a loop that failed before its items ran (an AnsibleError raised in
	// TaskExecutor.run) is a plain result, not a loop's
	loopRes := t.HasLoop && !isErrResult(res)
	delete(res, errKey)
	hr.res = res
	hr.delegate = delegate
	ignoreErrors := effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.IgnoreErrors }, false)
	out := mkOut(res, loopRes)

	r.mu.Lock()
	st := r.stat(host)
	switch {
	case truthy(res["unreachable"]):
		hr.unreachable = true
		ignoreUnreach := effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.IgnoreUnreach }, false)
		if ignoreUnreach {
			st.OK++
			st.Ignored++
		} else {
			st.Unreachable++
			r.unreachable[host] = true
		}
		r.mu.Unlock()
		if !ignoreUnreach {
			pr.mu.Lock()
			pr.state[host].unreachable = true
			pr.mu.Unlock()
		} else {
			hr.unreachable = false
		}
		r.emit(func() { pr.cb.Unreachable(out, ignoreUnreach) })
	case truthy(res["failed"]):
		if ignoreErrors {
			st.OK++
			st.Ignored++
			if truthy(res["changed"]) {
				st.Changed++
			}
			hr.ignored = true
		} else {
			hr.failed = true
			if inRescueBlock(t) {
				st.Rescued++
			} else {
				st.Failures++
			}
		}
		r.mu.Unlock()
		if hr.failed {
			pr.mu.Lock()
			pr.state[host].failed = true
			pr.mu.Unlock()
			if inRescueBlock(t) {
				tname := ""
				if t.HasName {
					tname = pr.taskName(t, host)
					if t.Role != nil {
						tname = strings.TrimPrefix(tname, t.Role.Name+" : ")
					}
				}
				r.mu.Lock()
				if r.nonPersist[host] == nil {
					r.nonPersist[host] = map[string]any{}
				}
				r.nonPersist[host]["ansible_failed_result"] = registered(res)
				r.nonPersist[host]["ansible_failed_task"] = map[string]any{"name": tname, "action": t.Action}
				r.mu.Unlock()
			}
		}
		r.emit(func() { pr.cb.Failed(out, ignoreErrors) })
	case truthy(res["skipped"]):
		st.Skipped++
		hr.skipped = true
		r.mu.Unlock()
		r.emit(func() { pr.cb.Skipped(out) })
	default:
		if !isInclude(t) {
			// an include counts ok once per included file and host
			// (StrategyBase._load_included_file)
			st.OK++
		}
		if truthy(res["changed"]) {
			st.Changed++
			hr.changed = true
		}
		for target, path := range r.discovered[host] {
			if r.facts[target] == nil {
				r.facts[target] = map[string]any{}
			}
			r.facts[target]["discovered_interpreter_python"] = path
		}
		delete(r.discovered, host)
		r.mu.Unlock()
		r.cbMu.Lock()
		if bypass && t.HasLoop {
			pr.printItems(res, mkOut)
		}
		if t.Module != "include_tasks" && t.Module != "include_role" && t.Module != "include" {
			if _, has := res["diff"]; has && effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.Diff }, r.opt.Diff) {
				if d, ok := pr.cb.(output.Differ); ok {
					d.Diff(out)
				}
			}
		} else {
			out.Include = true
		}
		pr.cb.OK(out)
		r.cbMu.Unlock()
		if hr.changed {
			if notify := effNotify(t); len(notify) > 0 {
				pr.notify(notify, host, vars)
			}
		}
	}
	if t.Register != "" {
		r.mu.Lock()
		if r.nonPersist[host] == nil {
			r.nonPersist[host] = map[string]any{}
		}
		r.nonPersist[host][t.Register] = registered(res)
		r.markRegistered(host, t.Register)
		r.mu.Unlock()
	}
	return hr
}

func effNotify(t *playbook.Task) []string {
	for p := t; p != nil; p = p.Parent {
		if len(p.Notify) > 0 {
			return p.Notify
		}
	}
	return nil
}

func noLog(t *playbook.Task, play *playbook.Play, r *Runner, vars map[string]any) bool {
	v := effAny(t, play, func(a *playbook.Attrs) any { return a.NoLog })
	switch x := v.(type) {
	case bool:
		return x
	case string:
		if s, err := r.tpl.Render(x, vars); err == nil {
			b, _ := modules.ToBool(s)
			return b
		}
	}
	return false
}

// printItems prints the per-item lines of a loop that ran once for the
// batch (add_host): Ansible prints them after the loop.
func (pr *playRun) printItems(res map[string]any, mkOut func(map[string]any, bool) *output.Result) {
	list, _ := res["results"].([]any)
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		pr.itemResult(m, mkOut(m, false))
	}
}

// itemResult shows one loop item's result.
func (pr *playRun) itemResult(res map[string]any, o *output.Result) {
	switch {
	case truthy(res["failed"]):
		pr.cb.ItemFailed(o)
	case truthy(res["skipped"]):
		pr.cb.ItemSkipped(o)
	default:
		pr.cb.ItemOK(o)
	}
}

// delegate resolves delegate_to for host: the delegate's name and the
// address label Ansible shows for it.
func (pr *playRun) delegate(t *playbook.Task, host string, vars map[string]any) (string, any, error) {
	d := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.DelegateTo })
	if d == nil {
		return "", nil, nil
	}
	v, err := pr.r.tpl.Render(modules.ToString(d), vars)
	if err != nil {
		return "", nil, err
	}
	name := modules.ToString(v)
	if name == "" || name == "None" {
		return "", nil, nil
	}
	dv := pr.delegateVars(name)
	if a, ok := dv["ansible_host"]; ok {
		return name, a, nil
	}
	if _, ok := dv["ansible_ssh_host"]; ok {
		return name, nil, nil
	}
	return name, name, nil
}

// delegateVars are the inventory variables of a delegate host (the implicit
// localhost when it is not in the inventory).
func (pr *playRun) delegateVars(name string) map[string]any {
	if _, ok := pr.r.inv.Host(name); ok {
		return pr.r.inv.HostVars(name)
	}
	if name == "localhost" || name == "127.0.0.1" || name == "::1" {
		pr.r.inv.Hosts(name) // creates the implicit localhost
		if _, ok := pr.r.inv.Host(name); ok {
			return pr.r.inv.HostVars(name)
		}
		return map[string]any{"ansible_connection": "local"}
	}
	return map[string]any{}
}

// loopItems computes the items of a task's loop.
func (pr *playRun) loopItems(t *playbook.Task, host string, vars map[string]any) ([]any, error) {
	r := pr.r
	term := t.Loop
	if t.LoopWith == "" {
		v, err := r.tpl.RenderValue(term, vars)
		if err != nil {
			return nil, err
		}
		list, ok := v.([]any)
		if !ok {
			return nil, &loopError{fmt.Sprintf("Invalid data passed to 'loop', it requires a list, got this instead: %s. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", pyfmt.Str(v))}
		}
		return list, nil
	}
	if s, ok := term.(string); ok && r.opt.LegacyBareVars && !template.IsTemplate(s) {
		if conv, ok := template.ConvertBare(s, vars); ok {
			r.d.Deprecated(fmt.Sprintf("Using bare variables is deprecated. Update your playbooks so that the environment value uses the full variable syntax ('{{%s}}')", s), "")
			term = conv
		}
	}
	v, err := r.tpl.RenderValue(term, vars)
	if err != nil {
		return nil, err
	}
	return lookupItems(t.LoopWith, v, pr, vars)
}

type loopError struct{ msg string }

func (e *loopError) Error() string { return e.msg }

// runLoop runs the task once per item and aggregates the results.
// runLoop runs the task's loop for host. perItem resolves delegate_to for
// each item (delegate_to: "{{ item }}"); otherwise delegate applies to all.
func (pr *playRun) runLoop(t *playbook.Task, host string, vars map[string]any, delegate string, mkOut func(map[string]any, bool) *output.Result, bypass, perItem bool) map[string]any {
	r := pr.r
	items, err := pr.loopItems(t, host, vars)
	if err != nil {
		var le *loopError
		if errors.As(err, &le) {
			return errResult(le.msg)
		}
		// an undefined loop variable: Ansible's bare message, no position
		var ue *template.UndefinedError
		if errors.As(err, &ue) {
			return errResult(ue.Error() + ". " + ue.Error())
		}
		return errResult(undefinedMsg(err, t))
	}
	if len(items) == 0 {
		return map[string]any{"changed": false, "skipped": true, "skipped_reason": "No items in the list", "results": []any{}}
	}
	lc := t.LoopControl
	loopVar, indexVar := "item", ""
	var label any
	var pause float64
	extended := false
	if lc != nil {
		if lc.LoopVar != "" {
			loopVar = lc.LoopVar
		}
		indexVar = lc.IndexVar
		label = lc.Label
		if lc.Pause != nil {
			pause, _ = modules.ToFloat(lc.Pause)
		}
		extended = lc.Extended
	}
	if _, exists := vars[loopVar]; exists {
		r.d.Warning(fmt.Sprintf("TASK: %s: The loop variable '%s' is already in use. You should set the `loop_var` value in the `loop_control` option for the task to something else to avoid variable collisions and unexpected behavior.", t.DisplayName(), loopVar))
	}
	var results []any
	agg := map[string]any{"skipped": true}
	origins := pr.loopOrigin(t, vars, loopVar)
	if t.LoopWith != "" {
		// lookup results are unsafe: with_* items are not templated again
		markUnsafe(vars, loopVar)
	}
	for i, item := range items {
		if pr.ctx.Err() != nil {
			break
		}
		if i > 0 && pause > 0 {
			time.Sleep(time.Duration(pause * float64(time.Second)))
		}
		iv := make(map[string]any, len(vars)+4)
		merge(iv, vars)
		iv[loopVar] = item
		iv[template.OriginKey] = origins(i)
		if indexVar != "" {
			iv[indexVar] = i
		}
		if extended {
			ext := map[string]any{"index": i + 1, "index0": i, "first": i == 0, "last": i == len(items)-1,
				"length": len(items), "revindex": len(items) - i, "revindex0": len(items) - i - 1, "allitems": items}
			if i > 0 {
				ext["previtem"] = items[i-1]
			}
			if i < len(items)-1 {
				ext["nextitem"] = items[i+1]
			}
			iv["ansible_loop"] = ext
		}
		var lbl any = item
		relabel := false
		if label != nil {
			if lv, err := r.tpl.RenderValue(label, iv); err == nil {
				lbl = lv
			}
		} else if t.LoopWith == "" && template.HoldsTemplate(item) {
			// the default label is '{{ item }}' templated: an item that is
			// not unsafe (loop:, not with_*) is templated again
			if lv, err := r.tpl.RenderValue(item, iv); err == nil {
				lbl, relabel = lv, true
			}
		}
		itemMkOut := mkOut
		var res map[string]any
		if perItem {
			d, addr, err := pr.delegate(t, host, iv)
			if err != nil {
				res = errResult(undefinedMsg(err, t))
			} else {
				pr.connMagicVars(iv, t, host, d)
				itemMkOut = func(m map[string]any, l bool) *output.Result {
					o := mkOut(m, l)
					o.Delegate, o.DelegateAddr = "", nil
					if d != "" && d != host {
						o.Delegate, o.DelegateAddr = d, addr
					}
					return o
				}
				res = pr.execute(t, host, iv, d, itemMkOut, &itemInfo{label: lbl})
			}
		} else {
			res = pr.execute(t, host, iv, delegate, mkOut, &itemInfo{label: lbl})
		}
		res[loopVar] = item
		res["ansible_loop_var"] = loopVar
		if indexVar != "" {
			res[indexVar] = i
			res["ansible_index_var"] = indexVar
		}
		if extended {
			res["ansible_loop"] = iv["ansible_loop"]
		}
		if label != nil || relabel {
			res["_ansible_item_label"] = lbl
		}
		if t.Register != "" && t.LoopWith == "" && template.HoldsTemplate(item) {
			if relabel {
				res[regItemKey] = lbl
			} else if lv, err := r.tpl.RenderValue(item, iv); err == nil {
				res[regItemKey] = lv
			}
		}
		if _, ok := res["changed"]; !ok && !truthy(res["skipped"]) && !isErrResult(res) && !isInclude(t) {
			res["changed"] = false
		}
		delete(res, errKey)
		if !bypass && !isInclude(t) {
			o := itemMkOut(res, false)
			r.emit(func() {
				// an item's --diff comes before its line
				if _, has := res["diff"]; has && effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.Diff }, r.opt.Diff) {
					if d, ok := pr.cb.(output.Differ); ok {
						d.Diff(o)
					}
				}
				pr.itemResult(res, o)
			})
		}
		if truthy(res["changed"]) {
			agg["changed"] = true
		}
		if !truthy(res["skipped"]) {
			agg["skipped"] = false
		}
		if truthy(res["failed"]) && !truthy(agg["failed"]) {
			agg["failed"] = true
			agg["msg"] = "One or more items failed"
		}
		results = append(results, res)
	}
	agg["results"] = results
	if !truthy(agg["failed"]) {
		agg["msg"] = "All items completed"
	}
	if truthy(agg["skipped"]) {
		agg["msg"] = "All items skipped"
	}
	return agg
}

type itemInfo struct{ label any }

// undefinedMsg formats a templating error of task arguments as Ansible.
// argsErrResult is the result of a task whose arguments failed to render,
// by what Ansible's templating let through: a Python ValueError becomes
// Base.post_validate's "invalid value" parser error (with the position),
// another Python exception the worker's traceback result, an AnsibleError
// its message.
func argsErrResult(err error, t *playbook.Task) map[string]any {
	var te *template.TemplateError
	if errors.As(err, &te) && te.PyClass != "" {
		if te.PyClass == "ValueError" {
			return errResult(errorWithContext(fmt.Sprintf("the field 'args' has an invalid value (%s), and could not be converted to an dict.The error was: %s",
				pyfmt.Repr(t.Args), te.Msg), t.Pos))
		}
		return map[string]any{"failed": true, "changed": false,
			"exception": "Traceback (most recent call last):\n  File \"<template>\", line 1, in root\n" + te.PyClass + ": " + te.Msg + "\n"}
	}
	return errResult(undefinedMsg(err, t))
}

func undefinedMsg(err error, t *playbook.Task) string {
	var ve *vault.Error
	if errors.As(err, &ve) {
		// AnsibleVaultError from an inline !vault value: its message alone
		return ve.Msg
	}
	var ue *template.UndefinedError
	if errors.As(err, &ue) {
		m := ue.Error()
		return errorWithContext(fmt.Sprintf("The task includes an option with an undefined variable. The error was: %s. %s", m, m), t.Pos)
	}
	if m := err.Error(); strings.HasPrefix(m, "An unhandled exception occurred while running the lookup plugin ") ||
		strings.HasPrefix(m, "lookup plugin (") && strings.HasSuffix(m, ") not found") {
		// a lookup's AnsibleError: no position
		return m
	}
	if m := err.Error(); strings.HasPrefix(m, "Unexpected templating type error occurred on (") {
		// AnsibleError(orig_exc=TypeError): the type error again
		if i := strings.Index(m, "): "); i >= 0 {
			return m + ". " + m[i+3:]
		}
		return m
	}
	if m := err.Error(); strings.HasPrefix(m, "An unhandled exception occurred while templating ") {
		// AnsibleJ2Vars' AnsibleError for a variable's template: no position
		return m
	}
	if m, ok := templateSyntaxMsg(err); ok {
		// AnsibleError with orig_exc: the Jinja message repeated, no
		// position
		return m
	}
	// any other AnsibleError from templating the arguments propagates
	// without an object, so without a position (Base.post_validate adds
	// one only for undefined variables)
	return err.Error()
}

// templateSyntaxMsg formats a "template error while templating string"
// as Ansible's AnsibleError does (its message, then ". " and the original
// exception's).
func templateSyntaxMsg(err error) (string, bool) {
	var te *template.TemplateError
	if !errors.As(err, &te) {
		return "", false
	}
	m := te.Error()
	if !strings.HasPrefix(m, templatingPrefix) {
		return "", false
	}
	inner, ok := jinjaMessage(m)
	if !ok {
		return "", false
	}
	return m + ". " + inner, true
}

const templatingPrefix = "template error while templating string: "

// jinjaMessage extracts Jinja's own message from a "template error while
// templating string: MSG. String: SRC" text.
func jinjaMessage(m string) (string, bool) {
	i := strings.Index(m, templatingPrefix)
	if i < 0 {
		return "", false
	}
	inner := m[i+len(templatingPrefix):]
	j := strings.LastIndex(inner, ". String: ")
	if j < 0 {
		return "", false
	}
	return inner[:j], true
}

// execute runs the task once (one item) for host.
func (pr *playRun) execute(t *playbook.Task, host string, vars map[string]any, delegate string, mkOut func(map[string]any, bool) *output.Result, item *itemInfo) map[string]any {
	r := pr.r
	// when
	if when := allWhen(t); len(when) > 0 {
		ok, err := r.tpl.Conditional(when, vars)
		if err != nil {
			return errResult(condErrorMsg(when, err, t))
		}
		if !ok {
			return map[string]any{"changed": false, "skipped": true, "skip_reason": "Conditional result was False"}
		}
	}
	if t.Module == "include_tasks" || t.Module == "include_role" || t.Module == "include" {
		args, err := r.tpl.RenderValue(t.Args, vars)
		if err != nil {
			return errResult(undefinedMsg(err, t))
		}
		// Ansible's result: the templated file and the raw arguments
		// without it; goplay keeps the templated arguments for the include.
		raw := map[string]any{}
		var order []string
		keys := t.ArgOrder
		if len(keys) == 0 {
			keys = pyfmt.KeyOrder(t.Args)
		}
		for _, k := range keys {
			v, ok := t.Args[k]
			if !ok || (t.Module != "include_role" && (k == "_raw_params" || k == "file")) {
				continue
			}
			raw[k] = v
			order = append(order, k)
		}
		pyfmt.SetOrder(raw, order)
		res := map[string]any{}
		if item == nil {
			res["changed"] = false // TaskExecutor.run adds it; loop items have none
		}
		if t.Module != "include_role" {
			am, _ := args.(map[string]any)
			for _, k := range []string{"file", "_raw_params"} {
				if f, ok := am[k]; ok {
					res["include"] = f
				}
			}
		}
		res["include_args"] = raw
		res[includeArgsKey] = args
		if item != nil {
			res["_ansible_item_label"] = item.label
		}
		return res
	}
	retries := 3
	delay := 5.0
	if t.HasRetries {
		rv, err := r.tpl.RenderValue(t.Retries, vars)
		if err == nil {
			if n, ok := modules.ToInt(rv); ok {
				retries = n
			}
		}
	}
	if t.Delay != nil {
		if dv, err := r.tpl.RenderValue(t.Delay, vars); err == nil {
			if f, ok := modules.ToFloat(dv); ok {
				delay = f
			}
		}
	}
	if delay < 0 {
		delay = 1
	}
	total := 1
	if len(t.Until) > 0 && retries > 0 {
		total = retries + 1
	}
	var res map[string]any
	defer func() {
		// TaskExecutor._execute: a delegated task's result that went
		// through its action carries the delegate's connection variables
		if delegate != "" && res != nil && !truthy(res["unreachable"]) && !isErrResult(res) && !(actionPlugins[t.Module] && actionFailed(res)) {
			res[output.DelegatedVarsKey] = pr.delegatedVars(t, host, delegate, vars)
		}
	}()
	for attempt := 1; attempt <= total; attempt++ {
		res = pr.runModule(t, host, vars, delegate)
		if truthy(res["unreachable"]) || isErrResult(res) {
			return res
		}
		if _, ok := res["failed"]; !ok {
			if rc, ok := res["rc"]; ok && rc != 0 && rc != "0" {
				res["failed"] = true
			} else {
				res["failed"] = false
			}
		}
		if len(t.Until) > 0 {
			res["attempts"] = attempt
		}
		if _, ok := res["changed"]; !ok {
			res["changed"] = false
		}
		cv := vars
		if t.Register != "" {
			cv = make(map[string]any, len(vars)+1)
			merge(cv, vars)
			cv[t.Register] = registered(res)
			markUnsafe(cv, t.Register)
		}
		if !truthy(res["skipped"]) {
			if len(t.ChangedWhen) > 0 {
				ok, err := r.tpl.Conditional(t.ChangedWhen, cv)
				if err != nil {
					res["failed"] = true
					res["changed_when_result"] = condErrorMsg(t.ChangedWhen, err, t)
				} else {
					res["changed"] = ok
				}
			}
			if len(t.FailedWhen) > 0 && !truthy(res["changed_when_result"]) {
				ok, err := r.tpl.Conditional(t.FailedWhen, cv)
				if err != nil {
					res["failed"] = true
					res["failed_when_result"] = condErrorMsg(t.FailedWhen, err, t)
				} else {
					res["failed_when_result"] = ok
					res["failed"] = ok
				}
			}
		}
		if total > 1 {
			if t.Register != "" {
				cv[t.Register] = registered(res)
				markUnsafe(cv, t.Register)
			}
			ok, err := r.tpl.Conditional(t.Until, cv)
			if err != nil {
				return errResult(condErrorMsg(t.Until, err, t))
			}
			if ok {
				break
			}
			if attempt < total {
				res["_ansible_retry"] = true
				res["retries"] = total
				o := mkOut(res, false)
				r.emit(func() { pr.cb.Retry(o) })
				delete(res, "_ansible_retry")
				delete(res, "retries")
				select {
				case <-pr.ctx.Done():
					return res
				case <-time.After(time.Duration(delay * float64(time.Second))):
				}
			} else {
				res["attempts"] = total - 1
				res["failed"] = true
			}
		}
	}
	return res
}

// condErrorMsg formats a conditional's evaluation error as Ansible.
func condErrorMsg(conds []any, err error, t *playbook.Task) string {
	expr := ""
	for _, c := range conds {
		if s, ok := c.(string); ok {
			expr = s
		}
	}
	var ce *template.ConditionalError
	if errors.As(err, &ce) {
		m := ce.Error()
		if inner, ok := jinjaMessage(m); ok && !strings.Contains(m, "An unhandled exception occurred while templating ") {
			// the Jinja message repeated (AnsibleError's orig_exc)
			m += ". " + inner
		}
		return errorWithContext(m, t.Pos)
	}
	var ue *template.UndefinedError
	m := err.Error()
	if strings.HasPrefix(m, "error while evaluating conditional") {
		return errorWithContext(fmt.Sprintf("The conditional check '%s' failed. The error was: %s", expr, m), t.Pos)
	}
	if errors.As(err, &ue) {
		m = ue.Error() + ". " + ue.Error()
	}
	return errorWithContext(fmt.Sprintf("The conditional check '%s' failed. The error was: error while evaluating conditional (%s): %s", expr, expr, m), t.Pos)
}

// externalModule finds the task's module in the library directories. A
// library module shadows a registered one of the same short name, unless
// the registered one runs on the controller or the task names it
// ansible.builtin.* (builtinOnly).
func (pr *playRun) externalModule(t *playbook.Task, builtinOnly bool) (string, bool) {
	if builtinOnly || pr.play.Playbook == nil {
		return "", false
	}
	return external.Find(t.Action, pr.play.Playbook.LibraryDirs())
}

// actionPlugins are the modules that Ansible implements as controller-side
// action plugins only (their argument errors are exceptions).
var actionPlugins = map[string]bool{"debug": true, "fail": true, "assert": true, "set_fact": true, "add_host": true,
	"group_by": true, "pause": true, "meta": true, "include_vars": true, "set_stats": true}

// noDiscovery lists the modules Ansible runs without Python on the target
// (so without interpreter discovery).
var noDiscovery = map[string]bool{"raw": true, "script": true}

// discoverInterpreter is Ansible's interpreter discovery: the first Python
// module run on a host whose ansible_python_interpreter is not set finds
// the interpreter, returns it as the fact discovered_interpreter_python in
// its result. The later items of a loop do not discover again; the fact is
// set on the host (the delegate when delegated) only when the task's
// result is ok, as the strategy stores facts only from ok results, so a
// skipped or failed task leaves the next one to discover again.
func (pr *playRun) discoverInterpreter(ctx context.Context, t *playbook.Task, host, delegate string, vars map[string]any, conn modules.Conn, out map[string]any) {
	r := pr.r
	target := host
	tv := vars
	if delegate != "" && delegate != host {
		target = delegate
		tv = pr.delegateVars(delegate)
	}
	if v, ok := tv["ansible_python_interpreter"]; ok && v != nil {
		return
	}
	r.mu.Lock()
	_, known := r.facts[target]["discovered_interpreter_python"]
	_, pending := r.discovered[host][target]
	r.mu.Unlock()
	if known || pending {
		return
	}
	path := "/usr/bin/python3"
	if o, _, rc, err := conn.Exec(ctx, "command -v /usr/bin/python3 || command -v python3 || command -v /usr/bin/python || command -v python", nil); err == nil && rc == 0 {
		if line := strings.TrimSpace(strings.SplitN(string(o), "\n", 2)[0]); line != "" {
			path = line
		}
	}
	// the fact is kept only if the task's result is ok (keepDiscovered)
	r.mu.Lock()
	if r.discovered[host] == nil {
		r.discovered[host] = map[string]string{}
	}
	r.discovered[host][target] = path
	r.mu.Unlock()
	af, _ := out["ansible_facts"].(map[string]any)
	if af == nil {
		af = map[string]any{}
		out["ansible_facts"] = af
	}
	af["discovered_interpreter_python"] = path
}

// noInvocation lists the modules that Ansible runs as action plugins only,
// whose results carry no "invocation".
var noInvocation = map[string]bool{"raw": true, "script": true, "setup": true, "pause": true, "wait_for_connection": true}

// runModule templates the arguments and runs the module once.
func (pr *playRun) runModule(t *playbook.Task, host string, vars map[string]any, delegate string) map[string]any {
	if t.Async > 0 {
		return pr.runAsync(t, host, vars, delegate)
	}
	return pr.runModuleCtx(pr.ctx, t, host, vars, delegate)
}

// runModuleCtx runs the task's module under ctx (the run's, or an async
// job's).
func (pr *playRun) runModuleCtx(base context.Context, t *playbook.Task, host string, vars map[string]any, delegate string) map[string]any {
	r := pr.r
	argsV, classes, err := pr.renderArgs(t, vars)
	if err != nil {
		return argsErrResult(err, t)
	}
	args, _ := argsV.(map[string]any)
	if args == nil {
		args = map[string]any{}
	}
	if vp, ok := args["_variable_params"]; ok {
		delete(args, "_variable_params")
		m, ok := vp.(map[string]any)
		if !ok {
			return errResult("this task '" + t.Action + "' has extra params, which is only allowed in the following modules: command, shell, script, raw, include_tasks, import_tasks, include_role, import_role, include_vars, add_host, group_by, set_fact, meta")
		}
		for k, v := range m {
			if _, exists := args[k]; !exists {
				args[k] = v
			}
		}
	}
	// module_defaults (TaskExecutor: get_action_args_with_defaults); the
	// gather_facts action hands its arguments, then setup's defaults, to
	// setup
	keys := []string{playbook.TaskDefaultsKey(t)}
	if keys[0] == "gather_facts" {
		keys = append(keys, "setup")
	}
	for _, key := range keys {
		defs := playbook.ModuleDefaultsFor(t, pr.play, key)
		if len(defs) == 0 {
			continue
		}
		merged := map[string]any{}
		for _, d := range defs {
			dv, err := r.tpl.RenderValue(d, vars)
			if err != nil {
				return errResult(undefinedMsg(err, t))
			}
			if m, ok := dv.(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		for k, v := range merged {
			if _, set := args[k]; !set {
				args[k] = v
			}
		}
	}
	for k, v := range args {
		if s, ok := v.(string); ok && s == Omit {
			delete(args, k)
		}
	}
	name := t.Module
	if name == "setup" && t.Action == "gather_facts" {
		name = "setup"
	}
	info, ok := modules.Lookup(name)
	var m modules.Module
	diff := effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.Diff }, r.opt.Diff)
	if path, found := pr.externalModule(t, ok && (info.Local || strings.HasPrefix(t.Action, "ansible.builtin."))); found {
		inf := external.Info(strings.TrimPrefix(t.Action, "ansible.legacy."), path)
		info, ok = &inf, true
		m = inf.New()
		args["_ansible_no_log"] = noLog(t, pr.play, r, vars)
		args["_ansible_diff"] = diff
		args["_ansible_module_name"] = t.Action
	}
	if !ok {
		// an ansible.builtin module goplay has no Go code for: ansible-core's
		// own, when it is installed on the controller
		// (package, unarchive and assemble behind goplay's versions of
		// their action plugins)
		action := t.Action
		var staged *external.Module
		var res map[string]any
		switch modules.ShortName(action) {
		case "package":
			// the package action runs the host's package manager module
			var mgr string
			if mgr, res = pr.packageManager(base, t, host, vars, delegate, args); res == nil {
				delete(args, "use")
				action = mgr
			}
		case "unarchive":
			// checks creates and dest, sends a controller archive along
			staged, res = pr.unarchiveAction(base, t, host, vars, delegate, args)
		case "assemble":
			staged, res = pr.assembleAction(t, args, pr.checkMode(t))
		}
		if res != nil {
			return res
		}
		if path, found := external.CoreModule(action); found {
			inf := external.Info(strings.TrimPrefix(action, "ansible.legacy."), path)
			info, ok = &inf, true
			m = inf.New()
			if staged != nil {
				m = staged
			}
			args["_ansible_no_log"] = noLog(t, pr.play, r, vars)
			args["_ansible_diff"] = diff
			args["_ansible_module_name"] = "ansible.legacy." + modules.ShortName(action)
			if action == t.Action {
				args["_ansible_module_name"] = t.Action
			}
		}
	}
	if !ok {
		return errResult(fmt.Sprintf("The module %s was not found in configured module paths", t.Action))
	}
	if m == nil {
		var err error
		if m, _, err = modules.New(name, args); err != nil {
			if actionPlugins[info.Name] {
				// an action plugin raises: no "changed" in the result
				return errResult(err.Error())
			}
			return map[string]any{"failed": true, "msg": err.Error()}
		}
	}
	check := pr.checkMode(t)
	if check && !info.CheckMode {
		return map[string]any{"changed": false, "skipped": true, "msg": fmt.Sprintf("remote module (%s) does not support check mode", name)}
	}
	req := &modules.Request{
		Args: args, Vars: vars, Host: host, Check: check, Diff: diff, Verbosity: r.opt.Verbosity,
		RemoteTmp: pr.hostRemoteTmp(host, vars, delegate),
		// As debug's var= does in Ansible: "{{expr}}" with the usual typing
		// (a plain variable keeps its type, anything else renders as text).
		Template: func(expr string) (any, error) { return r.tpl.Render("{{"+expr+"}}", vars) },
		Warn:     func(msg string) { r.d.Warning(msg) },
		Find:     func(kind, name string) (string, error) { return r.findFile(t, kind, name) },
		Render: func(text string, extra map[string]any) (string, error) {
			v := vars
			if len(extra) > 0 {
				v = make(map[string]any, len(vars)+len(extra))
				for k, x := range vars {
					v[k] = x
				}
				for k, x := range extra {
					v[k] = x
				}
			}
			return r.tpl.RenderString(text, v)
		},
		Log: func(format string, a ...any) {
			if r.opt.Verbosity >= 3 {
				r.d.Print(fmt.Sprintf("<%s> ", host)+fmt.Sprintf(format, a...), "0;34")
			}
		},
	}
	req.Tmp = r.tmpDir()
	if !info.Local {
		conn, err := pr.connect(t, host, vars, delegate)
		if err != nil {
			var ue UnreachableError
			if errors.As(err, &ue) {
				return map[string]any{"changed": false, "msg": unreachableMsg(ue), "unreachable": true}
			}
			if isTaskFailure(err) {
				return errResult(err.Error())
			}
			return map[string]any{"changed": false, "msg": err.Error(), "unreachable": true}
		}
		env, order, err := pr.environment(t, vars)
		if err != nil {
			return errResult(err.Error())
		}
		req.Conn = newEnvConn(conn, env, order)
	}
	var touched *touchConn
	if req.Conn != nil {
		req.Conn, touched = newTouchConn(req.Conn)
	}
	ctx := base
	if t.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(t.Timeout)*time.Second)
		defer cancel()
	}
	res, err := m.Run(ctx, req)
	if t.Timeout > 0 && ctx.Err() == context.DeadlineExceeded && base.Err() == nil {
		// TaskExecutor's TaskTimeoutError
		return map[string]any{"failed": true, "changed": false, output.EarlyResultKey: true, "msg": fmt.Sprintf(
			"The %s action failed to execute in the expected time frame (%d) and was terminated", t.Action, t.Timeout)}
	}
	if err != nil {
		var ue UnreachableError
		if errors.As(err, &ue) {
			return map[string]any{"changed": false, "msg": unreachableMsg(ue), "unreachable": true}
		}
		return errResult(err.Error())
	}
	out := res.Dict()
	if req.Conn != nil && (!truthy(out["failed"]) || touched.used.Load()) && !noDiscovery[info.Name] {
		pr.discoverInterpreter(ctx, t, host, delegate, vars, req.Conn, out)
	}
	// the setup module reports its invocation; the gather_facts action
	// plugin that also runs it keeps only the facts
	setupTask := info.Name == "setup" && !strings.HasSuffix(t.Action, "gather_facts")
	if _, ext := m.(*external.Module); !ext && !info.Local && (!noInvocation[info.Name] || setupTask) {
		if _, ok := out["invocation"]; !ok {
			out["invocation"] = map[string]any{"module_args": modules.Invocation(m, args)}
		}
	}
	if info.Name == "setup" && !setupTask && truthy(out["failed"]) && !isErrResult(out) {
		// the gather_facts action plugin reports its failed fact modules
		inner := map[string]any{"failed": true, "msg": out["msg"]}
		if inv, ok := out["invocation"]; ok {
			inner["invocation"] = inv
		}
		out = map[string]any{"ansible_facts": map[string]any{}, "changed": false, "failed": true,
			"failed_modules":            map[string]any{"ansible.legacy.setup": inner},
			"msg":                       "The following modules failed to execute: ansible.legacy.setup\n",
			"_ansible_verbose_override": true}
	}
	if info.Name == "setup" && !setupTask && !truthy(out["failed"]) {
		// the gather_facts action plugin combines its modules' facts,
		// warnings and deprecations (_combine_task_result), and marks the
		// facts as gathered
		for _, k := range []string{"warnings", "deprecations"} {
			if _, ok := out[k]; !ok {
				out[k] = []any{}
			}
		}
		// (in the stored facts only: results shown are stripped of
		// _ansible_ keys, nested ones too)
		for i, e := range res.Effects {
			if sf, ok := e.(modules.SetFacts); ok && sf.Facts != nil {
				facts := make(map[string]any, len(sf.Facts)+1)
				for k, v := range sf.Facts {
					facts[k] = v
				}
				facts["_ansible_facts_gathered"] = true
				sf.Facts = facts
				res.Effects[i] = sf
			}
		}
	}
	factHost := host
	if delegate != "" && delegate != host && effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.DelegateFacts }, false) {
		// delegate_facts: facts go to the delegated host
		factHost = delegate
	}
	pr.applyEffects(t, factHost, res, out)
	pr.recordClasses(factHost, res, classes)
	return out
}

// applyEffects applies the run-level effects a module returned.
func (pr *playRun) applyEffects(t *playbook.Task, host string, res *modules.Result, out map[string]any) {
	r := pr.r
	for _, e := range res.Effects {
		switch x := e.(type) {
		case modules.AddHost:
			changed, err := r.inv.AddHost(x.Name, x.Port, x.Groups, x.Vars)
			if err != nil {
				out["failed"] = true
				out["msg"] = err.Error()
			}
			out["changed"] = changed
		case modules.GroupBy:
			changed := false
			for _, g := range x.Groups {
				if c, _ := r.inv.AddGroup(g, x.Parents...); c {
					changed = true
				}
				if c, _ := r.inv.AddHost(host, 0, []string{g}, nil); c {
					changed = true
				}
			}
			out["changed"] = changed
		case modules.SetFacts:
			r.mu.Lock()
			target := r.nonPersist
			if t.Module == "setup" || x.Cacheable {
				target = r.facts
			}
			if target[host] == nil {
				target[host] = map[string]any{}
			}
			for k, v := range x.Facts {
				target[host][k] = v
			}
			if t.Module == "include_vars" {
				if r.includeVars[host] == nil {
					r.includeVars[host] = map[string]any{}
				}
				for k, v := range x.Facts {
					r.includeVars[host][k] = v
				}
				delete(target[host], "")
			}
			r.mu.Unlock()
		}
	}
}

// runMeta handles meta tasks, which print no banner for most actions.
func (pr *playRun) runMeta(t *playbook.Task, hosts []string) {
	action, _ := t.Args["_raw_params"].(string)
	action = strings.TrimSpace(action)
	name := pr.taskName(t, hosts[0])
	// The linear strategy runs a meta task host by host, printing its
	// banner each time; most actions run once, for the first host only.
	perHost := map[string]bool{"noop": true, "reset_connection": true, "end_host": true, "role_complete": true, "flush_handlers": true}[action]
	cand := hosts
	if !perHost {
		cand = hosts[:1]
	}
	when := allWhen(t)
	var active []string
	noWhen := map[string]bool{"noop": true, "refresh_inventory": true, "reset_connection": true}[action]
	for _, h := range cand {
		if fc, ok := pr.cb.(*freeCallback); ok {
			fc.task = t
		}
		pr.cb.TaskStart(name, t.Handler, false)
		pr.r.taskPos(pr.cb, t)
		if noWhen && len(when) > 0 {
			// these do not support "when": Ansible warns and runs them
			pr.r.d.Warning(action + " task does not support when conditional")
		}
		if len(when) == 0 || noWhen {
			active = append(active, h)
			continue
		}
		vars := pr.taskVars(h, t)
		ok, err := pr.r.tpl.Conditional(when, vars)
		if err == nil && ok {
			active = append(active, h)
			continue
		}
		// meta results are not counted in the recap
		msg, reason := metaSkip(action, h)
		pr.cb.Skipped(&output.Result{Host: h, Action: "meta", TaskName: name,
			Data: map[string]any{"msg": msg, "skip_reason": reason}})
	}
	if len(active) == 0 {
		return
	}
	switch action {
	case "flush_handlers":
		pr.flushHandlers()
	case "end_play":
		pr.endPlay = true
	case "end_batch":
		pr.endPlay = true
	case "end_host":
		pr.mu.Lock()
		for _, h := range active {
			pr.state[h].ended = true
		}
		pr.mu.Unlock()
	case "clear_host_errors":
		// Failed hosts no longer count as failed (later plays, exit code),
		// but they do not resume in this play.
		pr.mu.Lock()
		for h, st := range pr.state {
			if st.failed {
				st.cleared = true
			}
			pr.r.mu.Lock()
			delete(pr.r.failed, h)
			pr.r.mu.Unlock()
		}
		pr.mu.Unlock()
	case "clear_facts":
		pr.r.mu.Lock()
		for _, h := range hosts {
			delete(pr.r.facts, h)
		}
		pr.r.mu.Unlock()
	case "reset_connection":
		// the local connection has no reset (ConnectionBase.reset warns)
		for _, h := range active {
			if kind, _ := pr.connSpec(t, h, pr.taskVars(h, t), ""); kind == "local" {
				pr.r.d.Warning("Reset is not implemented for this connection")
			}
		}
	case "noop", "refresh_inventory", "":
	default:
		pr.r.d.Error(fmt.Sprintf("invalid meta action requested: %s", action))
	}
}

func sortedStrings(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func truthy(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

// errKey marks a result made from an error that Ansible raises as an
// exception inside the task executor (undefined variables, conditionals,
// connection and module loading failures): such results carry only
// failed and msg, no "changed".
const errKey = "_goplay_error"

func errResult(msg string) map[string]any {
	return map[string]any{"failed": true, "msg": msg, errKey: true}
}

func isErrResult(res map[string]any) bool {
	_, ok := res[errKey]
	return ok
}

// taskPath is Ansible's Task.get_path(): the task's file, absolute, and
// its line ("" for tasks goplay made up).
func taskPath(t *playbook.Task) string {
	if !t.Pos.IsValid() || t.Pos.File == "" {
		return ""
	}
	f, err := filepath.Abs(t.Pos.File)
	if err != nil {
		f = t.Pos.File
	}
	return f + ":" + strconv.Itoa(t.Pos.Line)
}

// markUnsafe marks a variable of vars as unsafe (not templated again).
func markUnsafe(vars map[string]any, name string) {
	if u, ok := vars[template.UnsafeVarsKey].(map[string]bool); ok {
		u[name] = true
	}
}

// bannerArgs is display_args_to_stdout's " k=v, k2=v2" (the task's
// arguments as written, in order).
func bannerArgs(t *playbook.Task) string {
	keys := t.ArgOrder
	if len(keys) != len(t.Args) {
		keys = pyfmt.KeyOrder(t.Args)
	}
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if v, ok := t.Args[k]; ok {
			parts = append(parts, k+"="+pyfmt.Str(v))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, ", ")
}

// metaSkip is the message and skip reason of a meta task whose condition
// is false (StrategyBase._execute_meta).
func metaSkip(action, host string) (string, string) {
	reason := action + " conditional evaluated to False"
	switch action {
	case "flush_handlers":
		reason += ", not running handlers for " + host
	case "clear_facts":
		reason += ", not clearing facts and fact cache for " + host
	case "clear_host_errors":
		reason += ", not clearing host error state for " + host
	case "end_batch":
		reason += ", continuing current batch"
	case "end_play":
		reason += ", continuing play"
	case "end_host":
		reason += ", continuing execution for " + host
		return "end_host conditional evaluated to false, continuing execution for " + host, reason
	}
	return action, reason
}

// actionFailed tells whether a result is an action plugin's
// AnsibleActionFail (its empty traceback); a controller action plugin
// lets it reach the executor, which returns it as is.
func actionFailed(res map[string]any) bool {
	e, ok := res["exception"].(string)
	return ok && e == "NoneType: None\n"
}

// checkMode is the task's check_mode: the keyword, else -C.
func (pr *playRun) checkMode(t *playbook.Task) bool {
	return effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.CheckMode }, pr.r.opt.Check)
}

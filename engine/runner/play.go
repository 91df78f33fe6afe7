package runner

import (
	"context"
	"github.com/goplay/goplay/engine/output"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/modules"
)

type batchResult struct {
	breakPlay bool // any_errors_fatal / max_fail_percentage abort
	endPlay   bool
}

// hostState is one host's progress through a batch.
type hostState struct {
	failed      bool // failed in this play (removed from later tasks)
	unreachable bool
	ended       bool // meta: end_host
	forced      bool // failed, but running handlers under force_handlers
	cleared     bool // failed, then meta: clear_host_errors
}

type playRun struct {
	r        *Runner
	ctx      context.Context
	play     *playbook.Play
	batch    []string
	allHosts []string
	mu       sync.Mutex
	state    map[string]*hostState
	// notified handlers: handler task -> hosts
	notified map[*playbook.Task]map[string]bool
	abort    bool // break_play
	endPlay  bool
	// endBatch stops this serial batch only (any_errors_fatal with
	// unreachable hosts).
	endBatch  bool
	varsFiles map[string]map[string]any // per host
	handlers  []*playbook.Task
	// batchFailed counts failures in this batch for max_fail_percentage.
	batchFailed map[string]bool
	hvCache     map[string]any
	// inRoles is set while the play's roles: section runs; rolesRan holds
	// the roles (path and parameters) run in it.
	inRoles  bool
	rolesRan map[string]bool
	// publicRoles are include_role roles with public: true
	publicRoles []*playbook.Role
	// cb is where this play's results go: the runner's callback, or for
	// the free strategy one host's view of it (freeCallback).
	cb output.Callback
	// free is set when each host of the batch walks the play on its own
	// (strategy free or host_pinned); batchAll is then the whole batch
	// (ansible_play_batch) while batch holds the one host.
	free     *freeShared
	batchAll []string
}

func (r *Runner) runBatch(ctx context.Context, play *playbook.Play, batch, all []string) batchResult {
	if free, pinned := freeStrategy(play.Strategy); free {
		return r.runFreeBatch(ctx, play, batch, all, pinned)
	}
	pr := r.newPlayRun(ctx, play, batch, all)
	r.cb.PlayStart(play.Name, r.opt.Check)
	r.playPos(play)
	return pr.run()
}

func (r *Runner) newPlayRun(ctx context.Context, play *playbook.Play, batch, all []string) *playRun {
	pr := &playRun{r: r, ctx: ctx, play: play, batch: batch, allHosts: all,
		state: map[string]*hostState{}, notified: map[*playbook.Task]map[string]bool{},
		varsFiles: map[string]map[string]any{}, batchFailed: map[string]bool{}, cb: r.cb}
	for _, h := range batch {
		pr.state[h] = &hostState{}
	}
	return pr
}

// run runs the play on the batch, once its banner is out.
func (pr *playRun) run() batchResult {
	r := pr.r
	play := pr.play
	batch := pr.batch
	if err := pr.loadVarsFiles(); err != nil {
		r.d.Error(err.Error())
		pr.abort = true
		return batchResult{breakPlay: true}
	}
	pr.handlers = flattenHandlers(play)

	if pr.gatherFacts() {
		pr.runTask(gatherTask(play, &pr.r.opt), batch)
	}
	sections := [][]*playbook.Task{play.PreTasks, pr.roleTasks(), play.Tasks, play.PostTasks}
	for i, sec := range sections {
		if i == 2 && len(play.Roles) > 0 {
			// roles and tasks form one section for handler flushing
		} else if i > 0 {
			pr.flushHandlers()
		}
		if pr.abort || pr.endPlay || pr.endBatch {
			break
		}
		pr.inRoles = i == 1
		pr.runList(sec, batch)
		pr.inRoles = false
	}
	if pr.forceHandlers() {
		pr.forceFlush()
	} else if !pr.abort && !pr.endPlay && !pr.endBatch {
		pr.flushHandlers()
	}
	// hosts that failed stay failed for later plays
	r.mu.Lock()
	for h, st := range pr.state {
		if st.failed && !st.cleared {
			r.failed[h] = true
		}
	}
	r.mu.Unlock()
	return batchResult{breakPlay: pr.abort, endPlay: pr.endPlay}
}

func (pr *playRun) gatherFacts() bool {
	g := pr.play.GatherFacts
	if g != nil {
		return *g
	}
	switch pr.r.opt.Gathering {
	case "explicit":
		return false
	}
	return true
}

// gatherTask is the implicit "Gathering Facts" task: the play's
// gather_subset, gather_timeout and fact_path (or their configured
// defaults) are its arguments (PlayIterator), above module_defaults.
func gatherTask(play *playbook.Play, opt *Options) *playbook.Task {
	args := map[string]any{}
	subset := play.GatherSubset
	if subset == nil {
		subset = opt.GatherSubset
	}
	if subset != nil {
		sub := make([]any, len(subset))
		for i, s := range subset {
			sub[i] = s
		}
		args["gather_subset"] = sub
	}
	if play.GatherTimeout != nil {
		args["gather_timeout"] = play.GatherTimeout
	} else if opt.GatherTimeout != 0 {
		args["gather_timeout"] = opt.GatherTimeout
	}
	if play.FactPath != "" {
		args["fact_path"] = play.FactPath
	} else if opt.FactPath != "" {
		args["fact_path"] = opt.FactPath
	}
	return &playbook.Task{Pos: play.Pos, Name: "Gathering Facts", HasName: true, Action: "gather_facts",
		Module: "setup", Args: args, Play: play}
}

func (pr *playRun) roleTasks() []*playbook.Task {
	var out []*playbook.Task
	for _, role := range pr.play.Roles {
		out = append(out, playbook.RoleBlock(role, nil, pr.play))
	}
	return out
}

func flattenHandlers(play *playbook.Play) []*playbook.Task {
	var out []*playbook.Task
	var addRole func(r *playbook.Role)
	addRole = func(r *playbook.Role) {
		for _, d := range r.Deps {
			addRole(d)
		}
		out = append(out, flat(r.Handlers)...)
	}
	for _, r := range play.Roles {
		addRole(r)
	}
	out = append(out, flat(play.Handlers)...)
	return out
}

func flat(ts []*playbook.Task) []*playbook.Task {
	var out []*playbook.Task
	for _, t := range ts {
		if t.IsBlock {
			out = append(out, flat(t.Block)...)
			out = append(out, flat(t.Rescue)...)
			out = append(out, flat(t.Always)...)
			continue
		}
		out = append(out, t)
	}
	return out
}

// active returns the hosts of hosts that can still run tasks.
func (pr *playRun) active(hosts []string) []string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var out []string
	for _, h := range hosts {
		st := pr.state[h]
		if st == nil || st.failed || st.unreachable || st.ended {
			continue
		}
		out = append(out, h)
	}
	return out
}

func (pr *playRun) runList(tasks []*playbook.Task, hosts []string) {
	for _, t := range tasks {
		if pr.abort || pr.endPlay || pr.endBatch || pr.ctx.Err() != nil {
			return
		}
		act := pr.active(hosts)
		if len(act) == 0 {
			return
		}
		if t.IsBlock {
			pr.runBlock(t, act)
			continue
		}
		pr.runTask(t, act)
	}
}

func (pr *playRun) runBlock(b *playbook.Task, hosts []string) {
	if pr.inRoles && b.Role != nil && (b.Parent == nil || b.Parent.Role != b.Role) && !b.Role.AllowDuplicates {
		// A role listed again (or as a dependency again) with the same
		// parameters runs once per play.
		key := b.Role.Key()
		if pr.rolesRan[key] {
			return
		}
		if pr.rolesRan == nil {
			pr.rolesRan = map[string]bool{}
		}
		pr.rolesRan[key] = true
	}
	pr.runList(b.Block, hosts)
	var failedHere []string
	pr.mu.Lock()
	for _, h := range hosts {
		if st := pr.state[h]; st.failed && !st.unreachable {
			failedHere = append(failedHere, h)
		}
	}
	pr.mu.Unlock()
	if len(b.Rescue) > 0 && len(failedHere) > 0 && !pr.abort {
		pr.mu.Lock()
		for _, h := range failedHere {
			pr.state[h].failed = false
		}
		pr.mu.Unlock()
		pr.runList(b.Rescue, failedHere)
		failedHere = nil
		pr.mu.Lock()
		for _, h := range hosts {
			if st := pr.state[h]; st.failed && !st.unreachable {
				failedHere = append(failedHere, h)
			}
		}
		pr.mu.Unlock()
	}
	if len(b.Always) > 0 && !pr.abort {
		pr.mu.Lock()
		var run []string
		for _, h := range hosts {
			if st := pr.state[h]; !st.unreachable && !st.ended {
				run = append(run, h)
				st.failed = false
			}
		}
		pr.mu.Unlock()
		pr.runList(b.Always, run)
		pr.mu.Lock()
		for _, h := range failedHere {
			pr.state[h].failed = true
		}
		pr.mu.Unlock()
	}
}

// inRescueBlock reports whether a failure of t would be rescued.
func inRescueBlock(t *playbook.Task) bool {
	for p := t.Parent; p != nil; p = p.Parent {
		if len(p.Rescue) > 0 && containsTask(p.Block, t) {
			return true
		}
	}
	return false
}

func containsTask(list []*playbook.Task, t *playbook.Task) bool {
	for _, x := range list {
		if x == t {
			return true
		}
		if x.IsBlock && (containsTask(x.Block, t) || containsTask(x.Rescue, t) || containsTask(x.Always, t)) {
			return true
		}
	}
	return false
}

// flushHandlers runs notified handlers in the order they are defined.
func (pr *playRun) flushHandlers() {
	if pr.forceHandlers() {
		pr.forceFlush()
		return
	}
	for _, h := range pr.handlers {
		if pr.abort || pr.endPlay || pr.endBatch {
			return
		}
		pr.mu.Lock()
		hostsSet := pr.notified[h]
		delete(pr.notified, h)
		pr.mu.Unlock()
		if len(hostsSet) == 0 {
			continue
		}
		var hosts []string
		for _, b := range pr.batch {
			if hostsSet[b] {
				hosts = append(hosts, b)
			}
		}
		hosts = pr.active(hosts)
		if len(hosts) == 0 {
			continue
		}
		pr.runTask(h, hosts)
	}
}

func (pr *playRun) forceHandlers() bool {
	return pr.r.opt.ForceHandlers || pr.play.ForceHandler
}

// forceFlush is the end-of-play handler run under force_handlers: notified
// handlers run for failed hosts too (not for unreachable ones).
func (pr *playRun) forceFlush() {
	if pr.ctx.Err() != nil || pr.endPlay {
		return
	}
	for _, h := range pr.handlers {
		pr.mu.Lock()
		hostsSet := pr.notified[h]
		delete(pr.notified, h)
		var hosts []string
		for _, b := range pr.batch {
			if st := pr.state[b]; hostsSet[b] && st != nil && !st.unreachable && !st.ended {
				if st.failed {
					st.failed = false
					st.forced = true
				}
				hosts = append(hosts, b)
			}
		}
		pr.mu.Unlock()
		if len(hosts) > 0 {
			pr.runTask(h, hosts)
		}
	}
	pr.mu.Lock()
	for _, st := range pr.state {
		if st.forced {
			st.failed = true
		}
	}
	pr.mu.Unlock()
}

// notify marks the handlers named by names (by name or listen) for host.
func (pr *playRun) notify(names []string, host string, vars map[string]any) {
	for _, n := range names {
		found := false
		for _, h := range pr.handlers {
			match := false
			hn := h.DisplayName()
			if hn == n || (h.Role != nil && h.Role.Name+" : "+hn == n) {
				match = true
			} else if rn, err := pr.r.tpl.RenderString(hn, vars); err == nil && rn == n {
				match = true
			}
			for _, l := range h.Listen {
				if l == n {
					match = true
				}
			}
			if match {
				found = true
				pr.mu.Lock()
				if pr.notified[h] == nil {
					pr.notified[h] = map[string]bool{}
				}
				pr.notified[h][host] = true
				pr.mu.Unlock()
			}
		}
		if !found {
			pr.r.d.Warning("The handler '" + n + "' was not found")
		}
	}
}

func (pr *playRun) loadVarsFiles() error {
	if len(pr.play.VarsFiles) == 0 {
		return nil
	}
	for _, h := range pr.batch {
		vars := pr.baseVars(h)
		acc := map[string]any{}
		for _, vf := range pr.play.VarsFiles {
			candidates := []any{vf}
			if list, ok := vf.([]any); ok {
				candidates = list // first found
			}
			loaded := false
			var lastErr error
			for _, c := range candidates {
				name, err := pr.r.tpl.RenderString(modules.ToString(c), vars)
				if err != nil {
					lastErr = err
					continue
				}
				path := name
				if !strings.HasPrefix(path, "/") {
					path = pr.play.Playbook.Dir + "/" + name
				}
				if !fileExists(path) {
					lastErr = fmtErr("Could not find or access '%s'", name)
					continue
				}
				m, err := playbook.LoadVarsFile(path)
				if err != nil {
					return err
				}
				for k, v := range m {
					acc[k] = v
					vars[k] = v
				}
				loaded = true
				break
			}
			if !loaded && lastErr != nil {
				return lastErr
			}
		}
		pr.varsFiles[h] = acc
	}
	return nil
}

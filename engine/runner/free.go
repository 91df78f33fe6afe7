package runner

import (
	"context"
	"sync"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
)

// The free and host_pinned strategies: every host of a batch walks the
// play on its own, as fast as it goes, instead of all hosts stepping
// through each task together. Each host gets its own playRun (its own
// blocks, includes, handlers and failures) over the batch; the forks limit
// is shared (free: a host holds a worker for one task at a time;
// host_pinned: for its whole run). The default callback of those
// strategies prints a task's banner when a result of another task than the
// last banner's comes in (CallbackModule._task_start keeps no task name
// for them), which freeCallback reproduces.

// isFreeStrategy reports the strategies goplay runs host by host.
func freeStrategy(s string) (free, pinned bool) {
	switch s {
	case "free", "ansible.builtin.free", "ansible.legacy.free":
		return true, false
	case "host_pinned", "ansible.builtin.host_pinned", "ansible.legacy.host_pinned":
		return true, true
	}
	return false, false
}

// freeShared is what the hosts of a free batch share.
type freeShared struct {
	// sem holds the workers (nil for host_pinned, whose hosts hold one
	// for their whole run).
	sem chan struct{}
	// last is the task whose banner was printed last.
	mu   sync.Mutex
	last *playbook.Task
}

// freeCallback is one host's view of the callback: the task banner waits
// until a result of that task is shown, and is printed again only when
// another task's result came in between.
type freeCallback struct {
	output.Callback
	shared *freeShared

	task    *playbook.Task // the task whose banner is pending
	name    string
	handler bool
	check   bool
	args    string
	hasArgs bool
	pos     [3]string
	hasPos  bool
}

func (c *freeCallback) TaskStart(name string, handler, check bool) {
	c.name, c.handler, c.check = name, handler, check
}

// SetTaskArgs keeps display_args_to_stdout's text for the banner.
func (c *freeCallback) SetTaskArgs(args string) { c.args, c.hasArgs = args, true }

// TaskPos keeps the task's position for the banner (json callback).
func (c *freeCallback) TaskPos(path, id, action string) {
	c.pos, c.hasPos = [3]string{path, id, action}, true
}

// PlayPos forwards the play's position.
func (c *freeCallback) PlayPos(path, id string) {
	if p, ok := c.Callback.(output.Positioned); ok {
		p.PlayPos(path, id)
	}
}

// banner prints the pending task's banner unless it was the last one.
func (c *freeCallback) banner() {
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	if c.task != nil && c.shared.last == c.task {
		return
	}
	c.shared.last = c.task
	if ab, ok := c.Callback.(output.ArgsBanner); ok && c.hasArgs {
		ab.SetTaskArgs(c.args)
	}
	c.Callback.TaskStart(c.name, c.handler, c.check)
	if p, ok := c.Callback.(output.Positioned); ok && c.hasPos {
		p.TaskPos(c.pos[0], c.pos[1], c.pos[2])
	}
}

func (c *freeCallback) OK(r *output.Result)          { c.banner(); c.Callback.OK(r) }
func (c *freeCallback) Skipped(r *output.Result)     { c.banner(); c.Callback.Skipped(r) }
func (c *freeCallback) ItemOK(r *output.Result)      { c.banner(); c.Callback.ItemOK(r) }
func (c *freeCallback) ItemFailed(r *output.Result)  { c.banner(); c.Callback.ItemFailed(r) }
func (c *freeCallback) ItemSkipped(r *output.Result) { c.banner(); c.Callback.ItemSkipped(r) }
func (c *freeCallback) Retry(r *output.Result)       { c.banner(); c.Callback.Retry(r) }
func (c *freeCallback) Failed(r *output.Result, ignore bool) {
	c.banner()
	c.Callback.Failed(r, ignore)
}
func (c *freeCallback) Unreachable(r *output.Result, ignore bool) {
	c.banner()
	c.Callback.Unreachable(r, ignore)
}
func (c *freeCallback) Included(file string, hosts []string, label any) {
	c.banner()
	c.Callback.Included(file, hosts, label)
}

// Diff shows a --diff block after the banner.
func (c *freeCallback) Diff(r *output.Result) {
	if d, ok := c.Callback.(output.Differ); ok {
		c.banner()
		d.Diff(r)
	}
}

// NoHostsRemaining is the batch's to say, once every host is unreachable.
func (c *freeCallback) NoHostsRemaining() {}

// runFreeBatch runs one batch with the free or host_pinned strategy.
func (r *Runner) runFreeBatch(ctx context.Context, play *playbook.Play, batch, all []string, pinned bool) batchResult {
	r.cb.PlayStart(play.Name, r.opt.Check)
	r.playPos(play)
	if play.MaxFailPct != nil {
		r.d.Warning("Using max_fail_percentage with the free strategy is not supported, as tasks are executed independently on each host")
	}
	shared := &freeShared{}
	var hostSem chan struct{}
	if pinned {
		hostSem = make(chan struct{}, r.opt.Forks)
	} else {
		shared.sem = make(chan struct{}, r.opt.Forks)
	}
	results := make([]batchResult, len(batch))
	runs := make([]*playRun, len(batch))
	var wg sync.WaitGroup
	for i, h := range batch {
		pr := r.newPlayRun(ctx, play, []string{h}, all)
		pr.batchAll = batch
		pr.free = shared
		fc := &freeCallback{Callback: r.cb, shared: shared}
		pr.cb = fc
		runs[i] = pr
		if hostSem != nil {
			// host_pinned: hosts take their workers in order
			select {
			case hostSem <- struct{}{}:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if hostSem != nil {
				defer func() { <-hostSem }()
			}
			results[i] = runs[i].run()
		}(i)
	}
	wg.Wait()
	var res batchResult
	unreachable := 0
	for i, pr := range runs {
		if pr == nil {
			continue
		}
		if results[i].endPlay {
			res.endPlay = true
		}
		pr.mu.Lock()
		if st := pr.state[batch[i]]; st != nil && st.unreachable {
			unreachable++
		}
		pr.mu.Unlock()
	}
	// get_hosts_left drops only unreachable hosts
	if unreachable == len(batch) && ctx.Err() == nil {
		r.cb.NoHostsRemaining()
	}
	return res
}

// AsyncPoll and the other async lines follow the task's banner.
func (c *freeCallback) AsyncPoll(host, jid string, started, finished any) {
	if a, ok := c.Callback.(output.AsyncReporter); ok {
		c.banner()
		a.AsyncPoll(host, jid, started, finished)
	}
}

func (c *freeCallback) AsyncOK(host, jid string) {
	if a, ok := c.Callback.(output.AsyncReporter); ok {
		c.banner()
		a.AsyncOK(host, jid)
	}
}

func (c *freeCallback) AsyncFailed(host, jid string) {
	if a, ok := c.Callback.(output.AsyncReporter); ok {
		c.banner()
		a.AsyncFailed(host, jid)
	}
}

package runner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/external"
)

// runAsync runs a task with async as TaskExecutor does: the module runs as
// a background job (ansible_job_id "jNNN.PID", results_file in the
// target's ~/.ansible_async); with poll 0 the task returns at once and
// async_status reports on the job later; otherwise the job is checked
// every poll seconds ("ASYNC POLL on …" while it runs) until it finishes
// ("ASYNC OK/FAILED on …", the module's result with the job's fields) or
// async seconds have passed ("async task did not complete within the
// requested time"). The job is killed as async_wrapper kills it: at the
// first multiple of 5 seconds not below async.
func (pr *playRun) runAsync(t *playbook.Task, host string, vars map[string]any, delegate string) map[string]any {
	if pr.checkMode(t) {
		// ActionBase.run's AnsibleActionFail
		return map[string]any{"failed": true, "changed": false, "exception": "NoneType: None\n",
			"msg": "check mode and async cannot be used on same task."}
	}
	jid := fmt.Sprintf("j%d.%d", 100000000000+rand.Int64N(900000000000), os.Getpid())
	dir := pr.asyncDir(t, host, vars, delegate)
	job := modules.NewAsyncJob(jobHost(host, delegate), jid, dir+"/"+jid)
	// async_wrapper's watchdog checks every 5 seconds, so it kills the job
	// at the first multiple of 5 seconds not below async
	limit := (t.Async + 4) / 5 * 5
	jctx, cancel := context.WithTimeout(pr.ctx, time.Duration(limit)*time.Second)
	pr.r.jobs.Add(1)
	go func() {
		defer pr.r.jobs.Done()
		defer cancel()
		res := pr.runModuleCtx(jctx, t, host, vars, delegate)
		if jctx.Err() == context.DeadlineExceeded && pr.ctx.Err() == nil {
			// async_wrapper's watchdog
			res = map[string]any{"failed": 1, "msg": "Timeout exceeded", "child_pid": 0}
		}
		delete(res, errKey)
		job.Finish(res)
	}()
	poll := pr.r.opt.PollInterval
	if t.HasPoll {
		poll = t.Poll
	}
	if poll <= 0 {
		return map[string]any{"ansible_job_id": jid, "changed": true, "failed": 0, "finished": 0,
			"results_file": job.ResultsFile, "started": 1}
	}
	async, _ := pr.cb.(output.AsyncReporter)
	timeLeft := t.Async
	var res map[string]any
	for timeLeft > 0 {
		select {
		case <-time.After(time.Duration(poll) * time.Second):
		case <-pr.ctx.Done():
			return map[string]any{"failed": true, "msg": "interrupted"}
		}
		if res = job.Result(); res != nil {
			break
		}
		timeLeft -= poll
		if async != nil {
			pr.r.emit(func() { async.AsyncPoll(host, jid, 1, 0) })
		}
	}
	if res == nil {
		if async != nil {
			pr.r.emit(func() { async.AsyncFailed(host, jid) })
		}
		status := map[string]any{"ansible_job_id": jid, "finished": 0, "results_file": job.ResultsFile, "started": 1,
			"stderr": "", "stderr_lines": []any{}, "stdout": "", "stdout_lines": []any{},
			"invocation": map[string]any{"module_args": map[string]any{"_async_dir": dir, "jid": jid, "mode": "status"}}}
		return map[string]any{"failed": true, "changed": false, "async_result": status,
			"msg": fmt.Sprintf("async task did not complete within the requested time - %ds", t.Async)}
	}
	modules.RemoveAsyncJob(jobHost(host, delegate), jid)
	out := make(map[string]any, len(res)+4)
	for k, v := range res {
		out[k] = v
	}
	out["ansible_job_id"], out["finished"], out["results_file"], out["started"] = jid, 1, job.ResultsFile, 1
	if async != nil {
		if truthy(res["failed"]) {
			pr.r.emit(func() { async.AsyncFailed(host, jid) })
		} else {
			pr.r.emit(func() { async.AsyncOK(host, jid) })
		}
	}
	return out
}

// jobHost is the host whose async_status sees a job (the delegate's when
// delegated: the job runs there).
func jobHost(host, delegate string) string {
	if delegate != "" {
		return delegate
	}
	return host
}

// asyncDir is the target's async directory (ansible_async_dir, else
// ~/.ansible_async), with ~ expanded by the target's shell, once per
// target.
func (pr *playRun) asyncDir(t *playbook.Task, host string, vars map[string]any, delegate string) string {
	dir := "~/.ansible_async"
	if v, ok := vars["ansible_async_dir"]; ok && v != nil {
		if s, err := pr.r.tpl.RenderString(modules.ToString(v), vars); err == nil && s != "" {
			dir = s
		}
	} else if d := os.Getenv("ANSIBLE_ASYNC_DIR"); d != "" {
		dir = d
	}
	if !strings.HasPrefix(dir, "~") {
		return strings.TrimRight(dir, "/")
	}
	conn, err := pr.connect(t, host, vars, delegate)
	if err != nil {
		return dir
	}
	return strings.TrimRight(modules.ExpandUser(pr.ctx, conn, dir), "/")
}

// packageManager is the package action's choice of module: the use
// argument, else the host's pkg_mgr fact, else the fact from a setup run;
// res is the failure when none is found.
func (pr *playRun) packageManager(ctx context.Context, t *playbook.Task, host string, vars map[string]any, delegate string, args map[string]any) (string, map[string]any) {
	mgr := "auto"
	if u, ok := args["use"]; ok && u != nil {
		mgr = modules.ToString(u)
	}
	if mgr == "auto" {
		fv := vars
		if delegate != "" && delegate != host {
			fv = pr.delegateVars(delegate)
		}
		if af, ok := fv["ansible_facts"].(map[string]any); ok {
			if s, ok := af["pkg_mgr"].(string); ok && s != "" {
				mgr = s
			}
		}
	}
	if mgr == "auto" {
		// the action's own setup run (its facts are not kept)
		sargs := map[string]any{"filter": []any{"ansible_pkg_mgr"}, "gather_subset": []any{"!all"}}
		if m, _, err := modules.New("setup", sargs); err == nil {
			if conn, err := pr.connect(t, host, vars, delegate); err == nil {
				if res, err := m.Run(ctx, &modules.Request{Args: sargs, Vars: vars, Host: host, Conn: conn}); err == nil && res != nil {
					if af, ok := res.Data["ansible_facts"].(map[string]any); ok {
						if s, ok := af["ansible_pkg_mgr"].(string); ok && s != "" {
							mgr = s
						}
					}
				}
			}
		}
	}
	if mgr == "auto" {
		return "", map[string]any{"failed": true, "exception": "NoneType: None\n", "msg": `Could not detect which package manager to use. Try gathering facts or setting the "use" option.`}
	}
	if _, ok := external.CoreModule(mgr); !ok {
		if _, native := modules.Lookup(mgr); !native {
			return "", map[string]any{"failed": true, "exception": "NoneType: None\n", "msg": "Could not find a module for " + mgr + "."}
		}
	}
	return mgr, nil
}

package builtin

import (
	"context"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "async_status",
		Aliases:   []string{"ansible.builtin.async_status"},
		New:       func() modules.Module { return new(AsyncStatus) },
		CheckMode: true,
		Short:     "Obtain status of asynchronous task",
	})
}

// AsyncStatus reports on a job started by a task with async (and poll: 0),
// as ansible.builtin.async_status does: finished 0 while it runs, then the
// module's result; mode=cleanup forgets the job.
type AsyncStatus struct {
	JID      string `arg:"jid" required:"true" doc:"Job or task identifier."`
	Mode     string `arg:"mode" default:"status" choices:"status,cleanup" doc:"status or cleanup."`
	AsyncDir string `arg:"_async_dir" doc:"Internal: the async directory (ansible_async_dir)."`
}

// Run reports the job's status.
func (a *AsyncStatus) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	job, ok := modules.LookupAsyncJob(req.Host, a.JID)
	file := ""
	if ok {
		file = job.ResultsFile
	} else {
		dir := a.AsyncDir
		if dir == "" {
			dir = "~/.ansible_async"
		}
		if req.Conn != nil {
			dir = modules.ExpandUser(ctx, req.Conn, dir)
		}
		file = strings.TrimRight(dir, "/") + "/" + a.JID
	}
	empty := map[string]any{"stderr": "", "stderr_lines": []any{}, "stdout": "", "stdout_lines": []any{}}
	out := func(m map[string]any) *modules.Result {
		for k, v := range empty {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
		return &modules.Result{Data: m}
	}
	if a.Mode == "cleanup" {
		modules.RemoveAsyncJob(req.Host, a.JID)
		return out(map[string]any{"ansible_job_id": a.JID, "erased": file, "finished": 0, "started": 0}), nil
	}
	if !ok {
		r := out(map[string]any{"ansible_job_id": a.JID, "finished": 1, "results_file": file, "started": 1})
		r.Failed, r.Msg = true, "could not find job"
		return r, nil
	}
	res := job.Result()
	if res == nil {
		return out(map[string]any{"ansible_job_id": a.JID, "finished": 0, "results_file": file, "started": 1}), nil
	}
	m := make(map[string]any, len(res)+4)
	for k, v := range res {
		m[k] = v
	}
	m["ansible_job_id"], m["finished"], m["results_file"], m["started"] = a.JID, 1, file, 1
	return &modules.Result{Data: m}, nil
}

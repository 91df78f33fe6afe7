package builtin

import (
	"context"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "raw",
		Aliases:   []string{"ansible.builtin.raw"},
		New:       func() modules.Module { return new(Raw) },
		CheckMode: true,
		FreeForm:  true,
		Short:     "Executes a low-down and dirty command",
	})
}

// Raw sends its free-form text to the target's shell as is, as
// ansible.builtin.raw does: no preflight, no output stripping.
type Raw struct {
	RawParams  string `arg:"_raw_params" doc:"The command to run, given to the remote shell."`
	Executable string `arg:"executable" doc:"Run the command with this shell (EXECUTABLE -c CMD)."`
}

// Run runs the raw command; in check mode it is always skipped.
func (r *Raw) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if req.Check {
		return &modules.Result{Skipped: true, Data: map[string]any{"skipped": true}}, nil
	}
	cmd := r.RawParams
	if r.Executable != "" {
		cmd = r.Executable + " -c " + Quote(cmd)
	}
	stdout, stderr, rc, err := modules.ExecTTY(ctx, req.Conn, cmd)
	if err != nil {
		return nil, err
	}
	d := map[string]any{"rc": rc, "stdout": string(stdout), "stderr": string(stderr)}
	addLines(d)
	res := &modules.Result{Changed: true, Data: d}
	if rc != 0 {
		res.Failed = true
		d["msg"] = "non-zero return code"
	}
	return res, nil
}

var _ modules.Module = (*Raw)(nil)

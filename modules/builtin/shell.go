package builtin

import (
	"context"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "shell",
		Aliases:   []string{"ansible.builtin.shell"},
		New:       func() modules.Module { return new(Shell) },
		CheckMode: true,
		FreeForm:  true,
		Short:     "Execute shell commands on targets",
	})
}

// Shell runs its free-form text with /bin/sh (or executable), as
// ansible.builtin.shell does: the command module with _uses_shell set.
type Shell Command

// Run runs the shell command.
func (s *Shell) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	return runCommand(ctx, req, (*Command)(s), true)
}

// AdjustInvocation shows the command module's arguments as Ansible's
// shell action passes them.
func (s *Shell) AdjustInvocation(a map[string]any) { a["_uses_shell"] = true }

var _ modules.Module = (*Shell)(nil)

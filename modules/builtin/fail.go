package builtin

import (
	"context"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "fail",
		Aliases:   []string{"ansible.builtin.fail"},
		New:       func() modules.Module { return new(Fail) },
		CheckMode: true,
		Local:     true,
		Short:     "Fail with custom message",
	})
}

// Fail fails the task with a message, as ansible.builtin.fail does.
type Fail struct {
	Msg   any            `arg:"msg" doc:"The failure message (any type). Default \"Failed as requested from task\"."`
	Other map[string]any `arg:"_other,remain"`
}

// Run returns the failure.
func (f *Fail) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if r := invalidOptions("fail", f.Other); r != nil {
		return r, nil
	}
	var msg any = "Failed as requested from task"
	if has(req, "msg") {
		msg = f.Msg
	}
	return &modules.Result{Failed: true, Data: map[string]any{"msg": msg}}, nil
}

var _ modules.Module = (*Fail)(nil)

package builtin

import (
	"context"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "ping",
		Aliases:   []string{"ansible.builtin.ping"},
		New:       func() modules.Module { return new(Ping) },
		CheckMode: true,
		Short:     "Try to connect to host, verify a usable python and return pong on success",
	})
}

// Ping checks that the host answers, as ansible.builtin.ping does: it runs
// one command over the connection and returns ping: DATA.
type Ping struct {
	Data string `arg:"data" default:"pong" doc:"What to return in ping; \"crash\" makes the module fail."`
}

// Run pings the host.
func (p *Ping) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if req.Conn != nil {
		if _, _, _, err := req.Conn.Exec(ctx, "true", nil); err != nil {
			return nil, err
		}
	}
	if p.Data == "crash" {
		return moduleFailure("ansible.modules.ping", "Exception: boom"), nil
	}
	return &modules.Result{Data: map[string]any{"ping": p.Data}}, nil
}

var _ modules.Module = (*Ping)(nil)

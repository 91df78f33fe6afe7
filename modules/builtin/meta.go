package builtin

import (
	"context"
	"fmt"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "meta",
		Aliases:   []string{"ansible.builtin.meta"},
		New:       func() modules.Module { return new(Meta) },
		CheckMode: true,
		RawParams: true,
		Local:     true,
		Short:     "Execute Ansible 'actions'",
	})
}

// MetaActions are the free-form actions meta accepts in ansible-core 2.14.
var MetaActions = []string{
	"noop", "flush_handlers", "refresh_inventory", "clear_facts", "clear_host_errors",
	"end_batch", "end_play", "end_host", "role_complete", "reset_connection",
}

// Meta asks the engine for a control-flow action (meta: end_play, …). The
// engine carries it out; the module only validates it and returns a Meta
// effect.
type Meta struct {
	Action string `arg:"_raw_params" doc:"The action: end_play, end_host, end_batch, flush_handlers, noop, clear_host_errors, clear_facts, refresh_inventory, reset_connection."`
}

// Validate rejects unknown actions with Ansible's message.
func (m *Meta) Validate() error {
	a := strings.TrimSpace(m.Action)
	for _, x := range MetaActions {
		if a == x {
			return nil
		}
	}
	return fmt.Errorf("invalid meta action requested: %s", m.Action)
}

// Run returns the Meta effect.
func (m *Meta) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &modules.Result{
		Data:    map[string]any{},
		Effects: []modules.Effect{modules.Meta{Action: strings.TrimSpace(m.Action)}},
	}, nil
}

var (
	_ modules.Module    = (*Meta)(nil)
	_ modules.Validator = (*Meta)(nil)
)

package playbook

import (
	"strings"

	"github.com/goplay/goplay/modules"
)

// ValidateArgs decodes and validates the arguments of every task whose
// module is registered and whose arguments hold no template (goplay's
// --syntax-check goes further than Ansible's here: a wrong argument is
// reported before anything runs, at the task's position). Tasks included
// at run time are not seen.
func (pb *Playbook) ValidateArgs() error {
	var walk func(list []*Task) error
	walk = func(list []*Task) error {
		for _, t := range list {
			if t.IsBlock {
				for _, l := range [][]*Task{t.Block, t.Rescue, t.Always} {
					if err := walk(l); err != nil {
						return err
					}
				}
				continue
			}
			if _, ok := modules.Lookup(t.Module); !ok || hasTemplate(t.Args) {
				continue
			}
			if _, _, err := modules.New(t.Module, t.Args); err != nil {
				return &Error{Msg: err.Error(), Pos: t.Pos, Parse: true}
			}
		}
		return nil
	}
	for _, p := range pb.Plays {
		var roles func(rs []*Role) error
		roles = func(rs []*Role) error {
			for _, r := range rs {
				if err := roles(r.Deps); err != nil {
					return err
				}
				if err := walk(r.Tasks); err != nil {
					return err
				}
				if err := walk(r.Handlers); err != nil {
					return err
				}
			}
			return nil
		}
		if err := roles(p.Roles); err != nil {
			return err
		}
		for _, l := range [][]*Task{p.PreTasks, p.Tasks, p.PostTasks, p.Handlers} {
			if err := walk(l); err != nil {
				return err
			}
		}
	}
	return nil
}

func hasTemplate(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, "{{") || strings.Contains(x, "{%")
	case []any:
		for _, e := range x {
			if hasTemplate(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if hasTemplate(k) || hasTemplate(e) {
				return true
			}
		}
	}
	return false
}

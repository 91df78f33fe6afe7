package builtin

import (
	"context"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "set_fact",
		Aliases:   []string{"ansible.builtin.set_fact"},
		New:       func() modules.Module { return new(SetFact) },
		CheckMode: true,
		RawParams: true,
		Local:     true,
		Short:     "Set host variable(s) and fact(s)",
	})
}

// SetFact sets host facts from its arguments, as ansible.builtin.set_fact
// does: every argument but cacheable becomes a fact, and string values
// true/false/yes/no (any case) become booleans.
type SetFact struct {
	Cacheable any            `arg:"cacheable" doc:"Also store the facts in the fact cache."`
	Facts     map[string]any `arg:"_facts,remain" doc:"The facts to set, key=value."`
}

// Run returns the facts as ansible_facts and a SetFacts effect.
func (s *SetFact) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	cacheable := false
	if s.Cacheable != nil {
		b, err := modules.ToBool(s.Cacheable)
		if err != nil {
			return actionFail(err.Error()), nil
		}
		cacheable = b
	}
	if len(s.Facts) == 0 {
		return actionFail("No key/value pairs provided, at least one is required for this action to succeed"), nil
	}
	facts := map[string]any{}
	for _, k := range sortedKeys(s.Facts) {
		v := s.Facts[k]
		if !isIdentifier(k) {
			return actionFail("The variable name '" + k + "' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores."), nil
		}
		if str, ok := v.(string); ok {
			switch strings.ToLower(str) {
			case "true", "yes":
				v = true
			case "false", "no":
				v = false
			}
		}
		facts[k] = v
	}
	return &modules.Result{
		Data: map[string]any{
			"ansible_facts":            facts,
			"_ansible_facts_cacheable": cacheable,
		},
		Effects: []modules.Effect{modules.SetFacts{Facts: facts, Cacheable: cacheable}},
	}, nil
}

var _ modules.Module = (*SetFact)(nil)

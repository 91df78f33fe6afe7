package playbook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goplay/goplay/engine/pyfmt"

	"github.com/goplay/goplay/modules"
)

// moduleDefaultsError is Ansible's message for a module_defaults value that
// is not a mapping or a list of mappings.
const moduleDefaultsError = "The field 'module_defaults' is supposed to be a dictionary or list of dictionaries, " +
	"the keys of which must be static action, module, or group names. Only the values may contain templates. " +
	`For example: {'ping': "{{ ping_defaults }}"}`

// ModuleDefaultsKey is the key under which module_defaults are kept for an
// action as written (`command`, `ansible.builtin.command`,
// `ansible.legacy.command` all give "command"), and whether the action is
// known. gather_facts keeps its own key: its defaults are the action's,
// which pass them on to setup.
func (l *loader) moduleDefaultsKey(action string) (string, bool) {
	short := modules.ShortName(action)
	if short == "gather_facts" {
		return short, true
	}
	if _, ok := includeActions[short]; ok {
		return short, true
	}
	if info, ok := modules.Lookup(action); ok {
		return info.Name, true
	}
	if info, ok := modules.Lookup(short); ok && short != action {
		return info.Name, true
	}
	if l.isModule(action) {
		return short, true
	}
	return "", false
}

// moduleDefaults validates a module_defaults value as Play/Block/Task load
// it (Base._load_module_defaults): a mapping or a list of mappings whose
// keys resolve to actions; unqualified names are looked up as
// ansible.legacy.NAME. The result is a list of mappings keyed by
// ModuleDefaultsKey; values stay unrendered (they are templated when a
// task runs).
func (l *loader) moduleDefaults(v any) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	out := make([]any, 0, len(list))
	for _, d := range list {
		m, ok := d.(map[string]any)
		if !ok {
			return nil, &Error{Msg: moduleDefaultsError, Parse: true}
		}
		norm := make(map[string]any, len(m))
		for _, k := range sortedKeys(m) {
			if g, ok := strings.CutPrefix(k, "group/"); ok {
				// the groups are ansible.builtin's (its runtime metadata);
				// a collection's group cannot be resolved
				if len(strings.Split(g, ".")) < 3 {
					g = "ansible.builtin." + g
				}
				if _, known := builtinActionGroups[strings.TrimPrefix(g, "ansible.builtin.")]; !known || !strings.HasPrefix(g, "ansible.builtin.") {
					return nil, &Error{Msg: "Error loading module_defaults: could not resolve the module_defaults group " + g, Parse: true}
				}
				norm["group/"+g] = m[k]
				continue
			}
			name := k
			if len(strings.Split(k, ".")) < 3 {
				name = "ansible.legacy." + k
			}
			key, ok := l.moduleDefaultsKey(name)
			if !ok {
				return nil, &Error{Msg: "Could not resolve action " + name + " in module_defaults", Parse: true}
			}
			norm[key] = m[k]
		}
		out = append(out, norm)
	}
	return out, nil
}

// builtinActionGroups are the action groups of ansible.builtin's runtime
// metadata with the actions goplay has in them (the others extend groups of
// collections goplay does not provide).
var builtinActionGroups = map[string][]string{
	"acme": nil, "aws": nil, "azure": nil, "cpm": nil, "docker": nil, "gcp": nil, "k8s": nil,
	"os": nil, "ovirt": nil, "testgroup": {"ping"}, "testlegacy": nil, "vmware": nil,
}

// ModuleDefaultsFor merges the module_defaults that reach t (the play's,
// then each enclosing role and block, then the task's own: the inner one
// wins, as FieldAttribute(extend=True, prepend=True) lists them) and
// returns, unrendered, what applies to the action key (see
// ModuleDefaultsKey): the defaults of the groups that hold it, then its
// own, in the order they apply (get_action_args_with_defaults).
func ModuleDefaultsFor(t *Task, play *Play, key string) []any {
	var chain [][]any // inner first; only the levels that set some
	for p := t; p != nil; p = p.Parent {
		if len(p.ModuleDefaults) > 0 {
			chain = append(chain, p.ModuleDefaults)
		}
		if p.Role != nil && (p.Parent == nil || p.Parent.Role != p.Role) && len(p.Role.ModuleDefaults) > 0 {
			chain = append(chain, p.Role.ModuleDefaults)
		}
	}
	if play != nil && len(play.ModuleDefaults) > 0 {
		chain = append(chain, play.ModuleDefaults)
	}
	if len(chain) == 0 {
		return nil
	}
	merged := map[string]any{}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, d := range chain[i] {
			if m, ok := d.(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
	}
	var out []any
	for _, k := range sortedKeys(merged) {
		if g, ok := strings.CutPrefix(k, "group/ansible.builtin."); ok && slices.Contains(builtinActionGroups[g], key) {
			out = append(out, merged[k])
		}
	}
	if v, ok := merged[key]; ok {
		out = append(out, v)
	}
	return out
}

// TaskDefaultsKey is the module_defaults key of a task's action.
func TaskDefaultsKey(t *Task) string {
	short := modules.ShortName(t.Action)
	if short == "gather_facts" {
		return short
	}
	if t.Module != "" {
		return t.Module
	}
	return short
}

// varsPrompt validates vars_prompt as Play._load_vars_prompt does: a
// mapping or a list of mappings, each with a name and only the known keys.
func varsPrompt(v any) ([]any, error) {
	list := toList(v)
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			cls := "<class 'int'>"
			switch v.(type) {
			case []any:
				cls = "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>"
			case string:
				cls = "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>"
			case bool:
				cls = "<class 'bool'>"
			case float64:
				cls = "<class 'float'>"
			}
			return nil, &Error{Msg: fmt.Sprintf("variable files must contain either a dictionary of variables, or a list of dictionaries. Got: %s (%s)", pyfmt.Str(v), cls), NoContext: true}
		}
		if _, ok := m["name"]; !ok {
			return nil, fmt.Errorf("Invalid vars_prompt data structure, missing 'name' key")
		}
		for _, k := range sortedKeys(m) {
			switch k {
			case "name", "prompt", "default", "private", "confirm", "encrypt", "salt_size", "salt", "unsafe":
			default:
				return nil, fmt.Errorf("Invalid vars_prompt data structure, found unsupported key '%s'", k)
			}
		}
	}
	return list, nil
}

package playbook

import (
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/goplay/goplay/modules"
)

// roleValidationTask is the task Ansible puts before a role's tasks when
// the role has an argument spec for its entry point (tasks_from, else
// main): meta/argument_specs.yml (or .yaml), else meta/main.yml's
// argument_specs. It runs validate_argument_spec with the entry point's
// options, tagged always. Role parameters are not passed: ansible-core 2.14
// validates the variables the task sees.
func roleValidationTask(r *Role, path, tasksFrom string, pos Pos) (*Task, error) {
	entry := tasksFrom
	if entry == "" {
		entry = "main"
	}
	specs, err := roleArgSpecs(path)
	if err != nil || specs == nil {
		return nil, err
	}
	spec, ok := specs[entry].(map[string]any)
	if !ok || len(spec) == 0 {
		return nil, nil
	}
	name := "Validating arguments against arg spec '" + entry + "'"
	if sd, ok := spec["short_description"]; ok {
		name += " - " + modules.ToString(sd)
	}
	options, _ := spec["options"].(map[string]any)
	if options == nil {
		options = map[string]any{}
	}
	t := &Task{Pos: pos, Name: name, HasName: true, Role: r,
		Action: "ansible.builtin.validate_argument_spec", Module: "validate_argument_spec",
		Args: map[string]any{
			"argument_spec":      options,
			"provided_arguments": map[string]any{},
			"validate_args_context": map[string]any{
				"type": "role", "name": r.Name, "argument_spec_name": entry, "path": r.Path,
			},
		}}
	t.Tags = []string{"always"}
	return t, nil
}

// roleArgSpecs reads the role's argument_specs.
func roleArgSpecs(path string) (map[string]any, error) {
	file := mainFile(filepath.Join(path, "meta"), "argument_specs")
	if file == "" {
		file = mainFile(filepath.Join(path, "meta"), "")
	}
	if file == "" {
		return nil, nil
	}
	doc, err := ReadYAML(file)
	if err != nil || doc == nil || len(doc.Content) == 0 {
		return nil, err
	}
	n := mapGet(doc.Content[0], "argument_specs")
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	v, err := Value(file, n)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

package inventory

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// autoPluginCheck reproduces the auto plugin's verdict on a .yml/.yaml
// file: it only accepts plugin configuration files, which goplay does not
// run. isPlugin reports a file with a root "plugin" key.
func autoPluginCheck(data []byte, path string) (msg string, isPlugin bool) {
	root, err := loadYAMLDoc(data)
	if err != nil || root == nil || root.Kind != yaml.MappingNode {
		return fmt.Sprintf("no root 'plugin' key found, '%s' is not a valid YAML inventory plugin config file", path), false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "plugin" {
			return fmt.Sprintf("inventory config '%s' specifies plugin '%s', which goplay does not support", path, root.Content[i+1].Value), true
		}
	}
	return fmt.Sprintf("no root 'plugin' key found, '%s' is not a valid YAML inventory plugin config file", path), false
}

// ParseYAML parses a YAML inventory into a new inventory (reconciled, no
// vars directories). Warnings are discarded.
func ParseYAML(path string, data []byte) (*Inventory, error) {
	inv := New(Options{})
	inv.current, inv.hasCurrent = path, true
	err := inv.parseYAML(path, data)
	inv.current, inv.hasCurrent = "", false
	if err == nil {
		inv.reconcile()
	}
	return inv, err
}

// parseYAML is the yaml inventory plugin.
func (inv *Inventory) parseYAML(path string, data []byte) error {
	root, err := loadYAMLDoc(data)
	if err != nil {
		return fmt.Errorf("Syntax Error while loading YAML. %v (in '%s')", err, path)
	}
	if root == nil || (root.Kind == yaml.ScalarNode && resolveYAML11(root.Value) == nil && root.Style == 0) {
		return errors.New("Parsed empty YAML file")
	}
	if root.Kind == yaml.AliasNode {
		root = root.Alias
	}
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("YAML inventory has invalid structure, it should be a dictionary, got: %s", pyTypeOfNode(root))
	}
	if len(root.Content) == 0 {
		return errors.New("Parsed empty YAML file")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "plugin" {
			if v, _ := yamlValue(root.Content[i+1], 0); v != nil && v != false && v != "" {
				return errors.New("Plugin configuration YAML file, not YAML inventory")
			}
		}
	}
	return yamlMapEach(root, 0, func(k *yaml.Node, kv any, v *yaml.Node) error {
		_, err := inv.yamlGroup(kv, v, 0)
		return err
	})
}

func pyTypeOfNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "<class 'list'>"
	case yaml.MappingNode:
		return "<class 'dict'>"
	}
	v, _ := yamlScalar(n)
	return pyTypeName(v)
}

func pyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "<class 'NoneType'>"
	case bool:
		return "<class 'bool'>"
	case int:
		return "<class 'int'>"
	case float64:
		return "<class 'float'>"
	case []any, pyTuple:
		return "<class 'list'>"
	case map[string]any:
		return "<class 'dict'>"
	}
	return "<class 'str'>"
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNullNode(n *yaml.Node) bool {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return false
	}
	v, err := yamlScalar(n)
	return err == nil && v == nil
}

// yamlGroup is the yaml plugin's _parse_group.
func (inv *Inventory) yamlGroup(name any, n *yaml.Node, depth int) (string, error) {
	if depth > 1000 {
		return "", errors.New("YAML inventory nesting too deep")
	}
	n = deref(n)
	gname, isStr := name.(string)
	if n.Kind != yaml.MappingNode && !isNullNode(n) {
		inv.warn(fmt.Sprintf("Skipping '%v' as this is not a valid group definition", name))
		return gname, nil
	}
	if !isStr {
		return "", fmt.Errorf("Unable to add group %v: Invalid group name supplied, expected a string but got %s for %v", name, pyTypeName(name), name)
	}
	if _, err := inv.addGroup(gname); err != nil {
		return "", fmt.Errorf("Unable to add group %s: %v", gname, err)
	}
	if isNullNode(n) {
		return gname, nil
	}
	// sections given as a string mean {string: None}; other non-mappings
	// are errors
	sections := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := deref(n.Content[i]).Value
		if key == "vars" || key == "children" || key == "hosts" {
			sections[key] = deref(n.Content[i+1])
		}
	}
	for _, key := range []string{"vars", "children", "hosts"} {
		s, ok := sections[key]
		if !ok {
			continue
		}
		if s.Kind == yaml.ScalarNode && !isNullNode(s) {
			if v, _ := yamlScalar(s); v != nil {
				if _, isS := v.(string); isS {
					sections[key] = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{s, {Kind: yaml.ScalarNode, Tag: "!!null", Value: "~"}}}
					continue
				}
			}
		}
		if s.Kind != yaml.MappingNode && !isNullNode(s) {
			return "", fmt.Errorf("Invalid \"%s\" entry for \"%s\" group, requires a dictionary, found \"%s\" instead.", key, gname, pyTypeOfNode(s))
		}
	}
	return gname, yamlMapEach(n, depth, func(kn *yaml.Node, kv any, v *yaml.Node) error {
		key, _ := kv.(string)
		if s, ok := sections[key]; ok {
			v = s
		}
		v = deref(v)
		if v.Kind != yaml.MappingNode && !isNullNode(v) {
			inv.warn(fmt.Sprintf("Skipping key (%v) in group (%s) as it is not a mapping, it is a %s", kv, gname, pyTypeOfNode(v)))
			return nil
		}
		if isNullNode(v) {
			return nil
		}
		switch key {
		case "vars":
			return yamlMapEach(v, depth, func(_ *yaml.Node, vk any, vv *yaml.Node) error {
				val, err := yamlValue(vv, 0)
				if err != nil {
					return err
				}
				ks, err := pyKeyString(vk)
				if err != nil {
					return err
				}
				return inv.setVariable(gname, ks, val)
			})
		case "children":
			return yamlMapEach(v, depth, func(_ *yaml.Node, ck any, cv *yaml.Node) error {
				child, err := inv.yamlGroup(ck, cv, depth+1)
				if err != nil {
					return err
				}
				_, err = inv.addChild(gname, child)
				return err
			})
		case "hosts":
			return yamlMapEach(v, depth, func(_ *yaml.Node, hk any, hv *yaml.Node) error {
				pattern, ok := hk.(string)
				if !ok {
					return fmt.Errorf("Host pattern %v must be a string. Enclose integers/floats in quotation marks.", hk)
				}
				hosts, port, err := yamlHostPattern(pattern)
				if err != nil {
					return err
				}
				var vars map[string]any
				if !isNullNode(hv) {
					val, err := yamlValue(hv, 0)
					if err != nil {
						return err
					}
					m, ok := val.(map[string]any)
					if !ok {
						if b, isB := val.(bool); (isB && !b) || val == 0 || val == "" || val == 0.0 {
							m = nil // falsy values count as no vars
						} else if l, isL := val.([]any); isL && len(l) == 0 {
							m = nil
						} else {
							return fmt.Errorf("Invalid data from file, expected dictionary and got:\n\n%v", val)
						}
					}
					vars = m
				}
				for _, h := range hosts {
					if _, err := inv.addHost(h, gname, port); err != nil {
						return err
					}
					for k, val := range vars {
						if err := inv.setVariable(h, k, val); err != nil {
							return err
						}
					}
				}
				return nil
			})
		default:
			inv.warn(fmt.Sprintf("Skipping unexpected key (%v) in group (%s), only \"vars\", \"children\" and \"hosts\" are valid", kv, gname))
		}
		return nil
	})
}

// yamlHostPattern is BaseInventoryPlugin._expand_hostpattern (no ini checks).
func yamlHostPattern(pattern string) ([]string, int, error) {
	host, port, err := ParseAddress(pattern, true)
	if err != nil {
		host, port = pattern, 0
	}
	names, err := ExpandHostnameRange(host)
	return names, port, err
}

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/goplay/goplay/engine/kv"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/vault"
)

// OptionsError is ansible's AnsibleOptionsError. ansible-playbook reports
// it with the help text on stdout and "ERROR! <Msg>" on stderr, exit 5:
// render it with Parser.OptionsError(err.Msg).
type OptionsError struct{ Msg string }

func (e *OptionsError) Error() string { return e.Msg }

// FileNotFoundError is the AnsibleFileNotFound of an "@file" extra vars
// argument (reported as "ERROR! <Error()>", exit 1).
type FileNotFoundError struct{ Path string }

func (e *FileNotFoundError) Error() string {
	return "Unable to retrieve file contents\nCould not find or access '" + e.Path + "' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option"
}

// YAMLLoader parses a YAML (or JSON) document into goplay's Python data
// model (see package pyfmt); source names the text for error messages
// ("<string>" or a file path). LoadExtraVars uses it for "@file" and for
// "{...}"/"[...]" values.
type YAMLLoader func(text []byte, source string) (any, error)

// DefaultYAMLLoader decodes with gopkg.in/yaml.v3: mappings become
// *pyfmt.OrderedMap, sequences []any, scalars their YAML 1.2 core types.
// (Ansible uses PyYAML, a YAML 1.1 loader: yes/no/on/off are booleans
// there. Pass a loader implementing Ansible's rules where that matters.)
func DefaultYAMLLoader(text []byte, source string) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, fmt.Errorf("Syntax Error while loading YAML (%s): %v", source, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	return yamlValue(doc.Content[0])
}

func yamlValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0])
	case yaml.AliasNode:
		return yamlValue(n.Alias)
	case yaml.MappingNode:
		m := pyfmt.NewOrderedMap(len(n.Content) / 2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := yamlValue(n.Content[i])
			if err != nil {
				return nil, err
			}
			v, err := yamlValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m.Set(pyfmt.Str(k), v)
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	default:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// LoadExtraVars is ansible's load_extra_vars over Options.ExtraVars, in
// order: "@file" loads a YAML/JSON file; a value starting with "/" or "."
// is the OptionsError "Please prepend extra_vars filename '...' with '@'";
// a value starting with "{" or "[" is YAML/JSON; anything else is k=v pairs
// (kv.ParseKVMap; every value a string). Every piece must be a mapping
// (else the OptionsError "Invalid extra vars data supplied. '...' could not
// be made into a dictionary"); they are combined like combine_vars:
// replaced key by key, or recursively merged when merge is true
// (DEFAULT_HASH_BEHAVIOUR=merge). A nil load means DefaultYAMLLoader.
//
// Other errors are returned as they come: *FileNotFoundError, kv's
// errors, and the loader's.
func LoadExtraVars(values []string, merge bool, load YAMLLoader) (*pyfmt.OrderedMap, error) {
	m, _, err := LoadExtraVarsOrigin(values, merge, load)
	return m, err
}

// LoadExtraVarsOrigin is LoadExtraVars that also names the top-level
// variables whose last source was YAML rather than JSON or k=v: Ansible's
// YAML loader gives their strings the class AnsibleUnicode, JSON and k=v
// give str (type_debug).
func LoadExtraVarsOrigin(values []string, merge bool, load YAMLLoader) (*pyfmt.OrderedMap, map[string]bool, error) {
	if load == nil {
		load = DefaultYAMLLoader
	}
	fromYAML := map[string]bool{}
	result := pyfmt.NewOrderedMap(0)
	for _, opt := range values {
		if opt == "" {
			continue
		}
		var data any
		var text []byte // YAML/JSON text, nil for k=v
		switch {
		case strings.HasPrefix(opt, "@"):
			path := opt[1:]
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, nil, &FileNotFoundError{Path: path}
			}
			if vault.IsEncrypted(b) {
				if b, err = vault.DecryptFile(b, path); err != nil {
					return nil, nil, err
				}
			}
			text = b
			if data, err = load(b, path); err != nil {
				return nil, nil, err
			}
		case opt[0] == '/' || opt[0] == '.':
			return nil, nil, &OptionsError{"Please prepend extra_vars filename '" + opt + "' with '@'"}
		case opt[0] == '[' || opt[0] == '{':
			var err error
			text = []byte(opt)
			if data, err = load(text, "<string>"); err != nil {
				return nil, nil, err
			}
		default:
			m, err := kv.ParseKVMap(opt, false)
			if err != nil {
				return nil, nil, err
			}
			data = m
		}
		m, ok := asOrdered(data)
		if !ok {
			return nil, nil, &OptionsError{"Invalid extra vars data supplied. '" + opt + "' could not be made into a dictionary"}
		}
		isYAML := text != nil && !json.Valid(text)
		for _, k := range m.Keys() {
			if isYAML {
				fromYAML[k] = true
			} else {
				delete(fromYAML, k)
			}
		}
		combine(result, m, merge)
	}
	return result, fromYAML, nil
}

func asOrdered(v any) (*pyfmt.OrderedMap, bool) {
	switch m := v.(type) {
	case *pyfmt.OrderedMap:
		if m == nil {
			return nil, false
		}
		return m, true
	case map[string]any:
		o := pyfmt.NewOrderedMap(len(m))
		for _, k := range sortedKeys(m) {
			o.Set(k, m[k])
		}
		return o, true
	}
	return nil, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// combine is combine_vars(dst, src) in place: replace, or merge_hash
// (recursive for dicts on both sides, lists replaced).
func combine(dst, src *pyfmt.OrderedMap, merge bool) {
	for _, k := range src.Keys() {
		v, _ := src.Get(k)
		if merge {
			if old, ok := dst.Get(k); ok {
				om, ok1 := asOrdered(old)
				nm, ok2 := asOrdered(v)
				if ok1 && ok2 {
					merged := pyfmt.NewOrderedMap(0)
					combine(merged, om, true)
					combine(merged, nm, true)
					dst.Set(k, merged)
					continue
				}
			}
		}
		dst.Set(k, v)
	}
}

package inventory

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/goplay/goplay/engine/vault"
)

// YAML values are resolved the way PyYAML (YAML 1.1, as Ansible loads it)
// resolves plain scalars: yes/no/on/off are booleans, 0777 is octal, 1e3 is
// a string, ~ is null. Timestamps stay strings.
var (
	reY11Bool  = lazyRegexp(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	reY11Int   = lazyRegexp(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	reY11Float = lazyRegexp(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	reY11Null  = lazyRegexp(`^(?:~|null|Null|NULL|)$`)
)

// yamlValue converts a node to goplay values. Mapping keys that are not
// strings are rendered the way json.dumps renders them.
func yamlValue(n *yaml.Node, depth int) (any, error) {
	if depth > 10000 {
		return nil, errors.New("YAML nesting too deep")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		m := map[string]any{}
		err := yamlMapEach(n, depth, func(k *yaml.Node, kv any, v *yaml.Node) error {
			val, err := yamlValue(v, depth+1)
			if err != nil {
				return err
			}
			ks, err := pyKeyString(kv)
			if err != nil {
				return fmt.Errorf("line %d: %v", k.Line, err)
			}
			m[ks] = val
			return nil
		})
		return m, err
	case yaml.ScalarNode:
		return yamlScalar(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// yamlMapEach walks a mapping's pairs in order, applying << merge keys.
func yamlMapEach(n *yaml.Node, depth int, fn func(k *yaml.Node, kv any, v *yaml.Node) error) error {
	if depth > 10000 {
		return errors.New("YAML nesting too deep")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			src := v
			if src.Kind == yaml.AliasNode {
				src = src.Alias
			}
			var srcs []*yaml.Node
			if src.Kind == yaml.SequenceNode {
				srcs = src.Content
			} else {
				srcs = []*yaml.Node{src}
			}
			for _, s := range srcs {
				if s.Kind == yaml.AliasNode {
					s = s.Alias
				}
				if s.Kind != yaml.MappingNode {
					return fmt.Errorf("line %d: expected a mapping for merging", v.Line)
				}
				if err := yamlMapEach(s, depth+1, fn); err != nil {
					return err
				}
			}
			continue
		}
		kk := k
		if kk.Kind == yaml.AliasNode {
			kk = kk.Alias
		}
		var kv any
		if kk.Kind == yaml.ScalarNode {
			var err error
			if kv, err = yamlScalar(kk); err != nil {
				return err
			}
		} else {
			v, err := yamlValue(kk, depth+1)
			if err != nil {
				return err
			}
			switch v.(type) {
			case []any:
				kv = pyTuple(v.([]any))
			default:
				return fmt.Errorf("line %d: found unhashable key", k.Line)
			}
		}
		if err := fn(k, kv, v); err != nil {
			return err
		}
	}
	return nil
}

func yamlScalar(n *yaml.Node) (any, error) {
	tag := n.Tag
	explicit := n.Style&yaml.TaggedStyle != 0
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if !explicit {
		if quoted {
			return n.Value, nil
		}
		return resolveYAML11(n.Value), nil
	}
	switch tag {
	case "!vault":
		return vault.Inline(n.Value), nil
	case "!!str", "!unsafe":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		if v, ok := resolveYAML11(n.Value).(bool); ok {
			return v, nil
		}
	case "!!int":
		if v, ok := resolveYAML11(n.Value).(int); ok {
			return v, nil
		}
	case "!!float":
		switch v := resolveYAML11(n.Value).(type) {
		case float64:
			return v, nil
		case int:
			return float64(v), nil
		}
	default:
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: cannot construct %s from %q", n.Line, tag, n.Value)
}

// resolveYAML11 types a plain scalar with PyYAML's implicit resolvers.
func resolveYAML11(s string) any {
	switch {
	case reY11Null().MatchString(s):
		return nil
	case reY11Bool().MatchString(s):
		switch s[0] {
		case 'y', 'Y', 't', 'T':
			return true
		case 'o', 'O':
			return s == "on" || s == "On" || s == "ON"
		}
		return false
	case reY11Int().MatchString(s):
		if v, ok := y11Int(s); ok {
			return v
		}
		return s
	case reY11Float().MatchString(s):
		return y11Float(s)
	}
	return s
}

func y11Int(s string) (int, bool) {
	t := strings.ReplaceAll(s, "_", "")
	sign := 1
	if t[0] == '-' || t[0] == '+' {
		if t[0] == '-' {
			sign = -1
		}
		t = t[1:]
	}
	var n int64
	var err error
	switch {
	case t == "0":
		return 0, true
	case strings.HasPrefix(t, "0b"):
		n, err = strconv.ParseInt(t[2:], 2, 64)
	case strings.HasPrefix(t, "0x"):
		n, err = strconv.ParseInt(t[2:], 16, 64)
	case t[0] == '0':
		n, err = strconv.ParseInt(t[1:], 8, 64)
	case strings.Contains(t, ":"):
		for _, part := range strings.Split(t, ":") {
			d, e := strconv.ParseInt(part, 10, 64)
			if e != nil {
				return 0, false
			}
			n = n*60 + d
		}
	default:
		n, err = strconv.ParseInt(t, 10, 64)
	}
	if err != nil {
		return 0, false
	}
	return sign * int(n), true
}

func y11Float(s string) float64 {
	t := strings.ToLower(strings.ReplaceAll(s, "_", ""))
	sign := 1.0
	if t[0] == '-' || t[0] == '+' {
		if t[0] == '-' {
			sign = -1
		}
		t = t[1:]
	}
	switch {
	case t == ".inf":
		return sign * math.Inf(1)
	case t == ".nan":
		return math.NaN()
	case strings.Contains(t, ":"):
		parts := strings.Split(t, ":")
		v := 0.0
		for _, p := range parts {
			f, _ := strconv.ParseFloat(p, 64)
			v = v*60 + f
		}
		return sign * v
	}
	f, _ := strconv.ParseFloat(t, 64)
	return sign * f
}

// loadYAMLFile parses a YAML (or JSON) document; an empty file gives nil.
func loadYAMLDoc(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, errors.New("expected a single document in the stream")
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

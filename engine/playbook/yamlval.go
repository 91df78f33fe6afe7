package playbook

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/vault"
)

// YAML 1.1 scalars as PyYAML resolves them (Ansible's loader).
var (
	yaml11Bool  = lazyRegexp(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	yaml11Int   = lazyRegexp(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	yaml11Float = lazyRegexp(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	yaml11Null  = lazyRegexp(`^(?:~|null|Null|NULL|)$`)
)

// NodePos returns the position of a YAML node in file.
func NodePos(file string, n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: n.Line, Col: n.Column}
}

// Value converts a YAML node to goplay's value conventions: map[string]any,
// []any, string, int, float64, bool and nil, resolving plain scalars as
// YAML 1.1 does.
func Value(file string, n *yaml.Node) (any, error) {
	return nodeValue(file, n, 0)
}

func nodeValue(file string, n *yaml.Node, depth int) (any, error) {
	if n == nil {
		return nil, nil
	}
	if depth > 1000 {
		return nil, Errorf(NodePos(file, n), "YAML nesting is too deep")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(file, n.Content[0], depth+1)
	case yaml.AliasNode:
		return nodeValue(file, n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(file, c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		order := make([]string, 0, len(n.Content)/2)
		defer func() { pyfmt.SetOrder(out, order) }()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, vn := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag != "!!str" {
				if err := mergeInto(file, out, vn, depth); err != nil {
					return nil, err
				}
				continue
			}
			kv, err := nodeValue(file, k, depth+1)
			if err != nil {
				return nil, err
			}
			v, err := nodeValue(file, vn, depth+1)
			if err != nil {
				return nil, err
			}
			ks := keyString(kv)
			if _, dup := out[ks]; !dup {
				order = append(order, ks)
			}
			out[ks] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return scalarValue(n), nil
	}
	return nil, Errorf(NodePos(file, n), "unsupported YAML node")
}

func mergeInto(file string, out map[string]any, vn *yaml.Node, depth int) error {
	v, err := nodeValue(file, vn, depth+1)
	if err != nil {
		return err
	}
	merge := func(m any) {
		if mm, ok := m.(map[string]any); ok {
			for k, x := range mm {
				if _, exists := out[k]; !exists {
					out[k] = x
				}
			}
		}
	}
	if list, ok := v.([]any); ok {
		for _, m := range list {
			merge(m)
		}
	} else {
		merge(v)
	}
	return nil
}

func keyString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(k)
}

func scalarValue(n *yaml.Node) any {
	v := n.Value
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			if b, ok := parseBool11(v); ok {
				return b
			}
		case "!!int":
			if i, ok := parseInt11(v); ok {
				return i
			}
		case "!!float":
			if f, ok := parseFloat11(v); ok {
				return f
			}
		}
		if n.Tag == "!vault" {
			return vault.Inline(v)
		}
		return v // !!str, !unsafe and other tags keep the text
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v
	}
	switch {
	case yaml11Null().MatchString(v):
		return nil
	case yaml11Bool().MatchString(v):
		b, _ := parseBool11(v)
		return b
	case yaml11Int().MatchString(v):
		if i, ok := parseInt11(v); ok {
			return i
		}
	case yaml11Float().MatchString(v):
		if f, ok := parseFloat11(v); ok {
			return f
		}
	}
	return v
}

func parseBool11(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "yes", "true", "on", "y":
		return true, true
	case "no", "false", "off", "n":
		return false, true
	}
	return false, false
}

func parseInt11(v string) (int, bool) {
	s := strings.ReplaceAll(v, "_", "")
	sign := 1
	if strings.HasPrefix(s, "-") {
		sign, s = -1, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	var n int64
	var err error
	switch {
	case s == "0":
		return 0, true
	case strings.HasPrefix(s, "0b"):
		n, err = strconv.ParseInt(s[2:], 2, 64)
	case strings.HasPrefix(s, "0x"):
		n, err = strconv.ParseInt(s[2:], 16, 64)
	case strings.HasPrefix(s, "0o"):
		n, err = strconv.ParseInt(s[2:], 8, 64)
	case strings.HasPrefix(s, "0"):
		n, err = strconv.ParseInt(s[1:], 8, 64)
	case strings.Contains(s, ":"):
		for _, part := range strings.Split(s, ":") {
			d, e := strconv.ParseInt(part, 10, 64)
			if e != nil {
				return 0, false
			}
			n = n*60 + d
		}
	default:
		n, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil {
		return 0, false
	}
	return sign * int(n), true
}

func parseFloat11(v string) (float64, bool) {
	s := strings.ToLower(strings.ReplaceAll(v, "_", ""))
	switch s {
	case ".inf", "+.inf":
		return math.Inf(1), true
	case "-.inf":
		return math.Inf(-1), true
	case ".nan":
		return math.NaN(), true
	}
	if strings.Contains(s, ":") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

package template

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// ---- from_yaml: YAML 1.1 (PyYAML SafeLoader) typing over yaml.v3 nodes ----

var (
	yamlBoolRe  = lazyRegexp(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	yamlNullRe  = lazyRegexp(`^(?:~|null|Null|NULL|)$`)
	yamlIntRe   = lazyRegexp(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	yamlFloatRe = lazyRegexp(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
)

func yamlScalar(n *yaml.Node) any {
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value
	}
	switch n.Tag {
	case "!!str", "!!binary":
		if n.Tag == "!!str" && n.Style != 0 {
			return n.Value
		}
	}
	v := n.Value
	if n.Tag != "" && n.Tag != "!" && !strings.HasPrefix(n.Tag, "!!") {
		return v
	}
	if n.Tag == "!!str" && (n.Style != 0 || !yamlBoolRe().MatchString(v) && !yamlNullRe().MatchString(v) && !yamlIntRe().MatchString(v) && !yamlFloatRe().MatchString(v)) {
		return v
	}
	switch {
	case yamlNullRe().MatchString(v):
		return nil
	case yamlBoolRe().MatchString(v):
		switch strings.ToLower(v) {
		case "yes", "true", "on":
			return true
		}
		return false
	case yamlIntRe().MatchString(v):
		t := strings.ReplaceAll(v, "_", "")
		neg := strings.HasPrefix(t, "-")
		t = strings.TrimLeft(t, "+-")
		var n int64
		var err error
		switch {
		case strings.HasPrefix(t, "0b"):
			n, err = strconv.ParseInt(t[2:], 2, 64)
		case strings.HasPrefix(t, "0x"):
			n, err = strconv.ParseInt(t[2:], 16, 64)
		case strings.Contains(t, ":"):
			for _, part := range strings.Split(t, ":") {
				p, _ := strconv.ParseInt(part, 10, 64)
				n = n*60 + p
			}
		case len(t) > 1 && t[0] == '0':
			n, err = strconv.ParseInt(t[1:], 8, 64)
		default:
			n, err = strconv.ParseInt(t, 10, 64)
		}
		if err != nil {
			return v
		}
		if neg {
			n = -n
		}
		return int(n)
	case yamlFloatRe().MatchString(v):
		t := strings.ToLower(strings.ReplaceAll(v, "_", ""))
		switch strings.TrimLeft(t, "+-") {
		case ".inf":
			if strings.HasPrefix(t, "-") {
				return math.Inf(-1)
			}
			return math.Inf(1)
		case ".nan":
			return math.NaN()
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return v
		}
		return f
	}
	return v
}

func yamlNodeValue(n *yaml.Node, depth int) any {
	if depth > 200 {
		filterErr("YAML nesting too deep")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return yamlNodeValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		return yamlNodeValue(n.Alias, depth+1)
	case yaml.ScalarNode:
		return yamlScalar(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, yamlNodeValue(c, depth+1))
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		var keys []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := yamlNodeValue(n.Content[i], depth+1)
			if n.Content[i].Value == "<<" && n.Content[i].Style == 0 {
				if m, ok := yamlNodeValue(n.Content[i+1], depth+1).(map[string]any); ok {
					for _, mk := range sortedKeys(m) {
						if _, exists := out[mk]; !exists {
							keys = append(keys, mk)
							out[mk] = m[mk]
						}
					}
				}
				continue
			}
			ks := pyStr(k)
			if _, dup := out[ks]; !dup {
				keys = append(keys, ks)
			}
			out[ks] = yamlNodeValue(n.Content[i+1], depth+1)
		}
		setOrder(out, keys)
		return out
	}
	return nil
}

func fromYAML(s string) any {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil {
		filterErr("%s", err.Error())
	}
	return yamlNodeValue(&n, 0)
}

func fromYAMLAll(s string) any {
	dec := yaml.NewDecoder(strings.NewReader(s))
	out := []any{}
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err.Error() == "EOF" {
				break
			}
			filterErr("%s", err.Error())
		}
		out = append(out, yamlNodeValue(&n, 0))
	}
	return out
}

// ---- to_yaml: an approximation of PyYAML's SafeDumper output ----

type yamlEmitter struct {
	b      strings.Builder
	indent int
	flow   int // 1 always flow, 0 flow for leaf collections, -1 never
}

func toYAML(v any, indent, flow int) string {
	if indent < 1 {
		indent = 2
	}
	e := &yamlEmitter{indent: indent, flow: flow}
	switch v.(type) {
	case map[string]any, []any:
		if e.useFlow(v) {
			e.b.WriteString(e.flowValue(v))
			e.b.WriteString("\n")
		} else {
			e.block(v, 0, false)
		}
	default:
		s := e.scalar(v, 0)
		e.b.WriteString(s)
		e.b.WriteString("\n")
	}
	return e.b.String()
}

func isLeafCollection(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, c := range x {
			switch c.(type) {
			case map[string]any, []any:
				return false
			}
		}
	case []any:
		for _, c := range x {
			switch c.(type) {
			case map[string]any, []any:
				return false
			}
		}
	}
	return true
}

func (e *yamlEmitter) useFlow(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return true
		}
	case []any:
		if len(x) == 0 {
			return true
		}
	}
	switch e.flow {
	case 1:
		return true
	case 0:
		return isLeafCollection(v)
	}
	return false
}

func yamlSortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (e *yamlEmitter) flowValue(v any) string {
	switch x := v.(type) {
	case map[string]any:
		parts := []string{}
		for _, k := range yamlSortedKeys(x) {
			parts = append(parts, e.scalar(k, 0)+": "+e.flowValue(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := []string{}
		for _, c := range x {
			parts = append(parts, e.flowValue(c))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return e.scalar(v, 0)
}

func (e *yamlEmitter) pad(n int) string { return strings.Repeat(" ", n) }

// block writes a block collection whose first line continues the current
// line when inline is true.
func (e *yamlEmitter) block(v any, col int, inline bool) {
	first := true
	start := func() {
		if first && inline {
			first = false
			return
		}
		first = false
		e.b.WriteString(e.pad(col))
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range yamlSortedKeys(x) {
			start()
			e.b.WriteString(e.scalar(k, col))
			e.b.WriteString(":")
			c := x[k]
			switch cv := c.(type) {
			case map[string]any:
				if e.useFlow(cv) {
					e.b.WriteString(" " + e.flowValue(cv) + "\n")
				} else {
					e.b.WriteString("\n")
					e.block(cv, col+e.indent, false)
				}
			case []any:
				if e.useFlow(cv) {
					e.b.WriteString(" " + e.flowValue(cv) + "\n")
				} else {
					e.b.WriteString("\n")
					e.block(cv, col, false)
				}
			default:
				e.b.WriteString(" " + e.scalar(c, col+e.indent) + "\n")
			}
		}
	case []any:
		for _, c := range x {
			start()
			switch cv := c.(type) {
			case map[string]any, []any:
				if e.useFlow(cv) {
					e.b.WriteString("- " + e.flowValue(cv) + "\n")
				} else {
					e.b.WriteString("-" + e.pad(e.indent-1))
					e.block(cv, col+e.indent, true)
				}
			default:
				e.b.WriteString("- " + e.scalar(c, col+e.indent) + "\n")
			}
		}
	}
}

var yamlPlainUnsafe = lazyRegexp(`^(?:[-?:,\[\]{}#&*!|>'"%@` + "`" + `]|- |\? |: )|: |\s#|:$|^\s|\s$`)

func (e *yamlEmitter) scalar(v any, col int) string {
	switch x := v.(type) {
	case yamlPlain:
		return string(x)
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int:
		return strconv.Itoa(x)
	case float64:
		switch {
		case math.IsInf(x, 1):
			return ".inf"
		case math.IsInf(x, -1):
			return "-.inf"
		case math.IsNaN(x):
			return ".nan"
		}
		s := formatFloat(x)
		if strings.Contains(s, "e") && !strings.Contains(s, ".") {
			s = strings.Replace(s, "e", ".0e", 1)
		}
		return s
	case string:
		return e.yamlString(x, col)
	}
	return e.yamlString(pyStr(v), col)
}

func (e *yamlEmitter) column() int {
	s := e.b.String()
	return utf8.RuneCountInString(s[strings.LastIndexByte(s, '\n')+1:])
}

// fold writes s breaking at single spaces once the line passes 80 columns,
// like PyYAML's plain and single-quoted writers; newlines become a blank
// line (single-quoted style only).
func (e *yamlEmitter) fold(s string, indent int, startCol int) string {
	var b strings.Builder
	col := startCol
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r == ' ' && col > 80 && i > 0 && runes[i-1] != ' ' && i+1 < len(runes) && runes[i+1] != ' ':
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		case r == '\n':
			k := i
			for k < len(runes) && runes[k] == '\n' {
				k++
			}
			b.WriteString(strings.Repeat("\n", k-i+1) + strings.Repeat(" ", indent))
			col = indent
			i = k - 1
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

func (e *yamlEmitter) yamlString(s string, indent int) string {
	needDouble := false
	for _, r := range s {
		if r == '\t' || r == '\r' || r < 0x20 || r == 0x7f || r == 0xfeff || !utf8.ValidRune(r) {
			needDouble = true
			break
		}
	}
	if needDouble {
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range s {
			switch r {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\t':
				b.WriteString(`\t`)
			case '\r':
				b.WriteString(`\r`)
			default:
				if r < 0x20 || r == 0x7f {
					b.WriteString(`\x` + leftPad(strconv.FormatInt(int64(r), 16), 2))
				} else {
					b.WriteRune(r)
				}
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	if s == "" || yamlBoolRe().MatchString(s) || yamlNullRe().MatchString(s) || yamlIntRe().MatchString(s) ||
		yamlFloatRe().MatchString(s) || yamlPlainUnsafe().MatchString(s) || s == "=" || s == "<<" ||
		regexp.MustCompile(`^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?`).MatchString(s) {
		return "'" + e.fold(strings.ReplaceAll(s, "'", "''"), indent, e.column()+1) + "'"
	}
	if strings.Contains(s, "\n") {
		return "'" + e.fold(strings.ReplaceAll(s, "'", "''"), indent, e.column()+1) + "'"
	}
	return e.fold(s, indent, e.column())
}

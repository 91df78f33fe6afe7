// Package moddoc prints a module's documentation the way ansible-doc does,
// from the module's own declaration: the struct tags of the value its
// Info.New returns (arg, default, aliases, choices, doc) and Info.Short.
//
//	text, err := moddoc.Text(*info) // ansible-doc MODULE
//	list := moddoc.List()           // ansible-doc -l
package moddoc

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goplay/goplay/modules"
)

// Columns is the terminal width the text is laid out for; ansible-doc uses
// the terminal's width less one, 79 when it is not a terminal.
var Columns = 79

const optIndent = "        "

// Option is one documented argument of a module.
type Option struct {
	Name     string
	Aliases  []string
	Type     string
	Required bool
	// Default is the default value as the tag gives it; HasDefault tells
	// whether there is one.
	Default    string
	HasDefault bool
	Choices    []string
	Doc        string
}

// Options lists the arguments a module declares, sorted by name, as
// ansible-doc shows them. Internal arguments (a leading underscore) are
// left out, except _raw_params of a free-form module, shown as free_form
// the way Ansible documents it. The field that collects every other
// argument (",remain") is not an option.
func Options(info modules.Info) []Option {
	if info.New == nil {
		return nil
	}
	m := info.New()
	params := modules.Params(m)
	fields := argFields(m)
	var out []Option
	for i, p := range params {
		var f field
		if i < len(fields) {
			f = fields[i]
		}
		if f.remain {
			continue
		}
		name := p.Name
		if strings.HasPrefix(name, "_") {
			if name != "_raw_params" || !(info.FreeForm || info.RawParams) {
				continue
			}
			name = "free_form"
		}
		o := Option{
			Name: name, Aliases: p.Aliases, Type: p.Type, Required: p.Required,
			Default: p.Default, HasDefault: p.Default != "", Choices: p.Choices, Doc: p.Doc,
		}
		if !o.HasDefault && f.kind == reflect.Bool {
			// A plain bool that is not given is false.
			o.Default, o.HasDefault = "false", true
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type field struct {
	remain bool
	kind   reflect.Kind // of the field itself (Pointer for optional values)
}

// argFields describes every field that has an arg tag, in the order
// modules.Params lists them.
func argFields(m any) []field {
	t := reflect.TypeOf(m)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("arg")
		if !ok {
			continue
		}
		f := field{kind: sf.Type.Kind()}
		for _, o := range strings.Split(tag, ",")[1:] {
			if o == "remain" {
				f.remain = true
			}
		}
		out = append(out, f)
	}
	return out
}

// Undocumented lists the options of a module that have no doc tag.
func Undocumented(info modules.Info) []string {
	var out []string
	for _, o := range Options(info) {
		if strings.TrimSpace(o.Doc) == "" {
			out = append(out, o.Name)
		}
	}
	return out
}

// DisplayName is the name ansible-doc shows: the module's FQCN alias when it
// has one, else its name.
func DisplayName(info modules.Info) string {
	for _, a := range info.Aliases {
		if strings.Count(a, ".") >= 2 && !strings.HasPrefix(a, "ansible.legacy.") {
			return a
		}
	}
	return info.Name
}

// source names the Go type that implements the module, where ansible-doc
// shows the module's file.
func source(info modules.Info) string {
	if info.New == nil {
		return "?"
	}
	t := reflect.TypeOf(info.New())
	if t == nil {
		return "?"
	}
	ptr := ""
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
		ptr = "*"
	}
	if t.Name() == "" {
		return t.String()
	}
	return ptr + t.PkgPath() + "." + t.Name()
}

// Text returns what `ansible-doc MODULE` prints for the module: the header,
// its short description, OPTIONS (= is mandatory) with each argument's
// description, aliases, choices, default and type, and ATTRIBUTES with its
// check-mode support.
func Text(info modules.Info) (string, error) {
	if info.Name == "" || info.New == nil {
		return "", fmt.Errorf("moddoc: module has no name or constructor")
	}
	limit := Columns - int(float64(Columns)*0.20)
	if limit < 70 {
		limit = 70
	}
	var text []string
	text = append(text, fmt.Sprintf("> %s    (%s)\n", strings.ToUpper(DisplayName(info)), source(info)))
	desc := info.Short
	if desc == "" {
		desc = "No description."
	}
	text = append(text, fill(ttyify(desc), limit, optIndent)+"\n")
	if info.FreeForm || info.RawParams {
		text = append(text, "  * note: This module takes free-form text (k=v arguments are also accepted).\n")
	}
	opts := Options(info)
	if len(opts) > 0 {
		text = append(text, "OPTIONS (= is mandatory):\n")
		for _, o := range opts {
			lead := "-"
			if o.Required {
				lead = "="
			}
			text = append(text, lead+" "+o.Name)
			for _, para := range strings.Split(strings.TrimSpace(o.Doc), "\n") {
				if para = strings.TrimSpace(para); para != "" {
					text = append(text, fill(ttyify(para), limit, optIndent))
				}
			}
			if len(o.Aliases) > 0 {
				text = append(text, optIndent+"aliases: "+flowList(o.Aliases))
			}
			if len(o.Choices) > 0 {
				text = append(text, optIndent+"choices: "+flowList(o.Choices))
			}
			if !o.Required {
				text = append(text, optIndent+"default: "+defaultYAML(o))
			}
			if o.Type != "" {
				text = append(text, optIndent+"type: "+o.Type)
			}
			text = append(text, "")
		}
		text = append(text, "")
	}
	support := "none"
	if info.CheckMode {
		support = "full"
	}
	text = append(text, "ATTRIBUTES:\n")
	text = append(text, optIndent+"check_mode:\n"+
		optIndent+"  description: Can run in check_mode and return changed status prediction without\n"+
		optIndent+"    modifying target\n"+
		optIndent+"  support: "+support)
	text = append(text, "")
	return strings.Join(text, "\n"), nil
}

// List returns what `ansible-doc -l` prints: every registered module (once,
// under its display name) with its short description, in name order.
func List() string {
	seen := map[*modules.Info]bool{}
	descs := map[string]string{}
	for _, n := range modules.Names() {
		info, ok := modules.Lookup(n)
		if !ok || seen[info] {
			continue
		}
		seen[info] = true
		descs[DisplayName(*info)] = info.Short
	}
	return listText(descs)
}

func listText(descs map[string]string) string {
	if len(descs) == 0 {
		return ""
	}
	names := make([]string, 0, len(descs))
	displace := 0
	for n := range descs {
		names = append(names, n)
		displace = max(displace, utf8.RuneCountInString(n))
	}
	sort.Strings(names)
	linelimit := Columns - displace - 5
	var b strings.Builder
	for i, n := range names {
		d := ttyify(descs[n])
		if r := []rune(d); linelimit >= 0 && len(r) > linelimit {
			d = string(r[:linelimit]) + "..."
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(n + strings.Repeat(" ", displace-utf8.RuneCountInString(n)) + " " + d)
		if pad := linelimit - utf8.RuneCountInString(d); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// defaultYAML renders an option's default as ansible-doc's YAML dump does,
// typed by the option's type.
func defaultYAML(o Option) string {
	if !o.HasDefault {
		return "null"
	}
	switch o.Type {
	case "bool":
		if b, err := modules.ToBool(o.Default); err == nil {
			return strconv.FormatBool(b)
		}
	case "int":
		if n, ok := modules.ToInt(o.Default); ok {
			return strconv.Itoa(n)
		}
	case "float":
		if f, ok := modules.ToFloat(o.Default); ok {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	case "list":
		var items []string
		for _, s := range strings.Split(o.Default, ",") {
			items = append(items, strings.TrimSpace(s))
		}
		return flowList(items)
	}
	return yamlScalar(o.Default, false)
}

func flowList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = yamlScalar(s, true)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

var (
	yamlSpecial = lazyRegexp(`^(?:~|null|Null|NULL|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|=|<<)$`)
	yamlNumber  = lazyRegexp(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	yamlDate    = lazyRegexp(`^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?`)
)

// yamlScalar writes a string as PyYAML's safe dumper would: plain when it
// reads back as the same string, else single-quoted, or double-quoted
// with escapes when it has characters outside printable ASCII.
func yamlScalar(s string, flow bool) string {
	for _, r := range s {
		if r < 0x20 || r >= 0x7f {
			return yamlDouble(s)
		}
	}
	if s == "" || yamlSpecial().MatchString(s) || yamlNumber().MatchString(s) || yamlDate().MatchString(s) ||
		s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, ": ") || strings.Contains(s, " #") ||
		strings.HasSuffix(s, ":") || strings.ContainsRune("!&*'\"%@`|>{}[],#", rune(s[0])) ||
		(strings.ContainsRune("-?:", rune(s[0])) && (len(s) == 1 || s[1] == ' ')) ||
		(flow && strings.ContainsAny(s, ",[]{}?")) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

func yamlDouble(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var (
	ttyItalic = lazyRegexp(`\bI\(([^)]+)\)`)
	ttyBold   = lazyRegexp(`\bB\(([^)]+)\)`)
	ttyModule = lazyRegexp(`\bM\(([^)]+)\)`)
	ttyURL    = lazyRegexp(`\bU\(([^)]+)\)`)
	ttyLink   = lazyRegexp(`\bL\(([^)]+), *([^)]+)\)`)
	ttyConst  = lazyRegexp(`\bC\(([^)]+)\)`)
	ttyRule   = lazyRegexp(`\bHORIZONTALLINE\b`)
)

// ttyify turns Ansible's documentation markup into plain text as
// ansible-doc does: C(x) and I(x) as `x', B(x) as *x*, M(x) as [x].
func ttyify(s string) string {
	s = ttyItalic().ReplaceAllString(s, "`$1'")
	s = ttyBold().ReplaceAllString(s, "*$1*")
	s = ttyModule().ReplaceAllString(s, "[$1]")
	s = ttyURL().ReplaceAllString(s, "$1")
	s = ttyLink().ReplaceAllString(s, "$1 <$2>")
	s = ttyConst().ReplaceAllString(s, "`$1'")
	s = ttyRule().ReplaceAllString(s, "\n"+strings.Repeat("-", 13)+"\n")
	return s
}

// fill is Python's textwrap.fill with the same indent on every line:
// whitespace characters become spaces, lines break between words (runs of
// spaces inside a line are kept), and words longer than a line are cut.
func fill(s string, width int, indent string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
			return ' '
		}
		return r
	}, s)
	// Chunks alternate between words and runs of spaces.
	var chunks [][]rune
	for _, r := range s {
		sp := r == ' '
		if n := len(chunks); n > 0 && (chunks[n-1][0] == ' ') == sp {
			chunks[n-1] = append(chunks[n-1], r)
			continue
		}
		chunks = append(chunks, []rune{r})
	}
	room := width - utf8.RuneCountInString(indent)
	if room < 1 {
		room = 1
	}
	isSpace := func(c []rune) bool { return c[0] == ' ' }
	var lines []string
	for len(chunks) > 0 {
		if len(lines) > 0 && isSpace(chunks[0]) {
			chunks = chunks[1:]
			continue
		}
		var cur [][]rune
		n := 0
		for len(chunks) > 0 && n+len(chunks[0]) <= room {
			n += len(chunks[0])
			cur = append(cur, chunks[0])
			chunks = chunks[1:]
		}
		if len(chunks) > 0 && len(chunks[0]) > room {
			// A word longer than the line: cut it to fill the line.
			if left := room - n; left > 0 || len(cur) == 0 {
				left = max(left, 1)
				cur = append(cur, chunks[0][:left])
				chunks[0] = chunks[0][left:]
			}
		}
		if k := len(cur); k > 0 && isSpace(cur[k-1]) {
			cur = cur[:k-1]
		}
		if len(cur) > 0 {
			var b strings.Builder
			b.WriteString(indent)
			for _, c := range cur {
				b.WriteString(string(c))
			}
			lines = append(lines, b.String())
		}
	}
	return strings.Join(lines, "\n")
}

// ByName returns Text for the module registered under name (a short name,
// an alias or an ansible.legacy. name). It has the signature of
// engine/app's DocText hook (goplay --doc MODULE).
func ByName(name string) (string, error) {
	info, ok := modules.Lookup(name)
	if !ok {
		msg := name + " was not found"
		if s := modules.Suggest(name); s != "" {
			msg += fmt.Sprintf(". Did you mean '%s'?", s)
		}
		return "", fmt.Errorf("%s", msg)
	}
	return Text(*info)
}

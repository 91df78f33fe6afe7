package cli

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/pyfmt"
)

// This file is a small re-implementation of the subset of Python 3.11's
// argparse that ansible-playbook uses: optionals with 0 or 1 argument,
// one nargs='+' positional, store/store_true/count/append/prepend/help/
// version actions, mutually exclusive groups, abbreviations of long
// options, bundling of short options, "--", and argparse's exact error
// messages and help layout.

type nargsKind int

const (
	nargsOne       nargsKind = iota // nargs=None: exactly one argument
	nargsZero                       // nargs=0: a flag
	nargsOneOrMore                  // nargs='+' (positionals only)
)

type actionKind int

const (
	actStore actionKind = iota
	actStoreTrue
	actCount
	actAppend
	actPrepend
	actHelp
	actVersion
)

// help groups, in argparse's _action_groups order
const (
	grpPositional = iota
	grpOptions
	grpConnection
	grpPrivilege
	grpGoplay
)

type argAction struct {
	opts     []string
	dest     string
	metavar  string
	nargs    nargsKind
	kind     actionKind
	help     string
	group    int
	required bool
	def      any // namespace default (Python-typed)
	// convert is the argparse "type": it returns the converted value or
	// an error message such as "invalid int value: 'x'".
	convert func(s string) (any, string)
	extra   *Extra // non-nil for goplay extension flags
}

// name is argparse's _get_action_name.
func (a *argAction) name() string {
	if len(a.opts) > 0 {
		return strings.Join(a.opts, "/")
	}
	return a.metavar
}

type argParser struct {
	prog        string
	description string
	actions     []*argAction // insertion order
	mutex       [][]*argAction
	optionMap   map[string]*argAction
	optionOrder []string // option strings in insertion order
	// option strings that take part in abbreviation matching (all of
	// Ansible's; goplay's extension flags are matched exactly only)
	abbrevOK map[string]bool
	groups   []helpGroup
}

type helpGroup struct{ title, description string }

func (p *argParser) add(a *argAction) *argAction {
	if p.optionMap == nil {
		p.optionMap = map[string]*argAction{}
		p.abbrevOK = map[string]bool{}
	}
	p.actions = append(p.actions, a)
	for _, o := range a.opts {
		p.optionMap[o] = a
		p.optionOrder = append(p.optionOrder, o)
		if a.extra == nil {
			p.abbrevOK[o] = true
		}
	}
	return a
}

// argError is argparse's ArgumentError (or a plain parser.error message
// when action is nil).
type argError struct {
	action *argAction
	msg    string
}

func (e *argError) Error() string {
	if e.action == nil {
		return e.msg
	}
	return fmt.Sprintf("argument %s: %s", e.action.name(), e.msg)
}

// exitRequest is raised by the help and version actions.
type exitRequest struct{ action *argAction }

func (e *exitRequest) Error() string { return "exit" }

type optTuple struct {
	action      *argAction // nil: looks like an option but is unknown
	optString   string
	explicitArg *string
}

var negativeNumber = lazyRegexp(`^-\d+$|^-\d*\.\d+$`)

func isNegativeNumber(s string) bool {
	// Python's \d is any Unicode decimal digit.
	if !strings.HasPrefix(s, "-") {
		return false
	}
	ascii := strings.Map(func(r rune) rune {
		if r > 0x7f && unicode.Is(unicode.Nd, r) {
			return '0'
		}
		return r
	}, s)
	return negativeNumber().MatchString(ascii)
}

func strp(s string) *string { return &s }

// parseOptional is argparse's _parse_optional. It returns nil for a
// positional argument.
func (p *argParser) parseOptional(arg string) (*optTuple, error) {
	if arg == "" || arg[0] != '-' {
		return nil, nil
	}
	if a, ok := p.optionMap[arg]; ok {
		return &optTuple{a, arg, nil}, nil
	}
	if len(arg) == 1 {
		return nil, nil
	}
	if opt, explicit, ok := strings.Cut(arg, "="); ok {
		if a, ok := p.optionMap[opt]; ok {
			return &optTuple{a, opt, strp(explicit)}, nil
		}
	}
	tuples := p.optionTuples(arg)
	if len(tuples) > 1 {
		var names []string
		for _, t := range tuples {
			names = append(names, t.optString)
		}
		return nil, &argError{msg: fmt.Sprintf("ambiguous option: %s could match %s", arg, strings.Join(names, ", "))}
	}
	if len(tuples) == 1 {
		return &tuples[0], nil
	}
	if isNegativeNumber(arg) {
		return nil, nil
	}
	if strings.Contains(arg, " ") {
		return nil, nil
	}
	return &optTuple{nil, arg, nil}, nil
}

// optionTuples is argparse's _get_option_tuples (allow_abbrev=True).
func (p *argParser) optionTuples(arg string) []optTuple {
	var out []optTuple
	if strings.HasPrefix(arg, "--") {
		prefix, explicit, hasEq := strings.Cut(arg, "=")
		var ex *string
		if hasEq {
			ex = strp(explicit)
		}
		for _, o := range p.optionOrder {
			if p.abbrevOK[o] && strings.HasPrefix(o, prefix) {
				out = append(out, optTuple{p.optionMap[o], o, ex})
			}
		}
		return out
	}
	// single prefix character: "-xVALUE" or a prefix of a longer option
	_, size := utf8.DecodeRuneInString(arg[1:])
	short := arg[:1+size]
	shortExplicit := arg[1+size:]
	for _, o := range p.optionOrder {
		if o == short {
			out = append(out, optTuple{p.optionMap[o], o, strp(shortExplicit)})
		} else if p.abbrevOK[o] && strings.HasPrefix(o, arg) {
			out = append(out, optTuple{p.optionMap[o], o, nil})
		}
	}
	return out
}

type namespace map[string]any

// parseArgs is argparse's parse_args: it fills ns and returns the extras
// error, an *argError, or an *exitRequest.
func (p *argParser) parseArgs(args []string, ns namespace, seen map[*argAction]bool) error {
	for _, a := range p.actions {
		if a.kind == actHelp { // dest=SUPPRESS
			continue
		}
		if _, ok := ns[a.dest]; !ok {
			ns[a.dest] = a.def
		}
	}
	// mutual exclusion map
	conflicts := map[*argAction][]*argAction{}
	for _, g := range p.mutex {
		for i, a := range g {
			conflicts[a] = append(conflicts[a], g[:i]...)
			conflicts[a] = append(conflicts[a], g[i+1:]...)
		}
	}
	optIdx := map[int]*optTuple{}
	pattern := make([]byte, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			pattern = append(pattern, '-')
			for i++; i < len(args); i++ {
				pattern = append(pattern, 'A')
			}
			break
		}
		t, err := p.parseOptional(args[i])
		if err != nil {
			return err
		}
		if t == nil {
			pattern = append(pattern, 'A')
		} else {
			optIdx[i] = t
			pattern = append(pattern, 'O')
		}
	}
	seenNonDefault := map[*argAction]bool{}
	takeAction := func(a *argAction, argStrings []string, optString string) error {
		seen[a] = true
		var value any
		switch a.nargs {
		case nargsZero:
			value = nil
		case nargsOne:
			v, msg := a.convertValue(argStrings[0])
			if msg != "" {
				return &argError{a, msg}
			}
			value = v
		case nargsOneOrMore:
			list := append([]string{}, argStrings...)
			for i, s := range list {
				if s == "--" {
					list = append(list[:i], list[i+1:]...)
					break
				}
			}
			value = list
		}
		// every value argparse produces here is a new object, hence
		// never "the default"
		seenNonDefault[a] = true
		for _, c := range conflicts[a] {
			if seenNonDefault[c] {
				return &argError{a, "not allowed with argument " + c.name()}
			}
		}
		switch a.kind {
		case actStore:
			ns[a.dest] = value
		case actStoreTrue:
			ns[a.dest] = true
		case actCount:
			n, _ := ns[a.dest].(int)
			ns[a.dest] = n + 1
		case actAppend:
			old, _ := ns[a.dest].([]any)
			ns[a.dest] = append(append([]any{}, old...), value)
		case actPrepend:
			old, _ := ns[a.dest].([]any)
			vals, _ := value.([]any)
			ns[a.dest] = append(append([]any{}, vals...), old...)
		case actHelp, actVersion:
			return &exitRequest{a}
		}
		return nil
	}
	var extras []string
	consumeOptional := func(start int) (int, error) {
		t := optIdx[start]
		a, optString, explicit := t.action, t.optString, t.explicitArg
		type tuple struct {
			a    *argAction
			args []string
			opt  string
		}
		var todo []tuple
		var stop int
		for {
			if a == nil {
				extras = append(extras, args[start])
				return start + 1, nil
			}
			if explicit != nil {
				argCount := 1
				if a.nargs == nargsZero {
					argCount = 0
				}
				r, _ := utf8.DecodeRuneInString(optString[1:])
				if argCount == 0 && r != '-' && *explicit != "" {
					todo = append(todo, tuple{a, nil, optString})
					first, size := utf8.DecodeRuneInString(*explicit)
					optString = "-" + string(first)
					rest := (*explicit)[size:]
					if na, ok := p.optionMap[optString]; ok {
						a = na
						if rest == "" {
							explicit = nil
						} else {
							explicit = strp(rest)
						}
					} else {
						return 0, &argError{a, "ignored explicit argument " + pyfmt.Repr(*explicit)}
					}
				} else if argCount == 1 {
					stop = start + 1
					todo = append(todo, tuple{a, []string{*explicit}, optString})
					break
				} else {
					return 0, &argError{a, "ignored explicit argument " + pyfmt.Repr(*explicit)}
				}
			} else {
				s := start + 1
				count := 0
				if a.nargs != nargsZero {
					if s >= len(pattern) || pattern[s] != 'A' {
						return 0, &argError{a, "expected one argument"}
					}
					count = 1
				}
				stop = s + count
				todo = append(todo, tuple{a, args[s:stop], optString})
				break
			}
		}
		for _, t := range todo {
			if err := takeAction(t.a, t.args, t.opt); err != nil {
				return 0, err
			}
		}
		return stop, nil
	}
	var positionals []*argAction
	for _, a := range p.actions {
		if len(a.opts) == 0 {
			positionals = append(positionals, a)
		}
	}
	consumePositionals := func(start int) (int, error) {
		if len(positionals) == 0 {
			return start, nil
		}
		// only one nargs='+' positional is supported: -*A[A-]*
		sel := pattern[start:]
		i := 0
		for i < len(sel) && sel[i] == '-' {
			i++
		}
		if i >= len(sel) || sel[i] != 'A' {
			return start, nil
		}
		i++
		for i < len(sel) && (sel[i] == 'A' || sel[i] == '-') {
			i++
		}
		a := positionals[0]
		positionals = positionals[1:]
		if err := takeAction(a, args[start:start+i], ""); err != nil {
			return 0, err
		}
		return start + i, nil
	}
	maxOpt := -1
	for i := range optIdx {
		maxOpt = max(maxOpt, i)
	}
	start := 0
	for start <= maxOpt {
		next := -1
		for i := range optIdx {
			if i >= start && (next < 0 || i < next) {
				next = i
			}
		}
		if start != next {
			end, err := consumePositionals(start)
			if err != nil {
				return err
			}
			if end > start {
				start = end
				continue
			}
			start = end
		}
		if _, ok := optIdx[start]; !ok {
			extras = append(extras, args[start:next]...)
			start = next
		}
		var err error
		if start, err = consumeOptional(start); err != nil {
			return err
		}
	}
	stop, err := consumePositionals(start)
	if err != nil {
		return err
	}
	extras = append(extras, args[stop:]...)
	var required []string
	for _, a := range p.actions {
		if a.required && !seen[a] && !p.requirementWaived(seen) {
			required = append(required, a.name())
		}
	}
	if len(required) > 0 {
		return &argError{msg: "the following arguments are required: " + strings.Join(required, ", ")}
	}
	if len(extras) > 0 {
		return &argError{msg: "unrecognized arguments: " + strings.Join(extras, " ")}
	}
	return nil
}

// requirementWaived: a goplay extension flag marked Standalone makes the
// playbook argument optional.
func (p *argParser) requirementWaived(seen map[*argAction]bool) bool {
	for a := range seen {
		if a.extra != nil && a.extra.Standalone {
			return true
		}
	}
	return false
}

func (a *argAction) convertValue(s string) (any, string) {
	if a.convert == nil {
		return s, ""
	}
	return a.convert(s)
}

// ---------------------------------------------------------------------
// help formatting (argparse.HelpFormatter with ansible's
// SortingHelpFormatter)

type formatter struct {
	width      int
	maxHelpPos int
}

func newFormatter(columns int) *formatter {
	w := columns - 2
	return &formatter{width: w, maxHelpPos: min(24, max(w-20, 4))}
}

func rlen(s string) int { return utf8.RuneCountInString(s) }

func (a *argAction) invocation() string {
	if len(a.opts) == 0 {
		return a.metavar
	}
	if a.nargs == nargsZero {
		return strings.Join(a.opts, ", ")
	}
	parts := make([]string, len(a.opts))
	for i, o := range a.opts {
		parts[i] = o + " " + a.metavar
	}
	return strings.Join(parts, ", ")
}

func (a *argAction) formatArgs() string {
	if a.nargs == nargsOneOrMore {
		return fmt.Sprintf("%s [%s ...]", a.metavar, a.metavar)
	}
	return a.metavar
}

var (
	reOpenSpace  = lazyRegexp(`([\[(]) `)
	reSpaceClose = lazyRegexp(` ([\])])`)
	reEmptyGroup = lazyRegexp(`[\[(] *[\])]`)
	reParenGroup = lazyRegexp(`\(([^|]*)\)`)
)

// actionsUsage is HelpFormatter._format_actions_usage.
func (p *argParser) actionsUsage(actions []*argAction) string {
	inGroup := map[*argAction]bool{}
	inserts := map[int]string{}
	index := func(a *argAction) int {
		for i, x := range actions {
			if x == a {
				return i
			}
		}
		return -1
	}
	for _, g := range p.mutex {
		start := index(g[0])
		if start < 0 {
			continue
		}
		end := start + len(g)
		if end > len(actions) {
			continue
		}
		match := true
		for i, a := range g {
			if actions[start+i] != a {
				match = false
			}
		}
		if !match {
			continue
		}
		for _, a := range g {
			inGroup[a] = true
		}
		if s, ok := inserts[start]; ok {
			inserts[start] = s + " ["
		} else {
			inserts[start] = "["
		}
		if s, ok := inserts[end]; ok {
			inserts[end] = s + "]"
		} else {
			inserts[end] = "]"
		}
		for i := start + 1; i < end; i++ {
			inserts[i] = "|"
		}
	}
	var parts []string
	for _, a := range actions {
		var part string
		if len(a.opts) == 0 {
			part = a.formatArgs()
			if inGroup[a] && strings.HasPrefix(part, "[") && strings.HasSuffix(part, "]") {
				part = part[1 : len(part)-1]
			}
		} else {
			if a.nargs == nargsZero {
				part = a.opts[0]
			} else {
				part = a.opts[0] + " " + a.formatArgs()
			}
			if !a.required && !inGroup[a] {
				part = "[" + part + "]"
			}
		}
		parts = append(parts, part)
	}
	var keys []int
	for k := range inserts {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(keys)))
	for _, k := range keys {
		parts = append(parts[:k], append([]string{inserts[k]}, parts[k:]...)...)
	}
	text := strings.Join(parts, " ")
	text = reOpenSpace().ReplaceAllString(text, "$1")
	text = reSpaceClose().ReplaceAllString(text, "$1")
	text = reEmptyGroup().ReplaceAllString(text, "")
	text = reParenGroup().ReplaceAllString(text, "$1")
	return strings.TrimSpace(text)
}

// usageParts is re.findall(r'\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+', s).
func usageParts(s string) []string {
	r := []rune(s)
	n := len(r)
	isSp := func(c rune) bool { return unicode.IsSpace(c) }
	var out []string
	i := 0
	for i < n {
		if isSp(r[i]) {
			i++
			continue
		}
		if r[i] == '(' || r[i] == '[' {
			closeCh := ')'
			if r[i] == '[' {
				closeCh = ']'
			}
			found := -1
			for j := i + 1; j < n; j++ {
				if r[j] == closeCh {
					k := j
					for k < n && r[k] == closeCh {
						k++
					}
					if k == n || isSp(r[k]) {
						found = k
						break
					}
				}
			}
			if found >= 0 {
				out = append(out, string(r[i:found]))
				i = found
				continue
			}
		}
		j := i
		for j < n && !isSp(r[j]) {
			j++
		}
		out = append(out, string(r[i:j]))
		i = j
	}
	return out
}

// usageActions are the actions shown in usage and help (goplay's
// extension flags are excluded: they are listed separately).
func (p *argParser) ansibleActions() []*argAction {
	var out []*argAction
	for _, a := range p.actions {
		if a.extra == nil {
			out = append(out, a)
		}
	}
	return out
}

// formatUsage is HelpFormatter._format_usage (with the trailing "\n\n").
func (f *formatter) formatUsage(p *argParser) string {
	prefix := "usage: "
	actions := p.ansibleActions()
	var optionals, positionals []*argAction
	for _, a := range actions {
		if len(a.opts) > 0 {
			optionals = append(optionals, a)
		} else {
			positionals = append(positionals, a)
		}
	}
	prog := p.prog
	actionUsage := p.actionsUsage(append(append([]*argAction{}, optionals...), positionals...))
	usage := prog
	if actionUsage != "" {
		usage += " " + actionUsage
	}
	textWidth := f.width
	if rlen(prefix)+rlen(usage) > textWidth {
		optParts := usageParts(p.actionsUsage(optionals))
		posParts := usageParts(p.actionsUsage(positionals))
		getLines := func(parts []string, indent string, withPrefix bool) []string {
			var lines []string
			var line []string
			lineLen := rlen(indent) - 1
			if withPrefix {
				lineLen = rlen(prefix) - 1
			}
			for _, part := range parts {
				if lineLen+1+rlen(part) > textWidth && len(line) > 0 {
					lines = append(lines, indent+strings.Join(line, " "))
					line = nil
					lineLen = rlen(indent) - 1
				}
				line = append(line, part)
				lineLen += rlen(part) + 1
			}
			if len(line) > 0 {
				lines = append(lines, indent+strings.Join(line, " "))
			}
			if withPrefix && len(lines) > 0 {
				lines[0] = lines[0][len(indent):]
			}
			return lines
		}
		var lines []string
		if float64(rlen(prefix)+rlen(prog)) <= 0.75*float64(textWidth) {
			indent := strings.Repeat(" ", rlen(prefix)+rlen(prog)+1)
			if len(optParts) > 0 {
				lines = getLines(append([]string{prog}, optParts...), indent, true)
				lines = append(lines, getLines(posParts, indent, false)...)
			} else if len(posParts) > 0 {
				lines = getLines(append([]string{prog}, posParts...), indent, true)
			} else {
				lines = []string{prog}
			}
		} else {
			indent := strings.Repeat(" ", rlen(prefix))
			parts := append(append([]string{}, optParts...), posParts...)
			lines = getLines(parts, indent, false)
			if len(lines) > 1 {
				lines = nil
				lines = append(lines, getLines(optParts, indent, false)...)
				lines = append(lines, getLines(posParts, indent, false)...)
			}
			lines = append([]string{prog}, lines...)
		}
		usage = strings.Join(lines, "\n")
	}
	return prefix + usage + "\n\n"
}

// printUsage is ArgumentParser.format_usage: the usage without the blank
// line that follows it in the help text.
func (f *formatter) printUsage(p *argParser) string {
	return finishHelp(f.formatUsage(p))
}

var asciiSpaceRun = lazyRegexp(`[ \t\n\r\f\v]+`)

func collapse(s string) string {
	return strings.TrimFunc(asciiSpaceRun().ReplaceAllString(s, " "), func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
	})
}

// formatText is HelpFormatter._format_text at the given indent.
func (f *formatter) formatText(text string, indent int) string {
	w := max(f.width-indent, 11)
	lines := wrapText(collapse(text), w, strings.Repeat(" ", indent), strings.Repeat(" ", indent))
	return strings.Join(lines, "\n") + "\n\n"
}

// formatAction is HelpFormatter._format_action at indent 2.
func (f *formatter) formatAction(a *argAction, maxLen int) string {
	const indent = 2
	helpPos := min(maxLen+2, f.maxHelpPos)
	helpWidth := max(f.width-helpPos, 11)
	actionWidth := helpPos - indent - 2
	header := a.invocation()
	var b strings.Builder
	indentFirst := 0
	help := collapse(a.help)
	if help == "" {
		return strings.Repeat(" ", indent) + header + "\n"
	}
	if rlen(header) <= actionWidth {
		b.WriteString(strings.Repeat(" ", indent) + header + strings.Repeat(" ", actionWidth-rlen(header)) + "  ")
	} else {
		b.WriteString(strings.Repeat(" ", indent) + header + "\n")
		indentFirst = helpPos
	}
	lines := wrapText(help, helpWidth, "", "")
	for i, l := range lines {
		if i == 0 {
			b.WriteString(strings.Repeat(" ", indentFirst) + l + "\n")
		} else {
			b.WriteString(strings.Repeat(" ", helpPos) + l + "\n")
		}
	}
	return b.String()
}

func sortedByOptionStrings(actions []*argAction) []*argAction {
	out := append([]*argAction{}, actions...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].opts, out[j].opts
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return len(a) < len(b)
	})
	return out
}

// section formats one argument group the way _Section.format_help does.
func (f *formatter) section(g helpGroup, actions []*argAction, maxLen int) string {
	var items strings.Builder
	if g.description != "" {
		items.WriteString(f.formatText(g.description, 2))
	}
	for _, a := range sortedByOptionStrings(actions) {
		items.WriteString(f.formatAction(a, maxLen))
	}
	if items.Len() == 0 {
		return ""
	}
	return "\n" + g.title + ":\n" + items.String() + "\n"
}

func maxInvocation(actions []*argAction) int {
	m := 0
	for _, a := range actions {
		m = max(m, rlen(a.invocation())+2)
	}
	return m
}

var longBreak = lazyRegexp(`\n\n\n+`)

func finishHelp(s string) string {
	s = longBreak().ReplaceAllString(s, "\n\n")
	return strings.Trim(s, "\n") + "\n"
}

// formatHelp is ArgumentParser.format_help for Ansible's options only.
func (f *formatter) formatHelp(p *argParser) string {
	var b strings.Builder
	b.WriteString(f.formatUsage(p))
	if p.description != "" {
		b.WriteString(f.formatText(p.description, 0))
	}
	actions := p.ansibleActions()
	maxLen := maxInvocation(actions)
	for gi, g := range p.groups {
		if gi == grpGoplay {
			continue
		}
		var members []*argAction
		for _, a := range actions {
			if a.group == gi {
				members = append(members, a)
			}
		}
		b.WriteString(f.section(g, members, maxLen))
	}
	return finishHelp(b.String())
}

// formatExtraHelp formats the goplay options group (empty when there are
// no extension flags). It is formatted on its own so that it cannot
// change the layout of Ansible's part.
func (f *formatter) formatExtraHelp(p *argParser) string {
	var members []*argAction
	for _, a := range p.actions {
		if a.extra != nil && !a.extra.Hidden {
			members = append(members, a)
		}
	}
	if len(members) == 0 {
		return ""
	}
	return finishHelp(f.section(p.groups[grpGoplay], members, maxInvocation(members)))
}

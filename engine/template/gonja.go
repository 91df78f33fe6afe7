package template

import (
	"errors"
	"fmt"
	"strings"

	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	gparser "github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// This file sets up gonja: the lexer configuration Ansible uses
// (trim_blocks on, lstrip_blocks off), the statements goplay supports
// (gonja's own parsers for if, for and macro; ours, written with gonja's
// parser API, where gonja's nodes keep their fields private or lack
// Jinja2 syntax) and the mapping of gonja's syntax errors to Jinja2's
// messages, which Ansible prints.

var gonjaConfig = func() *config.Config {
	c := config.New()
	c.TrimBlocks = true
	c.KeepTrailingNewline = true
	return c
}()

// statements is the set of statements the parser knows.
var statements = exec.NewControlStructureSet(map[string]gparser.ControlStructureParser{})

func init() {
	for _, name := range []string{"macro"} {
		p, ok := controlStructures.All.Get(name)
		if !ok {
			panic("gonja lacks the " + name + " statement")
		}
		must(statements.Register(name, wrapStatement(name, p)))
	}
	must(statements.Register("if", wrapStatement("if", parseIf)))
	must(statements.Register("for", wrapStatement("for", parseFor)))
	must(statements.Register("set", wrapStatement("set", parseSet)))
	must(statements.Register("call", wrapStatement("call", parseCallBlock)))
	must(statements.Register("with", wrapStatement("with", parseWith)))
	must(statements.Register("filter", wrapStatement("filter", parseFilterBlock)))
	must(statements.Register("raw", wrapStatement("raw", parseRaw)))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func syntaxErr(format string, a ...any) *TemplateError {
	return &TemplateError{Msg: fmt.Sprintf(format, a...), syntax: true}
}

// blockTags are the end tags Jinja2 lists when a block is not closed.
var blockTags = map[string]string{
	"if":     "'elif' or 'else' or 'endif'",
	"if ":    "'endif'",
	"for":    "'endfor' or 'else'",
	"for ":   "'endfor'",
	"macro":  "'endmacro'",
	"set":    "'endset'",
	"with":   "'endwith'",
	"filter": "'endfilter'",
	"raw":    "'endraw'",
	"call":   "'endcall'",
}

// wrapStatement adds Jinja2's messages to a statement parser.
func wrapStatement(name string, inner gparser.ControlStructureParser) gparser.ControlStructureParser {
	return func(p *gparser.Parser, args *gparser.Parser) (cs nodes.ControlStructure, err error) {
		if (name == "if" || name == "set") && args.End() {
			return nil, syntaxErr("Expected an expression, got 'end of statement block'")
		}
		cs, err = inner(p, args)
		if err != nil {
			return nil, mapSyntaxErr(err, name)
		}
		return cs, nil
	}
}

var (
	eofTagRe        = lazyRegexp(`^Unexpected EOF(, expected tag| \(expected)`)
	unknownTagRe    = lazyRegexp(`ControlStructure '([^']*)' not found`)
	delimRe         = lazyRegexp(`Unexpected delimiter "(.*)"`)
	expectedEndRe   = lazyRegexp(`^'(\}\}|%\})' expected here`)
	expectedValueRe = lazyRegexp(`^(expected either a number, string, keyword or identifier\.|Expected an expression\.|unexpected EOF, expected a number)`)
)

// mapSyntaxErr turns a gonja parse error into Jinja2's message. inBlock
// names the innermost statement being parsed ("" at the top level).
func mapSyntaxErr(err error, inBlock string) error {
	var te *TemplateError
	if errors.As(err, &te) {
		return te
	}
	msg := err.Error()
	var se *gparser.SyntaxError
	near, haveNear := "", false
	if errors.As(err, &se) {
		msg, near, haveNear = se.Message, se.Raw, true
	}
	switch {
	case eofTagRe().MatchString(msg) && inBlock != "":
		return syntaxErr("Unexpected end of template. Jinja was looking for the following tags: %s. The innermost block that needs to be closed is '%s'.", blockTags[inBlock], strings.TrimSpace(inBlock))
	case unknownTagRe().MatchString(msg):
		tag := unknownTagRe().FindStringSubmatch(msg)[1]
		if inBlock != "" {
			return syntaxErr("Encountered unknown tag '%s'. Jinja was looking for the following tags: %s. The innermost block that needs to be closed is '%s'.", tag, blockTags[inBlock], strings.TrimSpace(inBlock))
		}
		return syntaxErr("Encountered unknown tag '%s'.", tag)
	case strings.HasPrefix(msg, "filter name must be an identifier"):
		return syntaxErr("expected token 'name', got '%s'", describeRaw(near))
	}
	if m := delimRe().FindStringSubmatch(near); m != nil {
		return syntaxErr("unexpected '%s'", m[1])
	}
	if haveNear && expectedEndRe().MatchString(msg) {
		if near == "" {
			return syntaxErr("unexpected end of template, expected 'end of print statement'.")
		}
		return syntaxErr("expected token 'end of print statement', got '%s'", near)
	}
	if expectedValueRe().MatchString(msg) {
		if near == "" {
			return syntaxErr("unexpected 'end of template'")
		}
		return syntaxErr("unexpected '%s'", describeRaw(near))
	}
	if haveNear && near != "" {
		return syntaxErr("%s (near '%s')", strings.TrimSuffix(msg, "."), near)
	}
	return syntaxErr("%s", strings.TrimSuffix(msg, "."))
}

// parseGonja lexes and parses a prepared source with gonja.
func parseGonja(src string) (tpl *nodes.Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			tpl, err = nil, syntaxErr("%v", r)
		}
	}()
	stream := tokens.LexAll(src, gonjaConfig)
	toks, _, err := rewriteTokens(collectTokens(stream))
	if err != nil {
		return nil, err
	}
	stream = tokens.NewStream(toks)
	p := gparser.NewParser("template", stream, gonjaConfig, nil, statements)
	tpl, err = p.Parse()
	if err != nil {
		return nil, mapSyntaxErr(err, "")
	}
	if !p.Stream().IsError() {
		settleData(tpl.Nodes)
	}
	if p.Stream().IsError() {
		tok := p.Current()
		if m := delimRe().FindStringSubmatch(tok.Val); m != nil {
			return nil, syntaxErr("unexpected '%s'", m[1])
		}
		if tok.Val == "" {
			return nil, syntaxErr("unexpected end of template")
		}
		return nil, syntaxErr("unexpected char '%s'", tok.Val)
	}
	return tpl, nil
}

// ---- statements whose gonja nodes keep their fields private or lack
// Jinja2 syntax ----

// forStmt is {% for targets in iter [if cond] [recursive] %} with any number
// of targets (gonja's for takes one or two).
type forStmt struct {
	loc       *tokens.Token
	targets   []string
	tuple     bool
	iter      nodes.Expression
	cond      nodes.Expression
	recursive bool
	body      *nodes.Wrapper
	els       *nodes.Wrapper
	assigns   bool // the body has a set, macro or call in its own scope
}

func (s *forStmt) Position() *tokens.Token { return s.loc }
func (s *forStmt) String() string          { return "for" }

func parseFor(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &forStmt{loc: p.Current()}
	var err error
	s.targets, s.tuple, err = parseTargets(args)
	if err != nil {
		return nil, err
	}
	if args.Match(tokens.In) == nil {
		return nil, expectedErr(args, "in")
	}
	if args.End() {
		return nil, syntaxErr("Expected an expression, got 'end of statement block'")
	}
	if s.iter, err = args.ParseExpression(); err != nil {
		return nil, err
	}
	if args.MatchName("if") != nil {
		if s.cond, err = args.ParseExpression(); err != nil {
			return nil, err
		}
	}
	s.recursive = args.MatchName("recursive") != nil
	if !args.End() {
		return nil, expectedErr(args, "end of statement block")
	}
	w, _, err := p.WrapUntil("else", "endfor")
	if err != nil {
		return nil, err
	}
	s.body = w
	s.assigns = assignsIn(w.Nodes)
	if w.EndTag == "else" {
		if s.els, _, err = p.WrapUntil("endfor"); err != nil {
			return nil, mapSyntaxErr(err, "for ")
		}
	}
	return s, nil
}

// ifStmt is {% if %}...{% elif %}...{% else %}...{% endif %}.
type ifStmt struct {
	loc    *tokens.Token
	conds  []nodes.Expression
	bodies []*nodes.Wrapper
	els    *nodes.Wrapper
}

func (s *ifStmt) Position() *tokens.Token { return s.loc }
func (s *ifStmt) String() string          { return "if" }

func parseIf(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &ifStmt{loc: p.Current()}
	for {
		cond, err := parseExprTuple(args)
		if err != nil {
			return nil, err
		}
		if !args.End() {
			return nil, expectedErr(args, "end of statement block")
		}
		w, tagArgs, err := p.WrapUntil("elif", "else", "endif")
		if err != nil {
			return nil, err
		}
		s.conds = append(s.conds, cond)
		s.bodies = append(s.bodies, w)
		switch w.EndTag {
		case "elif":
			if tagArgs.End() {
				return nil, syntaxErr("Expected an expression, got 'end of statement block'")
			}
			args = tagArgs
			continue
		case "else":
			if s.els, _, err = p.WrapUntil("endif"); err != nil {
				return nil, mapSyntaxErr(err, "if ")
			}
		}
		return s, nil
	}
}

// setStmt is {% set a = x %}, {% set a, b = x, y %}, {% set ns.a = x %} and
// the block form {% set a | filter %}...{% endset %}.
type setStmt struct {
	loc     *tokens.Token
	targets []string
	tuple   bool
	nsAttr  string
	expr    nodes.Expression
	filters []*nodes.FilterCall
	body    *nodes.Wrapper
}

func (s *setStmt) Position() *tokens.Token { return s.loc }
func (s *setStmt) String() string          { return "set" }

func parseTargets(args *gparser.Parser) ([]string, bool, error) {
	var names []string
	tuple := false
	paren := args.Match(tokens.LeftParenthesis) != nil
	for {
		t := args.Match(tokens.Name)
		if t == nil {
			return nil, false, expectedErr(args, "name")
		}
		names = append(names, t.Val)
		if args.Match(tokens.Comma) == nil {
			break
		}
		tuple = true
		if args.Current(tokens.Name) == nil {
			break
		}
	}
	if paren {
		if args.Match(tokens.RightParenthesis) == nil {
			return nil, false, expectedErr(args, ")")
		}
		tuple = true
	}
	return names, tuple, nil
}

// describeRaw names a token text the way Jinja2's messages do.
func describeRaw(v string) string {
	switch v {
	case "}}", "-}}", "+}}":
		return "end of print statement"
	case "%}", "-%}", "+%}", "":
		return "end of statement block"
	}
	return v
}

func describeTok(t *tokens.Token) string {
	if t == nil || t.Type == tokens.EOF {
		return "end of statement block"
	}
	if t.Type == tokens.String {
		return "string"
	}
	return t.Val
}

func expectedErr(args *gparser.Parser, what string) error {
	return syntaxErr("expected token '%s', got '%s'", what, describeTok(args.Current()))
}

// parseExprTuple parses an expression, an inline if, or a bare tuple a, b.
func parseExprTuple(args *gparser.Parser) (nodes.Expression, error) {
	loc := args.Current()
	var items []nodes.Expression
	trailing := false
	for {
		x, err := args.ParseExpression()
		if err != nil {
			return nil, err
		}
		cond, alt, err := args.ParseCondition()
		if err != nil {
			return nil, err
		}
		if cond != nil {
			x = &condExpr{loc: loc, then: x, test: cond, els: alt}
		}
		items = append(items, x)
		if args.Match(tokens.Comma) == nil {
			break
		}
		if args.End() {
			trailing = true
			break
		}
	}
	if len(items) == 1 && !trailing {
		return items[0], nil
	}
	return &nodes.Tuple{Location: loc, Val: items}, nil
}

// condExpr is an inline if (x if test else y) where gonja's grammar allows
// it only at the top of a statement: a node of ours.
type condExpr struct {
	loc             *tokens.Token
	then, test, els nodes.Expression
}

func (c *condExpr) Position() *tokens.Token { return c.loc }
func (c *condExpr) String() string          { return "condexpr" }

func parseSet(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &setStmt{loc: p.Current()}
	if args.Current(tokens.Name) != nil && args.Peek(tokens.Dot) != nil {
		s.targets = []string{args.Pop().Val}
		args.Pop()
		t := args.Match(tokens.Name)
		if t == nil {
			return nil, expectedErr(args, "name")
		}
		s.nsAttr = t.Val
	} else {
		var err error
		s.targets, s.tuple, err = parseTargets(args)
		if err != nil {
			return nil, err
		}
	}
	if args.Match(tokens.Assign) != nil {
		x, err := parseExprTuple(args)
		if err != nil {
			return nil, err
		}
		if !args.End() {
			return nil, expectedErr(args, "end of statement block")
		}
		s.expr = x
		return s, nil
	}
	if s.tuple || s.nsAttr != "" {
		return nil, expectedErr(args, "=")
	}
	for args.Match(tokens.Pipe) != nil {
		f, err := args.ParseFilter()
		if err != nil {
			return nil, err
		}
		s.filters = append(s.filters, f)
	}
	if !args.End() {
		return nil, expectedErr(args, "end of statement block")
	}
	w, _, err := p.WrapUntil("endset")
	if err != nil {
		return nil, err
	}
	s.body = w
	return s, nil
}

// withStmt is {% with a = x, b = y %}...{% endwith %}.
type withStmt struct {
	loc   *tokens.Token
	names []string
	vals  []nodes.Expression
	body  *nodes.Wrapper
}

func (s *withStmt) Position() *tokens.Token { return s.loc }
func (s *withStmt) String() string          { return "with" }

func parseWith(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &withStmt{loc: p.Current()}
	for !args.End() {
		if len(s.names) > 0 && args.Match(tokens.Comma) == nil {
			return nil, expectedErr(args, ",")
		}
		t := args.Match(tokens.Name)
		if t == nil {
			return nil, expectedErr(args, "name")
		}
		if args.Match(tokens.Assign) == nil {
			return nil, expectedErr(args, "=")
		}
		x, err := args.ParseExpression()
		if err != nil {
			return nil, err
		}
		s.names = append(s.names, t.Val)
		s.vals = append(s.vals, x)
	}
	w, _, err := p.WrapUntil("endwith")
	if err != nil {
		return nil, err
	}
	s.body = w
	return s, nil
}

// filterStmt is {% filter f | g %}...{% endfilter %}.
type filterStmt struct {
	loc     *tokens.Token
	filters []*nodes.FilterCall
	body    *nodes.Wrapper
}

func (s *filterStmt) Position() *tokens.Token { return s.loc }
func (s *filterStmt) String() string          { return "filter" }

func parseFilterBlock(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &filterStmt{loc: p.Current()}
	for {
		f, err := args.ParseFilter()
		if err != nil {
			return nil, err
		}
		s.filters = append(s.filters, f)
		if args.Match(tokens.Pipe) == nil {
			break
		}
	}
	if !args.End() {
		return nil, expectedErr(args, "end of statement block")
	}
	w, _, err := p.WrapUntil("endfilter")
	if err != nil {
		return nil, err
	}
	s.body = w
	return s, nil
}

// rawStmt is {% raw %}...{% endraw %} (gonja's lexer keeps the body as data).
type rawStmt struct {
	loc  *tokens.Token
	body *nodes.Wrapper
}

func (s *rawStmt) Position() *tokens.Token { return s.loc }
func (s *rawStmt) String() string          { return "raw" }

func parseRaw(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &rawStmt{loc: p.Current()}
	w, _, err := p.WrapUntil("endraw")
	if err != nil {
		return nil, err
	}
	s.body = w
	return s, nil
}

// callStmt is {% call macro(args) %}body{% endcall %}: the macro gets a
// caller() that renders the body.
type callStmt struct {
	loc    *tokens.Token
	params []string // {% call(a, b) m() %}: caller(a, b)
	call   *nodes.Call
	body   *nodes.Wrapper
}

func (s *callStmt) Position() *tokens.Token { return s.loc }
func (s *callStmt) String() string          { return "call" }

func parseCallBlock(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	s := &callStmt{loc: p.Current()}
	if args.Match(tokens.LeftParenthesis) != nil {
		for args.Match(tokens.RightParenthesis) == nil {
			if len(s.params) > 0 && args.Match(tokens.Comma) == nil {
				return nil, expectedErr(args, ",")
			}
			t := args.Match(tokens.Name)
			if t == nil {
				return nil, expectedErr(args, "name")
			}
			s.params = append(s.params, t.Val)
		}
	}
	x, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	c, ok := x.(*nodes.Call)
	if !ok {
		return nil, syntaxErr("expected call")
	}
	if !args.End() {
		return nil, expectedErr(args, "end of statement block")
	}
	s.call = c
	if s.body, _, err = p.WrapUntil("endcall"); err != nil {
		return nil, err
	}
	return s, nil
}

// assignsIn reports whether a body assigns variables in its own scope
// (looking into if, filter and call bodies, which share it).
func assignsIn(list []nodes.Node) bool {
	for _, nd := range list {
		b, ok := nd.(*nodes.ControlStructureBlock)
		if !ok {
			continue
		}
		switch cs := b.ControlStructure.(type) {
		case *setStmt, *controlStructures.MacroControlStructure, *callStmt:
			return true
		case *ifStmt:
			for _, w := range cs.bodies {
				if assignsIn(w.Nodes) {
					return true
				}
			}
			if cs.els != nil && assignsIn(cs.els.Nodes) {
				return true
			}
		case *filterStmt:
			if assignsIn(cs.body.Nodes) {
				return true
			}
		}
	}
	return false
}

// settleData applies gonja's whitespace control to the text nodes once,
// after parsing, so that renders write their text as is.
func settleData(list []nodes.Node) {
	for _, nd := range list {
		switch n := nd.(type) {
		case *nodes.Data:
			n.Data.Val = dataText(n)
			n.RemoveFirstLineReturn = false
			n.RemoveTrailingWhiteSpaceFromLastLine = false
			n.Trim = nodes.Trim{}
		case *nodes.ControlStructureBlock:
			for _, w := range wrappersOf(n.ControlStructure) {
				if w != nil {
					settleData(w.Nodes)
				}
			}
		}
	}
}

func wrappersOf(cs nodes.ControlStructure) []*nodes.Wrapper {
	switch n := cs.(type) {
	case *ifStmt:
		return append(append([]*nodes.Wrapper(nil), n.bodies...), n.els)
	case *forStmt:
		return []*nodes.Wrapper{n.body, n.els}
	case *setStmt:
		return []*nodes.Wrapper{n.body}
	case *withStmt:
		return []*nodes.Wrapper{n.body}
	case *filterStmt:
		return []*nodes.Wrapper{n.body}
	case *callStmt:
		return []*nodes.Wrapper{n.body}
	case *controlStructures.MacroControlStructure:
		return []*nodes.Wrapper{n.Wrapper}
	}
	return nil // raw bodies are written verbatim
}

package template

import (
	"strings"
)

// ---- template (statement) nodes ----

type node interface{}

type textNode struct{ s string }

type outputNode struct{ x expr }

type ifNode struct {
	conds  []expr
	bodies [][]node
	els    []node
}

type forNode struct {
	targets   []string
	tupleTgt  bool
	iter      expr
	cond      expr
	body      []node
	els       []node
	recursive bool
}

type setNode struct {
	targets  []string
	tupleTgt bool
	nsAttr   string // set ns.attr = ...
	x        expr
	body     []node // block set
	filters  []*filterExpr
}

type macroNode struct {
	name     string
	params   []string
	defaults []expr // nil entries for params without default
	body     []node
}

type withNode struct {
	names []string
	vals  []expr
	body  []node
}

type filterBlockNode struct {
	filters []*filterExpr
	body    []node
}

// ---- expression nodes ----

type expr interface{}

type constExpr struct{ v any }
type nameExpr struct{ name string }
type listExpr struct{ items []expr }
type tupleExpr struct{ items []expr }
type dictExpr struct{ keys, vals []expr }
type getattrExpr struct {
	obj  expr
	name string
}
type getitemExpr struct{ obj, key expr }
type sliceExpr struct{ obj, start, stop, step expr }
type callArgs struct {
	args      []expr
	kwNames   []string
	kwVals    []expr
	dynArgs   expr
	dynKwargs expr
}
type callExpr struct {
	fn expr
	callArgs
}
type filterExpr struct {
	base expr // nil inside filter blocks / set blocks
	name string
	callArgs
}
type testExpr struct {
	base   expr
	name   string
	negate bool
	callArgs
}
type binExpr struct {
	op   string
	l, r expr
}
type unaryExpr struct {
	op string
	x  expr
}
type compareExpr struct {
	first expr
	ops   []string
	rest  []expr
}
type condExpr struct{ test, then, els expr }

// ---- parser ----

type parser struct {
	toks  []token
	pos   int
	depth int
}

const maxNesting = 200

func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.fail("expression nested too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) cur() token { return p.toks[p.pos] }
func (p *parser) peek(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.pos]
	if p.pos < len(p.toks)-1 {
		p.pos++
	}
	return t
}

func (p *parser) isOp(op string) bool {
	t := p.cur()
	return t.kind == tkOp && t.val == op
}

func (p *parser) isName(name string) bool {
	t := p.cur()
	return t.kind == tkName && t.val == name
}

func (p *parser) skipOp(op string) bool {
	if p.isOp(op) {
		p.next()
		return true
	}
	return false
}

func (p *parser) skipName(name string) bool {
	if p.isName(name) {
		p.next()
		return true
	}
	return false
}

func (p *parser) fail(format string, a ...any) {
	panic(syntaxErr(format, a...))
}

func describeKind(k tokKind, val string) string {
	return token{kind: k, val: val}.describe()
}

func (p *parser) expectKind(k tokKind) token {
	t := p.cur()
	if t.kind != k {
		p.failExpected(describeKind(k, ""))
	}
	return p.next()
}

func (p *parser) expectOp(op string) {
	if !p.isOp(op) {
		p.failExpected(op)
	}
	p.next()
}

func (p *parser) failExpected(what string) {
	t := p.cur()
	if t.kind == tkEOF {
		p.fail("unexpected end of template, expected %s.", quoteString(what))
	}
	p.fail("expected token %s, got %s", quoteString(what), quoteString(t.describe()))
}

func (p *parser) expectName() string {
	t := p.cur()
	if t.kind != tkName {
		p.failExpected("name")
	}
	p.next()
	return t.val
}

// parseTemplate parses a whole token stream into statement nodes.
func parseTemplate(toks []token) (nodes []node, err error) {
	defer func() {
		if r := recover(); r != nil {
			if te, ok := r.(*TemplateError); ok {
				err = te
				return
			}
			panic(r)
		}
	}()
	p := &parser{toks: toks}
	body, end := p.subparse(nil)
	if end != "" {
		p.fail("Encountered unknown tag %s.", quoteString(end))
	}
	return body, nil
}

// subparse parses nodes until one of the end tags is found (returned, with
// the parser positioned after the tag name) or EOF.
func (p *parser) subparse(endTags []string) ([]node, string) {
	var body []node
	for {
		t := p.cur()
		switch t.kind {
		case tkEOF:
			if endTags != nil {
				p.failEOFBlock(endTags)
			}
			return body, ""
		case tkData:
			p.next()
			body = append(body, &textNode{s: t.val})
		case tkVarBegin:
			p.next()
			if p.cur().kind == tkVarEnd {
				p.fail("Expected an expression, got 'end of print statement'")
			}
			x := p.parseTuple(false, true)
			p.expectKind(tkVarEnd)
			body = append(body, &outputNode{x: x})
		case tkBlockBegin:
			p.next()
			nt := p.cur()
			if nt.kind != tkName {
				p.fail("tag name expected")
			}
			for _, e := range endTags {
				if nt.val == e {
					p.next()
					return body, e
				}
			}
			body = append(body, p.parseStatement())
		default:
			p.fail("unexpected %s", quoteString(t.describe()))
		}
	}
}

var blockEndNames = map[string]string{
	"endfor": "for", "endif": "if", "endmacro": "macro", "endset": "set", "endwith": "with",
	"endfilter": "filter", "else": "", "elif": "",
}

func (p *parser) failEOFBlock(endTags []string) {
	var quoted []string
	for _, e := range endTags {
		quoted = append(quoted, quoteString(e))
	}
	inner := ""
	if n, ok := blockEndNames[endTags[len(endTags)-1]]; ok && n != "" {
		inner = " The innermost block that needs to be closed is " + quoteString(n) + "."
	}
	p.fail("Unexpected end of template. Jinja was looking for the following tags: %s.%s", strings.Join(quoted, " or "), inner)
}

func (p *parser) endStatement() {
	p.expectKind(tkBlockEnd)
}

func (p *parser) parseStatement() node {
	name := p.cur().val
	switch name {
	case "if":
		p.next()
		return p.parseIf()
	case "for":
		p.next()
		return p.parseFor()
	case "set":
		p.next()
		return p.parseSet()
	case "macro":
		p.next()
		return p.parseMacro()
	case "with":
		p.next()
		return p.parseWith()
	case "filter":
		p.next()
		fb := &filterBlockNode{}
		fb.filters = p.parseFilterChain(false)
		p.endStatement()
		fb.body, _ = p.subparse([]string{"endfilter"})
		p.endStatement()
		return fb
	}
	if _, ok := blockEndNames[name]; ok {
		p.fail("Encountered unknown tag %s.", quoteString(name))
	}
	p.fail("Encountered unknown tag %s.", quoteString(name))
	return nil
}

func (p *parser) parseIf() node {
	n := &ifNode{}
	for {
		cond := p.parseTuple(false, true)
		p.endStatement()
		body, end := p.subparse([]string{"elif", "else", "endif"})
		n.conds = append(n.conds, cond)
		n.bodies = append(n.bodies, body)
		switch end {
		case "elif":
			continue
		case "else":
			p.endStatement()
			n.els, _ = p.subparse([]string{"endif"})
			p.endStatement()
			return n
		default:
			p.endStatement()
			return n
		}
	}
}

func (p *parser) parseAssignTargets() ([]string, bool) {
	var names []string
	tuple := false
	paren := p.skipOp("(")
	for {
		names = append(names, p.expectName())
		if p.skipOp(",") {
			tuple = true
			if p.cur().kind != tkName {
				break
			}
			continue
		}
		break
	}
	if paren {
		p.expectOp(")")
		tuple = true
	}
	return names, tuple
}

func (p *parser) parseFor() node {
	n := &forNode{}
	n.targets, n.tupleTgt = p.parseAssignTargets()
	if !p.skipName("in") {
		p.failExpected("in")
	}
	n.iter = p.parseTuple(true, false)
	if p.skipName("if") {
		n.cond = p.parseExpression(true)
	}
	n.recursive = p.skipName("recursive")
	p.endStatement()
	body, end := p.subparse([]string{"endfor", "else"})
	n.body = body
	if end == "else" {
		p.endStatement()
		n.els, _ = p.subparse([]string{"endfor"})
	}
	p.endStatement()
	return n
}

func (p *parser) parseSet() node {
	n := &setNode{}
	if p.cur().kind == tkName && p.peek(1).kind == tkOp && p.peek(1).val == "." {
		ns := p.expectName()
		p.next()
		n.targets = []string{ns}
		n.nsAttr = p.expectName()
	} else {
		n.targets, n.tupleTgt = p.parseAssignTargets()
	}
	if p.skipOp("=") {
		n.x = p.parseTuple(false, true)
		p.endStatement()
		return n
	}
	if n.tupleTgt || n.nsAttr != "" {
		p.failExpected("=")
	}
	n.filters = p.parseFilterChain(true)
	p.endStatement()
	n.body, _ = p.subparse([]string{"endset"})
	p.endStatement()
	return n
}

func (p *parser) parseFilterChain(requirePipe bool) []*filterExpr {
	var out []*filterExpr
	if !requirePipe {
		out = append(out, p.parseFilterName(nil))
	}
	for p.skipOp("|") {
		out = append(out, p.parseFilterName(nil))
	}
	return out
}

func (p *parser) parseMacro() node {
	n := &macroNode{name: p.expectName()}
	p.expectOp("(")
	for !p.isOp(")") {
		if len(n.params) > 0 {
			p.expectOp(",")
			if p.isOp(")") {
				break
			}
		}
		n.params = append(n.params, p.expectName())
		if p.skipOp("=") {
			n.defaults = append(n.defaults, p.parseExpression(true))
		} else {
			n.defaults = append(n.defaults, nil)
		}
	}
	p.expectOp(")")
	p.endStatement()
	n.body, _ = p.subparse([]string{"endmacro"})
	p.endStatement()
	return n
}

func (p *parser) parseWith() node {
	n := &withNode{}
	for p.cur().kind != tkBlockEnd {
		if len(n.names) > 0 {
			p.expectOp(",")
		}
		n.names = append(n.names, p.expectName())
		p.expectOp("=")
		n.vals = append(n.vals, p.parseExpression(true))
	}
	p.endStatement()
	n.body, _ = p.subparse([]string{"endwith"})
	p.endStatement()
	return n
}

// ---- expressions ----

// parseTuple parses an expression or an implicit tuple (a, b).
func (p *parser) parseTuple(simplified, withCondexpr bool) expr {
	parse := func() expr {
		if simplified {
			return p.parsePrimaryPostfix()
		}
		return p.parseExpression(withCondexpr)
	}
	var items []expr
	isTuple := false
	for {
		if len(items) > 0 {
			if !p.skipOp(",") {
				break
			}
			isTuple = true
		}
		if p.isTupleEnd() {
			break
		}
		items = append(items, parse())
		if !p.isOp(",") {
			break
		}
	}
	if !isTuple {
		if len(items) == 0 {
			t := p.cur()
			p.fail("Expected an expression, got %s", quoteString(t.describe()))
		}
		return items[0]
	}
	return &tupleExpr{items: items}
}

func (p *parser) parsePrimaryPostfix() expr {
	return p.parsePostfix(p.parsePrimary())
}

func (p *parser) isTupleEnd() bool {
	t := p.cur()
	switch t.kind {
	case tkVarEnd, tkBlockEnd:
		return true
	case tkOp:
		return t.val == ")"
	case tkName:
		return t.val == "in" || t.val == "if" || t.val == "recursive"
	}
	return false
}

func (p *parser) parseExpression(withCondexpr bool) expr {
	if withCondexpr {
		return p.parseCondexpr()
	}
	return p.parseOr()
}

func (p *parser) parseCondexpr() expr {
	p.enter()
	defer p.leave()
	x := p.parseOr()
	for p.skipName("if") {
		test := p.parseOr()
		var els expr
		if p.skipName("else") {
			els = p.parseCondexpr()
		}
		x = &condExpr{test: test, then: x, els: els}
	}
	return x
}

func (p *parser) parseOr() expr {
	x := p.parseAnd()
	for p.skipName("or") {
		x = &binExpr{op: "or", l: x, r: p.parseAnd()}
	}
	return x
}

func (p *parser) parseAnd() expr {
	x := p.parseNot()
	for p.skipName("and") {
		x = &binExpr{op: "and", l: x, r: p.parseNot()}
	}
	return x
}

func (p *parser) parseNot() expr {
	p.enter()
	defer p.leave()
	if p.skipName("not") {
		return &unaryExpr{op: "not", x: p.parseNot()}
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() expr {
	x := p.parseMath1()
	c := &compareExpr{first: x}
	for {
		t := p.cur()
		if t.kind == tkOp && (t.val == "==" || t.val == "!=" || t.val == "<" || t.val == "<=" || t.val == ">" || t.val == ">=") {
			p.next()
			c.ops = append(c.ops, t.val)
			c.rest = append(c.rest, p.parseMath1())
		} else if p.isName("in") {
			p.next()
			c.ops = append(c.ops, "in")
			c.rest = append(c.rest, p.parseMath1())
		} else if p.isName("not") && p.peek(1).kind == tkName && p.peek(1).val == "in" {
			p.next()
			p.next()
			c.ops = append(c.ops, "notin")
			c.rest = append(c.rest, p.parseMath1())
		} else {
			break
		}
	}
	if len(c.ops) == 0 {
		return x
	}
	return c
}

func (p *parser) parseMath1() expr {
	x := p.parseConcat()
	for p.isOp("+") || p.isOp("-") {
		op := p.next().val
		x = &binExpr{op: op, l: x, r: p.parseConcat()}
	}
	return x
}

func (p *parser) parseConcat() expr {
	x := p.parseMath2()
	for p.skipOp("~") {
		x = &binExpr{op: "~", l: x, r: p.parseMath2()}
	}
	return x
}

func (p *parser) parseMath2() expr {
	x := p.parsePow()
	for p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%") {
		op := p.next().val
		x = &binExpr{op: op, l: x, r: p.parsePow()}
	}
	return x
}

func (p *parser) parsePow() expr {
	x := p.parseUnary(true)
	for p.skipOp("**") {
		x = &binExpr{op: "**", l: x, r: p.parseUnary(true)}
	}
	return x
}

func (p *parser) parseUnary(withFilter bool) expr {
	p.enter()
	defer p.leave()
	var x expr
	switch {
	case p.isOp("-"):
		p.next()
		x = &unaryExpr{op: "-", x: p.parseUnary(false)}
	case p.isOp("+"):
		p.next()
		x = &unaryExpr{op: "+", x: p.parseUnary(false)}
	default:
		x = p.parsePrimary()
	}
	x = p.parsePostfix(x)
	if withFilter {
		x = p.parseFilterExpr(x)
	}
	return x
}

func (p *parser) parsePrimary() expr {
	t := p.cur()
	switch t.kind {
	case tkName:
		p.next()
		switch t.val {
		case "true", "True":
			return &constExpr{v: true}
		case "false", "False":
			return &constExpr{v: false}
		case "none", "None":
			return &constExpr{v: nil}
		}
		return &nameExpr{name: t.val}
	case tkString:
		p.next()
		s := t.val
		for p.cur().kind == tkString {
			s += p.next().val
		}
		return &constExpr{v: s}
	case tkInt, tkFloat:
		p.next()
		return &constExpr{v: t.num}
	case tkOp:
		switch t.val {
		case "(":
			p.next()
			if p.skipOp(")") {
				return &tupleExpr{}
			}
			x := p.parseTuple(false, true)
			p.expectOp(")")
			return x
		case "[":
			p.next()
			l := &listExpr{}
			for !p.isOp("]") {
				if len(l.items) > 0 {
					p.expectOp(",")
					if p.isOp("]") {
						break
					}
				}
				l.items = append(l.items, p.parseExpression(true))
			}
			p.expectOp("]")
			return l
		case "{":
			p.next()
			d := &dictExpr{}
			for !p.isOp("}") {
				if len(d.keys) > 0 {
					p.expectOp(",")
					if p.isOp("}") {
						break
					}
				}
				d.keys = append(d.keys, p.parseExpression(true))
				p.expectOp(":")
				d.vals = append(d.vals, p.parseExpression(true))
			}
			p.expectOp("}")
			return d
		}
	}
	p.fail("unexpected %s", quoteString(t.describe()))
	return nil
}

func (p *parser) parsePostfix(x expr) expr {
	for {
		switch {
		case p.isOp(".") || p.isOp("["):
			x = p.parseSubscript(x)
		case p.isOp("("):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

func (p *parser) parseFilterExpr(x expr) expr {
	for {
		switch {
		case p.isOp("|"):
			p.next()
			x = p.parseFilterName(x)
		case p.isName("is"):
			x = p.parseTest(x)
		case p.isOp("("):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

func (p *parser) parseSubscript(x expr) expr {
	t := p.next()
	if t.val == "." {
		at := p.next()
		switch at.kind {
		case tkName:
			return &getattrExpr{obj: x, name: at.val}
		case tkInt:
			return &getitemExpr{obj: x, key: &constExpr{v: at.num}}
		}
		p.fail("expected name or number")
	}
	// '['
	var args []expr
	for !p.isOp("]") {
		if len(args) > 0 {
			p.expectOp(",")
			if p.isOp("]") {
				break
			}
		}
		args = append(args, p.parseSubscribed())
	}
	p.expectOp("]")
	if len(args) == 0 {
		p.fail("expected subscript expression")
	}
	if len(args) == 1 {
		if s, ok := args[0].(*sliceExpr); ok {
			s.obj = x
			return s
		}
		return &getitemExpr{obj: x, key: args[0]}
	}
	return &getitemExpr{obj: x, key: &tupleExpr{items: args}}
}

func (p *parser) parseSubscribed() expr {
	var start expr
	if !p.isOp(":") {
		start = p.parseExpression(true)
		if !p.isOp(":") {
			return start
		}
	}
	p.expectOp(":")
	s := &sliceExpr{start: start}
	if !p.isOp("]") && !p.isOp(",") && !p.isOp(":") {
		s.stop = p.parseExpression(true)
	}
	if p.skipOp(":") {
		if !p.isOp("]") && !p.isOp(",") {
			s.step = p.parseExpression(true)
		}
	}
	return s
}

func (p *parser) parseCallArgs() callArgs {
	var ca callArgs
	p.expectOp("(")
	first := true
	for !p.isOp(")") {
		if !first {
			p.expectOp(",")
			if p.isOp(")") {
				break
			}
		}
		first = false
		switch {
		case p.isOp("**"):
			p.next()
			ca.dynKwargs = p.parseExpression(true)
		case p.isOp("*"):
			p.next()
			ca.dynArgs = p.parseExpression(true)
		case p.cur().kind == tkName && p.peek(1).kind == tkOp && p.peek(1).val == "=":
			name := p.next().val
			p.next()
			ca.kwNames = append(ca.kwNames, name)
			ca.kwVals = append(ca.kwVals, p.parseExpression(true))
		default:
			if len(ca.kwNames) > 0 || ca.dynArgs != nil || ca.dynKwargs != nil {
				p.fail("Invalid argument syntax")
			}
			ca.args = append(ca.args, p.parseExpression(true))
		}
	}
	p.expectOp(")")
	return ca
}

func (p *parser) parseCall(x expr) expr {
	return &callExpr{fn: x, callArgs: p.parseCallArgs()}
}

func (p *parser) parseDottedName() string {
	name := p.expectName()
	for p.isOp(".") && p.peek(1).kind == tkName {
		p.next()
		name += "." + p.next().val
	}
	return name
}

func (p *parser) parseFilterName(base expr) *filterExpr {
	f := &filterExpr{base: base, name: p.parseDottedName()}
	if p.isOp("(") {
		f.callArgs = p.parseCallArgs()
	}
	return f
}

func (p *parser) parseTest(x expr) expr {
	p.next() // is
	t := &testExpr{base: x}
	if p.skipName("not") {
		t.negate = true
	}
	t.name = p.parseDottedName()
	cur := p.cur()
	switch {
	case p.isOp("("):
		t.callArgs = p.parseCallArgs()
	case cur.kind == tkName || cur.kind == tkString || cur.kind == tkInt || cur.kind == tkFloat ||
		(cur.kind == tkOp && (cur.val == "[" || cur.val == "{")):
		if cur.kind == tkName && (cur.val == "else" || cur.val == "or" || cur.val == "and") {
			break
		}
		if cur.kind == tkName && cur.val == "is" {
			p.fail("You cannot chain multiple tests with is")
		}
		t.args = []expr{p.parsePostfix(p.parsePrimary())}
	}
	return t
}

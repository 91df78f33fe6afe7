package template

import (
	"errors"
	"fmt"
	"github.com/goplay/goplay/engine/pyfmt"
	"strings"

	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// This file executes gonja's AST with Python/Jinja2 semantics. gonja's own
// exec.Evaluator differs from Jinja2 on most operators (see doc.go), so its
// nodes are evaluated here, node by node; filters and tests are called
// through gonja's FilterSet and TestSet, variables live in gonja Contexts.

const maxDepth = 64

// evaluator holds the state of one render.
type evaluator struct {
	t    *Templar
	vars map[string]any
	ctx  *exec.Context // the innermost scope
	root *exec.Context // the scope holding vars (never written)
	genv *exec.Evaluator
	// the last filter looked up in gonja's FilterSet (map() calls one
	// filter per item)
	lastFilter, lastFilterCanon string
	lastFilterFn                exec.FilterFunction
	depth                       int
	evalConcat                  bool // see Templar.renderText
	steps                       int
	locals                      map[string]bool // names set by the template itself
	// provenance (provenance.go): track is set while a render records
	// classes; localSrc is the expression each local was assigned from
	track         *classTrack
	localSrc      map[string]nodes.Expression
	classDepth    int
	classVisiting map[string]bool
}

const maxSteps = 2_000_000

func newEvaluator(t *Templar, vars map[string]any, depth int) *evaluator {
	root := exec.NewContext(vars)
	return &evaluator{t: t, vars: vars, ctx: root, root: root, depth: depth}
}

func (e *evaluator) tick() {
	e.steps++
	if e.steps > maxSteps {
		valErr("template evaluation exceeded %d steps", maxSteps)
	}
}

func (e *evaluator) push() { e.ctx = e.ctx.Inherit() }

// UnsafeVarsKey names the variable (a map[string]bool) listing variables
// whose values must not be templated again: registered results and facts
// (Ansible marks them unsafe).
const UnsafeVarsKey = "__goplay_unsafe"

// noLazy lists variables never templated on access.
var noLazy = map[string]bool{"hostvars": true, "groups": true, "group_names": true, "vars": true,
	"ansible_facts": true, "omit": true, UnsafeVarsKey: true, OriginKey: true, "ansible_search_path": true}

func isUnsafe(vars map[string]any, name string) bool {
	u, _ := vars[UnsafeVarsKey].(map[string]bool)
	return u[name]
}

// HoldsTemplate reports whether v (a string, or lists and dicts of them)
// holds template text.
func HoldsTemplate(v any) bool { return hasTemplate(v, 0) }

// hasTemplate reports whether v (a string, or lists and dicts of them)
// holds template text.
func hasTemplate(v any, depth int) bool {
	if depth > 20 {
		return false
	}
	switch x := v.(type) {
	case string:
		return IsTemplate(x)
	case []any:
		for _, it := range x {
			if hasTemplate(it, depth+1) {
				return true
			}
		}
	case map[string]any:
		for _, it := range x {
			if hasTemplate(it, depth+1) {
				return true
			}
		}
	}
	return false
}

// lazy templates a variable's value, as Ansible does on each access.
func (e *evaluator) lazy(name string, v any) any {
	switch x := v.(type) {
	case string:
		r, _ := e.lazyString(x, e.track != nil)
		return r
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = e.lazy(name, it)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, it := range x {
			out[k] = e.lazy(name, it)
		}
		if order := pyfmt.KeyOrder(x); len(order) > 0 {
			pyfmt.SetOrder(out, order)
		}
		return out
	}
	return v
}

// lazyString renders a variable's template text; with track, it also
// reports the class of the result's strings and marks this render unsafe
// when the nested one was.
func (e *evaluator) lazyString(x string, track bool) (any, string) {
	r, cls, err := e.t.renderAnyT(x, e.vars, e.depth+1, track)
	if err != nil {
		// Ansible names the variable's template before the reason
		var ue *UndefinedError
		if errors.As(err, &ue) {
			panic(&UndefinedError{Msg: x + ": " + ue.Msg + ". " + ue.Msg})
		}
		panic(err)
	}
	if cls == ClassUnsafe && e.track != nil {
		e.track.unsafe = true
	}
	return r, cls
}

// setSrc records the expression a local variable is assigned from.
func (e *evaluator) setSrc(names []string, x nodes.Expression) {
	if e.localSrc == nil {
		e.localSrc = map[string]nodes.Expression{}
	}
	for _, n := range names {
		e.localSrc[n] = x
	}
}

func (e *evaluator) setVar(name string, v any) {
	if e.locals == nil {
		e.locals = map[string]bool{}
	}
	e.locals[name] = true
	if e.ctx == e.root {
		e.ctx = e.root.Inherit()
	}
	e.ctx.Set(name, v)
}

func (e *evaluator) lookupName(name string) any {
	if v, ok := e.ctx.Get(name); ok {
		if e.track != nil && !e.locals[name] {
			return e.trackedLookup(name, v, !noLazy[name] && !isUnsafe(e.vars, name) && hasTemplate(v, 0))
		}
		if !e.locals[name] && !noLazy[name] && !isUnsafe(e.vars, name) && hasTemplate(v, 0) {
			// AnsibleJ2Vars: a variable's value is itself templated when
			// it is used ("a: '{{ b }}'"), with the same variables.
			r, _ := e.templateVar(name, v, false)
			return norm(r)
		}
		return norm(v)
	}
	if gonjaGlobals.Has(name) {
		if g := e.global(name); g != nil {
			return g
		}
	}
	return &Undefined{Name: name}
}

func (e *evaluator) eval(x nodes.Expression) any {
	e.tick()
	switch n := x.(type) {
	case *nodes.String:
		return n.Val
	case *nodes.Integer:
		return n.Val
	case *nodes.Float:
		return n.Val
	case *nodes.Bool:
		return n.Val
	case *nodes.None:
		if n.Location != nil && n.Location.Val == "nil" {
			return e.lookupName("nil")
		}
		return nil
	case *nodes.Name:
		switch n.Name.Val {
		case "none":
			return nil
		}
		return e.lookupName(n.Name.Val)
	case *nodes.List:
		out := make([]any, len(n.Val))
		for i, it := range n.Val {
			out[i] = e.eval(it)
		}
		return out
	case *nodes.Tuple:
		out := make(Tuple, len(n.Val))
		for i, it := range n.Val {
			out[i] = e.eval(it)
		}
		return out
	case *nodes.Dict:
		out := make(map[string]any, len(n.Pairs))
		keys := make([]string, 0, len(n.Pairs))
		defer func() { setOrder(out, keys) }()
		for _, p := range n.Pairs {
			k := e.eval(p.Key)
			if u, ok := k.(*Undefined); ok {
				throwUndef(u)
			}
			switch k.(type) {
			case []any, map[string]any:
				typeErr("unhashable type: '%s'", typeName(k))
			}
			ks := pyStr(k)
			if _, dup := out[ks]; !dup {
				keys = append(keys, ks)
			}
			out[ks] = e.eval(p.Value)
		}
		return out
	case *nodes.GetAttribute:
		obj := e.eval(n.Node)
		if n.Attribute == "" {
			return e.hostVarsUndefined(n.Node, e.getitem(obj, n.Index))
		}
		return e.hostVarsUndefined(n.Node, e.getattr(obj, n.Attribute))
	case *nodes.GetItem:
		obj := e.eval(n.Node)
		if n.Arg == nil {
			throw(syntaxErr("expected subscript expression"))
		}
		return e.hostVarsUndefined(n.Node, e.getitem(obj, e.eval(n.Arg)))
	case *nodes.GetSlice:
		return e.slice(n)
	case *nodes.Call:
		if c := asCond(n); c != nil {
			return e.eval(c)
		}
		fn := e.eval(n.Func)
		args, kw := e.evalArgs(n.Args, n.Kwargs)
		return e.call(fn, args, kw)
	case *nodes.FilteredExpression:
		v, _ := e.evalFiltered(n)
		return v
	case *nodes.TestExpression:
		return e.evalTest(n)
	case *nodes.Negation:
		return !truthy(e.eval(n.Term))
	case *nodes.UnaryExpression:
		v := e.eval(n.Term)
		if n.Negative {
			return negate(v)
		}
		return positive(v)
	case *nodes.BinaryExpression:
		return e.evalBinary(n)
	case *condExpr:
		if truthy(e.eval(n.test)) {
			return e.eval(n.then)
		}
		if n.els == nil {
			return condUndefined(n.loc)
		}
		return e.eval(n.els)
	case *nodes.Error:
		throw(syntaxErr("%s", n.Error.Error()))
	}
	valErr("unsupported expression %T", x)
	return nil
}

// condUndefined is the value of an inline if without else whose test failed.
func condUndefined(at *tokens.Token) *Undefined {
	line := 1
	if at != nil && at.Line > 0 {
		line = at.Line
	}
	return &Undefined{Hint: fmt.Sprintf("the inline if-expression on line %d evaluated to false and no else section was defined.", line), silent: true}
}

// asCond recognises the call __goplay_if__(test, then[, else]) that
// rewriteTokens makes of a nested inline if.
func asCond(n *nodes.Call) *condExpr {
	name, ok := n.Func.(*nodes.Name)
	if !ok || name.Name.Val != condFunc || len(n.Args) < 2 || len(n.Args) > 3 || len(n.Kwargs) > 0 {
		return nil
	}
	c := &condExpr{loc: n.Location, test: n.Args[0], then: n.Args[1]}
	if len(n.Args) == 3 {
		c.els = n.Args[2]
	}
	return c
}

var binOps = map[tokens.Type]string{
	tokens.Addition: "+", tokens.Subtraction: "-", tokens.Multiply: "*", tokens.Division: "/",
	tokens.FloorDivision: "//", tokens.Modulo: "%", tokens.Power: "**", tokens.Tilde: "~",
}

var cmpOps = map[tokens.Type]string{
	tokens.Equals: "==", tokens.Ne: "!=", tokens.LowerThan: "<", tokens.LowerThanOrEqual: "<=",
	tokens.GreaterThan: ">", tokens.GreaterThanOrEqual: ">=",
}

func isCompare(x nodes.Expression) bool {
	b, ok := x.(*nodes.BinaryExpression)
	if !ok {
		return false
	}
	_, ok = cmpOps[b.Operator.Token.Type]
	return ok
}

func (e *evaluator) evalBinary(n *nodes.BinaryExpression) any {
	tt := n.Operator.Token.Type
	switch tt {
	case tokens.And:
		l := e.eval(n.Left)
		if !truthy(l) {
			return l
		}
		return e.eval(n.Right)
	case tokens.Or:
		l := e.eval(n.Left)
		if truthy(l) {
			return l
		}
		return e.eval(n.Right)
	}
	if op, ok := cmpOps[tt]; ok {
		// gonja nests a < b < c as (a < b) < c; Jinja2 chains them. The
		// AST does not record parentheses, so (a < b) < c is taken as a
		// chain too (no playbook compares a bool that way).
		if isCompare(n.Left) {
			lb := n.Left.(*nodes.BinaryExpression)
			if !truthy(e.evalBinary(lb)) {
				return false
			}
			return compareOp(op, e.eval(lb.Right), e.eval(n.Right))
		}
		return compareOp(op, e.eval(n.Left), e.eval(n.Right))
	}
	if op, ok := binOps[tt]; ok {
		return binaryOp(op, e.eval(n.Left), e.eval(n.Right))
	}
	valErr("unknown operator %s", n.Operator.Token.Val)
	return nil
}

func (e *evaluator) evalArgs(args []nodes.Expression, kwargs map[string]nodes.Expression) ([]any, map[string]any) {
	out := make([]any, 0, len(args))
	for _, a := range args {
		out = append(out, e.eval(a))
	}
	var kw map[string]any
	if len(kwargs) > 0 {
		kw = make(map[string]any, len(kwargs))
		for k, v := range kwargs {
			kw[k] = e.eval(v)
		}
	}
	return out, kw
}

func (e *evaluator) call(fn any, args []any, kw map[string]any) any {
	switch f := fn.(type) {
	case *Callable:
		e.depth++
		if e.depth > maxDepth {
			valErr("maximum recursion depth exceeded")
		}
		defer func() { e.depth-- }()
		return f.Fn(args, kw)
	case *Undefined:
		throwUndef(f)
	}
	typeErr("'%s' object is not callable", typeName(fn))
	return nil
}

// evalFiltered applies a filter chain; it reports whether the last filter
// is one whose text Ansible never literal_evals.
func (e *evaluator) evalFiltered(n *nodes.FilteredExpression) (any, bool) {
	td := -1
	for i, fc := range n.Filters {
		if isTypeDebug(fc.Name) {
			td = i
			break
		}
	}
	var v any
	start := 0
	if td >= 0 {
		// type_debug receives an undefined value as it is (Jinja's
		// Undefined objects raise only when used): AnsibleUndefined
		v = e.undefinedAsValue(func() any {
			x := e.eval(n.Expression)
			for _, fc := range n.Filters[:td] {
				x, _ = e.applyFilter(fc, x)
			}
			return x
		})
		start = td
	} else {
		v = e.eval(n.Expression)
	}
	native := false
	for i := start; i < len(n.Filters); i++ {
		fc := n.Filters[i]
		if isTypeDebug(fc.Name) {
			v, native = e.typeDebug(fc, v, n.Expression, n.Filters[:i]), false
			continue
		}
		v, native = e.applyFilter(fc, v)
	}
	return v, native
}

func (e *evaluator) applyFilter(fc *nodes.FilterCall, v any) (any, bool) {
	args, kw := e.evalArgs(fc.Args, fc.Kwargs)
	return e.callFilterNamed(fc.Name, v, args, kw), nativeTextFilters[fc.Name]
}

func (e *evaluator) evalTest(n *nodes.TestExpression) any {
	v := e.eval(n.Expression)
	tc := n.Test
	if tc.Name == "in" {
		if len(tc.Args) != 1 {
			throw(syntaxErr("unexpected end of expression after 'in'"))
		}
		return contains(e.eval(tc.Args[0]), v)
	}
	argNodes := tc.Args
	if len(argNodes) == 1 {
		// gonja parses is version('1', '<') as one tuple argument
		if t, ok := argNodes[0].(*nodes.Tuple); ok && t.Location != nil && t.Location.Val == "(" {
			argNodes = t.Val
		}
	}
	var kwNodes map[string]nodes.Expression
	for i := 0; i < len(argNodes); i++ {
		if f, ok := argNodes[i].(*nodes.FilteredExpression); ok && len(f.Filters) == 1 && f.Filters[0].Name == kwargFilter && len(f.Filters[0].Args) == 1 {
			if name, ok := f.Filters[0].Args[0].(*nodes.String); ok {
				if kwNodes == nil {
					kwNodes = map[string]nodes.Expression{}
					argNodes = append([]nodes.Expression(nil), argNodes...)
				}
				kwNodes[name.Val] = f.Expression
				argNodes = append(argNodes[:i], argNodes[i+1:]...)
				i--
			}
		}
	}
	args, kw := e.evalArgs(argNodes, kwNodes)
	return e.callTestNamed(tc.Name, v, args, kw)
}

// getattr is Jinja2's environment.getattr: Python attribute first, then item.
func (e *evaluator) getattr(obj any, name string) any {
	switch o := obj.(type) {
	case *Undefined:
		return o
	case map[string]any:
		if m := getMethod(e, obj, name); m != nil {
			return m
		}
		if v, ok := o[name]; ok {
			return norm(v)
		}
	case *Namespace:
		if v, ok := o.M[name]; ok {
			return v
		}
	case *loopCtx:
		if v, ok := o.attr(name); ok {
			return v
		}
	case pyObject:
		if v, ok := o.pyAttr(name); ok {
			return v
		}
	default:
		if m := getMethod(e, obj, name); m != nil {
			return m
		}
	}
	return &Undefined{Obj: obj, HasObj: true, Key: name}
}

// getitem is Jinja2's environment.getitem: item first, then attribute.
func (e *evaluator) getitem(obj any, key any) any {
	switch o := obj.(type) {
	case *Undefined:
		return o
	case map[string]any:
		switch k := key.(type) {
		case string:
			if v, ok := o[k]; ok {
				return norm(v)
			}
			if m := getMethod(e, obj, k); m != nil {
				return m
			}
			return &Undefined{Obj: obj, HasObj: true, Key: k}
		case *Undefined:
			throwUndef(k)
		case []any, map[string]any:
			typeErr("unhashable type: '%s'", typeName(key))
		case nil:
			if v, ok := o["None"]; ok {
				return norm(v)
			}
		default:
			if v, ok := o[pyStr(k)]; ok {
				return norm(v)
			}
		}
		return &Undefined{Obj: obj, HasObj: true, Key: key}
	case *Namespace:
		if k, ok := key.(string); ok {
			if v, ok := o.M[k]; ok {
				return v
			}
		}
	case []any, Tuple, string:
		switch k := key.(type) {
		case int, bool:
			i, _, _, _ := numeric(k)
			n := length(obj)
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return &Undefined{Obj: obj, HasObj: true, Key: key}
			}
			switch s := obj.(type) {
			case []any:
				return norm(s[i])
			case Tuple:
				return s[i]
			case string:
				return string([]rune(s)[i])
			}
		case string:
			if m := getMethod(e, obj, k); m != nil {
				return m
			}
		case *Undefined:
			throwUndef(k)
		}
	}
	return &Undefined{Obj: obj, HasObj: true, Key: key}
}

func (e *evaluator) slice(n *nodes.GetSlice) any {
	obj := e.eval(n.Node)
	if u, ok := obj.(*Undefined); ok {
		return u
	}
	idx := func(x nodes.Node) (int, bool) {
		if x == nil {
			return 0, false
		}
		v := e.eval(x)
		if v == nil {
			return 0, false
		}
		i, _, isF, ok := numeric(v)
		if !ok || isF {
			typeErr("slice indices must be integers or None or have an __index__ method")
		}
		return i, true
	}
	start, hasStart := idx(n.Start)
	stop, hasStop := idx(n.End)
	step, hasStep := idx(n.Step)
	if !hasStep {
		step = 1
	}
	if step == 0 {
		valErr("slice step cannot be zero")
	}
	var items []any
	var runes []rune
	isStr := false
	switch o := obj.(type) {
	case []any:
		items = o
	case Tuple:
		items = o
	case string:
		isStr = true
		runes = []rune(o)
	default:
		typeErr("'%s' object is not subscriptable", typeName(obj))
	}
	ln := len(items)
	if isStr {
		ln = len(runes)
	}
	lo, hi := sliceBounds(ln, start, stop, step, hasStart, hasStop)
	var idxs []int
	if step > 0 {
		for i := lo; i < hi; i += step {
			idxs = append(idxs, i)
		}
	} else {
		for i := lo; i > hi; i += step {
			idxs = append(idxs, i)
		}
	}
	if isStr {
		out := make([]rune, len(idxs))
		for j, i := range idxs {
			out[j] = runes[i]
		}
		return string(out)
	}
	out := make([]any, len(idxs))
	for j, i := range idxs {
		out[j] = items[i]
	}
	if _, ok := obj.(Tuple); ok {
		return Tuple(out)
	}
	return out
}

func sliceBounds(n, start, stop, step int, hasStart, hasStop bool) (int, int) {
	adj := func(i, lower, upper int) int {
		if i < 0 {
			i += n
			if i < lower {
				i = lower
			}
		} else if i > upper {
			i = upper
		}
		return i
	}
	if step > 0 {
		lo, hi := 0, n
		if hasStart {
			lo = adj(start, 0, n)
		}
		if hasStop {
			hi = adj(stop, 0, n)
		}
		return lo, hi
	}
	lo, hi := n-1, -1
	if hasStart {
		lo = adj(start, -1, n-1)
	}
	if hasStop {
		hi = adj(stop, -1, n-1)
	}
	return lo, hi
}

// ---- rendering ----

type renderer struct {
	e        *evaluator
	b        strings.Builder
	parts    int
	native   bool
	outClass string // the class of the last {{ }} (while tracking)
}

// maxOutput bounds the text one render may produce.
const maxOutput = 32 << 20

func (r *renderer) write(s string) {
	if r.b.Len()+len(s) > maxOutput {
		valErr("template output exceeds %d bytes", maxOutput)
	}
	r.b.WriteString(s)
	r.parts++
	r.native = false
	r.outClass = ""
}

// dataText applies gonja's whitespace control to a text node.
func dataText(n *nodes.Data) string {
	out := n.Data.Val
	if n.RemoveFirstLineReturn {
		out = strings.TrimPrefix(out, "\n")
	}
	if n.Trim.Left {
		out = strings.TrimLeft(out, " \t\n\r\f\v")
	}
	if n.Trim.Right {
		out = strings.TrimRight(out, " \t\n\r\f\v")
	}
	if n.RemoveTrailingWhiteSpaceFromLastLine {
		if i := strings.LastIndexByte(out, '\n'); i >= 0 {
			out = out[:i+1] + strings.TrimRight(out[i+1:], " \t")
		} else {
			out = strings.TrimRight(out, " \t")
		}
	}
	return out
}

func (r *renderer) render(list []nodes.Node) {
	e := r.e
	for _, nd := range list {
		e.tick()
		switch n := nd.(type) {
		case *nodes.Data:
			if s := dataText(n); s != "" {
				r.write(s)
			}
		case *nodes.Comment:
		case *nodes.Output:
			v, native, x := e.evalOutputX(n)
			r.write(finalize(v))
			r.native = native
			if e.track != nil {
				r.outClass = e.outputClass(x, v)
			}
		case *nodes.ControlStructureBlock:
			r.statement(n.ControlStructure)
		case nil:
		default:
			valErr("unsupported template node %T", nd)
		}
	}
}

// evalOutput evaluates a {{ }} and reports whether the value came straight
// from a filter whose result Ansible keeps as text (NativeJinjaText).
func (e *evaluator) evalOutput(n *nodes.Output) (any, bool) {
	v, native, _ := e.evalOutputX(n)
	return v, native
}

// evalOutputX is evalOutput that also gives the expression evaluated (nil
// for the undefined of a false inline if without else).
func (e *evaluator) evalOutputX(n *nodes.Output) (any, bool, nodes.Expression) {
	x := n.Expression
	if n.Condition != nil {
		if !truthy(e.eval(n.Condition)) {
			if n.Alternative == nil {
				return condUndefined(n.Start), false, nil
			}
			x = n.Alternative
		}
	}
	v, native := e.evalNative(x)
	return v, native, x
}

// outputClass is the class of the strings of one {{ }}'s value v: the
// expression's for a string; a list or dict is printed and literal_eval'd
// into plain str (AnsibleUnsafeText if it held unsafe values).
func (e *evaluator) outputClass(x nodes.Expression, v any) string {
	if x == nil {
		return ClassStr
	}
	c := e.classOf(x)
	if _, ok := v.(string); !ok && c != ClassUnsafe {
		return ClassStr
	}
	return c
}

// evalNative evaluates x and reports whether its value is the text of a
// filter Ansible never literal_evals (looking through inline ifs).
func (e *evaluator) evalNative(x nodes.Expression) (any, bool) {
	switch n := x.(type) {
	case *nodes.FilteredExpression:
		return e.evalFiltered(n)
	case *nodes.Call:
		if c := asCond(n); c != nil {
			if truthy(e.eval(c.test)) {
				return e.evalNative(c.then)
			}
			if c.els == nil {
				return e.eval(c), false
			}
			return e.evalNative(c.els)
		}
	}
	return e.eval(x), false
}

func (r *renderer) statement(cs nodes.ControlStructure) {
	e := r.e
	switch n := cs.(type) {
	case *ifStmt:
		for i, c := range n.conds {
			if truthy(e.eval(c)) {
				r.render(n.bodies[i].Nodes)
				return
			}
		}
		if n.els != nil {
			r.render(n.els.Nodes)
		}
	case *forStmt:
		r.renderFor(n)
	case *setStmt:
		r.renderSet(n)
	case *controlStructures.MacroControlStructure:
		e.setVar(n.Name, e.makeMacro(n.Macro))
	case *withStmt:
		saved := e.ctx
		vals := make([]any, len(n.vals))
		for i, x := range n.vals {
			vals[i] = e.eval(x)
		}
		e.push()
		for i, name := range n.names {
			e.setVar(name, vals[i])
		}
		r.render(n.body.Nodes)
		e.ctx = saved
	case *filterStmt:
		v := e.concat(n.body.Nodes)
		for _, f := range n.filters {
			v, _ = e.applyFilter(f, v)
		}
		r.write(finalize(v))
	case *callStmt:
		fn := e.eval(n.call.Func)
		args, kw := e.evalArgs(n.call.Args, n.call.Kwargs)
		if kw == nil {
			kw = map[string]any{}
		}
		body, ctx := n.body.Nodes, e.ctx
		kw["caller"] = &Callable{Name: "caller", Fn: func(cargs []any, ckw map[string]any) any {
			saved := e.ctx
			e.ctx = ctx.Inherit()
			defer func() { e.ctx = saved }()
			for i, p := range n.params {
				switch v, ok := ckw[p]; {
				case i < len(cargs):
					e.setVar(p, cargs[i])
				case ok:
					e.setVar(p, v)
				default:
					e.setVar(p, &Undefined{Hint: "parameter " + quoteString(p) + " was not provided"})
				}
			}
			return e.concat(body)
		}}
		r.write(finalize(e.call(fn, args, kw)))
	case *rawStmt:
		for _, nd := range n.body.Nodes {
			if d, ok := nd.(*nodes.Data); ok {
				r.write(d.Data.Val)
			}
		}
	default:
		valErr("unsupported statement %T", cs)
	}
}

// finalize is Ansible's _ansible_finalize followed by str().
func finalize(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *Undefined:
		if x.silent {
			return ""
		}
		throwUndef(x)
	}
	return pyStr(v)
}

func (e *evaluator) renderToString(body []nodes.Node) string {
	sub := &renderer{e: e}
	sub.render(body)
	return sub.b.String()
}

// concat renders a body the way Jinja2 joins it internally: with Ansible's
// ansible_eval_concat (literal_eval of list, dict and bool text) when
// evalConcat is on.
func (e *evaluator) concat(body []nodes.Node) any {
	s := e.renderToString(body)
	if e.evalConcat && (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") || s == "True" || s == "False") {
		if v, ok := literalEval(s); ok {
			return v
		}
	}
	return s
}

func unpack(targets []string, item any, set func(string, any)) {
	vals := toList(item)
	if len(vals) != len(targets) {
		if len(vals) > len(targets) {
			valErr("too many values to unpack (expected %d)", len(targets))
		}
		valErr("not enough values to unpack (expected %d, got %d)", len(targets), len(vals))
	}
	for i, t := range targets {
		set(t, vals[i])
	}
}

func (r *renderer) renderFor(n *forStmt) {
	e := r.e
	items := toList(e.eval(n.iter))
	targets := n.targets
	e.setSrc(targets, n.iter)
	saved := e.ctx
	defer func() { e.ctx = saved }()
	bind := func(item any) {
		if !n.tuple {
			e.setVar(targets[0], item)
			return
		}
		unpack(targets, item, e.setVar)
	}
	if n.cond != nil {
		var kept []any
		e.ctx = saved.Inherit()
		for _, it := range items {
			bind(it)
			if truthy(e.eval(n.cond)) {
				kept = append(kept, it)
			}
		}
		e.ctx = saved
		items = kept
	}
	if len(items) == 0 {
		if n.els != nil {
			r.render(n.els.Nodes)
		}
		return
	}
	lc := &loopCtx{items: items}
	// A body that assigns gets a fresh scope per iteration; otherwise one
	// scope is reused (the loop variables are overwritten).
	e.ctx = saved.Inherit()
	e.setVar("loop", lc)
	for i, it := range items {
		if i > 0 && n.assigns {
			e.ctx = saved.Inherit()
			e.setVar("loop", lc)
		}
		lc.i = i
		bind(it)
		r.render(n.body.Nodes)
	}
}

// loopCtx is Jinja2's loop variable.
type loopCtx struct {
	items []any
	i     int
}

func (l *loopCtx) attr(name string) (any, bool) {
	n := len(l.items)
	switch name {
	case "index":
		return l.i + 1, true
	case "index0":
		return l.i, true
	case "revindex":
		return n - l.i, true
	case "revindex0":
		return n - l.i - 1, true
	case "first":
		return l.i == 0, true
	case "last":
		return l.i == n-1, true
	case "length":
		return n, true
	case "depth":
		return 1, true
	case "depth0":
		return 0, true
	case "previtem":
		if l.i > 0 {
			return norm(l.items[l.i-1]), true
		}
	case "nextitem":
		if l.i < n-1 {
			return norm(l.items[l.i+1]), true
		}
	case "cycle":
		idx := l.i
		return &Callable{Name: "cycle", Fn: func(args []any, _ map[string]any) any {
			if len(args) == 0 {
				typeErr("no items for cycling given")
			}
			return args[idx%len(args)]
		}}, true
	}
	return nil, false
}

func (r *renderer) renderSet(n *setStmt) {
	e := r.e
	var v any
	if n.body != nil {
		v = e.concat(n.body.Nodes)
		for _, f := range n.filters {
			v, _ = e.applyFilter(f, v)
		}
	} else {
		v = e.eval(n.expr)
	}
	if n.body == nil && n.nsAttr == "" {
		e.setSrc(n.targets, n.expr)
	}
	if n.nsAttr != "" {
		ns, ok := e.lookupName(n.targets[0]).(*Namespace)
		if !ok {
			valErr("cannot assign attribute on non-namespace object")
		}
		ns.M[n.nsAttr] = v
		return
	}
	if !n.tuple {
		e.setVar(n.targets[0], v)
		return
	}
	unpack(n.targets, v, e.setVar)
}

// macroParam returns a macro parameter's name and default (nil if none).
func macroParam(p *nodes.Pair) (string, nodes.Expression) {
	key, _ := p.Key.(*nodes.String)
	if key == nil {
		return "", nil
	}
	if none, ok := p.Value.(*nodes.None); ok && none.Location == key.Location {
		return key.Val, nil // gonja's placeholder for "no default"
	}
	return key.Val, p.Value
}

func isParam(m *nodes.Macro, name string) bool {
	for _, p := range m.Kwargs {
		if n, _ := macroParam(p); n == name {
			return true
		}
	}
	return false
}

func (e *evaluator) makeMacro(m *nodes.Macro) *Callable {
	if e.ctx == e.root {
		e.ctx = e.root.Inherit()
	}
	captured := e.ctx
	return &Callable{Name: m.Name, Fn: func(args []any, kw map[string]any) any {
		saved := e.ctx
		e.ctx = captured.Inherit()
		defer func() { e.ctx = saved }()
		for i, p := range m.Kwargs {
			name, def := macroParam(p)
			switch {
			case i < len(args):
				e.setVar(name, args[i])
			case kw != nil && kw[name] != nil:
				e.setVar(name, kw[name])
			case def != nil:
				e.setVar(name, e.eval(def))
			default:
				e.setVar(name, &Undefined{Hint: "parameter " + quoteString(name) + " was not provided"})
			}
		}
		if len(args) > len(m.Kwargs) {
			e.setVar("varargs", Tuple(args[len(m.Kwargs):]))
		} else {
			e.setVar("varargs", Tuple{})
		}
		extra := map[string]any{}
		for k, v := range kw {
			if k == "caller" {
				e.setVar("caller", v)
				continue
			}
			if !isParam(m, k) {
				extra[k] = v
			}
		}
		e.setVar("kwargs", extra)
		return e.concat(m.Wrapper.Nodes)
	}}
}

// undefinedAsValue evaluates f, turning an undefined-variable error into
// an Undefined value.
func (e *evaluator) undefinedAsValue(f func() any) (v any) {
	defer func() {
		if r := recover(); r != nil {
			if ue, ok := r.(*UndefinedError); ok {
				v = &Undefined{Name: ue.Msg, silent: false}
				return
			}
			panic(r)
		}
	}()
	return f()
}

// hostVarsUndefined names the object of a missing attribute or item of
// hostvars[host] as Ansible's: a HostVarsVars object, not a dict.
func (e *evaluator) hostVarsUndefined(objExpr nodes.Expression, v any) any {
	u, ok := v.(*Undefined)
	if !ok || !u.HasObj || u.ObjType != "" {
		return v
	}
	var root nodes.Expression
	switch x := objExpr.(type) {
	case *nodes.GetAttribute:
		root = x.Node
	case *nodes.GetItem:
		root = x.Node
	}
	if name, ok := root.(*nodes.Name); ok && name.Name.Val == "hostvars" && !e.locals["hostvars"] {
		c := *u
		c.ObjType = "ansible.vars.hostvars.HostVarsVars"
		return &c
	}
	return v
}

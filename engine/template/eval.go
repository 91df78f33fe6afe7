package template

import (
	"strings"
)

const maxDepth = 64

// evaluator holds the state of one render: the variables and the local
// scopes created by for loops, macros, with blocks and set.
type evaluator struct {
	t      *Templar
	vars   map[string]any
	scopes []map[string]any
	depth  int
	steps  int
}

const maxSteps = 2_000_000

func (e *evaluator) tick() {
	e.steps++
	if e.steps > maxSteps {
		valErr("template evaluation exceeded %d steps", maxSteps)
	}
}

func (e *evaluator) push(m map[string]any) { e.scopes = append(e.scopes, m) }
func (e *evaluator) pop()                  { e.scopes = e.scopes[:len(e.scopes)-1] }

func (e *evaluator) setVar(name string, v any) {
	if len(e.scopes) == 0 {
		e.push(map[string]any{})
	}
	e.scopes[len(e.scopes)-1][name] = v
}

func (e *evaluator) lookupName(name string) any {
	for i := len(e.scopes) - 1; i >= 0; i-- {
		if v, ok := e.scopes[i][name]; ok {
			return v
		}
	}
	if v, ok := e.vars[name]; ok {
		return norm(v)
	}
	if g := e.global(name); g != nil {
		return g
	}
	return &Undefined{Name: name}
}

func (e *evaluator) eval(x expr) any {
	e.tick()
	switch n := x.(type) {
	case *constExpr:
		return n.v
	case *nameExpr:
		return e.lookupName(n.name)
	case *listExpr:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = e.eval(it)
		}
		return out
	case *tupleExpr:
		out := make(Tuple, len(n.items))
		for i, it := range n.items {
			out[i] = e.eval(it)
		}
		return out
	case *dictExpr:
		out := make(map[string]any, len(n.keys))
		keys := make([]string, 0, len(n.keys))
		defer func() { setOrder(out, keys) }()
		for i := range n.keys {
			k := e.eval(n.keys[i])
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
			out[ks] = e.eval(n.vals[i])
		}
		return out
	case *getattrExpr:
		return e.getattr(e.eval(n.obj), n.name)
	case *getitemExpr:
		return e.getitem(e.eval(n.obj), e.eval(n.key))
	case *sliceExpr:
		return e.slice(n)
	case *callExpr:
		fn := e.eval(n.fn)
		args, kw := e.evalArgs(&n.callArgs)
		return e.call(fn, args, kw)
	case *filterExpr:
		v, _ := e.evalFilter(n, nil)
		return v
	case *testExpr:
		return e.evalTest(n)
	case *binExpr:
		switch n.op {
		case "and":
			l := e.eval(n.l)
			if !truthy(l) {
				return l
			}
			return e.eval(n.r)
		case "or":
			l := e.eval(n.l)
			if truthy(l) {
				return l
			}
			return e.eval(n.r)
		}
		return binaryOp(n.op, e.eval(n.l), e.eval(n.r))
	case *unaryExpr:
		v := e.eval(n.x)
		switch n.op {
		case "not":
			return !truthy(v)
		case "-":
			return negate(v)
		default:
			return positive(v)
		}
	case *compareExpr:
		l := e.eval(n.first)
		for i, op := range n.ops {
			r := e.eval(n.rest[i])
			if !compareOp(op, l, r) {
				return false
			}
			l = r
		}
		return true
	case *condExpr:
		if truthy(e.eval(n.test)) {
			return e.eval(n.then)
		}
		if n.els == nil {
			return &Undefined{Hint: "the inline if-expression evaluated to false and no else section was defined.", silent: true}
		}
		return e.eval(n.els)
	}
	valErr("unknown expression %T", x)
	return nil
}

// evalOutput evaluates the expression of a {{ }} and reports whether the
// value came straight from a filter whose result Ansible keeps as text
// (NativeJinjaText: string, to_json, to_yaml, ...).
func (e *evaluator) evalOutput(x expr) (any, bool) {
	switch n := x.(type) {
	case *filterExpr:
		return e.evalFilter(n, nil)
	case *condExpr:
		if truthy(e.eval(n.test)) {
			return e.evalOutput(n.then)
		}
		if n.els == nil {
			return e.eval(n), false
		}
		return e.evalOutput(n.els)
	}
	return e.eval(x), false
}

func (e *evaluator) evalArgs(ca *callArgs) ([]any, map[string]any) {
	args := make([]any, 0, len(ca.args))
	for _, a := range ca.args {
		args = append(args, e.eval(a))
	}
	if ca.dynArgs != nil {
		args = append(args, toList(e.eval(ca.dynArgs))...)
	}
	var kw map[string]any
	if len(ca.kwNames) > 0 || ca.dynKwargs != nil {
		kw = map[string]any{}
		for i, k := range ca.kwNames {
			kw[k] = e.eval(ca.kwVals[i])
		}
		if ca.dynKwargs != nil {
			d, ok := e.eval(ca.dynKwargs).(map[string]any)
			if !ok {
				typeErr("argument after ** must be a mapping")
			}
			for k, v := range d {
				kw[k] = v
			}
		}
	}
	return args, kw
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
			seq := obj
			n := length(seq)
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return &Undefined{Obj: obj, HasObj: true, Key: key}
			}
			switch s := seq.(type) {
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

func (e *evaluator) slice(n *sliceExpr) any {
	obj := e.eval(n.obj)
	if u, ok := obj.(*Undefined); ok {
		return u
	}
	idx := func(x expr) (int, bool) {
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
	start, hasStart := idx(n.start)
	stop, hasStop := idx(n.stop)
	step, hasStep := idx(n.step)
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
	e      *evaluator
	b      strings.Builder
	parts  int
	native bool
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
}

func (r *renderer) render(nodes []node) {
	e := r.e
	for _, nd := range nodes {
		e.tick()
		switch n := nd.(type) {
		case *textNode:
			r.write(n.s)
		case *outputNode:
			v, native := e.evalOutput(n.x)
			r.write(finalize(v))
			r.native = native
		case *ifNode:
			done := false
			for i, c := range n.conds {
				if truthy(e.eval(c)) {
					r.render(n.bodies[i])
					done = true
					break
				}
			}
			if !done && n.els != nil {
				r.render(n.els)
			}
		case *forNode:
			r.renderFor(n)
		case *setNode:
			r.renderSet(n)
		case *macroNode:
			e.setVar(n.name, e.makeMacro(n))
		case *withNode:
			scope := map[string]any{}
			for i, name := range n.names {
				scope[name] = e.eval(n.vals[i])
			}
			e.push(scope)
			r.render(n.body)
			e.pop()
		case *filterBlockNode:
			var v any = e.renderToString(n.body)
			for _, f := range n.filters {
				v, _ = e.evalFilter(f, &v)
			}
			r.write(finalize(v))
		default:
			valErr("unknown node %T", nd)
		}
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

func (e *evaluator) renderToString(body []node) string {
	sub := &renderer{e: e}
	sub.render(body)
	return sub.b.String()
}

func (r *renderer) renderFor(n *forNode) {
	e := r.e
	iterVal := e.eval(n.iter)
	var items []any
	if m, ok := iterVal.(map[string]any); ok {
		items = toList(m)
	} else {
		items = toList(iterVal)
	}
	bind := func(scope map[string]any, item any) {
		if !n.tupleTgt {
			scope[n.targets[0]] = item
			return
		}
		vals := toList(item)
		if len(vals) != len(n.targets) {
			if len(vals) > len(n.targets) {
				valErr("too many values to unpack (expected %d)", len(n.targets))
			}
			valErr("not enough values to unpack (expected %d, got %d)", len(n.targets), len(vals))
		}
		for i, t := range n.targets {
			scope[t] = vals[i]
		}
	}
	if n.cond != nil {
		var kept []any
		for _, it := range items {
			scope := map[string]any{}
			bind(scope, it)
			e.push(scope)
			ok := truthy(e.eval(n.cond))
			e.pop()
			if ok {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if len(items) == 0 {
		if n.els != nil {
			r.render(n.els)
		}
		return
	}
	lc := &loopCtx{items: items}
	scope := map[string]any{}
	e.push(scope)
	defer e.pop()
	for i, it := range items {
		clear(scope)
		lc.i = i
		scope["loop"] = lc
		bind(scope, it)
		r.render(n.body)
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

func (r *renderer) renderSet(n *setNode) {
	e := r.e
	var v any
	if n.body != nil {
		v = e.renderToString(n.body)
		for _, f := range n.filters {
			v, _ = e.evalFilter(f, &v)
		}
	} else {
		v = e.eval(n.x)
	}
	if n.nsAttr != "" {
		ns, ok := e.lookupName(n.targets[0]).(*Namespace)
		if !ok {
			valErr("cannot assign attribute on non-namespace object")
		}
		ns.M[n.nsAttr] = v
		return
	}
	if !n.tupleTgt {
		e.setVar(n.targets[0], v)
		return
	}
	vals := toList(v)
	if len(vals) != len(n.targets) {
		if len(vals) > len(n.targets) {
			valErr("too many values to unpack (expected %d)", len(n.targets))
		}
		valErr("not enough values to unpack (expected %d, got %d)", len(n.targets), len(vals))
	}
	for i, t := range n.targets {
		e.setVar(t, vals[i])
	}
}

func (e *evaluator) makeMacro(n *macroNode) *Callable {
	captured := append([]map[string]any(nil), e.scopes...)
	return &Callable{Name: n.name, Fn: func(args []any, kw map[string]any) any {
		scope := map[string]any{}
		for i, p := range n.params {
			switch {
			case i < len(args):
				scope[p] = args[i]
			case kw != nil && kw[p] != nil:
				scope[p] = kw[p]
			case n.defaults[i] != nil:
				scope[p] = e.eval(n.defaults[i])
			default:
				scope[p] = &Undefined{Hint: "parameter " + quoteString(p) + " was not provided"}
			}
		}
		if len(args) > len(n.params) {
			scope["varargs"] = Tuple(args[len(n.params):])
		} else {
			scope["varargs"] = Tuple{}
		}
		saved := e.scopes
		e.scopes = append(append([]map[string]any(nil), captured...), scope)
		defer func() { e.scopes = saved }()
		return e.renderToString(n.body)
	}}
}

package template

import (
	"strings"

	"github.com/goplay/goplay/engine/vault"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Provenance of strings (what type_debug prints).
//
// Ansible's strings are Python str subclasses that record where they came
// from: AnsibleUnicode (parsed from YAML: playbooks, vars files, roles,
// group_vars), AnsibleUnsafeText (registered results, facts, lookup
// results, with_* loop items, and any template result that touched such a
// value: AnsibleContext marks it unsafe) and plain str (k=v arguments, INI
// inventory values, extra vars, literals, concatenations, filter results,
// literal_eval'd template results). goplay stores plain Go strings; the
// class is derived on demand from where an expression's value came from:
//
//   - a variable's class comes from the runner (an Origins value stored
//     under OriginKey, plus the unsafe set under UnsafeVarsKey); a variable
//     whose value is a template has the class of its rendering;
//   - a value reached from a variable (attributes, items, loop targets,
//     filters that pick elements) keeps the variable's class;
//   - a template that is one {{ }} passes its value's class through; any
//     other template gives str; a template that resolved an unsafe
//     variable gives AnsibleUnsafeText.
//
// Nothing is computed unless type_debug is called or the runner asks for a
// class (RenderValueClass), so renders pay nothing for it.

// Class names type_debug prints for strings.
const (
	ClassStr     = "str"
	ClassUnicode = "AnsibleUnicode"
	ClassUnsafe  = "AnsibleUnsafeText"
)

// OriginKey names the variable (an Origins) that tells the class of each
// variable's string values.
const OriginKey = "__goplay_origin"

// Origins reports the class (ClassStr, ClassUnicode, ClassUnsafe) of a
// variable's strings, or "" when unknown (then str).
type Origins interface {
	Origin(name string) string
}

// classTrack collects, during one render, whether an unsafe variable was
// resolved and the class of each variable resolved.
type classTrack struct {
	unsafe bool
	names  map[string]string
}

// originOf is the class of variable name's stored strings.
func (e *evaluator) originOf(name string) string {
	if isUnsafe(e.vars, name) {
		return ClassUnsafe
	}
	if o, ok := e.vars[OriginKey].(Origins); ok {
		if c := o.Origin(name); c != "" {
			return c
		}
	}
	return ClassStr
}

// trackedLookup is lookupName while tracking classes: a variable holding
// a template is rendered with tracking, so that its class is known.
func (e *evaluator) trackedLookup(name string, v any, lazy bool) any {
	cls := ""
	if _, ok := v.(string); ok && lazy {
		v, cls = e.templateVar(name, v, true)
	} else {
		if lazy {
			v, _ = e.templateVar(name, v, false)
		}
		cls = e.originOf(name)
		if vv, ok := v.(*VarsView); ok && cls != ClassUnsafe {
			// Ansible's vars holds the unsafe values too: reading it
			// makes the result unsafe
			if u, _ := vv.M[UnsafeVarsKey].(map[string]bool); len(u) > 0 {
				cls = ClassUnsafe
			}
		}
	}
	if cls == ClassUnsafe {
		e.track.unsafe = true
	}
	if e.track.names == nil {
		e.track.names = map[string]string{}
	}
	e.track.names[name] = cls
	return norm(v)
}

// nameClass is the class of the strings of the variable name.
func (e *evaluator) nameClass(name string) string {
	if e.locals[name] {
		src := e.localSrc[name]
		if src == nil || e.classVisiting[name] {
			return ClassStr
		}
		if e.classVisiting == nil {
			e.classVisiting = map[string]bool{}
		}
		e.classVisiting[name] = true
		defer delete(e.classVisiting, name)
		return e.classOf(src)
	}
	if e.track != nil {
		if c, ok := e.track.names[name]; ok {
			return c
		}
	}
	raw, ok := e.root.Get(name)
	if !ok {
		return ClassStr
	}
	if s, isStr := raw.(string); isStr && !noLazy[name] && !isUnsafe(e.vars, name) && IsTemplate(s) {
		c := ClassStr
		func() {
			defer func() { recover() }()
			_, c = e.lazyString(s, true)
		}()
		if c == "" {
			c = ClassStr
		}
		return c
	}
	return e.originOf(name)
}

// rawKey is the variable name that x reads from the vars magic variable
// (vars.name, vars['name']), if it does.
func (e *evaluator) rawKey(x nodes.Expression) (string, bool) {
	var obj nodes.Expression
	var key any
	switch n := x.(type) {
	case *nodes.GetAttribute:
		obj = n.Node
		if n.Attribute != "" {
			key = n.Attribute
		} else {
			key = n.Index
		}
	case *nodes.GetItem:
		obj = n.Node
		if n.Arg == nil {
			return "", false
		}
		key = e.eval(n.Arg)
	default:
		return "", false
	}
	root, ok := obj.(*nodes.Name)
	if !ok || root.Name.Val != "vars" || e.locals["vars"] {
		return "", false
	}
	s, ok := key.(string)
	return s, ok
}

// rawRoot reports whether x is a path into a variable read raw through
// the vars magic variable, and that variable's class.
func (e *evaluator) rawRoot(x nodes.Expression) (string, bool) {
	for depth := 0; depth < 100; depth++ {
		if k, ok := e.rawKey(x); ok {
			return e.originOf(k), true
		}
		switch n := x.(type) {
		case *nodes.GetAttribute:
			x = n.Node
		case *nodes.GetItem:
			x = n.Node
		default:
			return "", false
		}
	}
	return "", false
}

// classOf is the class of the strings of expression x's value (x has just
// been evaluated; parts of it may be evaluated again).
func (e *evaluator) classOf(x nodes.Expression) string {
	e.classDepth++
	defer func() { e.classDepth-- }()
	if e.classDepth > 50 {
		return ClassStr
	}
	switch n := x.(type) {
	case *nodes.Name:
		return e.nameClass(n.Name.Val)
	case *nodes.GetAttribute:
		if k, ok := e.rawKey(n); ok {
			return e.originOf(k)
		}
		return e.itemClass(n.Node)
	case *nodes.GetItem:
		if k, ok := e.rawKey(n); ok {
			return e.originOf(k)
		}
		return e.itemClass(n.Node)
	case *nodes.GetSlice:
		return e.itemClass(n.Node)
	case *nodes.FilteredExpression:
		return e.filteredClass(n.Expression, n.Filters)
	case *nodes.Call:
		if c := asCond(n); c != nil {
			return e.classOf(c)
		}
		switch f := n.Func.(type) {
		case *nodes.Name:
			switch f.Name.Val {
			case "lookup", "query", "q":
				if !e.locals[f.Name.Val] {
					return ClassUnsafe
				}
			}
		case *nodes.GetAttribute:
			// a dict or list method (items, values, get, pop, ...) returns
			// the container's values; AnsibleUnsafeText's str methods
			// return AnsibleUnsafeText, other strings' return str
			switch e.eval(f.Node).(type) {
			case map[string]any, []any:
				return e.classOf(f.Node)
			case string:
				return strOp(e.classOf(f.Node))
			}
		}
	case *condExpr:
		if truthy(e.eval(n.test)) {
			return e.classOf(n.then)
		}
		if n.els != nil {
			return e.classOf(n.els)
		}
	case *nodes.BinaryExpression:
		switch tt := n.Operator.Token.Type; tt {
		case tokens.And, tokens.Or:
			l := truthy(e.eval(n.Left))
			if l == (tt == tokens.Or) {
				return e.classOf(n.Left)
			}
			return e.classOf(n.Right)
		case tokens.Addition, tokens.Multiply:
			// str + str, str * n: unsafe when either side is
			if e.stringClass(n.Left) == ClassUnsafe || e.stringClass(n.Right) == ClassUnsafe {
				return ClassUnsafe
			}
		case tokens.Modulo:
			return e.stringClass(n.Left)
		}
	case *nodes.List:
		if len(n.Val) > 0 {
			return e.classOf(n.Val[0])
		}
	case *nodes.Tuple:
		if len(n.Val) > 0 {
			return e.classOf(n.Val[0])
		}
	case *nodes.Dict:
		if len(n.Pairs) > 0 {
			return e.classOf(n.Pairs[0].Value)
		}
	}
	return ClassStr
}

// strOp is the class of a string made from a string of class c by a str
// method, an index or a slice: AnsibleUnsafeText keeps its class.
func strOp(c string) string {
	if c == ClassUnsafe {
		return ClassUnsafe
	}
	return ClassStr
}

// stringClass is x's class if its value is a string, else "".
func (e *evaluator) stringClass(x nodes.Expression) string {
	if _, ok := e.eval(x).(string); ok {
		return strOp(e.classOf(x))
	}
	return ""
}

// itemClass is the class of an attribute, item or slice of obj.
func (e *evaluator) itemClass(obj nodes.Expression) string {
	if _, isStr := e.eval(obj).(string); isStr {
		return strOp(e.classOf(obj))
	}
	return e.classOf(obj)
}

// passFilters return (parts of) their input unchanged.
var passFilters = setOf(`first last list sort unique reverse dict2items items2dict flatten select reject
selectattr rejectattr combine random shuffle min max batch slice zip zip_longest product permutations
combinations difference intersect union symmetric_difference subelements dictsort groupby extract
mandatory json_query`)

// strFilters build their result with str methods of their (string)
// input: AnsibleUnsafeText in, AnsibleUnsafeText out.
var strFilters = setOf(`upper lower capitalize center replace trim format quote basename dirname splitext
first last list reverse`)

// filteredClass is the class of input | filters.
func (e *evaluator) filteredClass(input nodes.Expression, filters []*nodes.FilterCall) string {
	if len(filters) == 0 {
		return e.classOf(input)
	}
	f := filters[len(filters)-1]
	prefix := filters[:len(filters)-1]
	name := canonicalName(f.Name)
	if nativeTextFilters[name] {
		return "NativeJinjaText"
	}
	switch name {
	case "default", "d":
		v := e.evalFilteredPrefix(input, prefix)
		_, undef := v.(*Undefined)
		useDefault := undef
		if !undef && len(f.Args) > 1 && truthy(e.eval(f.Args[1])) && !truthy(v) {
			useDefault = true
		}
		if b, ok := f.Kwargs["boolean"]; ok && !undef && truthy(e.eval(b)) && !truthy(v) {
			useDefault = true
		}
		if useDefault {
			if len(f.Args) > 0 {
				return e.classOf(f.Args[0])
			}
			return ClassStr
		}
		return e.filteredClass(input, prefix)
	case "ternary":
		i := 1
		if truthy(e.evalFilteredPrefix(input, prefix)) {
			i = 0
		}
		if i < len(f.Args) {
			return e.classOf(f.Args[i])
		}
		return ClassStr
	case "map":
		if len(f.Args) == 0 {
			return e.filteredClass(input, prefix)
		}
		if s, ok := f.Args[0].(*nodes.String); ok {
			if fn := canonicalName(s.Val); strFilters[fn] {
				return strOp(e.filteredClass(input, prefix))
			} else if passFilters[fn] {
				return e.filteredClass(input, prefix)
			}
		}
		return ClassStr
	}
	if strFilters[name] {
		if _, ok := e.evalFilteredPrefix(input, prefix).(string); ok {
			return strOp(e.filteredClass(input, prefix))
		}
	}
	if passFilters[name] {
		return e.filteredClass(input, prefix)
	}
	return ClassStr
}

func (e *evaluator) evalFilteredPrefix(input nodes.Expression, filters []*nodes.FilterCall) any {
	v := e.eval(input)
	for _, fc := range filters {
		v, _ = e.applyFilter(fc, v)
	}
	return v
}

func isTypeDebug(name string) bool {
	return strings.HasSuffix(name, "type_debug") && canonicalName(name) == "type_debug"
}

// typeDebug is type_debug of v, the value of input | prefix.
func (e *evaluator) typeDebug(fc *nodes.FilterCall, v any, input nodes.Expression, prefix []*nodes.FilterCall) any {
	switch s := v.(type) {
	case *Undefined:
		return "AnsibleUndefined"
	case string:
		c := e.filteredClass(input, prefix)
		if c == ClassUnicode && len(prefix) == 0 && vault.FromInline(s) {
			// the value of an inline !vault as loaded
			return "AnsibleVaultEncryptedUnicode"
		}
		return c
	case map[string]any, []any:
		if len(prefix) == 0 {
			if n, ok := input.(*nodes.Name); ok && n.Name.Val == "hostvars" && !e.locals["hostvars"] {
				return "HostVars"
			}
			if k, ok := e.rawKey(input); ok && k == "hostvars" {
				return "HostVars"
			}
			// the vars magic variable holds the variables as parsed
			if c, ok := e.rawRoot(input); ok && c == ClassUnicode {
				if _, isMap := v.(map[string]any); isMap {
					return "AnsibleMapping"
				}
				return "AnsibleSequence"
			}
		}
	}
	r, _ := e.applyFilter(fc, v)
	return r
}

// RenderValueClass is RenderValue that also reports the class of the
// strings of the result: rawClass for strings without templates, the
// rendering's class for templates (see the provenance notes above).
func (t *Templar) RenderValueClass(v any, vars map[string]any, rawClass string) (any, string, error) {
	switch x := v.(type) {
	case string:
		if !IsTemplate(x) {
			return x, rawClass, nil
		}
		r, cls, err := t.renderAnyT(x, vars, 0, true)
		if err != nil {
			return nil, "", err
		}
		r, err = exportSafe(r, x)
		if cls == "" {
			cls = rawClass
		}
		return r, cls, err
	case []any, map[string]any:
		if !hasTemplate(x, 0) {
			r, err := t.RenderValue(x, vars)
			return r, rawClass, err
		}
		cls := ""
		r, err := t.walkValue(x, vars, func(y string) (any, error) {
			r, c, err := t.RenderValueClass(y, vars, rawClass)
			if err == nil && IsTemplate(y) && cls != ClassUnsafe {
				if cls == "" || c == ClassUnsafe {
					cls = c
				} else if cls != c {
					cls = ClassStr
				}
			}
			return r, err
		})
		if cls == "" {
			cls = rawClass
		}
		return r, cls, err
	}
	r, err := t.RenderValue(v, vars)
	return r, rawClass, err
}

func exportSafe(v any, src string) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, wrapErr(recoverErr(r), src)
		}
	}()
	return export(v), nil
}

// VarsView is the value of the vars magic variable: the task's variables
// as stored (Ansible's copy of the task variables, whose values are not
// templated when read through it). It is read when used, so building it
// costs nothing; M is the task's variable map (without the loop
// variables, which Ansible adds after the copy).
type VarsView struct{ M map[string]any }

// dict is the variables as a dict: M without the internal keys and
// without vars itself.
func (v *VarsView) dict() map[string]any {
	out := make(map[string]any, len(v.M))
	for k, x := range v.M {
		switch k {
		case UnsafeVarsKey, OriginKey, "vars":
			continue
		}
		if _, ok := x.(*VarsView); ok {
			continue
		}
		out[k] = x
	}
	return out
}

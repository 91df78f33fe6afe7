package template

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/vault"
)

// Tuple is a Python tuple inside the evaluator. It prints as ('a', 1) and is
// exported to callers as []any.
type Tuple []any

// Callable is a Python callable inside the evaluator: a global function such
// as lookup or range, a bound method such as 'abc'.split, or a macro.
type Callable struct {
	Name string
	Fn   func(args []any, kwargs map[string]any) any
}

// Namespace is the object returned by Jinja2's namespace().
type Namespace struct {
	M map[string]any
}

// Undefined is Ansible's AnsibleUndefined: reading an attribute or item of it
// returns itself, most other uses fail with its message.
type Undefined struct {
	Name   string // the missing variable name when HasObj is false
	Obj    any    // the object that lacked the attribute/item
	HasObj bool
	Key    any // the missing attribute (string) or item
	Hint   string
	// ObjType names the object's type in the message instead of Obj's
	// (hostvars[host] is a HostVarsVars).
	ObjType string
	silent  bool // renders as '' (an inline if without else)
}

// Message returns Jinja2's message for this undefined value.
func (u *Undefined) Message() string {
	if u.Hint != "" {
		return u.Hint
	}
	if !u.HasObj {
		return pyRepr(u.Name) + " is undefined"
	}
	obj := objectTypeRepr(u.Obj)
	if u.ObjType != "" {
		obj = u.ObjType + " object"
	}
	if s, ok := u.Key.(string); ok {
		return pyRepr(obj) + " has no attribute " + pyRepr(s)
	}
	return obj + " has no element " + pyRepr(u.Key)
}

func objectTypeRepr(v any) string {
	if v == nil {
		return "None"
	}
	switch v.(type) {
	case string:
		return "ansible.utils.unsafe_proxy.AnsibleUnsafeText object"
	case pyObject:
		return pyTypeQualName(v) + " object"
	}
	return typeName(v) + " object"
}

// throw aborts evaluation with err; entry points recover it.
func throw(err error) { panic(err) }

func throwUndef(u *Undefined) { panic(&UndefinedError{Msg: u.Message()}) }

func typeErr(format string, a ...any) {
	panic(&TemplateError{Msg: fmt.Sprintf(format, a...), typeError: true})
}

func valErr(format string, a ...any) { panic(&TemplateError{Msg: fmt.Sprintf(format, a...)}) }

// norm converts a Go value of a non-canonical type into goplay's canonical
// representation (shallowly for containers of canonical element types).
func norm(v any) any {
	switch x := v.(type) {
	case nil, bool, int, float64, string, []any, map[string]any, Tuple, *Undefined, *Callable, *Namespace, *loopCtx:
		return v
	case pyObject, yamlPlain:
		return v
	case *VarsView:
		return x.dict()
	case *vault.Undecryptable:
		// using an inline !vault value that cannot be decrypted fails
		panic(x.Err)
	case int64:
		return int(x)
	case int32:
		return int(x)
	case int16:
		return int(x)
	case int8:
		return int(x)
	case uint:
		return int(x)
	case uint64:
		return int(x)
	case uint32:
		return int(x)
	case uint16:
		return int(x)
	case uint8:
		return int(x)
	case float32:
		return float64(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out
	case []byte:
		return string(x)
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return norm(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = norm(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			out[pyStr(norm(it.Key().Interface()))] = norm(it.Value().Interface())
		}
		return out
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	}
	return fmt.Sprint(v)
}

// export converts an evaluator value into goplay's value conventions.
func export(v any) any {
	switch x := v.(type) {
	case Tuple:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = export(e)
		}
		return out
	case []any:
		for i, e := range x {
			if needsExport(e) {
				out := make([]any, len(x))
				copy(out, x[:i])
				for j := i; j < len(x); j++ {
					out[j] = export(x[j])
				}
				return out
			}
		}
		return x
	case map[string]any:
		for _, e := range x {
			if needsExport(e) {
				out := make(map[string]any, len(x))
				for k, e2 := range x {
					out[k] = export(e2)
				}
				return out
			}
		}
		return x
	case *Undefined:
		throwUndef(x)
	case *Callable:
		return "<built-in method " + x.Name + ">"
	case *Namespace, *loopCtx:
		return pyRepr(x)
	case pyObject:
		return x.pyStr()
	}
	return norm(v)
}

func needsExport(v any) bool {
	switch x := v.(type) {
	case nil, bool, int, float64, string:
		return false
	case []any:
		for _, e := range x {
			if needsExport(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range x {
			if needsExport(e) {
				return true
			}
		}
		return false
	}
	return true
}

// typeName returns the Python type name of v.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []any:
		return "list"
	case Tuple:
		return "tuple"
	case map[string]any:
		return "dict"
	case *Undefined:
		return "AnsibleUndefined"
	case *Callable:
		return "builtin_function_or_method"
	case *Namespace:
		return "Namespace"
	case *loopCtx:
		return "LoopContext"
	case pyObject:
		return v.(pyObject).pyTypeName()
	}
	return typeName(norm(v))
}

// truthy is Python's bool(v); an undefined value fails.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case Tuple:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	case *Undefined:
		throwUndef(x)
	case *Callable, *Namespace, *loopCtx:
		return true
	case pyObject:
		return x.pyTruth()
	}
	return truthy(norm(v))
}

// numeric returns v as a number if it is a bool, int or float.
func numeric(v any) (i int, f float64, isFloat, ok bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, 1, false, true
		}
		return 0, 0, false, true
	case int:
		return x, float64(x), false, true
	case float64:
		return 0, x, true, true
	}
	return 0, 0, false, false
}

// pyEqual is Python's ==.
func pyEqual(a, b any) bool {
	if u, ok := a.(*Undefined); ok {
		throwUndef(u)
	}
	if u, ok := b.(*Undefined); ok {
		throwUndef(u)
	}
	ai, af, aIsF, aok := numeric(a)
	bi, bf, bIsF, bok := numeric(b)
	if aok && bok {
		if aIsF || bIsF {
			return af == bf
		}
		return ai == bi
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case Tuple:
		y, ok := b.(Tuple)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !pyEqual(v, w) {
				return false
			}
		}
		return true
	case *Callable:
		return a == b
	case *Namespace:
		return a == b
	case pyObject:
		return dateEqual(a, b)
	}
	if aok || bok {
		return false
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// pyCompare returns -1, 0 or 1 like Python's ordering, failing with a
// TypeError message for unorderable types. op is used in the message.
func pyCompare(a, b any, op string) int {
	if u, ok := a.(*Undefined); ok {
		throwUndef(u)
	}
	if u, ok := b.(*Undefined); ok {
		throwUndef(u)
	}
	ai, af, aIsF, aok := numeric(a)
	bi, bf, bIsF, bok := numeric(b)
	if aok && bok {
		if aIsF || bIsF {
			switch {
			case af < bf:
				return -1
			case af > bf:
				return 1
			}
			return 0
		}
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case []any:
		if y, ok := b.([]any); ok {
			return compareSeq(x, y, op)
		}
	case Tuple:
		if y, ok := b.(Tuple); ok {
			return compareSeq(x, y, op)
		}
	}
	if c, ok := dateCompare(a, b); ok {
		return c
	}
	typeErr("'%s' not supported between instances of '%s' and '%s'", op, pyTypeQualName(a), pyTypeQualName(b))
	return 0
}

func compareSeq(x, y []any, op string) int {
	for i := 0; i < len(x) && i < len(y); i++ {
		if !pyEqual(x[i], y[i]) {
			return pyCompare(x[i], y[i], op)
		}
	}
	switch {
	case len(x) < len(y):
		return -1
	case len(x) > len(y):
		return 1
	}
	return 0
}

// formatFloat prints f like Python's repr(float).
func formatFloat(f float64) string { return pyfmt.FormatFloat(f) }

// pyStr is Python's str(v).
func pyStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case *Undefined:
		if x.silent {
			return ""
		}
		throwUndef(x)
	case pyObject:
		return x.pyStr()
	}
	return pyRepr(v)
}

// pyRepr is Python's repr(v). Dict keys are printed in sorted order.
func pyRepr(v any) string {
	var b strings.Builder
	writeRepr(&b, v)
	return b.String()
}

func writeRepr(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		b.WriteString(formatFloat(x))
	case string:
		b.WriteString(quoteString(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e)
		}
		b.WriteByte(']')
	case Tuple:
		b.WriteByte('(')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e)
		}
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteString(k))
			b.WriteString(": ")
			writeRepr(b, x[k])
		}
		b.WriteByte('}')
	case *Undefined:
		if x.silent {
			b.WriteString("Undefined")
			return
		}
		throwUndef(x)
	case *Callable:
		b.WriteString("<built-in method " + x.Name + ">")
	case *loopCtx:
		fmt.Fprintf(b, "<LoopContext %d/%d>", x.i+1, len(x.items))
	case pyObject:
		b.WriteString(x.pyRepr())
	case *Namespace:
		b.WriteString("<Namespace ")
		writeRepr(b, x.M)
		b.WriteString(">")
	default:
		writeRepr(b, norm(v))
	}
}

// sortedKeys returns m's keys in Python order: insertion order when
// pyfmt knows it, else sorted.
func sortedKeys(m map[string]any) []string { return pyfmt.KeyOrder(m) }

// quoteString is Python's repr of a str.
func quoteString(s string) string { return pyfmt.QuoteString(s) }

// toList iterates v like Python's list(v).
func toList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case Tuple:
		return []any(x)
	case string:
		out := make([]any, 0, len(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out
	case map[string]any:
		keys := sortedKeys(x)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k
		}
		return out
	case *Undefined:
		throwUndef(x)
	case nil, bool, int, float64, *Callable, *Namespace, *loopCtx:
		typeErr("'%s' object is not iterable", typeName(v))
	}
	return toList(norm(v))
}

func isIterable(v any) bool {
	switch v.(type) {
	case []any, Tuple, string, map[string]any:
		return true
	}
	return false
}

// length is Python's len(v).
func length(v any) int {
	switch x := v.(type) {
	case string:
		return utf8.RuneCountInString(x)
	case []any:
		return len(x)
	case Tuple:
		return len(x)
	case map[string]any:
		return len(x)
	case *Undefined:
		throwUndef(x)
	}
	typeErr("object of type '%s' has no len()", typeName(v))
	return 0
}

// setOrder records a dict's key order for printing when it differs from the
// sorted order (pyfmt keeps recorded maps alive, so only record when needed).
func setOrder(m map[string]any, keys []string) {
	if len(keys) < 2 || sort.StringsAreSorted(keys) {
		return
	}
	pyfmt.SetOrder(m, keys)
}

package template

import (
	"errors"
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2/nodes"
)

// Options configures a Templar.
type Options struct {
	// BaseDir is the playbook directory: relative paths of lookup('file'),
	// lookup('template') and first_found are resolved against it (and its
	// files/ and templates/ subdirectories).
	BaseDir string
	// Warn receives warnings (e.g. templating delimiters in conditionals).
	Warn func(string)
}

// Templar renders templates. It is safe for concurrent use.
type Templar struct {
	opts  Options
	mu    sync.Mutex
	cache map[cacheKey]*nodes.Template
}

type cacheKey struct {
	src    string
	escape bool
}

const maxCache = 4096

// New returns a Templar.
func New(opts Options) *Templar {
	return &Templar{opts: opts, cache: map[cacheKey]*nodes.Template{}}
}

func (t *Templar) warn(msg string) {
	if t.opts.Warn != nil {
		t.opts.Warn(msg)
	}
}

// IsTemplate reports whether s contains {{, {% or {#.
func IsTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}

var singleVarRe = lazyRegexp(`^\{\{\s*(\w*)\s*\}\}\n?$`)

// parse returns gonja's parse of the template, cached per source.
func (t *Templar) parse(src string, escape bool) (*nodes.Template, error) {
	key := cacheKey{src, escape}
	t.mu.Lock()
	tpl, ok := t.cache[key]
	t.mu.Unlock()
	if ok {
		return tpl, nil
	}
	prepared, err := prepareSource(src, escape)
	if err != nil {
		return nil, err
	}
	tpl, err = parseGonja(prepared)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	if len(t.cache) >= maxCache {
		t.cache = map[cacheKey]*nodes.Template{}
	}
	t.cache[key] = tpl
	t.mu.Unlock()
	return tpl, nil
}

// wrapErr turns internal errors into the messages Ansible prints.
func wrapErr(err error, src string) error {
	var te *TemplateError
	if errors.As(err, &te) {
		switch {
		case te.syntax:
			return &TemplateError{Msg: "template error while templating string: " + te.Msg + ". String: " + src, syntax: true}
		case te.typeError:
			return &TemplateError{Msg: "Unexpected templating type error occurred on (" + src + "): " + te.Msg, typeError: true}
		}
	}
	return err
}

// renderText renders a template to text. It reports whether the output is a
// single NativeJinjaText node (which Ansible never literal_evals).
//
// evalConcat selects Ansible's ansible_eval_concat for the text Jinja2
// joins internally (macro and caller bodies, block sets, filter blocks):
// text that looks like a list, dict or bool becomes that value. It is on
// for convert_data=True renders (Render) and off otherwise (RenderString).
func (t *Templar) renderText(src string, vars map[string]any, escape, evalConcat bool, depth int) (out string, native bool, err error) {
	out, native, _, err = t.renderTextT(src, vars, escape, evalConcat, depth, nil)
	return out, native, err
}

// renderTextT is renderText that, given a classTrack, records classes and
// reports the class of the result's strings (provenance.go).
func (t *Templar) renderTextT(src string, vars map[string]any, escape, evalConcat bool, depth int, tr *classTrack) (out string, native bool, cls string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = wrapErr(recoverErr(r), src)
		}
	}()
	tpl, err := t.parse(src, escape)
	if err != nil {
		return "", false, "", wrapErr(err, src)
	}
	e := newEvaluator(t, vars, depth)
	e.evalConcat = evalConcat
	e.track = tr
	r := &renderer{e: e}
	r.render(tpl.Nodes)
	if tr != nil {
		cls = ClassStr
		if r.parts == 1 && r.outClass != "" {
			cls = r.outClass
		}
		if tr.unsafe {
			cls = ClassUnsafe
		}
	}
	return r.b.String(), r.parts == 1 && r.native, cls, nil
}

func countTrailingNewlines(s string) int {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\n'; i-- {
		n++
	}
	return n
}

// Render templates one string with Ansible 2.14's typing rules (jinja2_native
// off): a string without template markers is returned unchanged; "{{ name }}"
// of a bool/number/None variable returns that value; rendered text that
// starts with { or [ or is True/False is literal_eval'ed; otherwise the
// rendered string is returned.
func (t *Templar) Render(s string, vars map[string]any) (any, error) {
	return t.render(s, vars, 0)
}

func (t *Templar) render(s string, vars map[string]any, depth int) (res any, err error) {
	res, err = t.renderAny(s, vars, depth)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, wrapErr(recoverErr(r), s)
		}
	}()
	return export(res), nil
}

// renderAny is Render without the final conversion to goplay's value types.
func (t *Templar) renderAny(s string, vars map[string]any, depth int) (res any, err error) {
	res, _, err = t.renderAnyT(s, vars, depth, false)
	return res, err
}

// renderAnyT is renderAny that, with track, also reports the class of the
// result's strings ("" for a string without template markers, whose class
// is its origin's).
func (t *Templar) renderAnyT(s string, vars map[string]any, depth int, track bool) (res any, cls string, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, wrapErr(recoverErr(r), s)
		}
	}()
	if !IsTemplate(s) {
		return s, "", nil
	}
	if m := singleVarRe().FindStringSubmatch(s); m != nil {
		if v, ok := vars[m[1]]; ok {
			switch nv := norm(v).(type) {
			case bool, int, float64:
				return nv, ClassStr, nil
			case nil:
				return nil, ClassStr, nil
			}
		}
	}
	var tr *classTrack
	if track {
		tr = &classTrack{}
	}
	out, native, cls, err := t.renderTextT(s, vars, true, true, depth, tr)
	if err != nil {
		return nil, "", err
	}
	var result any = out
	if !native && (strings.HasPrefix(out, "{") || strings.HasPrefix(out, "[") || out == "True" || out == "False") {
		if v, ok := literalEval(out); ok {
			result = v
		}
	}
	if str, ok := result.(string); ok {
		if want := countTrailingNewlines(s); want > countTrailingNewlines(str) {
			result = str + strings.Repeat("\n", want-countTrailingNewlines(str))
			if cls != ClassUnsafe {
				cls = ClassStr
			}
		}
	} else if cls != ClassUnsafe && cls != "" {
		// literal_eval'd text: plain str
		cls = ClassStr
	}
	return result, cls, nil
}

// RenderString renders s to text: like Render, but the result is always the
// rendered string (no typing, no literal_eval); trailing newlines are kept.
func (t *Templar) RenderString(s string, vars map[string]any) (string, error) {
	return t.renderString(s, vars, true, 0)
}

func (t *Templar) renderString(s string, vars map[string]any, escape bool, depth int) (string, error) {
	if !IsTemplate(s) {
		return s, nil
	}
	out, _, err := t.renderText(s, vars, escape, false, depth)
	if err != nil {
		return "", err
	}
	if want := countTrailingNewlines(s); want > countTrailingNewlines(out) {
		out += strings.Repeat("\n", want-countTrailingNewlines(out))
	}
	return out, nil
}

// RenderValue recursively templates every string inside maps and lists (keys
// too) with Render's rules, returning new values; the input is not modified.
func (t *Templar) RenderValue(v any, vars map[string]any) (any, error) {
	return t.walkValue(v, vars, func(s string) (any, error) { return t.Render(s, vars) })
}

// walkValue copies v, replacing every string inside maps and lists with
// leaf's result and templating map keys with RenderString.
func (t *Templar) walkValue(v any, vars map[string]any, leaf func(string) (any, error)) (any, error) {
	switch x := v.(type) {
	case string:
		return leaf(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := t.walkValue(e, vars, leaf)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		keys := sortedKeys(x)
		newKeys := make([]string, 0, len(keys))
		for _, k := range keys {
			nk := k
			if IsTemplate(k) {
				rk, err := t.RenderString(k, vars)
				if err != nil {
					return nil, err
				}
				nk = rk
			}
			r, err := t.walkValue(x[k], vars, leaf)
			if err != nil {
				return nil, err
			}
			out[nk] = r
			newKeys = append(newKeys, nk)
		}
		setOrder(out, newKeys)
		return out, nil
	}
	return v, nil
}

// Eval evaluates a bare Jinja2 expression and returns its native value.
func (t *Templar) Eval(expression string, vars map[string]any) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, wrapErr(recoverErr(r), "{{ "+expression+" }}")
		}
	}()
	src := "{{ " + expression + " }}"
	tpl, err := t.parse(src, true)
	if err != nil {
		return nil, wrapErr(err, src)
	}
	if len(tpl.Nodes) != 1 {
		return nil, &TemplateError{Msg: "template error while templating string: not a single expression. String: " + src, syntax: true}
	}
	out, ok := tpl.Nodes[0].(*nodes.Output)
	if !ok {
		return nil, &TemplateError{Msg: "template error while templating string: not a single expression. String: " + src, syntax: true}
	}
	e := newEvaluator(t, vars, 0)
	e.evalConcat = true
	v, _ := e.evalOutput(out)
	if u, ok := v.(*Undefined); ok {
		throwUndef(u)
	}
	return export(v), nil
}

// Conditional evaluates one when/until/changed_when/failed_when value like
// Ansible 2.14: a list is an AND of its entries; nil and "" are true; a bool
// is used as is; a string is a Jinja2 expression (templating delimiters in
// it trigger a warning but work). Errors are *ConditionalError values
// wrapping the *UndefinedError or *TemplateError.
func (t *Templar) Conditional(cond any, vars map[string]any) (bool, error) {
	if l, ok := cond.([]any); ok {
		for _, c := range l {
			ok, err := t.Conditional(c, vars)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	if l, ok := cond.([]string); ok {
		for _, c := range l {
			ok, err := t.Conditional(c, vars)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	switch c := cond.(type) {
	case nil:
		return true, nil
	case bool:
		return c, nil
	case string:
		if c == "" {
			return true, nil
		}
		res, err := t.checkConditional(c, vars)
		if err != nil {
			return false, &ConditionalError{Cond: c, Err: err}
		}
		return res, nil
	}
	r, err := safeTruthy(norm(cond))
	if err != nil {
		return false, &ConditionalError{Cond: pyStr(norm(cond)), Err: err}
	}
	return r, nil
}

func safeTruthy(v any) (b bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = recoverErr(r)
		}
	}()
	return truthy(v), nil
}

var definedRe = lazyRegexp(`(hostvars\[.+\]|[\w_]+)\s+(not\s+is|is|is\s+not)\s+(defined|undefined)`)
var undefNameRe = lazyRegexp(`'(hostvars\[.+\]|[\w_]+)' is undefined`)

func (t *Templar) checkConditional(orig string, vars map[string]any) (bool, error) {
	if IsTemplate(orig) {
		t.warn("conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: " + orig)
	}
	cond := orig
	res, err := t.Render(orig, vars)
	if err == nil {
		s, isStr := res.(string)
		if !isStr || s == "" {
			return safeTruthy(res)
		}
		cond = s
		var out string
		out, err = t.RenderString("{% if "+cond+" %} True {% else %} False {% endif %}", vars)
		if err == nil {
			switch strings.TrimSpace(out) {
			case "True":
				return true, nil
			case "False":
				return false, nil
			}
			return false, &TemplateError{Msg: "unable to evaluate conditional: " + orig}
		}
	}
	var ue *UndefinedError
	if errors.As(err, &ue) {
		if m := undefNameRe().FindStringSubmatch(ue.Msg); m != nil {
			varName := m[1]
			rest := cond
			for {
				dm := definedRe().FindStringSubmatchIndex(rest)
				if dm == nil {
					break
				}
				duVar := rest[dm[2]:dm[3]]
				logic := rest[dm[4]:dm[5]]
				state := rest[dm[6]:dm[7]]
				if strings.ReplaceAll(varName, "'", "\"") == strings.ReplaceAll(duVar, "'", "\"") {
					shouldExist := strings.Contains(logic, "not") != (state == "defined")
					return !shouldExist, nil
				}
				rest = rest[dm[1]:]
			}
		}
		return false, &UndefinedError{Msg: "error while evaluating conditional (" + orig + "): " + ue.Msg + ". " + ue.Msg}
	}
	var te *TemplateError
	if errors.As(err, &te) && strings.HasSuffix(te.Msg, ". "+recursionMsg) {
		// Python runs out of stack in the comparison of the {% if %}
		return false, &TemplateError{Msg: te.Msg + " in comparison"}
	}
	return false, err
}

// ConvertBare implements Ansible 2.0/2.1's bare-variable rule for with_*
// loops: a string without {{ that contains | or whose first segment (split
// on |, then ., then [) names a variable in vars is wrapped as "{{ term }}".
func ConvertBare(term string, vars map[string]any) (string, bool) {
	if strings.Contains(term, "{{") {
		return term, false
	}
	first := strings.SplitN(term, "|", 2)[0]
	first = strings.SplitN(first, ".", 2)[0]
	first = strings.SplitN(first, "[", 2)[0]
	_, defined := vars[first]
	if strings.Contains(term, "|") || defined {
		return "{{ " + term + " }}", true
	}
	return term, false
}

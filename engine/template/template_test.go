package template

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func testVars() map[string]any {
	return map[string]any{
		"lb": map[string]any{"balancer": map[string]any{"status": "ACTIVE", "id": 7, "nodes": []any{
			map[string]any{"id": 1, "condition": "ENABLED"}, map[string]any{"id": 2, "condition": "DISABLED"}}}},
		"yes_str": "yes", "false_str": "False", "empty_list": []any{}, "flag": false, "num": 80, "f": 1.5,
		"nothing": nil, "s": "str", "l": []any{3, 1, 2}, "d": map[string]any{"i": 1, "f": 1.5, "n": nil, "b": true},
		"item": "lb.balancer.nodes", "expr": "num > 3",
	}
}

func TestRenderTyping(t *testing.T) {
	tp := New(Options{})
	vars := testVars()
	cases := []struct {
		in   string
		want any
	}{
		{"plain", "plain"},
		{"{{ num }}", 80},
		{"{{ f }}", 1.5},
		{"{{ flag }}", false},
		{"{{ nothing }}", nil},
		{"{{ d.i }}", "1"},
		{"{{ d.f }}", "1.5"},
		{"{{ d.n }}", ""},
		{"{{ d.b }}", true},
		{"{{ num + 1 }}", "81"},
		{"{{ 40 + 40 }}", "80"},
		{"{{ [1,2] }}", []any{1, 2}},
		{"{{ 1 == 1 }}", true},
		{"{{ d }}", map[string]any{"i": 1, "f": 1.5, "n": nil, "b": true}},
		{"{{ lb.balancer.nodes | map(attribute='id') | list }}", []any{1, 2}},
		{"{{ d.items() }}", []any{[]any{"b", true}, []any{"f", 1.5}, []any{"i", 1}, []any{"n", nil}}},
		{"{{ l | to_json }}", "[3, 1, 2]"},
		{"{{ l | string }}", "[3, 1, 2]"},
		{"x {{ l }}", "x [3, 1, 2]"},
		{"{{ nothing }} x", " x"},
		{"{{ num }}\n", 80},
		{"{{ s }}\n\n", "str\n\n"},
		{"a{# c #}b", "ab"},
	}
	for _, c := range cases {
		got, err := tp.Render(c.in, vars)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %#v want %#v", c.in, got, c.want)
		}
	}
}

func TestUndefinedErrors(t *testing.T) {
	tp := New(Options{})
	vars := testVars()
	cases := map[string]string{
		"{{ nosuch }}":                       "'nosuch' is undefined",
		"{{ lb.nope }}":                      "'dict object' has no attribute 'nope'",
		"{{ l.nope }}":                       "'list object' has no attribute 'nope'",
		"{{ item.condition }}":               "'ansible.utils.unsafe_proxy.AnsibleUnsafeText object' has no attribute 'condition'",
		"{{ num.x }}":                        "'int object' has no attribute 'x'",
		"{{ l[7] }}":                         "list object has no element 7",
		"{{ nosuch.a.b }}":                   "'nosuch' is undefined",
		"{{ lb.nope.deeper }}":               "'dict object' has no attribute 'nope'",
		"{{ nosuch | default(1) + nosuch }}": "'nosuch' is undefined",
	}
	for in, want := range cases {
		_, err := tp.Render(in, vars)
		var ue *UndefinedError
		if !errors.As(err, &ue) || ue.Msg != want {
			t.Errorf("%q: got %v want UndefinedError %q", in, err, want)
		}
	}
	lenient := map[string]any{
		"{{ nosuch is defined }}":             false,
		"{{ nosuch | default('d') }}":         "d",
		"{{ lb.nope is defined }}":            false,
		"{{ lb.nope | default('x') }}":        "x",
		"{{ lb.nope.deeper | default('y') }}": "y",
		"{{ nosuch is undefined }}":           true,
	}
	for in, want := range lenient {
		got, err := tp.Render(in, vars)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %#v, %v want %#v", in, got, err, want)
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	tp := New(Options{})
	cases := map[string]string{
		"{{ a }":           "template error while templating string: unexpected '}'. String: {{ a }",
		"{{ a b }}":        "template error while templating string: expected token 'end of print statement', got 'b'. String: {{ a b }}",
		"{{ 1 + 'a' }}":    "Unexpected templating type error occurred on ({{ 1 + 'a' }}): unsupported operand type(s) for +: 'int' and 'str'",
		"{{ x | nofilt }}": "template error while templating string: Could not load \"nofilt\": 'nofilt'. String: {{ x | nofilt }}",
	}
	for in, want := range cases {
		_, err := tp.Render(in, map[string]any{"x": 1})
		var te *TemplateError
		if !errors.As(err, &te) || te.Msg != want {
			t.Errorf("%q: got %v want %q", in, err, want)
		}
	}
}

func TestConditional(t *testing.T) {
	var warnings []string
	tp := New(Options{Warn: func(s string) { warnings = append(warnings, s) }})
	vars := testVars()
	cases := []struct {
		cond any
		want bool
	}{
		{"lb.balancer.status != 'ACTIVE'", false},
		{"lb.balancer.status == 'ACTIVE'", true},
		{true, true},
		{false, false},
		{nil, true},
		{"", true},
		{[]any{"lb.balancer.id == 7", "lb.balancer.id > 10"}, false},
		{[]any{"lb.balancer.id == 7", true}, true},
		{"false_str", true},
		{"yes_str", true},
		{"empty_list", false},
		{"not flag", true},
		{"nosuch is defined", false},
		{"nosuch is not defined", true},
		{"lb.balancer.id > 5", true},
		{"{{ lb.balancer.id == 7 }}", true},
		{"num == 1 or nosuch is undefined", true},
		{"{{ expr }}", true},
		{1, true},
		{0, false},
	}
	for _, c := range cases {
		got, err := tp.Conditional(c.cond, vars)
		if err != nil || got != c.want {
			t.Errorf("%#v: got %v, %v want %v", c.cond, got, err, c.want)
		}
	}
	if len(warnings) != 2 || warnings[0] != "conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: {{ lb.balancer.id == 7 }}" {
		t.Errorf("warnings: %q", warnings)
	}
	_, err := tp.Conditional("nosuch == 'x'", vars)
	want := "The conditional check 'nosuch == 'x'' failed. The error was: error while evaluating conditional (nosuch == 'x'): 'nosuch' is undefined. 'nosuch' is undefined"
	var ue *UndefinedError
	if err == nil || err.Error() != want || !errors.As(err, &ue) {
		t.Errorf("got %v\nwant %s", err, want)
	}
	vars["item"] = "lb.balancer.nodes"
	_, err = tp.Conditional("item.condition != 'ENABLED'", vars)
	want = "The conditional check 'item.condition != 'ENABLED'' failed. The error was: error while evaluating conditional (item.condition != 'ENABLED'): 'ansible.utils.unsafe_proxy.AnsibleUnsafeText object' has no attribute 'condition'. 'ansible.utils.unsafe_proxy.AnsibleUnsafeText object' has no attribute 'condition'"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestConvertBare(t *testing.T) {
	vars := testVars()
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"lb.balancer.nodes", "{{ lb.balancer.nodes }}", true},
		{"lb['balancer']", "{{ lb['balancer'] }}", true},
		{"nosuch.x", "nosuch.x", false},
		{"nosuch | default([])", "{{ nosuch | default([]) }}", true},
		{"{{ lb }}", "{{ lb }}", false},
		{"plain string", "plain string", false},
	}
	for _, c := range cases {
		got, ok := ConvertBare(c.in, vars)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got %q %v", c.in, got, ok)
		}
	}
}

func TestRenderValue(t *testing.T) {
	tp := New(Options{})
	vars := testVars()
	in := map[string]any{"a": "{{ num }}", "b": []any{"{{ s }}-x", 3}, "{{ s }}": "k", "c": map[string]any{"d": "{{ l }}"}}
	got, err := tp.RenderValue(in, vars)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": 80, "b": []any{"str-x", 3}, "str": "k", "c": map[string]any{"d": []any{3, 1, 2}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
	if in["a"] != "{{ num }}" {
		t.Error("input mutated")
	}
}

func TestEval(t *testing.T) {
	tp := New(Options{})
	vars := testVars()
	cases := map[string]any{
		"lb.balancer.status != 'ACTIVE'":          false,
		"lb.balancer.id":                          7,
		"lb.balancer.nodes | map(attribute='id')": []any{1, 2},
		"d.items() | list":                        []any{[]any{"b", true}, []any{"f", 1.5}, []any{"i", 1}, []any{"n", nil}},
		"num / 8":                                 10.0,
		"nothing":                                 nil,
	}
	for in, want := range cases {
		got, err := tp.Eval(in, vars)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %#v, %v want %#v", in, got, err, want)
		}
	}
	if _, err := tp.Eval("nosuch", vars); err == nil {
		t.Error("want error")
	}
}

func TestLookups(t *testing.T) {
	tp := New(Options{BaseDir: "testdata"})
	os.Setenv("GOPLAY_TPL_TEST", "envval")
	vars := map[string]any{"s": "str", "l": []any{1, 2}, "tpl": "{{ s }}!"}
	abs, _ := filepath.Abs("testdata/files/hello.txt")
	cases := map[string]any{
		"{{ lookup('env', 'GOPLAY_TPL_TEST') }}":                         "envval",
		"{{ lookup('env', 'GOPLAY_NO_SUCH_VAR') }}":                      "",
		"{{ lookup('file', 'hello.txt') }}":                              "file content",
		"{{ lookup('pipe', 'echo hi; echo there') }}":                    "hi\nthere",
		"{{ lookup('template', 'greet.j2') }}":                           "Hello str!\n12\n",
		"{{ lookup('template', 'list.j2') }}":                            []any{1, 2},
		"{{ lookup('vars', 's') }}":                                      "str",
		"{{ lookup('vars', 'tpl') }}":                                    "str!",
		"{{ lookup('vars', 'nope', default='dflt') }}":                   "dflt",
		"{{ lookup('first_found', ['nope.txt', 'hello.txt']) }}":         abs,
		"{{ query('env', 'GOPLAY_TPL_TEST', 'GOPLAY_TPL_TEST') }}":       []any{"envval", "envval"},
		"{{ q('vars', 'l') }}":                                           []any{[]any{1, 2}},
		"{{ lookup('ansible.builtin.env', 'GOPLAY_TPL_TEST') | upper }}": "ENVVAL",
	}
	for in, want := range cases {
		got, err := tp.Render(in, vars)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %#v, %v want %#v", in, got, err, want)
		}
	}
	_, err := tp.Render("{{ lookup('file', 'nope.txt') }}", vars)
	if err == nil || !strings.Contains(err.Error(), "could not locate file in lookup: nope.txt") {
		t.Errorf("got %v", err)
	}
}

func TestPythonFormatting(t *testing.T) {
	tp := New(Options{})
	cases := map[string]string{
		"{{ '%s-%d' % ('a', 3) }}":                 "a-3",
		"{{ '%05.2f' % 3.14159 }}":                 "03.14",
		"{{ '%(name)s' % {'name': 'n'} }}":         "n",
		"{{ '{} {}'.format(1, 'a') }}":             "1 a",
		"{{ '{0}{0}'.format('x') }}":               "xx",
		"{{ '{name}'.format(name='bob') }}":        "bob",
		"{{ 'a,b'.split(',') }}":                   "['a', 'b']",
		"x{{ {'k': 1}.items() | list }}":           "x[('k', 1)]",
		"{{ 1.0 }}|{{ 0.1 }}|{{ 1e20 }}|{{ 1/3 }}": "1.0|0.1|1e+20|0.3333333333333333",
	}
	for in, want := range cases {
		got, err := tp.RenderString(in, nil)
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v want %q", in, got, err, want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	tp := New(Options{})
	vars := testVars()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if _, err := tp.Render("{{ lb.balancer.nodes | selectattr('condition', 'equalto', 'ENABLED') | list | length }}", vars); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNeverPanics(t *testing.T) {
	tp := New(Options{})
	for _, s := range []string{"{{", "{%", "{{ (", "{{ [1,2][5:1:0] }}", "{{ '%' % 1 }}", "{{ '%(' % {} }}", "{{ range(10**9) }}",
		"{{ 'a' * 10**9 }}", "{% for %}", "{{ x.__class__ }}", "{{ {}|combine(1) }}", "{{ '{' .format() }}", "{{ ''.join([1]) }}",
		"{% set ns.x = 1 %}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{ 1 // 0 }}", "{{ 2 ** 9999 }}"} {
		_, _ = tp.Render(s, nil)
	}
}

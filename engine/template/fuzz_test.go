package template

import (
	"os"
	"testing"
)

func fuzzVars() map[string]any {
	return map[string]any{
		"s": "str", "i": 5, "f": 1.5, "n": nil, "t": true, "l": []any{1, "a", nil, []any{2}},
		"d": map[string]any{"a": 1, "b": map[string]any{"c": []any{1, 2}}},
	}
}

// FuzzRender checks that no input makes the templar panic or hang.
func FuzzRender(f *testing.F) {
	seeds := []string{
		"plain", "{{ s }}", "{{ d.b.c | map('string') | join(',') }}", "{% for x in l %}{{ x }}{% endfor %}",
		"{{ '%s-%d' % ('a', i) }}", "{{ '{}'.format(f) }}", "{{ l | flatten | to_json }}", "{{ d | to_nice_yaml }}",
		"{% if t %}a{% elif f %}b{% else %}c{% endif %}", "{{ s[::-1] ~ i // 2 }}", "{{ nosuch | default(d) }}",
		"{% set ns = namespace(x=0) %}{% set ns.x = 1 %}{{ ns.x }}", "{{ 'a1' | regex_replace('([0-9])', '\\1\\1') }}",
		"{{ [1, {'a': (1, 2)}] }}", "{{ lookup('vars', 's') }}", "{% raw %}{{{% endraw %}", "{{- s -}}",
		"{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1) }}", "{{ x is version('1.0', '>') }}", "{{ '[1, 2' }}",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	tp := New(Options{})
	vars := fuzzVars()
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		if logf := os.Getenv("FUZZ_LAST_INPUT"); logf != "" {
			_ = os.WriteFile(logf, []byte(s), 0o644)
		}
		_, _ = tp.Render(s, vars)
		_, _ = tp.Conditional(s, vars)
		_, _ = tp.Eval(s, vars)
		_, _ = literalEval(s)
	})
}

func BenchmarkRender(b *testing.B) {
	tp := New(Options{})
	vars := testVars()
	tpls := []string{
		"{{ lb.balancer.status }}",
		"Node {{ lb.balancer.id }} is {{ lb.balancer.status | lower }}",
		"{{ lb.balancer.nodes | selectattr('condition', 'equalto', 'ENABLED') | map(attribute='id') | list }}",
		"{% for n in lb.balancer.nodes %}{{ n.id }}:{{ n.condition }} {% endfor %}",
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, s := range tpls {
			if _, err := tp.Render(s, vars); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkConditional(b *testing.B) {
	tp := New(Options{})
	vars := testVars()
	for i := 0; i < b.N; i++ {
		if _, err := tp.Conditional("lb.balancer.status == 'ACTIVE' and lb.balancer.id > 5", vars); err != nil {
			b.Fatal(err)
		}
	}
}

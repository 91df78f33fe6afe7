package template

import "testing"

var benchVars = map[string]any{
	"name":  "web",
	"port":  8080,
	"items": []any{"a", "b", "c", "d"},
	"cfg":   map[string]any{"enabled": true, "opts": map[string]any{"x": 1}},
	"users": []any{map[string]any{"name": "ann", "admin": true}, map[string]any{"name": "bob", "admin": false}},
}

var benchTemplates = map[string]string{
	"var":    "{{ name }}",
	"text":   "server {{ name }}:{{ port }} ({{ cfg.opts.x + 1 }})",
	"filter": "{{ users | selectattr('admin') | map(attribute='name') | join(',') | upper }}",
	"cond":   "{{ 'on' if cfg.enabled and port > 80 else 'off' }}",
	"loop":   "{% for i in items %}{{ loop.index }}={{ i | upper }}{% if not loop.last %},{% endif %}{% endfor %}",
	"format": "{{ '%s-%05d' % (name, port) }} {{ '{}:{}'.format(name, port) }}",
}

// BenchmarkTemplates renders typical Ansible templates; parses are cached, so
// this measures evaluation.
func BenchmarkTemplates(b *testing.B) {
	for name, src := range benchTemplates {
		b.Run(name, func(b *testing.B) {
			tp := New(Options{})
			if _, err := tp.Render(src, benchVars); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tp.Render(src, benchVars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParse measures gonja's lexing and parsing of a new template.
func BenchmarkParse(b *testing.B) {
	src := benchTemplates["loop"] + benchTemplates["filter"] + benchTemplates["cond"]
	b.ReportAllocs()
	for b.Loop() {
		tp := New(Options{})
		if _, err := tp.Render(src, benchVars); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWhen evaluates a when: condition.
func BenchmarkWhen(b *testing.B) {
	tp := New(Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Conditional("cfg.enabled and port is number and name in ['web', 'db']", benchVars); err != nil {
			b.Fatal(err)
		}
	}
}

package template

import (
	"strings"
	"testing"
	"time"
)

func TestAdversarialBounded(t *testing.T) {
	tp := New(Options{})
	for _, s := range []string{
		"{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}x{% endfor %}{% endfor %}{% endfor %}",
		"{% macro m(n) %}{{ m(n) }}{{ m(n) }}{% endmacro %}{{ m(1) }}",
		"{% for a in range(999999) %}{{ 'a' * 9999999 }}{% endfor %}",
		"{{ range(999999) | map('string') | join(',') | length }}",
		"{{ (range(999999) | list) * 1 | sort }}",
	} {
		start := time.Now()
		_, err := tp.Render(s, nil)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%q took %v", s, d)
		}
		_ = err
	}
}

func TestDeepNesting(t *testing.T) {
	tp := New(Options{})
	for _, s := range []string{
		"{{ " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + " }}",
		"{{ " + strings.Repeat("[", 100000) + " }}",
		"{{ " + strings.Repeat("not ", 100000) + "1 }}",
		"{{ " + strings.Repeat("-", 100000) + "1 }}",
		"{{ 1 " + strings.Repeat("if 1 else 2 if 1 else ", 10000) + "3 }}",
		"{{ " + strings.Repeat("{'a':", 10000) + "1" + strings.Repeat("}", 10000) + " }}",
		strings.Repeat("{% if 1 %}", 100000),
		strings.Repeat("{% for x in l %}", 100000),
	} {
		if _, err := tp.Render(s, nil); err == nil {
			t.Errorf("want error for %.40q", s)
		}
	}
}

func TestDeepLiteralIsString(t *testing.T) {
	s := strings.Repeat("[", 100000)
	got, err := New(Options{}).Render("{{ '"+s+"' }}", nil)
	if err != nil || got != s {
		t.Errorf("got %.20v %v", got, err)
	}
}

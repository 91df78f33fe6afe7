package template

import (
	"fmt"
	"testing"

	"github.com/nikolalohinski/gonja/v2"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// TestGonjaGaps re-runs the probe of shared/docs/gonja.md: each expression
// is rendered by gonja's own evaluator (to see whether the gap is still
// there: it is logged, not asserted, so that a gonja upgrade that closes a
// gap is noticed) and by this package, which must give Ansible's answer.
func TestGonjaGaps(t *testing.T) {
	vars := map[string]any{"s": "a b c", "d": map[string]any{"j": 1}, "x": nil, "n": 3}
	for _, c := range []struct{ tpl, want string }{
		{"{{ '%s-%d' % ('a', 3) }}", "a-3"},
		{"{{ None }}|{{ none }}", "|"},
		{"{{ d.items() | list }}", "[('j', 1)]"},
		{"{{ '{}-{}'.format(1, 'b') }}", "1-b"},
		{"{{ 'abcdefghijklmnopqrstuvwxyz' | truncate(10) }}", "abcdefg..."},
		{"{{ 7 // 2 }} {{ -7 // 2 }} {{ 1 / 4 }}", "3 -4 0.25"},
		{"{{ [1, 2] }} {{ {'a': True} }}", "[1, 2] {'a': True}"},
		{"{{ (1 if n > 5 else 2) | string }}", "2"},
		{"{{ '2.0' is version('1.0', '>', strict=False) }}", "True"},
	} {
		got, err := New(Options{}).RenderString(c.tpl, vars)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q %v, want %q", c.tpl, got, err, c.want)
		}
		t.Logf("%s: gonja alone gives %s", c.tpl, gonjaAlone(c.tpl, vars))
	}
}

func gonjaAlone(src string, vars map[string]any) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("a panic: %v", r)
		}
	}()
	tpl, err := gonja.FromString(src)
	if err != nil {
		return "a parse error: " + err.Error()
	}
	s, err := tpl.ExecuteToString(exec.NewContext(vars))
	if err != nil {
		return "an error: " + err.Error()
	}
	return fmt.Sprintf("%q", s)
}

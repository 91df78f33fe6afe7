package template

import (
	"strings"
	"testing"
)

// stubOrigins gives every variable the class in m, else AnsibleUnicode.
type stubOrigins map[string]string

func (s stubOrigins) Origin(name string) string {
	if c, ok := s[name]; ok {
		return c
	}
	return ClassUnicode
}

func provVars() map[string]any {
	v := map[string]any{
		"s":           "yaml",
		"kv":          "text",
		"t1":          "{{ s }}",
		"t2":          "{{ s }}-x",
		"t3":          "{{ r.stdout }}",
		"t4":          "{{ r.rc }}-x",
		"t5":          "{{ d }}",
		"d":           map[string]any{"k": "v"},
		"l":           []any{"a", "b"},
		"r":           map[string]any{"stdout": "hi", "rc": 0, "lines": []any{"hi"}},
		"sfx":         "{{ kv }}",
		UnsafeVarsKey: map[string]bool{"r": true},
		OriginKey:     stubOrigins{"kv": ClassStr},
	}
	v["vars"] = &VarsView{M: v}
	return v
}

func TestTypeDebugProvenance(t *testing.T) {
	tp := New(Options{})
	vars := provVars()
	cases := []struct{ in, want string }{
		{"{{ s | type_debug }}", "AnsibleUnicode"},
		{"{{ kv | type_debug }}", "str"},
		{"{{ 'lit' | type_debug }}", "str"},
		{"{{ t1 | type_debug }}", "AnsibleUnicode"},
		{"{{ t2 | type_debug }}", "str"},
		{"{{ t3 | type_debug }}", "AnsibleUnsafeText"},
		{"{{ t4 | type_debug }}", "AnsibleUnsafeText"},
		{"{{ t5.k | type_debug }}", "str"},
		{"{{ sfx | type_debug }}", "str"},
		{"{{ d.k | type_debug }}", "AnsibleUnicode"},
		{"{{ l[0] | type_debug }}", "AnsibleUnicode"},
		{"{{ d | type_debug }}", "dict"},
		{"{{ r.stdout | type_debug }}", "AnsibleUnsafeText"},
		{"{{ r.stdout | upper | type_debug }}", "AnsibleUnsafeText"},
		{"{{ s | upper | type_debug }}", "str"},
		{"{{ (r.stdout ~ 'x') | type_debug }}", "str"},
		{"{{ (r.stdout + 'x') | type_debug }}", "AnsibleUnsafeText"},
		{"{{ s[0] | type_debug }}", "str"},
		{"{{ r.stdout[0] | type_debug }}", "AnsibleUnsafeText"},
		{"{{ r.lines | first | type_debug }}", "AnsibleUnsafeText"},
		{"{{ nope | default(s) | type_debug }}", "AnsibleUnicode"},
		{"{{ s | default('x') | type_debug }}", "AnsibleUnicode"},
		{"{{ (d | dict2items)[0].value | type_debug }}", "AnsibleUnicode"},
		{"{{ lookup('env', 'HOME') | type_debug }}", "AnsibleUnsafeText"},
		{"{{ s | string | type_debug }}", "NativeJinjaText"},
		{"{% for x in l %}{{ x | type_debug }}{% endfor %}", "AnsibleUnicodeAnsibleUnicode"},
		{"{% set y = s %}{{ y | type_debug }}", "AnsibleUnicode"},
		{"{{ vars.d | type_debug }} {{ vars.l | type_debug }} {{ vars['t2'] | type_debug }}", "AnsibleMapping AnsibleSequence AnsibleUnicode"},
		{"{{ vars.t2 }}", "{{ s }}-x"},
	}
	for _, c := range cases {
		got, err := tp.RenderString(c.in, vars)
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestRenderValueClass(t *testing.T) {
	tp := New(Options{})
	vars := provVars()
	cases := []struct {
		in   any
		raw  string
		want string
	}{
		{"plain", ClassStr, ClassStr},
		{"plain", ClassUnicode, ClassUnicode},
		{"{{ s }}", ClassStr, ClassUnicode},
		{"{{ s }}!", ClassUnicode, ClassStr},
		{"{{ r.stdout }}", ClassUnicode, ClassUnsafe},
		{"{{ l }}", ClassUnicode, ClassStr},
		{"{{ r.lines }}", ClassUnicode, ClassUnsafe},
		{"{{ vars.s }}", ClassUnicode, ClassUnsafe}, // vars holds unsafe values
		{[]any{"{{ s }}", "x"}, ClassUnicode, ClassUnicode},
		{map[string]any{"a": "{{ s }}-x"}, ClassUnicode, ClassStr},
	}
	for _, c := range cases {
		_, got, err := tp.RenderValueClass(c.in, vars, c.raw)
		if err != nil || got != c.want {
			t.Errorf("%v (raw %s) = %s, %v; want %s", c.in, c.raw, got, err, c.want)
		}
	}
}

func TestVarErrors(t *testing.T) {
	tp := New(Options{})
	vars := map[string]any{"a": "{{ b }}", "b": "{{ a }}", "syn": "{{ 1 + }}", "ind": "{{ syn }}"}
	_, err := tp.Render("{{ a }}", vars)
	if err == nil {
		t.Fatal("no error")
	}
	m := err.Error()
	if n := strings.Count(m, "An unhandled exception occurred while templating '"); n != recursionLevels {
		t.Errorf("%d wrappers, want %d", n, recursionLevels)
	}
	if want := "original message: recursive loop detected in template string: {{ b }}. maximum recursion depth exceeded"; !strings.HasSuffix(m, want) {
		t.Errorf("message ends %q", m[len(m)-120:])
	}
	_, err = tp.Render("{{ ind }}", vars)
	want := "An unhandled exception occurred while templating '{{ syn }}'. Error was a <class 'ansible.errors.AnsibleError'>, original message: " +
		"An unhandled exception occurred while templating '{{ 1 + }}'. Error was a <class 'ansible.errors.AnsibleError'>, original message: " +
		"template error while templating string: unexpected 'end of print statement'. String: {{ 1 + }}. unexpected 'end of print statement'"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

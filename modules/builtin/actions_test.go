package builtin

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goplay/goplay/modules"
)

// fakeTemplate is a tiny stand-in for the engine's Jinja2 evaluator: it
// knows variables, dotted paths, "A == B", "A > B", "A is defined" and
// "A is not defined", with Ansible's undefined-variable messages.
func fakeTemplate(vars map[string]any) func(string) (any, error) {
	var eval func(string) (any, error)
	lookup := func(expr string) (any, error) {
		expr = strings.TrimSpace(expr)
		if n, err := strconv.Atoi(expr); err == nil {
			return n, nil
		}
		if strings.HasPrefix(expr, "'") && strings.HasSuffix(expr, "'") && len(expr) >= 2 {
			return expr[1 : len(expr)-1], nil
		}
		parts := strings.Split(expr, ".")
		v, ok := vars[parts[0]]
		if !ok {
			return nil, fmt.Errorf("'%s' is undefined", parts[0])
		}
		for _, p := range parts[1:] {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("'%T object' has no attribute '%s'", v, p)
			}
			if v, ok = m[p]; !ok {
				return nil, fmt.Errorf("'dict object' has no attribute '%s'. 'dict object' has no attribute '%s'", p, p)
			}
		}
		return v, nil
	}
	eval = func(expr string) (any, error) {
		for _, op := range []string{" is not defined", " is defined"} {
			if x, ok := strings.CutSuffix(expr, op); ok {
				_, err := lookup(x)
				return (err == nil) == (op == " is defined"), nil
			}
		}
		for _, op := range []string{"==", ">"} {
			if a, b, ok := strings.Cut(expr, op); ok {
				x, err := eval(a)
				if err != nil {
					return nil, err
				}
				y, err := eval(b)
				if err != nil {
					return nil, err
				}
				if op == "==" {
					return reflect.DeepEqual(x, y), nil
				}
				return x.(int) > y.(int), nil
			}
		}
		return lookup(expr)
	}
	return eval
}

var testVars = map[string]any{
	"num":  3,
	"lst":  []any{1, 2},
	"lb":   map[string]any{"balancer": map[string]any{"id": 42}},
	"self": "self",
}

func TestDebug(t *testing.T) {
	tmpl := withTemplate(fakeTemplate(testVars))
	cases := []struct {
		name string
		args map[string]any
		opts []runOpt
		want string
	}{
		{"no args", map[string]any{}, nil, `{"_ansible_verbose_always": true, "changed": false, "msg": "Hello world!"}`},
		{"msg", map[string]any{"msg": "hi"}, nil, `{"_ansible_verbose_always": true, "changed": false, "msg": "hi"}`},
		{"msg native dict", map[string]any{"msg": map[string]any{"a": 1}}, nil, `{"_ansible_verbose_always": true, "changed": false, "msg": {"a": 1}}`},
		{"verbosity met", map[string]any{"msg": "hi", "verbosity": "1"}, []runOpt{withVerbosity(1)}, `{"_ansible_verbose_always": true, "changed": false, "msg": "hi"}`},
		{"verbosity not met", map[string]any{"msg": "hi", "verbosity": 1}, nil, `{"changed": false, "skipped": true, "skipped_reason": "Verbosity threshold not met."}`},
		{"var", map[string]any{"var": "num"}, []runOpt{tmpl}, `{"_ansible_verbose_always": true, "changed": false, "num": 3}`},
		{"var list", map[string]any{"var": "lst"}, []runOpt{tmpl}, `{"_ansible_verbose_always": true, "changed": false, "lst": [1, 2]}`},
		{"var undefined", map[string]any{"var": "nope"}, []runOpt{tmpl}, `{"_ansible_verbose_always": true, "changed": false, "nope": "VARIABLE IS NOT DEFINED!"}`},
		{"var undefined -v", map[string]any{"var": "nope"}, []runOpt{tmpl, withVerbosity(1)}, `{"_ansible_verbose_always": true, "changed": false, "nope": "VARIABLE IS NOT DEFINED!: 'nope' is undefined. 'nope' is undefined"}`},
		{"var undefined attribute", map[string]any{"var": "lb.nope"}, []runOpt{tmpl}, `{"_ansible_verbose_always": true, "changed": false, "lb.nope": "VARIABLE IS NOT DEFINED!"}`},
		{"var int (templated braces)", map[string]any{"var": 80}, []runOpt{tmpl}, `{"_ansible_verbose_always": true, "changed": false, "80": "VARIABLE IS NOT DEFINED!"}`},
		{"var equal to its value", map[string]any{"var": "self"}, []runOpt{tmpl}, `{"_ansible_verbose_always": true, "changed": false, "self": "self"}`},
		{"msg and var", map[string]any{"msg": "a", "var": "b"}, nil, `{"changed": false, "failed": true, "msg": "'msg' and 'var' are incompatible options"}`},
		{"invalid option", map[string]any{"msg": "a", "foo": "b"}, nil, `{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "Invalid options for debug: foo"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { want(t, run(t, "debug", tc.args, tc.opts...), tc.want) })
	}
}

func TestFail(t *testing.T) {
	want(t, run(t, "fail", map[string]any{}), `{"changed": false, "failed": true, "msg": "Failed as requested from task"}`)
	want(t, run(t, "fail", map[string]any{"msg": "custom"}), `{"changed": false, "failed": true, "msg": "custom"}`)
	want(t, run(t, "fail", map[string]any{"msg": []any{"a", "b"}}), `{"changed": false, "failed": true, "msg": ["a", "b"]}`)
	want(t, run(t, "fail", map[string]any{"msg": "x", "bad": 1}), `{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "Invalid options for fail: bad"}`)
}

func TestAssert(t *testing.T) {
	tmpl := withTemplate(fakeTemplate(testVars))
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"pass", map[string]any{"that": "num == 3"}, `{"_ansible_verbose_always": true, "changed": false, "msg": "All assertions passed"}`},
		{"second fails", map[string]any{"that": []any{"num == 3", "num > 5"}}, `{"_ansible_verbose_always": true, "assertion": "num > 5", "changed": false, "evaluated_to": false, "failed": true, "msg": "Assertion failed"}`},
		{"fail_msg", map[string]any{"that": []any{"num == 3", "num > 5"}, "fail_msg": "nope 3"}, `{"_ansible_verbose_always": true, "assertion": "num > 5", "changed": false, "evaluated_to": false, "failed": true, "msg": "nope 3"}`},
		{"msg alias", map[string]any{"that": "num > 5", "msg": "m"}, `{"_ansible_verbose_always": true, "assertion": "num > 5", "changed": false, "evaluated_to": false, "failed": true, "msg": "m"}`},
		{"quiet success_msg", map[string]any{"that": "num == 3", "success_msg": "yay", "quiet": true}, `{"changed": false, "msg": "yay"}`},
		{"is defined", map[string]any{"that": "nope is not defined"}, `{"_ansible_verbose_always": true, "changed": false, "msg": "All assertions passed"}`},
		{"bool", map[string]any{"that": true}, `{"_ansible_verbose_always": true, "changed": false, "msg": "All assertions passed"}`},
		{"truthy var", map[string]any{"that": "lst"}, `{"_ansible_verbose_always": true, "changed": false, "msg": "All assertions passed"}`},
		{"bad fail_msg type", map[string]any{"that": "num == 3", "fail_msg": 3}, `{"changed": false, "failed": true, "msg": "Incorrect type for fail_msg or msg, expected a string or list and got <class 'int'>"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { want(t, run(t, "assert", tc.args, tmpl), tc.want) })
	}
}

// assert without "that" raises in Ansible (the result has no "changed"):
// the module returns an error, which the engine reports as such.
func TestAssertNoThat(t *testing.T) {
	m, _, err := modules.New("assert", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Run(context.Background(), &modules.Request{Args: map[string]any{}, Vars: map[string]any{}})
	if err == nil || err.Error() != `conditional required in "that" string` {
		t.Fatalf("got %v", err)
	}
}

// An undefined variable in "that" raises (AnsibleUndefinedVariable, whose
// message holds the original one twice): an error, reported without
// "changed".
func TestAssertUndefined(t *testing.T) {
	args := map[string]any{"that": "undefined_thing == 3"}
	m, _, err := modules.New("assert", args)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{}
	_, err = m.Run(context.Background(), &modules.Request{Args: args, Vars: vars, Template: fakeTemplate(vars)})
	const msg = "The conditional check 'undefined_thing == 3' failed. The error was: error while evaluating conditional (undefined_thing == 3): 'undefined_thing' is undefined. 'undefined_thing' is undefined"
	if err == nil || err.Error() != msg {
		t.Fatalf("got %v", err)
	}
}

func TestSetFact(t *testing.T) {
	got := run(t, "set_fact", map[string]any{"a": "1", "b": "true", "c": "No", "d": "yes", "e": "maybe", "cacheable": "yes"})
	want(t, got, `{"_ansible_facts_cacheable": true, "ansible_facts": {"a": "1", "b": true, "c": false, "d": true, "e": "maybe"}, "changed": false}`)
	if eff, ok := got.result.Effects[0].(modules.SetFacts); !ok || !eff.Cacheable || eff.Facts["b"] != true {
		t.Errorf("effect = %#v", got.result.Effects)
	}
	want(t, run(t, "set_fact", map[string]any{"x": 1, "y": "True", "z": []any{1}}),
		`{"_ansible_facts_cacheable": false, "ansible_facts": {"x": 1, "y": true, "z": [1]}, "changed": false}`)
	want(t, run(t, "set_fact", map[string]any{"1bad": "3"}),
		`{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "The variable name '1bad' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores."}`)
	want(t, run(t, "set_fact", map[string]any{}),
		`{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "No key/value pairs provided, at least one is required for this action to succeed"}`)
}

func TestAddHost(t *testing.T) {
	// ref:14 article form (k=v strings).
	got := run(t, "add_host", map[string]any{"name": "node-b", "ansible_ssh_host": "127.0.0.12", "ansible_ssh_user": "root",
		"lb_id": "42", "groups": "web", "ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3"})
	want(t, got, `{"add_host": {"groups": ["web"], "host_name": "node-b", "host_vars": {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3", "ansible_ssh_host": "127.0.0.12", "ansible_ssh_user": "root", "lb_id": "42"}}, "changed": false}`)
	eff := got.result.Effects[0].(modules.AddHost)
	if eff.Name != "node-b" || !reflect.DeepEqual(eff.Groups, []string{"web"}) || eff.Port != 0 || len(eff.VarOrder) != 5 {
		t.Errorf("effect = %#v", eff)
	}
	// host:port, list of groups (YAML), hostname alias.
	got = run(t, "add_host", map[string]any{"hostname": "node-c:2200", "groups": []any{"web", "extra"}, "color": "blue"})
	want(t, got, `{"add_host": {"groups": ["web", "extra"], "host_name": "node-c", "host_vars": {"ansible_ssh_port": 2200, "color": "blue"}}, "changed": false}`)
	if eff := got.result.Effects[0].(modules.AddHost); eff.Port != 2200 {
		t.Errorf("port = %d", eff.Port)
	}
	// host= and group= also become host vars.
	want(t, run(t, "add_host", map[string]any{"host": "node-d", "group": "other", "ansible_connection": "local"}),
		`{"add_host": {"groups": ["other"], "host_name": "node-d", "host_vars": {"ansible_connection": "local", "group": "other", "host": "node-d"}}, "changed": false}`)
	// Recorded: name=h1:2222 groups=" a , b,a" foo=bar host=h
	want(t, run(t, "add_host", map[string]any{"name": "h1:2222", "groups": " a , b,a", "foo": "bar", "host": "h"}),
		`{"add_host": {"groups": ["a", "b"], "host_name": "h1", "host_vars": {"ansible_ssh_port": 2222, "foo": "bar", "host": "h"}}, "changed": false}`)
	want(t, run(t, "add_host", map[string]any{"nameless": "1"}),
		`{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "name, host or hostname needs to be provided"}`)
	want(t, run(t, "add_host", map[string]any{"_raw_params": "[::1]:99"}),
		`{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "Invalid raw parameters passed, requires a dictonary/mapping got a  <class 'str'>"}`)
	// ref:28 add_host name=h1 groups=web
	want(t, run(t, "add_host", map[string]any{"name": "h1", "groups": "web"}),
		`{"add_host": {"groups": ["web"], "host_name": "h1", "host_vars": {}}, "changed": false}`)
}

func TestParseAddress(t *testing.T) {
	cases := []struct {
		in   string
		host string
		port int
		ok   bool
	}{
		{"node-c:2200", "node-c", 2200, true},
		{"[::1]:99", "::1", 99, true},
		{"::1", "::1", 0, true},
		{"fe80::1", "fe80::1", 0, true},
		{"192.168.0.1:22", "192.168.0.1", 22, true},
		{"host.example.com", "host.example.com", 0, true},
		{"bad_", "", 0, false},
		{"-bad", "", 0, false},
		{"web[1:3]", "", 0, false},
		{"a b", "", 0, false},
	}
	for _, c := range cases {
		h, p, ok := parseAddress(c.in)
		if h != c.host || p != c.port || ok != c.ok {
			t.Errorf("parseAddress(%q) = %q, %d, %v; want %q, %d, %v", c.in, h, p, ok, c.host, c.port, c.ok)
		}
	}
}

func TestGroupBy(t *testing.T) {
	got := run(t, "group_by", map[string]any{"key": "foo"})
	want(t, got, `{"add_group": "foo", "changed": false, "parent_groups": ["all"]}`)
	if eff := got.result.Effects[0].(modules.GroupBy); !reflect.DeepEqual(eff, modules.GroupBy{Groups: []string{"foo"}, Parents: []string{"all"}}) {
		t.Errorf("effect = %#v", eff)
	}
	want(t, run(t, "group_by", map[string]any{"key": "a b", "parents": "x,y"}), `{"add_group": "a-b", "changed": false, "parent_groups": ["x,y"]}`)
	want(t, run(t, "group_by", map[string]any{"key": "k", "parents": []any{"p 1", "p2"}}), `{"add_group": "k", "changed": false, "parent_groups": ["p-1", "p2"]}`)
	want(t, run(t, "group_by", map[string]any{"foo": "bar"}), `{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "Invalid options for group_by: foo"}`)
	want(t, run(t, "group_by", map[string]any{}), `{"changed": false, "failed": true, "msg": "the 'key' param is required when using group_by"}`)
}

func TestMeta(t *testing.T) {
	for _, a := range MetaActions {
		got := run(t, "meta", map[string]any{"_raw_params": a})
		if got.err != nil || len(got.result.Effects) != 1 || got.result.Effects[0] != (modules.Meta{Action: a}) {
			t.Errorf("meta %s: %v %#v", a, got.err, got.result)
		}
	}
	if got := run(t, "meta", map[string]any{"_raw_params": "end_everything"}); got.err == nil || got.err.Error() != "invalid meta action requested: end_everything" {
		t.Errorf("bad action: %v", got.err)
	}
}

func TestPing(t *testing.T) {
	want(t, run(t, "ping", map[string]any{}), `{"changed": false, "ping": "pong"}`)
	want(t, run(t, "ping", map[string]any{"data": "hello"}), `{"changed": false, "ping": "hello"}`)
	got := run(t, "ping", map[string]any{"data": "crash"})
	if got.res["failed"] != true || got.res["msg"] != "MODULE FAILURE\nSee stdout/stderr for the exact error" ||
		!strings.HasSuffix(got.res["module_stderr"].(string), "Exception: boom\n") {
		t.Errorf("crash: %v", got.res)
	}
}

func TestPause(t *testing.T) {
	var out strings.Builder
	PauseOutput = &out
	defer func() { PauseOutput = nil }()
	start := time.Now()
	got := run(t, "pause", map[string]any{"seconds": "0"})
	if d := time.Since(start); d < time.Second || d > 3*time.Second {
		t.Errorf("paused %v", d)
	}
	if s, _ := got.res["stdout"].(string); !strings.HasPrefix(s, "Paused for 1.0") || got.res["delta"] != 1 || got.res["echo"] != true ||
		got.res["user_input"] != "" || got.res["rc"] != 0 || got.res["stderr"] != "" {
		t.Errorf("result %v", got.res)
	}
	if out.String() != "Pausing for 1 seconds\n(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r\n" {
		t.Errorf("output %q", out.String())
	}
	out.Reset()
	PauseInput = nil
	got = run(t, "pause", map[string]any{"prompt": "hello there", "echo": "no"})
	if got.res["stdout"] != "Paused for 0.0 minutes" || got.res["echo"] != false || len(got.warnings) != 1 {
		t.Errorf("prompt result %v %v", got.res, got.warnings)
	}
	if out.String() != "[pause]\nhello there (output is hidden):\n" {
		t.Errorf("prompt output %q", out.String())
	}
	want(t, run(t, "pause", map[string]any{"seconds": 1, "minutes": 1}),
		`{"changed": false, "exception": "NoneType: None\n", "failed": true, "msg": "parameters are mutually exclusive: minutes|seconds"}`)
}

func TestPythonHelpers(t *testing.T) {
	if got := pyTimedelta(23543 * time.Microsecond); got != "0:00:00.023543" {
		t.Errorf("timedelta %q", got)
	}
	if got := pyTimedelta(2 * time.Second); got != "0:00:02" {
		t.Errorf("timedelta %q", got)
	}
	if got := pyTimedelta(26*time.Hour + 3*time.Minute); got != "1 day, 2:03:00" {
		t.Errorf("timedelta %q", got)
	}
	ts := time.Date(2026, 11, 27, 13, 7, 43, 797594000, time.UTC)
	if got := pyDatetime(ts); got != "2026-11-27 13:07:43.797594" {
		t.Errorf("datetime %q", got)
	}
	if got := pyDatetime(ts.Truncate(time.Second)); got != "2026-11-27 13:07:43" {
		t.Errorf("datetime %q", got)
	}
	if got := splitlines("a\nb\r\nc\rd\x0be\u2028f\n"); !reflect.DeepEqual(got, []any{"a", "b", "c", "d", "e", "f"}) {
		t.Errorf("splitlines %q", got)
	}
	if got := pyBytesRepr("it's\x00\xff"); got != `b"it's\x00\xff"` {
		t.Errorf("bytes repr %s", got)
	}
	for f, s := range map[float64]string{1: "1.0", 0.02: "0.02", 1e16: "1e+16", 1e-5: "1e-05", 123.456: "123.456"} {
		if got := pyFloat(f); got != s {
			t.Errorf("pyFloat(%v) = %s, want %s", f, got, s)
		}
	}
}

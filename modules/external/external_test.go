package external

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/engine/connection/ssh"
	"github.com/goplay/goplay/engine/connection/sshtest"
	"github.com/goplay/goplay/modules"
)

// writeModule writes a module file into dir.
func writeModule(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type runEnv struct {
	remoteTmp string
	warnings  []string
}

// run runs the module file at path through the real local connection, with
// remote_tmp in a private directory that must be empty afterwards.
func run(t *testing.T, path string, args, vars map[string]any, check bool) (*modules.Result, *runEnv, error) {
	t.Helper()
	env := &runEnv{remoteTmp: t.TempDir()}
	v := map[string]any{"ansible_remote_tmp": env.remoteTmp}
	for k, x := range vars {
		v[k] = x
	}
	if args == nil {
		args = map[string]any{}
	}
	m := New(path)
	if err := modules.Decode("x", m, args); err != nil {
		t.Fatal(err)
	}
	req := &modules.Request{
		Args: args, Vars: v, Host: "localhost", Check: check, Verbosity: 2,
		Conn: local.New(),
		Warn: func(msg string) { env.warnings = append(env.warnings, msg) },
	}
	res, err := m.Run(context.Background(), req)
	left, _ := os.ReadDir(env.remoteTmp)
	if len(left) != 0 {
		t.Errorf("remote tmp not cleaned up: %v", left)
	}
	return res, env, err
}

func argsOf(t *testing.T, res *modules.Result) map[string]any {
	t.Helper()
	a, ok := res.Data["args"].(map[string]any)
	if !ok {
		t.Fatalf("no args in result: %#v", res.Data)
	}
	return a
}

func TestWantJSONShell(t *testing.T) {
	dir := t.TempDir()
	p := writeModule(t, dir, "jsh.sh", `#!/bin/sh
# WANT_JSON
printf '{"changed": true, "argv1": "%s", "self": "%s", "args": %s}\n' "$1" "$0" "$(cat "$1")"
`)
	res, env, err := run(t, p, map[string]any{"name": "bob", "n": 3, "list": []any{1, "é"}}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed || !res.Changed {
		t.Fatalf("result: %#v", res)
	}
	a := argsOf(t, res)
	want := map[string]any{
		"name": "bob", "n": 3, "list": []any{1, "é"},
		"_ansible_check_mode": true, "_ansible_no_log": false, "_ansible_debug": false,
		"_ansible_diff": false, "_ansible_verbosity": 2, "_ansible_version": Version,
		"_ansible_module_name": "jsh", "_ansible_syslog_facility": "LOG_USER",
		"_ansible_selinux_special_fs":       []any{"fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"},
		"_ansible_string_conversion_action": "warn", "_ansible_socket": nil,
		"_ansible_shell_executable": "/bin/sh", "_ansible_keep_remote_files": false,
		"_ansible_remote_tmp": env.remoteTmp,
	}
	tmpdir, _ := a["_ansible_tmpdir"].(string)
	delete(a, "_ansible_tmpdir")
	if !reflect.DeepEqual(a, want) {
		t.Errorf("args:\n got %#v\nwant %#v", a, want)
	}
	if !strings.HasPrefix(tmpdir, env.remoteTmp+"/ansible-tmp-") || !strings.HasSuffix(tmpdir, "/") {
		t.Errorf("_ansible_tmpdir = %q", tmpdir)
	}
	if res.Data["argv1"] != tmpdir+"args" || res.Data["self"] != tmpdir+"AnsiballZ_jsh.sh" {
		t.Errorf("argv: %v %v", res.Data["argv1"], res.Data["self"])
	}
}

func TestOldStyleShell(t *testing.T) {
	dir := t.TempDir()
	// An old-style shell module sources its key=value file.
	p := writeModule(t, dir, "old", `#!/bin/sh
. "$1"
printf '{"changed": false, "msg": "%s|%s|%s|%s", "raw": "%s"}' "$name" "$flag" "$_ansible_check_mode" "$quote" "$(cat "$1" | sed 's/"/\\"/g' | cut -c1-60)"
`)
	res, _, err := run(t, p, map[string]any{"name": "a b", "flag": true, "quote": "it's"}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg != "a b|True|False|it's" || res.Failed || res.Changed {
		t.Fatalf("result: %#v", res)
	}
	if raw := res.Data["raw"]; raw != `flag=True name='a b' quote='it'"'"'s' _ansible_check_mode=` {
		t.Errorf("raw args file = %q", raw)
	}
}

func TestOldStyleArgsFile(t *testing.T) {
	m := New("/x/y")
	args := map[string]any{"b": map[string]any{"k": "v"}, "a": []any{1, "é"}, "c": nil, "d": ""}
	req := &modules.Request{Args: args, Vars: map[string]any{}}
	got := oldStyleArgs(m.(*Module).moduleArgs(req, DefaultRemoteTmp, "/t"))
	want := `a='[1, '"'"'é'"'"']' b='{'"'"'k'"'"': '"'"'v'"'"'}' c=None d='' _ansible_check_mode=False _ansible_no_log=False _ansible_debug=False _ansible_diff=False _ansible_verbosity=0 _ansible_version=2.14.18 _ansible_module_name=y _ansible_syslog_facility=LOG_USER _ansible_selinux_special_fs='['"'"'fuse'"'"', '"'"'nfs'"'"', '"'"'vboxsf'"'"', '"'"'ramfs'"'"', '"'"'9p'"'"', '"'"'vfat'"'"']' _ansible_string_conversion_action=warn _ansible_socket=None _ansible_shell_executable=/bin/sh _ansible_keep_remote_files=False _ansible_tmpdir=/t/ _ansible_remote_tmp='~/.ansible/tmp' `
	if got != want {
		t.Errorf("old-style args:\n got %s\nwant %s", got, want)
	}
	j := asciiJSON(m.(*Module).moduleArgs(&modules.Request{Args: map[string]any{"a": "é😀", "f": 1.5}, Vars: map[string]any{}}, DefaultRemoteTmp, "/t"))
	if !strings.HasPrefix(j, `{"a": "\u00e9\ud83d\ude00", "f": 1.5, "_ansible_check_mode": false, `) {
		t.Errorf("json args: %s", j)
	}
}

const pyModule = `#!/usr/bin/python
# WANT_JSON
import json, sys
args = json.load(open(sys.argv[1]))
check = args["_ansible_check_mode"]
out = {"changed": not check, "msg": "hello " + args["name"], "check": check,
       "interp": sys.executable, "coding": open(sys.argv[0]).read().splitlines()[1]}
if args.get("facts"):
    out["ansible_facts"] = {"my_fact": 42}
print(json.dumps(out))
`

func TestPythonModule(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	dir := t.TempDir()
	p := writeModule(t, dir, "pymod.py", pyModule)

	// ansible_python_interpreter replaces the shebang's python.
	res, _, err := run(t, p, map[string]any{"name": "bob"}, map[string]any{"ansible_python_interpreter": "/usr/bin/python3"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg != "hello bob" || !res.Changed || res.Failed || res.Data["coding"] != "# -*- coding: utf-8 -*-" {
		t.Fatalf("result: %#v", res.Data)
	}
	if _, ok := res.Data["ansible_facts"]; ok {
		t.Errorf("no discovery expected: %v", res.Data["ansible_facts"])
	}

	// Without it, Python is discovered and reported as a fact.
	res, _, err = run(t, p, map[string]any{"name": "x", "facts": true}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	facts, _ := res.Data["ansible_facts"].(map[string]any)
	if facts["discovered_interpreter_python"] != "/usr/bin/python3" || facts["my_fact"] != 42 || res.Changed || res.Data["check"] != true {
		t.Fatalf("result: %#v", res.Data)
	}
	if len(res.Effects) != 1 {
		t.Fatalf("effects: %#v", res.Effects)
	}
	if sf, ok := res.Effects[0].(modules.SetFacts); !ok || sf.Facts["my_fact"] != 42 {
		t.Errorf("effect: %#v", res.Effects[0])
	}

	// A discovered interpreter in the host's facts is used as is.
	res, _, err = run(t, p, map[string]any{"name": "y"}, map[string]any{"ansible_facts": map[string]any{"discovered_interpreter_python": "/usr/bin/python3"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Data["ansible_facts"]; ok || res.Msg != "hello y" {
		t.Errorf("result: %#v", res.Data)
	}
}

func TestModuleFailure(t *testing.T) {
	dir := t.TempDir()
	p := writeModule(t, dir, "nojson", "#!/bin/sh\necho not json\necho some err >&2\nexit 4\n")
	res, _, err := run(t, p, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"module_stdout": "not json\n", "module_stderr": "some err\n", "rc": 4, "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error"}
	if !res.Failed || !reflect.DeepEqual(res.Data, want) {
		t.Errorf("result: %#v", res.Data)
	}

	p = writeModule(t, dir, "badinterp", "#!/nonexistent/interp\necho hi\n")
	res, _, err = run(t, p, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg != "The module failed to execute correctly, you probably need to set the interpreter.\nSee stdout/stderr for the exact error" || res.Data["rc"] != 127 {
		t.Errorf("result: %#v", res.Data)
	}

	p = writeModule(t, dir, "noshebang", "echo '{}'\n")
	if _, _, err = run(t, p, nil, nil, false); err == nil || err.Error() != "module (noshebang) is missing interpreter line" {
		t.Errorf("err = %v", err)
	}
}

func TestJunkAndRC(t *testing.T) {
	dir := t.TempDir()
	p := writeModule(t, dir, "junk", "#!/bin/sh\necho leading junk\nprintf '%s\\n' '{\"changed\": true, \"rc\": 3, \"stdout\": \"a\\nb\", \"_ansible_x\": 1, \"warnings\": []}'\necho trailing junk\n")
	res, env, err := run(t, p, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || !res.Changed || res.Data["failed"] != true {
		t.Errorf("result: %#v", res)
	}
	if !reflect.DeepEqual(res.Data["stdout_lines"], []any{"a", "b"}) {
		t.Errorf("stdout_lines: %#v", res.Data["stdout_lines"])
	}
	if _, ok := res.Data["warnings"]; ok {
		t.Error("empty warnings kept")
	}
	want := []string{"Module invocation had junk after the JSON data: trailing junk", "Removed unexpected internal key in module return: _ansible_x = 1"}
	if !reflect.DeepEqual(env.warnings, want) {
		t.Errorf("warnings: %q", env.warnings)
	}
}

func TestDetect(t *testing.T) {
	for text, want := range map[string]style{
		"#!/bin/sh\necho\n":        styleOld,
		"#!/bin/sh\n# WANT_JSON\n": styleWantJSON,
		"#!/usr/bin/python\nfrom ansible.module_utils.basic import x\n": styleNewPython,
		"#!/usr/bin/python\nimport ansible.module_utils.basic\n":        styleNewPython,
		"#!/usr/bin/python\nA = <<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>\n": styleJSONArgs,
		"\x7fELF\x02\x01\x01\x00":                                       styleBinary,
		"#!powershell\n#Requires -Module Ansible.ModuleUtils.Legacy\n":  stylePowerShell,
	} {
		if got := detect([]byte(text)); got != want {
			t.Errorf("detect(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestJSONArgsModule(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	dir := t.TempDir()
	p := writeModule(t, dir, "ja.py", `#!/usr/bin/python3
import json
args = json.loads('<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>')
print(json.dumps({"msg": args["x"], "argv": __import__("sys").argv[1:]}))
`)
	res, _, err := run(t, p, map[string]any{"x": "y"}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg != "y" || !reflect.DeepEqual(res.Data["argv"], []any{}) {
		t.Errorf("result: %#v", res.Data)
	}
}

func TestKeepRemoteFilesAndBinary(t *testing.T) {
	// A "binary" module: a shell script made binary by a control byte in a
	// comment is run directly, with a JSON arguments file.
	dir := t.TempDir()
	p := writeModule(t, dir, "bin", "#!/bin/sh\n# \x01\necho '{\"msg\": \"bin\"}'\n")
	os.Chmod(p, 0o755)
	res, _, err := run(t, p, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg != "bin" {
		t.Errorf("result: %#v", res.Data)
	}
}

func TestFind(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, f := range []string{"one.py", "two.sh", "two", "README.md", "x.pyc", "__init__.py"} {
		os.WriteFile(filepath.Join(a, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(a, "dir"), 0o755)
	os.WriteFile(filepath.Join(b, "one"), nil, 0o644)
	os.WriteFile(filepath.Join(b, "three.rb"), nil, 0o644)
	for name, want := range map[string]string{
		"one":                 filepath.Join(a, "one.py"),
		"one.py":              filepath.Join(a, "one.py"),
		"two":                 filepath.Join(a, "two"),
		"three":               filepath.Join(b, "three.rb"),
		"ansible.legacy.one":  filepath.Join(a, "one.py"),
		"README":              "",
		"x":                   "",
		"__init__":            "",
		"dir":                 "",
		"acme.coll.three":     "",
		"missing":             "",
		"ansible.builtin.one": "",
	} {
		got, ok := Find(name, []string{a, "/nonexistent", b})
		if got != want || ok != (want != "") {
			t.Errorf("Find(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if got := SplitPath("/a::~/b"); len(got) != 2 || got[0] != "/a" || strings.HasPrefix(got[1], "~") {
		t.Errorf("SplitPath = %q", got)
	}
}

func TestBaseName(t *testing.T) {
	for in, want := range map[string]string{"a.py": "a", ".bashrc": ".bashrc", "a.tar.gz": "a.tar", "..x": "..x", "a": "a"} {
		if got := baseName(in); got != want {
			t.Errorf("baseName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOverSSH(t *testing.T) {
	if testing.Short() {
		t.Skip("starts sshd")
	}
	env := sshtest.Start(t, sshtest.Options{})
	s := env.Servers[0]
	pool := ssh.NewPool()
	t.Cleanup(func() { pool.Close() })
	conn, err := pool.Get(context.Background(), ssh.Config{
		Host: s.Addr, Port: s.Port, User: env.User,
		PrivateKeyFiles: []string{env.KeyFile}, HostKeyChecking: true,
		KnownHostsFiles: []string{env.KnownHosts}, SSHConfigFile: "none", Agent: "none",
		HomeDir: t.TempDir(), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	want := writeModule(t, dir, "wj", "#!/bin/sh\n# WANT_JSON\nprintf '{\"args\": %s, \"user\": \"%s\"}' \"$(cat \"$1\")\" \"$(id -un)\"\n")
	old := writeModule(t, dir, "old", "#!/bin/sh\n. \"$1\"\nprintf '{\"changed\": true, \"msg\": \"%s\"}' \"$greeting\"\n")
	run := func(path string, args map[string]any) *modules.Result {
		t.Helper()
		m := New(path)
		req := &modules.Request{Args: args, Vars: map[string]any{}, Host: s.Addr, Conn: conn}
		res, err := m.Run(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := run(want, map[string]any{"x": "y z"})
	a := argsOf(t, res)
	tmpdir, _ := a["_ansible_tmpdir"].(string)
	if a["x"] != "y z" || res.Data["user"] != env.User || !strings.HasPrefix(tmpdir, env.Home+"/.ansible/tmp/ansible-tmp-") {
		t.Errorf("result: %#v (home %s)", res.Data, env.Home)
	}
	if res := run(old, map[string]any{"greeting": "it's me"}); res.Msg != "it's me" || !res.Changed {
		t.Errorf("old-style: %#v", res)
	}
	// The run removed its directory. (Only this run's directory is checked:
	// other tests may use the same sshtest login concurrently.)
	_, _, rc, err := conn.Exec(context.Background(), "test -e '"+strings.TrimSuffix(tmpdir, "/")+"'", nil)
	if err != nil || rc == 0 {
		t.Errorf("left behind: %s (rc %d, %v)", tmpdir, rc, err)
	}
}

func TestEngineOverrides(t *testing.T) {
	// The engine passes what a Request does not carry as _ansible_* task
	// arguments; they replace the computed values (and are not sent twice).
	dir := t.TempDir()
	p := writeModule(t, dir, "echo", "#!/bin/sh\n# WANT_JSON\nprintf '{\"args\": %s}' \"$(cat \"$1\")\"\n")
	tmp := t.TempDir()
	m := New(p)
	req := &modules.Request{
		Args: map[string]any{"a": 1, "_ansible_no_log": true, "_ansible_module_name": "ansible.legacy.echo",
			"_ansible_keep_remote_files": true, "_ansible_remote_tmp": tmp + "/rt"},
		Vars: map[string]any{"ansible_remote_tmp": "/nonexistent/never"},
		Conn: local.New(),
	}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	a := argsOf(t, res)
	if a["a"] != 1 || a["_ansible_no_log"] != true || a["_ansible_module_name"] != "ansible.legacy.echo" || a["_ansible_keep_remote_files"] != true || a["_ansible_remote_tmp"] != tmp+"/rt" {
		t.Errorf("args: %#v", a)
	}
	// keep_remote_files leaves the directory, as Ansible does.
	left, _ := os.ReadDir(tmp + "/rt")
	if len(left) != 1 {
		t.Errorf("kept dirs: %v", left)
	}
}

package config

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLookupOrder(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	cwd := filepath.Join(root, "proj")
	envDir := filepath.Join(root, "envdir")
	sys := filepath.Join(root, "etc", "ansible.cfg")
	old := SystemConfigFile
	SystemConfigFile = sys
	defer func() { SystemConfigFile = old }()
	os.MkdirAll(cwd, 0o755)
	os.MkdirAll(home, 0o755)
	env := map[string]string{"HOME": home}
	find := func() string {
		p, _ := FindConfigFile(cwd, envMap(env))
		return p
	}
	if got := find(); got != "" {
		t.Fatalf("nothing: %q", got)
	}
	write(t, sys, "[defaults]\n")
	if got := find(); got != sys {
		t.Errorf("system: %q", got)
	}
	write(t, filepath.Join(home, ".ansible.cfg"), "[defaults]\n")
	if got := find(); got != filepath.Join(home, ".ansible.cfg") {
		t.Errorf("home: %q", got)
	}
	write(t, filepath.Join(cwd, "ansible.cfg"), "[defaults]\n")
	if got := find(); got != filepath.Join(cwd, "ansible.cfg") {
		t.Errorf("cwd: %q", got)
	}
	// ANSIBLE_CONFIG naming a missing file falls through
	env["ANSIBLE_CONFIG"] = filepath.Join(root, "missing.cfg")
	if got := find(); got != filepath.Join(cwd, "ansible.cfg") {
		t.Errorf("missing env: %q", got)
	}
	// a directory means DIR/ansible.cfg; relative to cwd; ~ expanded
	write(t, filepath.Join(envDir, "ansible.cfg"), "[defaults]\n")
	env["ANSIBLE_CONFIG"] = "../envdir"
	if got := find(); got != filepath.Join(envDir, "ansible.cfg") {
		t.Errorf("env dir: %q", got)
	}
	write(t, filepath.Join(home, "x.cfg"), "[defaults]\n")
	env["ANSIBLE_CONFIG"] = "~/x.cfg"
	if got := find(); got != filepath.Join(home, "x.cfg") {
		t.Errorf("env file: %q", got)
	}
	delete(env, "ANSIBLE_CONFIG")
	// world-writable cwd: skipped, with the warning
	os.Chmod(cwd, 0o777)
	defer os.Chmod(cwd, 0o755)
	p, warns := FindConfigFile(cwd, envMap(env))
	if p != filepath.Join(home, ".ansible.cfg") || len(warns) != 1 || warns[0] != fmt.Sprintf(WorldWritableWarning, cwd) {
		t.Errorf("world-writable: %q %q", p, warns)
	}
	// ...but no warning when ANSIBLE_CONFIG points at the file used
	env["ANSIBLE_CONFIG"] = filepath.Join(home, "x.cfg")
	if _, warns := FindConfigFile(cwd, envMap(env)); len(warns) != 0 {
		t.Errorf("unexpected warning %q", warns)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "ansible.cfg")
	write(t, cfgPath, `[defaults]
inventory = hosts.ini, /abs/inv
remote_user = "nobody"
remote_port = 2299
host_key_checking = True
forks = 7
private_key_file = ../keys/id
roles_path = roles:~/r
nocolor = on
remote_tmp = /var/tmp/$USER
[ssh_connection]
host_key_checking = yes
[privilege_escalation]
become = YES
`)
	env := map[string]string{"HOME": "/h", "ANSIBLE_REMOTE_PORT": "2222", "ANSIBLE_REMOTE_USER": "root", "ANSIBLE_FORKS": "1"}
	c, _, err := Load(dir, envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.File() != cfgPath {
		t.Errorf("file %q", c.File())
	}
	checks := []struct {
		got, want any
	}{
		{c.RemotePort, 2222}, {c.RemoteUser, "root"}, {c.Forks, 1}, {c.HostKeyChecking, true},
		{c.Inventory, []string{filepath.Join(dir, "hosts.ini"), "/abs/inv"}},
		{c.PrivateKeyFile, filepath.Join(filepath.Dir(dir), "keys/id")},
		{c.RolesPath, []string{filepath.Join(dir, "roles"), "/h/r"}},
		{c.NoColor, true}, {c.Become, true}, {c.Timeout, 10}, {c.Gathering, "implicit"},
		{c.RemoteTmp, "/var/tmp/$USER"}, // unexpanded: the target's shell expands it
		{c.ModulePath, []string{"/h/.ansible/plugins/modules", "/usr/share/ansible/plugins/modules"}},
		{c.Origin("DEFAULT_FORKS"), "env: ANSIBLE_FORKS"}, {c.Origin("DEFAULT_HOST_LIST"), cfgPath}, {c.Origin("DEFAULT_TIMEOUT"), "default"},
	}
	for i, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("check %d: got %#v want %#v", i, ch.got, ch.want)
		}
	}
	// last env name wins, and the [ssh_connection] entry beats [defaults]
	env["ANSIBLE_HOST_KEY_CHECKING"] = "True"
	env["ANSIBLE_SSH_HOST_KEY_CHECKING"] = "False"
	env["NO_COLOR"] = ""
	c, _, _ = Load(dir, envMap(env))
	if c.HostKeyChecking || c.NoColor {
		t.Errorf("hkc %v nocolor %v", c.HostKeyChecking, c.NoColor)
	}
	// an empty env var of a non-string type falls back to the default
	env["ANSIBLE_FORKS"] = ""
	c, _, _ = Load(dir, envMap(env))
	if c.Forks != 5 || c.Origin("DEFAULT_FORKS") != "default" {
		t.Errorf("forks %d %s", c.Forks, c.Origin("DEFAULT_FORKS"))
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		env             map[string]string
		file, cfg, want string
	}{
		{map[string]string{"ANSIBLE_FORKS": "abc"}, "", "", "Invalid type for configuration option setting: DEFAULT_FORKS (from env: ANSIBLE_FORKS): invalid literal for int() with base 10: 'abc'"},
		{map[string]string{"ANSIBLE_GATHERING": "foo"}, "", "", `Invalid value "foo" for configuration option "setting: DEFAULT_GATHERING ", valid values are: implicit, explicit, smart`},
		{nil, "a.cfg", "[defaults]\nforks = 3 # no\n", "Invalid type for configuration option setting: DEFAULT_FORKS (from DIR/a.cfg): invalid literal for int() with base 10: '3 # no'"},
		{nil, "a.yml", "", "Unsupported configuration file type: yaml"},
		{nil, "a.conf", "", "Unsupported configuration file extension for DIR/a.conf: .conf"},
		{nil, "a.cfg", "forks=1\n", "Error reading config file (DIR/a.cfg): File contains no section headers.\nfile: '<string>', line: 1\n'forks=1\\n'"},
	} {
		env := map[string]string{"HOME": dir}
		for k, v := range c.env {
			env[k] = v
		}
		if c.file != "" {
			write(t, filepath.Join(dir, c.file), c.cfg)
			env["ANSIBLE_CONFIG"] = filepath.Join(dir, c.file)
		}
		_, _, err := Load(dir, envMap(env))
		want := strings.ReplaceAll(c.want, "DIR", dir)
		if e, ok := err.(*Error); !ok || e.Msg != want || e.ExitCode() != 5 || e.Report() != "ERROR: "+want+"\n" {
			t.Errorf("got %v\nwant %s", err, want)
		}
	}
	// invalid plugin options are deferred
	c, _, err := Load(dir, envMap(map[string]string{"ANSIBLE_SSH_RETRIES": "x", "ANSIBLE_CALLBACK_RESULT_FORMAT": "xml"}))
	if err != nil || c.SettingError("ssh.reconnection_retries") == nil || c.SettingError("callback.result_format") == nil || c.CallbackResultFormat != "json" {
		t.Errorf("%v %v", err, c)
	}
}

var iniCases = []string{
	"[defaults]\nforks = 5\n",
	"[defaults]\nFORKS : 5 ; comment\nx=a;b\ny = a #b\n",
	"[defaults]\nk = v\n  cont\n\n  more\n\n\n[other]\nk=1\n",
	"[DEFAULT]\nk=d\n[defaults]\nj=1\n",
	"junk\n[defaults]\n",
	"[defaults]\nbad\n= v\nalso bad\n",
	"[defaults]\n[defaults]\n",
	"[defaults]\nk=1\nK=2\n",
	"[a]b]\nk=1\n[]\n",
	" [defaults]\nk=1\n",
	"[defaults]\r\nk=1\r\n  c\r\n",
	"\ufeff[defaults]\n",
	"[defaults]\n;k=1\n#k=2\nk=3\n\t\n  ; c\n",
	"[defaults]\nk=\n  a\n[defaults2]\n  x=1\n",
	"# only comments\n\n",
	"[DEFAULT]\n[DEFAULT]\nk=1\n",
	"[s]\nk = %(x)s\n",
	"[s]\n\u3000k=1\n\u3000\u3000c\n",
	"[s]\nk:v=w\nk2=v:w\n",
}

// iniDump is the Python-comparable form of a parse.
func iniDump(f *INI, err error) any {
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	out := map[string]map[string]string{}
	for _, s := range append(f.Sections(), DefaultSection) {
		m := map[string]string{}
		for _, k := range f.Keys(s) {
			m[k], _ = f.Get(s, k)
		}
		out[s] = m
	}
	return out
}

// TestINILive compares ParseINI with Python's configparser, when available.
func TestINILive(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || testing.Short() {
		t.Skip("python3 not available")
	}
	in, _ := json.Marshal(iniCases)
	cmd := exec.Command(py, "-c", `import json,sys,configparser
out=[]
for text in json.load(sys.stdin):
    p=configparser.ConfigParser(inline_comment_prefixes=(';',))
    try:
        p.read_string(text)
    except configparser.Error as e:
        out.append({"error": str(e)}); continue
    d={}
    for s in p.sections()+["DEFAULT"]:
        d[s]={k: p.get(s,k,raw=True) for k in (p.options(s) if s!="DEFAULT" else p.defaults())}
    out.append(d)
json.dump(out, sys.stdout)`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Skip("python failed: ", err)
	}
	var want []any
	json.Unmarshal(out, &want)
	for i, text := range iniCases {
		f, err := ParseINI(text)
		gb, _ := json.Marshal(iniDump(f, err))
		var got any
		json.Unmarshal(gb, &got)
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%q:\n got %v\nwant %v", text, got, want[i])
		}
	}
}

func TestPyConversions(t *testing.T) {
	for s, want := range map[string]int{"5": 5, " -3 ": -3, "+1_000": 1000, "٣": 3, "0007": 7} {
		if n, err := PyInt(s); err != nil || n != want {
			t.Errorf("PyInt(%q) = %d, %v", s, n, err)
		}
	}
	for _, s := range []string{"", "1.5", "_1", "1__0", "0x10", "1_", "--1"} {
		if _, err := PyInt(s); err == nil {
			t.Errorf("PyInt(%q) accepted", s)
		}
	}
	for s, want := range map[string]float64{"1.5": 1.5, " 1e3 ": 1000, ".5": 0.5, "5.": 5, "1_0.2_5": 10.25} {
		if f, err := PyFloat(s); err != nil || f != want {
			t.Errorf("PyFloat(%q) = %v, %v", s, f, err)
		}
	}
	for _, s := range []string{"", ".", "e5", "1e", "0x1p3", "1_.5"} {
		if _, err := PyFloat(s); err == nil {
			t.Errorf("PyFloat(%q) accepted", s)
		}
	}
	for s, want := range map[string]bool{"yes": true, " On ": true, "T": true, "1": true, "no": false, "": false, "garbage": false} {
		if Boolean(s) != want {
			t.Errorf("Boolean(%q)", s)
		}
	}
	for s, want := range map[string]string{`"a"`: "a", `'a'`: "a", `"a'`: `"a'`, `"a\"`: `"a\"`, `"`: `"`, `""`: ""} {
		if Unquote(s) != want {
			t.Errorf("Unquote(%q) = %q", s, Unquote(s))
		}
	}
	env := envMap(map[string]string{"HOME": "/home/u/", "X": "x"})
	for in, want := range map[string]string{"$X/$Y/${X}": "x/$Y/x", "~/a": "/home/u/a", "~": "/home/u", "a/~": "a/~", "$": "$", "${}": "${}"} {
		if got := ExpandUser(ExpandVars(in, env), env); got != want {
			t.Errorf("expand(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{"": ".", "//a//b/": "//a/b", "///a": "/a", "a/../../b": "../b", "/..": "/", "./.": "."} {
		if got := NormPath(in); got != want {
			t.Errorf("NormPath(%q) = %q", in, got)
		}
	}
}

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/config"
)

// testEnv is an environment without ANSIBLE_* variables.
func testEnv(k string) (string, bool) {
	if k == "HOME" {
		return "/home/test", true
	}
	return "", false
}

func testParser(t testing.TB, cols int) *Parser {
	cfg := config.Default("/work", testEnv)
	return &Parser{Config: cfg, Columns: cols, Cwd: "/work", Getenv: testEnv, Executable: "/usr/bin/goplay"}
}

// run mimics a main(): what goes to stdout/stderr and the exit status.
func run(p *Parser, args []string) (stdout, stderr string, code int, o *Options) {
	o, err := p.Parse(args)
	if err != nil {
		x, ok := err.(*Exit)
		if !ok {
			return "", err.Error(), -1, nil
		}
		return x.Stdout, x.Stderr, x.Code, nil
	}
	return "", "", 0, o
}

// TestGolden compares with outputs recorded from ansible-playbook 2.14.18
// (testdata/golden, produced with COLUMNS=<first line of .args>).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.args")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".args")
		t.Run(name, func(t *testing.T) {
			b, _ := os.ReadFile(f)
			lines := strings.SplitN(string(b), "\n", 3)
			cols, _ := strconv.Atoi(lines[0])
			args := strings.Fields(lines[1])
			wantOut, _ := os.ReadFile(strings.TrimSuffix(f, ".args") + ".stdout")
			wantErr, _ := os.ReadFile(strings.TrimSuffix(f, ".args") + ".stderr")
			rcb, _ := os.ReadFile(strings.TrimSuffix(f, ".args") + ".rc")
			wantRC, _ := strconv.Atoi(strings.TrimSpace(string(rcb)))
			p := testParser(t, cols)
			out, errs, rc, _ := run(p, args)
			if rc != wantRC {
				t.Errorf("rc %d, want %d", rc, wantRC)
			}
			if errs != string(wantErr) {
				t.Errorf("stderr differs:\n--- got\n%s\n--- want\n%s", errs, wantErr)
			}
			if strings.HasPrefix(string(wantOut), "usage:") {
				// --help: Ansible's text, then goplay's group
				if !strings.HasPrefix(out, string(wantOut)) {
					t.Errorf("help differs:\n--- got\n%s\n--- want\n%s", out, wantOut)
				}
				if p.AnsibleHelp() != string(wantOut) {
					t.Errorf("AnsibleHelp differs")
				}
				if rest := out[len(wantOut):]; !strings.HasPrefix(rest, "\ngoplay options:\n  --doc MODULE") {
					t.Errorf("goplay group missing or misplaced: %q", rest)
				}
			} else if out != string(wantOut) {
				t.Errorf("stdout differs:\n%s", out)
			}
		})
	}
}

// TestRecordedRefs checks the cases recorded in the shared reference
// directory (when it is available).
func TestRecordedRefs(t *testing.T) {
	base := "/work/shared/ansible-ref/21-exit-codes"
	if _, err := os.Stat(base); err != nil {
		t.Skip("reference directory not available")
	}
	for _, c := range []string{"h-bad-option", "n-unknown-option", "o-forks-zero"} {
		t.Run(c, func(t *testing.T) {
			dir := filepath.Join(base, c)
			args, _ := os.ReadFile(filepath.Join(dir, "args"))
			wantErr, _ := os.ReadFile(filepath.Join(dir, "stderr.txt"))
			rcb, _ := os.ReadFile(filepath.Join(dir, "rc.txt"))
			// run-ref.sh: ansible-playbook -i inventory $(cat args) playbook.yml
			argv := append([]string{"-i", "inventory"}, strings.Fields(string(args))...)
			argv = append(argv, "playbook.yml")
			_, errs, rc, _ := run(testParser(t, 80), argv)
			if strconv.Itoa(rc) != strings.TrimSpace(string(rcb)) || errs != string(wantErr) {
				t.Errorf("rc=%d stderr:\n%s", rc, errs)
			}
		})
	}
	// p: an AnsibleOptionsError from -e ./vars.yml: help on stdout, rc 5
	dir := filepath.Join(base, "p-options-error-extra-vars")
	wantOut, _ := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	p := testParser(t, 80)
	o, err := p.Parse([]string{"-i", "inventory", "-e", "./vars.yml", "playbook.yml"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadExtraVars(o.ExtraVars, false, nil)
	oe, ok := err.(*OptionsError)
	if !ok {
		t.Fatalf("got %v", err)
	}
	x := p.OptionsError(oe.Msg)
	if x.Code != 5 || x.Stdout != string(wantOut) || x.Stderr != "ERROR! Please prepend extra_vars filename './vars.yml' with '@'\n" {
		t.Errorf("got %+v", x)
	}
}

func TestParseValues(t *testing.T) {
	p := testParser(t, 80)
	o, err := p.Parse([]string{"-vvv", "-Ci", "inv1", "-i", "a,b", "--limit=web", "-t", "x, y", "--tags", "y,z", "--skip-tags", "s",
		"-e", "a=1", "--extra-vars={\"b\": 2}", "-e", "@vars.yml", "-f5", "--fork", "7", "-T", " 1_0 ", "-u", "bob", "-b", "--become-u", "root2",
		"-M", "m1:m2", "-M", "m3", "--private-key", "-", "--list-tas", "--step", "--start-at-task", "t1", "--sandbox", "--doc=copy", "p1.yml", "p2.yml"})
	if err != nil {
		t.Fatal(err)
	}
	want := &Options{
		Playbooks: []string{"p1.yml", "p2.yml"}, Verbosity: 3, Check: true,
		Inventory: []string{"/work/inv1", "a,b"}, Subset: "web",
		Tags: []string{"x", "y", "z"}, SkipTags: []string{"s"},
		ExtraVars: []string{"a=1", `{"b": 2}`, "@/work/vars.yml"},
		Forks:     7, Timeout: 10, RemoteUser: "bob", Become: true, BecomeUser: "root2", BecomeMethod: "sudo",
		ModulePath: []string{"/work/m3", "/work/m1", "/work/m2"}, PrivateKeyFile: "-", ListTasks: true, Step: true,
		StartAtTask: "t1", Connection: "smart", VaultIDs: []string{}, VaultPasswordFiles: []string{},
		Sandbox: true, Doc: "copy", Extra: map[string]any{"sandbox": true, "doc": "copy"},
	}
	o.CLIArgs = nil
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
}

func TestDefaultsFromConfig(t *testing.T) {
	env := func(k string) (string, bool) {
		m := map[string]string{"HOME": "/home/test", "ANSIBLE_FORKS": "3", "ANSIBLE_RUN_TAGS": "a,b", "ANSIBLE_VERBOSITY": "2",
			"ANSIBLE_INVENTORY": "/i1,/i2", "ANSIBLE_REMOTE_USER": "deploy"}
		v, ok := m[k]
		return v, ok
	}
	cfg, _, err := config.Load(t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	p := &Parser{Config: cfg, Columns: 80, Cwd: "/work", Getenv: env}
	o, err := p.Parse([]string{"-v", "--tags", "c", "pb.yml"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Forks != 3 || o.Verbosity != 3 || !reflect.DeepEqual(o.Tags, []string{"a", "b", "c"}) ||
		!reflect.DeepEqual(o.Inventory, []string{"/i1", "/i2"}) || o.RemoteUser != "deploy" {
		t.Errorf("got %+v", o)
	}
	if !strings.Contains(p.AnsibleHelp(), "(default=3)") || !strings.Contains(p.AnsibleHelp(), "(default=deploy)") {
		t.Error("help does not show configured defaults")
	}
	o, _ = p.Parse([]string{"pb.yml"})
	if !reflect.DeepEqual(o.Tags, []string{"a", "b"}) {
		t.Errorf("tags %v", o.Tags)
	}
	o, _ = testParser(t, 80).Parse([]string{"pb.yml"})
	if !reflect.DeepEqual(o.Tags, []string{"all"}) || !reflect.DeepEqual(o.Inventory, []string{"/etc/ansible/hosts"}) {
		t.Errorf("defaults: %+v", o)
	}
}

func TestExtras(t *testing.T) {
	p := testParser(t, 80)
	// --doc is Standalone: no playbook needed
	o, err := p.Parse([]string{"--doc", "ping"})
	if err != nil || o.Doc != "ping" {
		t.Fatalf("%v %+v", err, o)
	}
	// extras are not abbreviated and do not disturb Ansible's abbreviations
	if _, _, rc, _ := run(p, []string{"--sand", "pb.yml"}); rc != 2 {
		t.Errorf("--sand accepted")
	}
	o, err = p.Parse([]string{"--d", "pb.yml"})
	if err != nil || !o.Diff {
		t.Errorf("--d should still mean --diff: %v", err)
	}
	_, errs, rc, _ := run(p, []string{"--doc"})
	if rc != 2 || !strings.Contains(errs, "ansible-playbook: error: argument --doc: expected one argument\n") {
		t.Errorf("rc %d %s", rc, errs)
	}
	if strings.Contains(p.Usage(), "sandbox") {
		t.Error("extras must not appear in the usage")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("clash not detected")
			}
		}()
		RegisterExtra(Extra{Name: "--forks"})
	}()
}

func TestVersion(t *testing.T) {
	out, _, rc, _ := run(testParser(t, 80), []string{"--version"})
	lines := strings.Split(out, "\n")
	if rc != 0 || !strings.HasPrefix(lines[0], "ansible-playbook [core 2.14.18] (goplay ") ||
		lines[1] != "  config file = None" ||
		lines[2] != "  configured module search path = ['/home/test/.ansible/plugins/modules', '/usr/share/ansible/plugins/modules']" ||
		lines[5] != "  executable location = /usr/bin/goplay" || len(lines) != 10 {
		t.Errorf("%q", out)
	}
}

func TestLoadExtraVars(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "v.yml")
	os.WriteFile(f, []byte("a: {x: 1, y: 2}\nl: [1]\n"), 0o644)
	m, err := LoadExtraVars([]string{"@" + f, `{"a": {"y": 3}}`, "k=v b='c d'", ""}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Keys(), ","); got != "a,l,k,b" {
		t.Errorf("keys %s", got)
	}
	a, _ := m.Get("a")
	if am, _ := asOrdered(a); strings.Join(am.Keys(), ",") != "y" {
		t.Errorf("replace: %v", a)
	}
	m, _ = LoadExtraVars([]string{"@" + f, `{"a": {"y": 3}}`}, true, nil)
	a, _ = m.Get("a")
	if am, _ := asOrdered(a); strings.Join(am.Keys(), ",") != "x,y" {
		t.Errorf("merge: %v", a)
	}
	for in, want := range map[string]string{
		"./vars.yml":        "Please prepend extra_vars filename './vars.yml' with '@'",
		"[1, 2]":            "Invalid extra vars data supplied. '[1, 2]' could not be made into a dictionary",
		"@" + dir + "/none": "Unable to retrieve file contents\nCould not find or access '" + dir + "/none' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option",
	} {
		if _, err := LoadExtraVars([]string{in}, false, nil); err == nil || err.Error() != want {
			t.Errorf("%s: %v", in, err)
		}
	}
}

// TestLive compares with the installed ansible-playbook, when there is one.
func TestLive(t *testing.T) {
	exe, err := exec.LookPath("ansible-playbook")
	if err != nil || testing.Short() {
		t.Skip("ansible-playbook not installed")
	}
	dir := t.TempDir()
	cases := [][]string{
		{"--forks=abc", "pb.yml"}, {"-vvvh"}, {"-hv"}, {"--", "--"}, {"-e"}, {"--=x"}, {"-u"}, {"--user"},
		{"--become-method"}, {"--conn", "x"}, {"--list", "pb.yml"}, {"--vault-pass-file", "a", "--ask-vault-password"},
		{"pb.yml", "-k", "--connection-password-file=-"}, {"-f", "0x10", "pb.yml"}, {"-f", "٣", "pb.yml", "-f0"},
		{"-5"}, {"-.5", "pb.yml", "x"}, {"-f", "-", "pb.yml"}, {"--forks", "--forks", "pb.yml"}, {"- x"}, {"-"},
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "COLUMNS=80", "LC_ALL=C.UTF-8"}
	for _, c := range cases {
		cmd := exec.Command(exe, c...)
		cmd.Dir, cmd.Env = dir, env
		var so, se strings.Builder
		cmd.Stdout, cmd.Stderr = &so, &se
		err := cmd.Run()
		rc := 0
		if ee, ok := err.(*exec.ExitError); ok {
			rc = ee.ExitCode()
		}
		if rc == 0 || rc == 1 {
			continue // parsed fine; the run itself is not this package's business
		}
		p := &Parser{Config: config.Default(dir, testEnv), Columns: 80, Cwd: dir, Getenv: testEnv}
		out, errs, grc, _ := run(p, c)
		if grc != rc || errs != se.String() || !strings.HasPrefix(out, so.String()) {
			t.Errorf("%q: rc %d/%d\n--- got\n%s\n--- want\n%s", c, grc, rc, errs, se.String())
		}
	}
}

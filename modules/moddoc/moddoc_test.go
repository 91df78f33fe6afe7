package moddoc

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goplay/goplay/modules"
	_ "github.com/goplay/goplay/modules/builtin"
)

// demo is a module declared only for these tests, with every kind of tag.
type demo struct {
	Name    string            `arg:"name,required" aliases:"n,nm" doc:"The name.\nSecond  paragraph with C(code) and I(italic) and a verylongwordthatgoesonandonandonandonandonandonandonandonandonandonandon."`
	State   string            `arg:"state" default:"present" choices:"present,absent,yes" doc:"State."`
	Count   int               `arg:"count" default:"3" doc:"Count."`
	Force   bool              `arg:"force" doc:"Force it, even when the target already exists and would otherwise be left alone, because B(force) wins."`
	Ratio   *float64          `arg:"ratio" doc:"A ratio."`
	Format  string            `arg:"format" default:"%Y%m%d" doc:"A strftime format."`
	Tags    []string          `arg:"tags" default:"a,b" doc:"Tags for M(ansible.builtin.debug)."`
	Raw     string            `arg:"_raw_params" doc:"Free text."`
	Private bool              `arg:"_private" doc:"Internal."`
	Rest    map[string]any    `arg:"rest,remain"`
	Plain   map[string]string `doc:"not an argument"`
}

func (*demo) Run(context.Context, *modules.Request) (*modules.Result, error) {
	return &modules.Result{}, nil
}

var demoInfo = modules.Info{
	Name:      "docdemo",
	New:       func() modules.Module { return new(demo) },
	CheckMode: true,
	Short:     "A demo module that exists to test the printing of documentation, with a description long enough to wrap.",
}

func TestOptions(t *testing.T) {
	var names []string
	for _, o := range Options(demoInfo) {
		names = append(names, o.Name)
	}
	if got := strings.Join(names, " "); got != "count force format name ratio state tags" {
		t.Errorf("options: %s", got)
	}
	ff := demoInfo
	ff.FreeForm = true
	names = nil
	for _, o := range Options(ff) {
		names = append(names, o.Name)
	}
	if got := strings.Join(names, " "); got != "count force format free_form name ratio state tags" {
		t.Errorf("free-form options: %s", got)
	}
}

// ansibleDoc writes a Python module whose DOCUMENTATION says what demo's
// tags say, and returns what ansible-doc prints for it.
func ansibleDoc(t *testing.T, info modules.Info) string {
	t.Helper()
	if _, err := exec.LookPath("ansible-doc"); err != nil {
		t.Skip("ansible-doc is not installed")
	}
	q := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	var b strings.Builder
	fmt.Fprintf(&b, "#!/usr/bin/python\nDOCUMENTATION = r'''\nmodule: gpdoc_%s\nshort_description: x\ndescription: %s\noptions:\n", info.Name, q(info.Short))
	for _, o := range Options(info) {
		fmt.Fprintf(&b, "  %s:\n    description: %s\n    type: %s\n", o.Name, q(strings.Split(o.Doc, "\n")), o.Type)
		if o.Required {
			b.WriteString("    required: true\n")
		}
		if len(o.Aliases) > 0 {
			fmt.Fprintf(&b, "    aliases: %s\n", q(o.Aliases))
		}
		if len(o.Choices) > 0 {
			fmt.Fprintf(&b, "    choices: %s\n", q(o.Choices))
		}
		if o.HasDefault {
			// The typed value, as a module's DOCUMENTATION gives it.
			fmt.Fprintf(&b, "    default: %s\n", defaultYAML(o))
		}
	}
	b.WriteString("attributes:\n  check_mode:\n    support: full\n    description: Can run in check_mode and return changed status prediction without modifying target\n'''\n")
	// A prefix keeps ansible-doc from pairing the file with its own
	// action plugin of the same name.
	name := "gpdoc_" + info.Name
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name+".py"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ansible-doc", "-M", dir, name)
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0", "COLUMNS=80")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ansible-doc: %v\n%s", err, b.String())
	}
	return string(out)
}

func withoutHeader(s string) string {
	_, rest, _ := strings.Cut(s, "\n")
	return rest
}

func TestTextMatchesAnsibleDoc(t *testing.T) {
	want := ansibleDoc(t, demoInfo)
	got, err := Text(demoInfo)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "> DOCDEMO    (*github.com/goplay/goplay/modules/moddoc.demo)\n") {
		t.Errorf("header: %q", strings.SplitN(got, "\n", 2)[0])
	}
	if withoutHeader(got) != withoutHeader(want) {
		t.Errorf("moddoc.Text differs from ansible-doc:\n--- ansible-doc\n%s--- moddoc\n%s", want, got)
	}
}

func TestTextBuiltin(t *testing.T) {
	info, ok := modules.Lookup("ping")
	if !ok {
		t.Fatal("ping is not registered")
	}
	got, err := Text(*info)
	if err != nil {
		t.Fatal(err)
	}
	want := `> ANSIBLE.BUILTIN.PING    (*github.com/goplay/goplay/modules/builtin.Ping)

        Try to connect to host, verify a usable python and return pong
        on success

OPTIONS (= is mandatory):

- data
        What to return in ping; "crash" makes the module fail.
        default: pong
        type: str


ATTRIBUTES:

        check_mode:
          description: Can run in check_mode and return changed status prediction without
            modifying target
          support: full
`
	if got != want {
		t.Errorf("ping:\n%s\nwant:\n%s", got, want)
	}
	// Every built-in module prints, and matches ansible-doc's layout.
	seen := map[*modules.Info]bool{}
	for _, n := range modules.Names() {
		info, _ := modules.Lookup(n)
		if seen[info] {
			continue
		}
		seen[info] = true
		s, err := Text(*info)
		if err != nil || !strings.HasPrefix(s, "> ") || !strings.Contains(s, "ATTRIBUTES:") {
			t.Errorf("%s: %v\n%s", info.Name, err, s)
		}
	}
}

func TestBuiltinsAgainstAnsibleDoc(t *testing.T) {
	// The built-in modules' declarations, rendered by ansible-doc from an
	// equivalent DOCUMENTATION block, must print the same.
	for _, n := range []string{"command", "shell", "ping", "debug", "assert", "fail", "pause", "raw", "setup", "add_host", "group_by", "set_fact"} {
		info, ok := modules.Lookup(n)
		if !ok {
			continue
		}
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			got, _ := Text(*info)
			if info.FreeForm || info.RawParams {
				// ansible-doc has no such note; it is goplay's.
				got = strings.Replace(got, "  * note: This module takes free-form text (k=v arguments are also accepted).\n\n", "", 1)
			}
			if Undocumented(*info) != nil {
				t.Skipf("%s has undocumented options: %v", n, Undocumented(*info))
			}
			want := ansibleDoc(t, *info)
			if withoutHeader(got) != withoutHeader(want) {
				t.Errorf("differs:\n--- ansible-doc\n%s\n--- moddoc\n%s", want, got)
			}
		})
	}
}

func TestList(t *testing.T) {
	got := listText(map[string]string{
		"ansible.builtin.ping":   "Try to connect to host, verify a usable python and return pong on success",
		"ansible.builtin.debug":  "Print statements during execution",
		"healthcheck":            "",
		"acme.web.a_long_module": "C(x) marks code",
	})
	// What Python's "%-*s %-*.*s" layout of ansible-doc -l gives.
	want := "" +
		"acme.web.a_long_module `x' marks code                                      \n" +
		"ansible.builtin.debug  Print statements during execution                   \n" +
		"ansible.builtin.ping   Try to connect to host, verify a usable python and r...\n" +
		"healthcheck                                                                \n"
	if got != want {
		t.Errorf("list:\n%q\nwant\n%q", got, want)
	}
	all := List()
	if !strings.Contains(all, "\nansible.builtin.ping ") || strings.Contains(all, "ansible.legacy.") {
		t.Errorf("List() = %s", all)
	}
}

func TestUndocumentedBuiltins(t *testing.T) {
	// Not a failure: it lists the built-in options that have no doc tag.
	seen := map[*modules.Info]bool{}
	for _, n := range modules.Names() {
		info, _ := modules.Lookup(n)
		if seen[info] {
			continue
		}
		seen[info] = true
		if u := Undocumented(*info); len(u) > 0 {
			t.Logf("%s: %s", info.Name, strings.Join(u, ", "))
		}
		if info.Short == "" {
			t.Logf("%s: no Short", info.Name)
		}
	}
}

func TestFill(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a b  c", "    a b  c"},
		{"aaaa bbbb cccc", "    aaaa\n    bbbb\n    cccc"},
		{"abcdefghijkl", "    abcdef\n    ghijkl"},
		{"", ""},
	} {
		if got := fill(c.in, 10, "    "); got != c.want {
			t.Errorf("fill(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestYAMLScalar(t *testing.T) {
	for in, want := range map[string]string{
		"pong": "pong", "%Y": "'%Y'", "yes": "'yes'", "": "''", "a: b": "'a: b'", "1": "'1'",
		"null": "'null'", "x y": "x y", "a#b": "a#b", " lead": "' lead'", "-x": "-x", "é": `"\xE9"`, "it's": "it's",
		"1.5": "'1.5'", "2024-01-02": "'2024-01-02'",
	} {
		if got := yamlScalar(in, false); got != want {
			t.Errorf("yamlScalar(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestByName(t *testing.T) {
	a, err := ByName("ansible.legacy.ping")
	b, _ := ByName("ping")
	if err != nil || a != b || !strings.HasPrefix(a, "> ANSIBLE.BUILTIN.PING ") {
		t.Errorf("ByName: %v\n%s", err, a)
	}
	if _, err := ByName("pnig"); err == nil || err.Error() != "pnig was not found. Did you mean 'ping'?" {
		t.Errorf("unknown: %v", err)
	}
}

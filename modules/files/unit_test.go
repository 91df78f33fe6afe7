package files

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/modules/builtin"
)

// symCases were computed by ansible-core 2.14's
// AnsibleModule._symbolic_mode_to_octal with umask 022.
var symCases = []struct {
	mode      uint32
	dir       bool
	sym, want string
	err       string
}{
	{0o644, false, "u+x", "744", ""},
	{0o644, false, "g-r", "604", ""},
	{0o644, false, "o=r", "644", ""},
	{0o644, false, "u=rwx,g=rx,o=", "750", ""},
	{0o644, false, "a+X", "644", ""},
	{0o644, false, "u=rwX,g=rX,o=", "640", ""},
	{0o644, false, "+x", "755", ""},
	{0o644, false, "=r", "444", ""},
	{0o644, false, "-w", "444", ""},
	{0o644, false, "ug+s", "6644", ""},
	{0o644, false, "o+t", "1644", ""},
	{0o644, false, "g=u", "664", ""},
	{0o644, false, "o=g", "644", ""},
	{0o644, false, "u+g", "644", ""},
	{0o644, false, "a=", "0", ""},
	{0o644, false, "u+rw-x", "644", ""},
	{0o644, false, "ug=rw,o-rwx", "660", ""},
	{0o644, false, "go-w", "644", ""},
	{0o644, false, "u=rwx,go=", "700", ""},
	{0o644, false, "+X", "644", ""},
	{0o644, false, "a-x", "644", ""},
	{0o644, false, "o+w-r=x", "641", ""},
	{0o644, false, "zz", "", "bad symbolic permission for mode: zz"},
	{0o644, false, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o644, false, "u=", "44", ""},
	{0o644, false, "a+rwx", "777", ""},
	{0o644, false, "u+s,g+s,o+t", "7644", ""},
	{0o600, false, "u+x", "700", ""},
	{0o600, false, "g-r", "600", ""},
	{0o600, false, "o=r", "604", ""},
	{0o600, false, "u=rwx,g=rx,o=", "750", ""},
	{0o600, false, "a+X", "600", ""},
	{0o600, false, "u=rwX,g=rX,o=", "640", ""},
	{0o600, false, "+x", "711", ""},
	{0o600, false, "=r", "444", ""},
	{0o600, false, "-w", "400", ""},
	{0o600, false, "ug+s", "6600", ""},
	{0o600, false, "o+t", "1600", ""},
	{0o600, false, "g=u", "660", ""},
	{0o600, false, "o=g", "600", ""},
	{0o600, false, "u+g", "600", ""},
	{0o600, false, "a=", "0", ""},
	{0o600, false, "u+rw-x", "600", ""},
	{0o600, false, "ug=rw,o-rwx", "660", ""},
	{0o600, false, "go-w", "600", ""},
	{0o600, false, "u=rwx,go=", "700", ""},
	{0o600, false, "+X", "600", ""},
	{0o600, false, "a-x", "600", ""},
	{0o600, false, "o+w-r=x", "601", ""},
	{0o600, false, "zz", "", "bad symbolic permission for mode: zz"},
	{0o600, false, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o600, false, "u=", "0", ""},
	{0o600, false, "a+rwx", "777", ""},
	{0o600, false, "u+s,g+s,o+t", "7600", ""},
	{0o755, true, "u+x", "755", ""},
	{0o755, true, "g-r", "715", ""},
	{0o755, true, "o=r", "754", ""},
	{0o755, true, "u=rwx,g=rx,o=", "750", ""},
	{0o755, true, "a+X", "755", ""},
	{0o755, true, "u=rwX,g=rX,o=", "750", ""},
	{0o755, true, "+x", "755", ""},
	{0o755, true, "=r", "444", ""},
	{0o755, true, "-w", "555", ""},
	{0o755, true, "ug+s", "6755", ""},
	{0o755, true, "o+t", "1755", ""},
	{0o755, true, "g=u", "775", ""},
	{0o755, true, "o=g", "755", ""},
	{0o755, true, "u+g", "755", ""},
	{0o755, true, "a=", "0", ""},
	{0o755, true, "u+rw-x", "655", ""},
	{0o755, true, "ug=rw,o-rwx", "660", ""},
	{0o755, true, "go-w", "755", ""},
	{0o755, true, "u=rwx,go=", "700", ""},
	{0o755, true, "+X", "755", ""},
	{0o755, true, "a-x", "644", ""},
	{0o755, true, "o+w-r=x", "751", ""},
	{0o755, true, "zz", "", "bad symbolic permission for mode: zz"},
	{0o755, true, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o755, true, "u=", "55", ""},
	{0o755, true, "a+rwx", "777", ""},
	{0o755, true, "u+s,g+s,o+t", "7755", ""},
	{0o700, true, "u+x", "700", ""},
	{0o700, true, "g-r", "700", ""},
	{0o700, true, "o=r", "704", ""},
	{0o700, true, "u=rwx,g=rx,o=", "750", ""},
	{0o700, true, "a+X", "711", ""},
	{0o700, true, "u=rwX,g=rX,o=", "750", ""},
	{0o700, true, "+x", "711", ""},
	{0o700, true, "=r", "444", ""},
	{0o700, true, "-w", "500", ""},
	{0o700, true, "ug+s", "6700", ""},
	{0o700, true, "o+t", "1700", ""},
	{0o700, true, "g=u", "770", ""},
	{0o700, true, "o=g", "700", ""},
	{0o700, true, "u+g", "700", ""},
	{0o700, true, "a=", "0", ""},
	{0o700, true, "u+rw-x", "600", ""},
	{0o700, true, "ug=rw,o-rwx", "660", ""},
	{0o700, true, "go-w", "700", ""},
	{0o700, true, "u=rwx,go=", "700", ""},
	{0o700, true, "+X", "711", ""},
	{0o700, true, "a-x", "600", ""},
	{0o700, true, "o+w-r=x", "701", ""},
	{0o700, true, "zz", "", "bad symbolic permission for mode: zz"},
	{0o700, true, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o700, true, "u=", "0", ""},
	{0o700, true, "a+rwx", "777", ""},
	{0o700, true, "u+s,g+s,o+t", "7700", ""},
	{0o4755, false, "u+x", "4755", ""},
	{0o4755, false, "g-r", "4715", ""},
	{0o4755, false, "o=r", "4754", ""},
	{0o4755, false, "u=rwx,g=rx,o=", "750", ""},
	{0o4755, false, "a+X", "4755", ""},
	{0o4755, false, "u=rwX,g=rX,o=", "750", ""},
	{0o4755, false, "+x", "4755", ""},
	{0o4755, false, "=r", "444", ""},
	{0o4755, false, "-w", "4555", ""},
	{0o4755, false, "ug+s", "6755", ""},
	{0o4755, false, "o+t", "5755", ""},
	{0o4755, false, "g=u", "4775", ""},
	{0o4755, false, "o=g", "4755", ""},
	{0o4755, false, "u+g", "4755", ""},
	{0o4755, false, "a=", "0", ""},
	{0o4755, false, "u+rw-x", "4655", ""},
	{0o4755, false, "ug=rw,o-rwx", "660", ""},
	{0o4755, false, "go-w", "4755", ""},
	{0o4755, false, "u=rwx,go=", "700", ""},
	{0o4755, false, "+X", "4755", ""},
	{0o4755, false, "a-x", "4644", ""},
	{0o4755, false, "o+w-r=x", "4751", ""},
	{0o4755, false, "zz", "", "bad symbolic permission for mode: zz"},
	{0o4755, false, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o4755, false, "u=", "55", ""},
	{0o4755, false, "a+rwx", "4777", ""},
	{0o4755, false, "u+s,g+s,o+t", "7755", ""},
	{0o640, false, "u+x", "740", ""},
	{0o640, false, "g-r", "600", ""},
	{0o640, false, "o=r", "644", ""},
	{0o640, false, "u=rwx,g=rx,o=", "750", ""},
	{0o640, false, "a+X", "640", ""},
	{0o640, false, "u=rwX,g=rX,o=", "640", ""},
	{0o640, false, "+x", "751", ""},
	{0o640, false, "=r", "444", ""},
	{0o640, false, "-w", "440", ""},
	{0o640, false, "ug+s", "6640", ""},
	{0o640, false, "o+t", "1640", ""},
	{0o640, false, "g=u", "660", ""},
	{0o640, false, "o=g", "644", ""},
	{0o640, false, "u+g", "640", ""},
	{0o640, false, "a=", "0", ""},
	{0o640, false, "u+rw-x", "640", ""},
	{0o640, false, "ug=rw,o-rwx", "660", ""},
	{0o640, false, "go-w", "640", ""},
	{0o640, false, "u=rwx,go=", "700", ""},
	{0o640, false, "+X", "640", ""},
	{0o640, false, "a-x", "640", ""},
	{0o640, false, "o+w-r=x", "641", ""},
	{0o640, false, "zz", "", "bad symbolic permission for mode: zz"},
	{0o640, false, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o640, false, "u=", "40", ""},
	{0o640, false, "a+rwx", "777", ""},
	{0o640, false, "u+s,g+s,o+t", "7640", ""},
	{0o711, false, "u+x", "711", ""},
	{0o711, false, "g-r", "711", ""},
	{0o711, false, "o=r", "714", ""},
	{0o711, false, "u=rwx,g=rx,o=", "750", ""},
	{0o711, false, "a+X", "711", ""},
	{0o711, false, "u=rwX,g=rX,o=", "750", ""},
	{0o711, false, "+x", "711", ""},
	{0o711, false, "=r", "444", ""},
	{0o711, false, "-w", "511", ""},
	{0o711, false, "ug+s", "6711", ""},
	{0o711, false, "o+t", "1711", ""},
	{0o711, false, "g=u", "771", ""},
	{0o711, false, "o=g", "711", ""},
	{0o711, false, "u+g", "711", ""},
	{0o711, false, "a=", "0", ""},
	{0o711, false, "u+rw-x", "611", ""},
	{0o711, false, "ug=rw,o-rwx", "660", ""},
	{0o711, false, "go-w", "711", ""},
	{0o711, false, "u=rwx,go=", "700", ""},
	{0o711, false, "+X", "711", ""},
	{0o711, false, "a-x", "600", ""},
	{0o711, false, "o+w-r=x", "711", ""},
	{0o711, false, "zz", "", "bad symbolic permission for mode: zz"},
	{0o711, false, "u+z", "", "bad symbolic permission for mode: u+z"},
	{0o711, false, "u=", "11", ""},
	{0o711, false, "a+rwx", "777", ""},
	{0o711, false, "u+s,g+s,o+t", "7711", ""},
}

func TestSymbolicMode(t *testing.T) {
	for _, c := range symCases {
		typ := uint32(sIFREG)
		if c.dir {
			typ = sIFDIR
		}
		got, err := symbolicMode(fstat{Exists: true, Mode: typ | c.mode}, c.sym, 0o022)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%o %q: got %o %v, want error %q", c.mode, c.sym, got, err, c.err)
			}
			continue
		}
		if err != nil || fmt.Sprintf("%o", got) != c.want {
			t.Errorf("%o dir=%v %q: got %o %v, want %s", c.mode, c.dir, c.sym, got, err, c.want)
		}
	}
}

func TestResolveMode(t *testing.T) {
	st := fstat{Exists: true, Mode: sIFREG | 0o644}
	for _, c := range []struct {
		in   any
		want uint32
		fail string
	}{
		{"0644", 0o644, ""}, {"644", 0o644, ""}, {"0o755", 0o755, ""}, {" 600 ", 0o600, ""},
		{420, 0o644, ""}, {644, 0o1204, ""}, {float64(384), 0o600, ""}, {"1777", 0o1777, ""},
		{"u+x", 0o744, ""}, {"abc", 0, "mode must be in octal or symbolic form"}, {"9", 0, "mode must be in octal or symbolic form"},
	} {
		got, r := resolveMode("/p", c.in, st, 0o022)
		if c.fail != "" {
			if r == nil || r.Msg != c.fail {
				t.Errorf("%v: got %o %+v, want failure %q", c.in, got, r, c.fail)
			}
			continue
		}
		if r != nil || got != c.want {
			t.Errorf("%v: got %o %+v, want %o", c.in, got, r, c.want)
		}
	}
}

func TestPyExpand(t *testing.T) {
	re := regexp.MustCompile(`^(?P<k>\w+)=(\d+)$`)
	line := []byte("key=42")
	m := re.FindSubmatchIndex(line)
	for tmpl, want := range map[string]string{
		`\1 is \2`: "key is 42", `\g<k>:\g<2>`: "key:42", `x\ty`: "x\ty", `\\1`: `\1`, `plain`: "plain",
	} {
		got, err := pyExpand(re, tmpl, line, m)
		if err != nil || got != want {
			t.Errorf("%q: got %q %v, want %q", tmpl, got, err, want)
		}
	}
	if _, err := pyExpand(re, `\3`, line, m); err == nil {
		t.Error(`\3: want invalid group reference`)
	}
	if _, err := pyExpand(re, `\g<nope>`, line, m); err == nil {
		t.Error(`\g<nope>: want unknown group name`)
	}
}

func TestPySearchDollar(t *testing.T) {
	re, _ := pyRegexp(`^b$`)
	if pySearch(re, []byte("b\n")) == nil {
		t.Error("$ must match before the final newline, as in Python")
	}
	if pySearch(re, []byte("b\nc\n")) != nil {
		t.Error("$ matched in the middle")
	}
	re, _ = pyRegexp(`b\Z`)
	if pySearch(re, []byte("ab")) == nil {
		t.Error(`\Z`)
	}
}

func TestSplitLines(t *testing.T) {
	got := splitLinesPy([]byte("a\nb\r\nc\rd"))
	var parts []string
	for _, l := range got {
		parts = append(parts, string(l))
	}
	if strings.Join(parts, "|") != "a\n|b\r\n|c\r|d" {
		t.Errorf("splitLinesPy: %q", parts)
	}
	if n := len(splitLinesKeep([]byte("a\rb\n"))); n != 1 {
		t.Errorf("readlines split on \\r: %d", n)
	}
}

func TestShlexSplit(t *testing.T) {
	for in, want := range map[string]string{
		`a b  c`:              "a|b|c",
		`'x y' "z \" w" q\ r`: `x y|z " w|q r`,
		`s.sh ''`:             "s.sh|",
	} {
		got, err := builtin.Split(in)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("%q: got %q %v, want %q", in, got, err, want)
		}
	}
	if _, err := builtin.Split(`"open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestPyJSON(t *testing.T) {
	got := pyJSON(map[string]any{"k": []any{1, "v, w: x"}, "a": nil})
	if want := `{"a": null, "k": [1, "v, w: x"]}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestShq(t *testing.T) {
	for in, want := range map[string]string{"": "''", "a/b-c.d": "a/b-c.d", "it's": `'it'"'"'s'`, "a b": "'a b'", "$x": "'$x'"} {
		if got := shq(in); got != want {
			t.Errorf("shq(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseStat(t *testing.T) {
	st, ok := parseStat("81a4|5|0|0|root|root|1|42|65024|4096|8|0|0|2026-11-27 14:37:37.852295600 +0000|2026-11-27 14:37:37.852295600 +0000|2026-11-27 14:37:37.000000000 +0000")
	if !ok || !st.isReg() || st.perm() != 0o644 || st.Size != 5 || st.Ino != 42 || st.modeStr() != "0644" {
		t.Fatalf("%+v", st)
	}
	if st.Mtime != 1795790257.8522956 {
		t.Errorf("mtime %v, want Python's 1795790257.8522956", st.Mtime)
	}
	if _, ok := parseStat("garbage"); ok {
		t.Error("garbage parsed")
	}
	if st, ok := parseStat("-"); !ok || st.Exists {
		t.Error("absent")
	}
}

// TestRenderError checks the template action's error text against the
// engine's real template errors (recorded from ansible-playbook).
func TestRenderError(t *testing.T) {
	tp := template.New(template.Options{})
	for text, want := range map[string]string{
		"x={{ nope }}\n": "AnsibleUndefinedVariable: 'nope' is undefined. 'nope' is undefined",
		"x={{ a }\n":     "AnsibleError: template error while templating string: unexpected '}'. String: x={{ a }\n. unexpected '}'",
	} {
		_, err := tp.RenderString(text, map[string]any{"a": 1})
		if err == nil {
			t.Fatalf("%q rendered", text)
		}
		if got := renderError(err); got != want {
			t.Errorf("%q:\n got %q\nwant %q", text, got, want)
		}
	}
}

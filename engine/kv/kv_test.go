package kv

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/pyfmt"
)

type goldenCase struct {
	Input          string      `json:"input"`
	CheckRaw       bool        `json:"check_raw"`
	Split          []string    `json:"split"`
	SplitError     string      `json:"split_error"`
	SplitErrorType string      `json:"split_error_type"`
	KV             [][2]string `json:"kv"`
	KVError        string      `json:"kv_error"`
	KVErrorType    string      `json:"kv_error_type"`
}

type goldenFile struct {
	Ansible string       `json:"ansible"`
	Cases   []goldenCase `json:"cases"`
}

func loadGolden(t testing.TB, data []byte) *goldenFile {
	t.Helper()
	var g goldenFile
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("golden: %v", err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases")
	}
	return &g
}

// pythonKV renders ParseKV's result as the items of Python's dict.
func pythonKV(pairs []Pair, raw string, hasRaw bool) [][2]string {
	out := [][2]string{}
	rawAt := -1
	for _, p := range pairs {
		if p.Key == "_raw_params" {
			rawAt = len(out)
		}
		out = append(out, [2]string{p.Key, p.Value})
	}
	if hasRaw {
		if rawAt >= 0 {
			out[rawAt][1] = raw
		} else {
			out = append(out, [2]string{"_raw_params", raw})
		}
	}
	return out
}

func checkCase(t testing.TB, c goldenCase) {
	t.Helper()
	split, err := SplitArgs(c.Input)
	switch {
	case c.SplitErrorType != "":
		if err == nil {
			t.Errorf("SplitArgs(%q) = %q, want %s: %s", c.Input, split, c.SplitErrorType, c.SplitError)
		} else if err.Error() != c.SplitError {
			t.Errorf("SplitArgs(%q) error:\n got %s\nwant %s", c.Input, err, c.SplitError)
		}
	case err != nil:
		t.Errorf("SplitArgs(%q): unexpected error %v, want %q", c.Input, err, c.Split)
	default:
		if split == nil {
			split = []string{}
		}
		if c.Split == nil {
			c.Split = []string{}
		}
		if !reflect.DeepEqual(split, c.Split) {
			t.Errorf("SplitArgs(%q):\n got %q\nwant %q", c.Input, split, c.Split)
		}
	}

	pairs, raw, hasRaw, err := ParseKV(c.Input, c.CheckRaw)
	switch {
	case c.KVErrorType != "":
		if err == nil {
			t.Errorf("ParseKV(%q, %v) = %q %q, want %s: %s", c.Input, c.CheckRaw, pairs, raw, c.KVErrorType, c.KVError)
		} else if err.Error() != c.KVError {
			t.Errorf("ParseKV(%q, %v) error:\n got %s\nwant %s", c.Input, c.CheckRaw, err, c.KVError)
		}
	case err != nil:
		t.Errorf("ParseKV(%q, %v): unexpected error %v, want %q", c.Input, c.CheckRaw, err, c.KV)
	default:
		if hasRaw != (raw != "") {
			t.Errorf("ParseKV(%q): hasRaw %v with raw %q", c.Input, hasRaw, raw)
		}
		got := pythonKV(pairs, raw, hasRaw)
		if c.KV == nil {
			c.KV = [][2]string{}
		}
		if !reflect.DeepEqual(got, c.KV) {
			t.Errorf("ParseKV(%q, %v):\n got %q\nwant %q", c.Input, c.CheckRaw, got, c.KV)
		}
		m, err := ParseKVMap(c.Input, c.CheckRaw)
		if err != nil {
			t.Fatal(err)
		}
		if m.Len() != len(got) {
			t.Errorf("ParseKVMap(%q) has %d keys, want %d", c.Input, m.Len(), len(got))
		}
		for i, k := range m.Keys() {
			if v, _ := m.Get(k); k != got[i][0] || v != got[i][1] {
				t.Errorf("ParseKVMap(%q) item %d = %q: %q, want %q", c.Input, i, k, v, got[i])
			}
		}
	}
}

func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/kv_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range loadGolden(t, data).Cases {
		checkCase(t, c)
	}
}

// ansiblePython returns a python3 that can import ansible, or skips.
func ansiblePython(t testing.TB) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		p, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import ansible").Run() == nil {
			return p
		}
	}
	t.Skip("no python3 with ansible importable")
	return ""
}

// TestGoldenLive re-runs the generator against the installed ansible and
// checks its answers, so the committed table cannot silently go stale.
func TestGoldenLive(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	py := ansiblePython(t)
	out, err := exec.Command(py, "testdata/gen_golden.py").Output()
	if err != nil {
		t.Fatalf("gen_golden.py: %v", err)
	}
	g := loadGolden(t, out)
	if !strings.HasPrefix(g.Ansible, "2.14.") {
		t.Logf("note: python ansible is %s, the reference is 2.14", g.Ansible)
	}
	for _, c := range g.Cases {
		checkCase(t, c)
	}
}

// TestFuzzCorpusLive runs every committed fuzz seed through python (when
// available) and compares.
func TestFuzzCorpusLive(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	py := ansiblePython(t)
	var inputs []string
	for _, dir := range []string{"testdata/fuzz/FuzzSplitArgs", "testdata/fuzz/FuzzParseKV"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			s, ok := readCorpusString(f)
			if ok {
				inputs = append(inputs, s)
			}
		}
	}
	if len(inputs) == 0 {
		t.Skip("no corpus")
	}
	for _, c := range runPython(t, py, inputs) {
		checkCase(t, c)
	}
}

// readCorpusString reads a "go test fuzz v1" file holding one string.
func readCorpusString(path string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || sc.Text() != "go test fuzz v1" || !sc.Scan() {
		return "", false
	}
	line := sc.Text()
	if !strings.HasPrefix(line, "string(") || !strings.HasSuffix(line, ")") {
		return "", false
	}
	s, err := strconv.Unquote(line[len("string(") : len(line)-1])
	return s, err == nil
}

func runPython(t testing.TB, py string, inputs []string) []goldenCase {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "inputs.jsonl")
	var b strings.Builder
	for _, s := range inputs {
		// Go's json.Marshal escapes invalid UTF-8 to U+FFFD; python reads
		// the same text.
		j, _ := json.Marshal(s)
		b.Write(j)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/gen_golden.py", in).Output()
	if err != nil {
		t.Fatalf("gen_golden.py: %v", err)
	}
	return loadGolden(t, out).Cases
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`"a"`: "a", `'a'`: "a", `"a'`: `"a'`, `"`: `"`, `""`: "", `''`: "", `"a\"`: `"a\"`,
		`"x y"z`: `"x y"z`, `'a"`: `'a"`, `a`: "a", ``: "", `"é"`: "é",
	} {
		if got := Unquote(in); got != want {
			t.Errorf("Unquote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJoinArgs(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a b"},
		{[]string{"a\n", "b", "c"}, "a\nb c"},
		{[]string{"a ", "b"}, "a  b"},
	} {
		if got := JoinArgs(tc.in); got != tc.want {
			t.Errorf("JoinArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestErrorTypes(t *testing.T) {
	_, err := SplitArgs(`a="b`)
	var se *SplitError
	if !errors.As(err, &se) || se.Args != `a="b` {
		t.Errorf("SplitArgs unbalanced: %#v", err)
	}
	if _, err := SplitArgs("  a"); err != ErrIndex {
		t.Errorf("SplitArgs leading spaces: %v", err)
	}
	_, _, _, err = ParseKV("\na", false)
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrIndex) {
		t.Errorf("ParseKV newline first: %#v", err)
	}
	_, _, _, err = ParseKV(`x=\N{NOPE}`, false)
	var de *DecodeError
	if !errors.As(err, &de) || de.Escape != `\N{NOPE}` {
		t.Errorf("ParseKV bad name: %#v", err)
	}
}

func TestRecordedRef01(t *testing.T) {
	// The k=v strings of ansible-ref/01-kv-args, as YAML delivers them.
	for _, tc := range []struct {
		in       string
		checkRaw bool
		want     string // pyfmt.Repr of the dict
	}{
		{`msg="a=b c=d"`, false, `{'msg': 'a=b c=d'}`},
		{`msg='single quoted, with "double" inside'`, false, `{'msg': 'single quoted, with "double" inside'}`},
		{"name=app-lb1 port=80 protocol=HTTP type=PUBLIC state=present wait=true", false,
			`{'name': 'app-lb1', 'port': '80', 'protocol': 'HTTP', 'type': 'PUBLIC', 'state': 'present', 'wait': 'true'}`},
		{`a='x\=y' b="line1\nline2" c=x=y`, false, `{'a': 'x\\=y', 'b': 'line1\nline2', 'c': 'x=y'}`},
		{`msg={{ 'jinja with spaces' | upper }}`, false, `{'msg': "{{ 'jinja with spaces' | upper }}"}`},
		{"pwd chdir=/tmp", true, `{'chdir': '/tmp', '_raw_params': 'pwd'}`},
		{`echo "two  spaces" 'single q' a=b`, true, `{'_raw_params': 'echo "two  spaces" \'single q\' a=b'}`},
		{`debug msg="legacy action form"`, false, `{'msg': 'legacy action form', '_raw_params': 'debug'}`},
	} {
		m, err := ParseKVMap(tc.in, tc.checkRaw)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := pyfmt.Repr(m); got != tc.want {
			t.Errorf("ParseKVMap(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

var benchInputs = []string{
	"name=app-lb1 port=80 protocol=HTTP type=PUBLIC state=present wait=true credentials=/path/to/credentials",
	`msg="item is {{ item }}" verbosity=1`,
	`echo "two  spaces" 'single q' a=b chdir=/tmp creates=/x`,
	`a='x\=y' b="line1\nline2" c=x=y d=\u00e9`,
}

func BenchmarkParseKV(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in[:min(len(in), 20)], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, err := ParseKV(in, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSplitArgs(b *testing.B) {
	in := strings.Join(benchInputs, "\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SplitArgs(in); err != nil {
			b.Fatal(err)
		}
	}
}

package builtin

import (
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

func TestSplitTable(t *testing.T) {
	for _, tc := range shlexTable {
		got, err := Split(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Split(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Split(%q) error %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Split(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":           "''",
		"abc":        "abc",
		"a b":        "'a b'",
		"it's":       `'it'"'"'s'`,
		"a=b,c:d/e%": "a=b,c:d/e%",
		"é":          "'é'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSplitPython compares with python3's shlex.split when python3 is
// installed (set GOPLAY_NO_PYTHON to skip).
func TestSplitPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || os.Getenv("GOPLAY_NO_PYTHON") != "" {
		t.Skip("no python3")
	}
	inputs := []string{`a "b c" 'd e' f\ g`, `"x\\y" 'x\\y' x\\y`, `a"b"'c'\d`, "tab\there", `"\a\"\\"`}
	for _, in := range inputs {
		out, err := exec.Command(py, "-c", "import shlex,sys; print('\\0'.join(shlex.split(sys.argv[1])), end='')", in).Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(string(out), "\x00")
		got, err := Split(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Split(%q) = %q, %v; python: %q", in, got, err, want)
		}
	}
}

func FuzzShlexSplit(f *testing.F) {
	for _, tc := range shlexTable {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			if err != ErrNoClosingQuotation && err != ErrNoEscapedCharacter {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// Quoting the words and splitting again gives them back.
		again, err := Split(Join(words))
		if err != nil {
			t.Fatalf("Split(Join(%q)): %v", words, err)
		}
		if len(words) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(again, words) {
			t.Fatalf("round trip of %q: %q -> %q", s, words, again)
		}
	})
}

// TestSplitPythonRandom compares Split with python3's shlex.split on many
// random strings over the characters that matter to shlex, in one python run.
func TestSplitPythonRandom(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || os.Getenv("GOPLAY_NO_PYTHON") != "" {
		t.Skip("no python3")
	}
	const alphabet = "ab \t\n'\"\\#$é"
	rnd := uint64(12345)
	next := func() uint64 { rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17; return rnd }
	alpha := []rune(alphabet)
	var inputs []string
	for i := 0; i < 3000; i++ {
		n := int(next() % 12)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteRune(alpha[next()%uint64(len(alpha))])
		}
		inputs = append(inputs, b.String())
	}
	script := `
import shlex, sys, json
for s in json.load(sys.stdin):
    try:
        print(json.dumps({"w": shlex.split(s)}))
    except ValueError as e:
        print(json.dumps({"e": str(e)}))
`
	cmd := exec.Command(py, "-c", script)
	in, _ := json.Marshal(inputs)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(inputs) {
		t.Fatalf("python gave %d lines for %d inputs", len(lines), len(inputs))
	}
	for i, s := range inputs {
		var w struct {
			W []string `json:"w"`
			E string   `json:"e"`
		}
		json.Unmarshal([]byte(lines[i]), &w)
		got, err := Split(s)
		if w.E != "" {
			if err == nil || err.Error() != w.E {
				t.Errorf("Split(%q) = %q, %v; python error %q", s, got, err, w.E)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, w.W) {
			t.Errorf("Split(%q) = %q, %v; python %q", s, got, err, w.W)
		}
	}
}

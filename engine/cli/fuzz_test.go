package cli

import (
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/config"
)

// FuzzParseArgs: the parser never panics, and every outcome is either
// Options or an *Exit with a sensible code. The input is the argument
// vector joined with "\n".
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{
		"pb.yml", "-vvv\n-Ci\ninv\npb.yml", "--forks=abc\npb.yml", "--inv\nx", "-e\n@x\n-e\n{}", "--\n--",
		"-kK\n--ask-pass\n--become-pass-file=y", "--doc\nping", "-f\n-5", "-vé", "--=", "-=", "-C=\nx", "- x", "",
	} {
		f.Add(s)
	}
	p := testParser(f, 80)
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\n")
		o, err := p.Parse(args)
		if err != nil {
			x, ok := err.(*Exit)
			if !ok {
				t.Fatalf("error of type %T", err)
			}
			switch x.Code {
			case 0:
				if x.Stdout == "" {
					t.Fatal("empty stdout for exit 0")
				}
			case 2:
				if !strings.HasPrefix(x.Stderr, "usage: ansible-playbook") || !strings.Contains(x.Stderr, "\nansible-playbook: error: ") {
					t.Fatalf("bad stderr %q", x.Stderr)
				}
			default:
				t.Fatalf("code %d", x.Code)
			}
			return
		}
		if _, doc := o.Extra["doc"]; o.Forks < 1 || (len(o.Playbooks) == 0 && !doc) {
			t.Fatalf("bad options %+v", o)
		}
	})
}

// FuzzWrap: textwrap never panics or loses non-space text.
func FuzzWrap(f *testing.F) {
	f.Add("one-step-at-a-time: confirm each task before running", 20)
	f.Add("a --b -- c---d", 3)
	f.Fuzz(func(t *testing.T, s string, w int) {
		if w < 1 || w > 500 {
			return
		}
		lines := wrapText(s, w, "", "")
		// Python drops whole chunks that str.strip() empties (any
		// Unicode space), so compare the text without those characters.
		strip := func(x string) string {
			return strings.Map(func(r rune) rune {
				if config.IsPySpace(r) {
					return -1
				}
				return r
			}, x)
		}
		if got, want := strip(strings.Join(lines, "")), strip(s); got != want {
			t.Fatalf("lost text: %q -> %q", s, lines)
		}
	})
}

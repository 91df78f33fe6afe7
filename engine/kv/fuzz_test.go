package kv

import (
	"bufio"
	"encoding/json"
	"flag"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// While fuzzing (-fuzz), each fuzz worker starts one python3 running
// ansible's real split_args/parse_kv (testdata/gen_golden.py --serve) and
// compares every input with it. Without -fuzz (plain go test), only the
// seed corpus runs and only the self-consistency checks apply; the seeds are
// compared with python by TestFuzzCorpusLive.

type pyServer struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

var (
	pyOnce sync.Once
	py     *pyServer
)

func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

func pythonServer(t *testing.T) *pyServer {
	if !fuzzing() {
		return nil
	}
	pyOnce.Do(func() {
		for _, name := range []string{"/usr/bin/python3", "python3"} {
			p, err := exec.LookPath(name)
			if err != nil || exec.Command(p, "-c", "import ansible").Run() != nil {
				continue
			}
			cmd := exec.Command(p, "testdata/gen_golden.py", "--serve")
			in, err := cmd.StdinPipe()
			if err != nil {
				return
			}
			out, err := cmd.StdoutPipe()
			if err != nil {
				return
			}
			if cmd.Start() != nil {
				return
			}
			py = &pyServer{in: in, out: bufio.NewReaderSize(out, 1<<16)}
			return
		}
	})
	return py
}

func (p *pyServer) query(t *testing.T, s string) []goldenCase {
	p.mu.Lock()
	defer p.mu.Unlock()
	j, _ := json.Marshal(s)
	if _, err := p.in.Write(append(j, '\n')); err != nil {
		t.Fatalf("python server: %v", err)
	}
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("python server: %v", err)
	}
	var res []goldenCase
	if err := json.Unmarshal(line, &res); err != nil {
		t.Fatalf("python server answer %q: %v", line, err)
	}
	return res
}

// differential compares s with python, if a server is running and s is
// something python can receive unchanged.
func differential(t *testing.T, s string) {
	p := pythonServer(t)
	if p == nil || !utf8.ValidString(s) || len(s) > 4096 {
		return
	}
	for _, c := range p.query(t, s) {
		checkCase(t, c)
	}
}

func addSeeds(f *testing.F) {
	for _, s := range []string{
		"a=b c=d", `msg="a=b c=d"`, `a='x\=y' b="line1\nline2" c=x=y`, "k=  v", "=foo",
		"msg={{ item }} x={% if a %}b c{% endif %}", "a=b \\\nc=d", "a=\"b\nc\"", "  a", "\na",
		`x=\N{LATIN SMALL LETTER E WITH ACUTE}\x41\u00e9\U0001F600`, `x=\ud83d\ude00`, `x=\U00110000`,
		"echo \"two  spaces\" 'single q' a=b chdir=/tmp", "{# c #} {{ a }}", "é=ü\t", "a=\u3000b\u3000",
	} {
		f.Add(s)
	}
}

func FuzzSplitArgs(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		tokens, err := SplitArgs(s)
		if err != nil {
			if _, ok := err.(*SplitError); !ok && err != ErrIndex {
				t.Fatalf("unexpected error type %T", err)
			}
			differential(t, s)
			return
		}
		for _, tok := range tokens {
			if tok == "" {
				t.Fatalf("SplitArgs(%q) returned an empty token: %q", s, tokens)
			}
		}
		// Nothing but separators is lost: the non-space, non-newline,
		// non-backslash bytes are kept in order.
		keep := func(s string) string {
			b := make([]byte, 0, len(s))
			for i := 0; i < len(s); i++ {
				if c := s[i]; c != ' ' && c != '\n' && c != '\\' {
					b = append(b, c)
				}
			}
			return string(b)
		}
		if a, b := keep(strings.Join(tokens, "")), keep(s); a != b {
			t.Fatalf("SplitArgs(%q) = %q loses content", s, tokens)
		}
		differential(t, s)
	})
}

func FuzzParseKV(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, checkRaw := range []bool{false, true} {
			pairs, raw, hasRaw, err := ParseKV(s, checkRaw)
			_, splitErr := SplitArgs(s)
			if err != nil {
				switch err.(type) {
				case *SplitError, *ParseError:
					if splitErr == nil {
						t.Fatalf("ParseKV(%q) failed (%v) but SplitArgs did not", s, err)
					}
				case *DecodeError:
				default:
					t.Fatalf("unexpected error type %T", err)
				}
				continue
			}
			if splitErr != nil {
				t.Fatalf("ParseKV(%q) succeeded but SplitArgs failed: %v", s, splitErr)
			}
			if hasRaw != (raw != "") {
				t.Fatalf("hasRaw %v raw %q", hasRaw, raw)
			}
			seen := map[string]bool{}
			for _, p := range pairs {
				if seen[p.Key] {
					t.Fatalf("ParseKV(%q): duplicate key %q", s, p.Key)
				}
				seen[p.Key] = true
				if checkRaw && !rawKeys[p.Key] {
					// keys are stripped after the check, so only a
					// whitespace-padded allowed key can differ
					if !rawKeys[PyStrip(p.Key)] {
						t.Fatalf("ParseKV(%q, true): key %q should be raw", s, p.Key)
					}
				}
			}
		}
		differential(t, s)
	})
}

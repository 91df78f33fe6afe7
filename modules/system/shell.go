package system

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// shq quotes s for a POSIX shell.
func shq(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func nonce() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "__gp_" + hex.EncodeToString(b)
}

// batch builds one shell script that runs several commands on the target
// and reports each one's stdout, stderr and exit status, so that a module
// needs a single round trip for what Ansible's module does in many
// run_command calls.
type batch struct {
	n  string
	sb strings.Builder
}

func newBatch() *batch {
	b := &batch{n: nonce()}
	fmt.Fprintf(&b.sb, "__gp_t=$(mktemp -d 2>/dev/null || { d=/tmp/.gp$$; mkdir -m 700 \"$d\" && echo \"$d\"; })\n")
	b.sb.WriteString("trap 'rm -rf \"$__gp_t\"' EXIT\n")
	fmt.Fprintf(&b.sb, "__gp_run() { __gp_l=$1; shift; \"$@\" >\"$__gp_t/o\" 2>\"$__gp_t/e\"; __gp_rc=$?; printf '%%s %%s %%s\\n' %s \"$__gp_l\" \"$__gp_rc\"; cat \"$__gp_t/o\"; printf '\\n%s-e\\n'; cat \"$__gp_t/e\"; printf '\\n%s-end\\n'; return $__gp_rc; }\n", b.n, b.n, b.n)
	return b
}

// raw appends shell text.
func (b *batch) raw(s string) { b.sb.WriteString(s + "\n") }

// run appends a command whose result is reported under label. cmd is shell
// text (already quoted).
func (b *batch) run(label, cmd string) { b.sb.WriteString("__gp_run " + label + " " + cmd + "\n") }

// flag appends a shell test that reports label when it succeeds.
func (b *batch) flag(label, test string) {
	fmt.Fprintf(&b.sb, "if %s; then printf '%%s %%s 0\\n\\n%s-e\\n\\n%s-end\\n' %s %s; fi\n", test, b.n, b.n, b.n, label)
}

func (b *batch) String() string { return b.sb.String() }

// cmdResult is one command's outcome.
type cmdResult struct {
	Out, Err string
	RC       int
}

// parse splits the batch's output by label.
func (b *batch) parse(out []byte) map[string]cmdResult {
	res := map[string]cmdResult{}
	s := string(out)
	for {
		i := strings.Index(s, b.n+" ")
		if i < 0 {
			break
		}
		s = s[i+len(b.n)+1:]
		line, rest, _ := strings.Cut(s, "\n")
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		rc, _ := strconv.Atoi(f[1])
		o, rest, ok1 := strings.Cut(rest, "\n"+b.n+"-e\n")
		e, rest, ok2 := strings.Cut(rest, "\n"+b.n+"-end\n")
		if !ok1 || !ok2 {
			break
		}
		res[f[0]] = cmdResult{Out: o, Err: e, RC: rc}
		s = rest
	}
	return res
}

package local

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The in-process interpreter and its Go coreutils are checked against the
// real thing: each script runs with Exec (dash and GNU coreutils) and with
// ExecScript, and the outputs, exit status and resulting files must be the
// same, byte for byte.

const statFmt = `%f|%s|%u|%g|%U|%G|%h|%i|%d|%o|%b|%t|%T|%x|%y|%z`

// fixture makes the files the scripts work on.
func fixture(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	w := func(name, data string, mode os.FileMode) {
		must(os.WriteFile(filepath.Join(d, name), []byte(data), mode))
		must(os.Chmod(filepath.Join(d, name), mode))
	}
	w("f", "hello\n", 0o644)
	w("x", "#!/bin/sh\necho run \"$@\"\n", 0o755)
	w("noshebang", "echo plain script\n", 0o755)
	w("a b", "spaced", 0o600)
	w("ro", "read only", 0o444)
	w("empty", "", 0o640)
	w(".h", "hidden", 0o644)
	must(os.Mkdir(filepath.Join(d, "d"), 0o755))
	w("d/g", "in dir\n", 0o600)
	must(os.Mkdir(filepath.Join(d, "sg"), 0o755))
	must(os.Chmod(filepath.Join(d, "sg"), 0o2755))
	must(os.Symlink("f", filepath.Join(d, "l")))
	must(os.Symlink("nope", filepath.Join(d, "dl")))
	must(os.Symlink("d", filepath.Join(d, "ld")))
	return d
}

// tree describes the files under d (no times or inode numbers).
func tree(t *testing.T, d string) string {
	var b strings.Builder
	filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(&b, "ERR %v\n", err)
			return nil
		}
		rel, _ := filepath.Rel(d, p)
		var st syscall.Stat_t
		syscall.Lstat(p, &st)
		fmt.Fprintf(&b, "%s mode=%o uid=%d gid=%d nlink=%d", rel, st.Mode, st.Uid, st.Gid, st.Nlink)
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFLNK:
			l, _ := os.Readlink(p)
			fmt.Fprintf(&b, " -> %s", l)
		case syscall.S_IFREG:
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %q", data)
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

type result struct {
	out, err string
	rc       int
	e        error
}

func runBoth(t *testing.T, script, stdin string, sameDir bool) (want, got result, wantTree, gotTree string) {
	t.Helper()
	d1 := fixture(t)
	d2 := d1
	if !sameDir {
		d2 = fixture(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	in := func() *strings.Reader {
		if stdin == "" {
			return nil
		}
		return strings.NewReader(stdin)
	}
	var o, e []byte
	c1 := &Conn{Dir: d1}
	if r := in(); r != nil {
		o, e, want.rc, want.e = c1.Exec(ctx, script, r)
	} else {
		o, e, want.rc, want.e = c1.Exec(ctx, script, nil)
	}
	want.out, want.err = strings.ReplaceAll(string(o), d1, "@D"), strings.ReplaceAll(string(e), d1, "@D")
	if !sameDir {
		// (Reading the files changes their access times.)
		wantTree = tree(t, d1)
	}
	c2 := &Conn{Dir: d2}
	if r := in(); r != nil {
		o, e, got.rc, got.e = c2.ExecScript(ctx, script, r)
	} else {
		o, e, got.rc, got.e = c2.ExecScript(ctx, script, nil)
	}
	got.out, got.err = strings.ReplaceAll(string(o), d2, "@D"), strings.ReplaceAll(string(e), d2, "@D")
	gotTree = tree(t, d2)
	if sameDir {
		wantTree = gotTree
	}
	return
}

type scase struct {
	script string
	stdin  string
	// same runs both in one directory (read-only scripts whose output has
	// inode numbers and times); otherwise in two identical ones.
	same bool
	// sortOut compares stdout lines sorted (env listings).
	sortOut bool
	// shell marks scripts that must go to a real shell.
	shell bool
	// goUtils is how many commands Go coreutils must run (0: not checked,
	// -1: none).
	goUtils int
}

func checkCases(t *testing.T, cases []scase) {
	t.Helper()
	if !interpretable() {
		t.Skip("/bin/sh is not dash")
	}
	for _, c := range cases {
		_, ok := prepareScript(c.script)
		if ok == c.shell {
			var why string
			if r := rejectReason.Load(); r != nil && !ok {
				why = *r
			}
			t.Errorf("%q: in-process = %v, want %v (%s)", c.script, ok, !c.shell, why)
		}
		before := goUtilRuns.Load()
		want, got, wt, gt := runBoth(t, c.script, c.stdin, c.same)
		if wantN := max(c.goUtils, 0); c.goUtils != 0 && int(goUtilRuns.Load()-before) != wantN {
			t.Errorf("%q: %d commands ran as Go coreutils, want %d", c.script, goUtilRuns.Load()-before, wantN)
		}
		if c.sortOut {
			want.out, got.out = sortLines(want.out), sortLines(got.out)
		}
		if want != got {
			t.Errorf("%q:\nexec:   %q %q rc=%d err=%v\nscript: %q %q rc=%d err=%v", c.script,
				want.out, want.err, want.rc, want.e, got.out, got.err, got.rc, got.e)
		}
		if wt != gt {
			t.Errorf("%q: files differ:\nexec:\n%s\nscript:\n%s", c.script, wt, gt)
		}
	}
}

func sortLines(s string) string {
	l := strings.Split(s, "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

var statPaths = []string{"f", "x", "d", "d/g", "l", "dl", "ld", "'a b'", "nope", "sg", "ro", "empty", "''", "/", "/dev/null", "d/", "l/", "nope/x", "f/x"}

func TestCoreutilStat(t *testing.T) {
	var cases []scase
	for _, p := range statPaths {
		cases = append(cases,
			scase{script: fmt.Sprintf("stat -c '%s' -- %s; echo $?", statFmt, p), same: true},
			scase{script: fmt.Sprintf("stat -L -c '%s' -- %s; echo $?", statFmt, p), same: true},
		)
	}
	cases = append(cases,
		scase{script: "stat -c '%Q' f", same: true, goUtils: -1},
		scase{script: "stat -c '%s' f; stat -L -c '%U' l", same: true, goUtils: 2},
		scase{script: "stat -c '%n %a %A %F' f d l", same: true},
		scase{script: "stat f | head -n 2", same: true},
		scase{script: "stat -c '%U:%G %s' f d ro", same: true},
		scase{script: "stat --format='%s' f", same: true},
		scase{script: "stat -c", same: true},
		scase{script: "stat -c '%s'", same: true},
		scase{script: "stat -c '%s %' f", same: true},
		scase{script: "stat -c '%f|%t|%T' /dev/null /dev/zero", same: true},
		scase{script: fmt.Sprintf("F='%s'; x=$(stat -c \"$F\" -- f 2>/dev/null || echo '?'); echo \"$x\"", statFmt), same: true},
	)
	checkCases(t, cases)
}

func TestCoreutilIDNames(t *testing.T) {
	checkCases(t, []scase{
		{script: "id -u; id -g; echo $(id -u) $(id -g)", same: true, goUtils: 4},
		{script: "id -u -- root; id -g -- root; id -u root", same: true},
		{script: "id -u -- nosuchuser-gp; echo $?", same: true},
		{script: "id -u 0; echo $?", same: true},
		{script: "id -u -- daemon; id -g daemon", same: true},
		{script: "id; echo $?", same: true},
		{script: "id -un", same: true},
	})
}

func TestCoreutilDirnameBasename(t *testing.T) {
	var cases []scase
	for _, p := range []string{"''", "/", "//", "///", "////", "a", "a/", "a/b", "a/b/", "/a", "//a", "///a", "a//b", "//a//b//", ".", "..", "./a", "a/.", "/a/b/c", "'a b/c d'", "-x", "//a/b", "///a/b", "a///"} {
		cases = append(cases,
			scase{script: "dirname -- " + p + "; echo $?", same: true},
			scase{script: "basename -- " + p + "; echo $?", same: true},
		)
	}
	cases = append(cases,
		scase{script: "dirname a/b c/d /e", same: true, goUtils: 1},
		scase{script: "dirname; echo $?", same: true},
		scase{script: "basename; echo $?", same: true},
		scase{script: "basename a/b.c .c", same: true},
		scase{script: "basename -a a/b c/d", same: true},
		scase{script: "dirname -z a/b | od -c", same: true},
		scase{script: "__t=\"$(dirname -- \"d/g\")/.$(basename -- \"d/g\").tmp\"; echo \"$__t\"", same: true},
	)
	checkCases(t, cases)
}

func TestCoreutilReadlink(t *testing.T) {
	var cases []scase
	for _, p := range []string{"l", "dl", "ld", "f", "nope", "ld/g", "d/../f", "nope/x", "f/", "l/", "ld/", "''", "/", "d/./g"} {
		cases = append(cases,
			scase{script: "readlink -- " + p + "; echo $?", same: true},
			scase{script: "readlink -f -- " + p + "; echo $?", same: true},
		)
	}
	checkCases(t, cases)
}

func TestCoreutilFilters(t *testing.T) {
	checkCases(t, []scase{
		{script: "sha1sum < f; echo $?", same: true, goUtils: 1},
		{script: "readlink l; readlink -f ld/g; base64 -w0 < f; cat f; head -c 2", stdin: "abc", same: true, goUtils: 5},
		{script: "sha1sum < empty; sha1sum < d; echo $?", same: true},
		{script: "sha1sum < nope; echo $?", same: true},
		{script: "sha1sum f; sha1sum", stdin: "from stdin", same: true},
		{script: "__sm=$(sha1sum < 'a b' 2>/dev/null) && printf 'SUM %s\\n' \"${__sm%% *}\"", same: true},
		{script: "base64 -w0 < f; echo; base64 -w0 < empty; echo $?; base64 -w0 < d; echo $?", same: true},
		{script: "base64 -w0 < nope 2>/dev/null; echo \"[$?]\"", same: true},
		{script: "base64 f; base64 -w0", stdin: "stdin data", same: true},
		{script: "cat f 'a b' empty; cat < f; cat", stdin: "in", same: true},
		{script: "cat nope; echo $?; cat d; echo $?; cat f nope; echo $?", same: true},
		{script: "cat >/dev/null; echo done", stdin: strings.Repeat("x", 200000), same: true},
		{script: "head -c 3; echo; head -c 2; echo; cat", stdin: "abcdefgh", same: true},
		{script: "head -c 100; echo; head -c 1; echo $?", stdin: "short", same: true},
		{script: "head -c 0; head -c -1; echo $?; head -c 1k | wc -c", stdin: strings.Repeat("y", 3000), same: true},
		{script: "head -c 2 nope; echo $?", same: true},
		{script: "head -n1 f", same: true},
		{script: "x=$(head -c 4) && echo \"[$x]\"; cat", stdin: "1234rest", same: true},
		{script: "stat -c %s - < f; echo $?", same: true},
		{script: "cat | head -c 2; echo \" $?\"; head -c 100000 | head -c 1; echo \" $?\"", stdin: strings.Repeat("z", 300000), same: true},
	})
}

func TestCoreutilMutations(t *testing.T) {
	var cases []scase
	for _, s := range []string{
		"mkdir f; echo $?", "mkdir -- d; echo $?", "mkdir nope/x; echo $?",
		"mkdir -p a/b/c; echo $?", "mkdir -p f/x; echo $?", "mkdir -p d; echo $?", "mkdir -p ld/n; echo $?",
		"mkdir -m 700 m; echo $?", "mkdir a b; echo $?", "mkdir ''; echo $?", "mkdir -p ''; echo $?",
		"rm -f f; echo $?", "rm f; echo $?", "rm -f nope; echo $?", "rm nope; echo $?", "rm d; echo $?",
		"rm -rf d; echo $?", "rm -r ld; echo $?", "rm -f l dl; echo $?", "rm -f ro; echo $?", "rm ro; echo $?",
		"rm -rf .; echo $?", "rm -rf d/; echo $?", "rm -f -- 'a b' f; echo $?", "rm -f; echo $?", "rm; echo $?",
		"rm -i f </dev/null; echo $?", "rm -f sg nope; echo $?",
		"chmod 600 -- f; echo $?", "chmod 0755 f; echo $?", "chmod 755 sg; echo $?", "chmod 999 f; echo $?",
		"chmod --reference=x -- f; echo $?", "chmod 600 nope; echo $?", "chmod 600 l; echo $?",
		"chmod 600 dl; echo $?", "chmod u+x f; echo $?", "chmod 4755 x; echo $?", "chmod 600; echo $?",
		"chmod --reference=nope f; echo $?", "chmod 644 d; echo $?",
		"chown --reference=f -- x; echo $?", "chown 0:0 f; echo $?", "chown 12345 f; echo $?",
		"chown nosuch-gp f; echo $?", "chgrp 0 f; echo $?", "chown --reference=f -- nope; echo $?",
		"chown 1:2 l; echo $?", "chown :3 f; echo $?", "chgrp --reference=ro f; echo $?", "chown 0: f; echo $?",
		"mv -f -- f new; echo $?", "mv f d; echo $?", "mv -fT f d; echo $?", "mv nope y; echo $?",
		"mv f l; echo $?", "mv f f; echo $?", "mv l f; echo $?", "mv d ld; echo $?", "mv -fT -- 'a b' ro; echo $?",
		"mv f nope/x; echo $?", "mv dl new; echo $?", "mv d e; echo $?",
	} {
		cases = append(cases, scase{script: s})
	}
	cases = append(cases,
		scase{script: "mkdir new; rm -f f; chmod 600 -- x; chown --reference=d -- x; mv -f -- 'a b' new/c; rm -rf d; date +%Y >/dev/null", goUtils: 7},
		scase{script: "mkdir f; mv l f; chmod 755 sg; rm d; chmod u+x x", goUtils: -1},
		scase{script: "head -c 3 > out; echo $?; cat >> out", stdin: "data", goUtils: 2},
		scase{script: "echo data | head -c 3 > out; echo $?", shell: true},
	)
	checkCases(t, cases)
}

func TestShellSemantics(t *testing.T) {
	checkCases(t, []scase{
		{script: "__t=tmpf; __e=$( (umask 077 && head -c 5 > \"$__t\") 2>&1) || echo \"ERR $__e\"; echo $?", stdin: "0123456789"},
		{script: "__e=$( (umask 077 && head -c 5 > nope/x) 2>&1) || printf 'ERR write %s\\n' \"$__e\"", stdin: "0123456789"},
		{script: "__e=$( (head -c 5 > d) 2>&1) || printf 'ERR write %s\\n' \"$__e\"; cat", stdin: "0123456789"},
		{script: "cat < nope"},
		{script: "cat < nope 2>/dev/null; echo $?"},
		{script: "echo hi > d; echo $?"},
		{script: "f() {\n  echo x > nope/1\n}\n\n\nf\necho $?"},
		{script: "trap 'echo bye; rm -f f' EXIT\necho hi\nexit 3"},
		{script: "trap 'echo T' EXIT; (exit 1); x=$(exit 2); echo $?; (echo sub)"},
		{script: "trap 'echo T' EXIT; trap - EXIT; echo no trap"},
		{script: "printf '%o\\n' $(( 0666 & ~$(umask) )); umask; umask 077; umask; (umask 027; umask); umask"},
		{script: "umask 077; echo x > new; mkdir nd; ls -ld new nd | cut -c1-10"},
		{script: "(umask 0; echo x > w0); (umask 0 && head -c 2 > w1); stat -c %a w0 w1", stdin: "ab"},
		{script: "echo 'a\\tb\\nc'; echo -n x; echo 'a\\cb'; echo '\\0101'; echo '\\e[0m|\\q|\\\\'; echo -e x; echo"},
		{script: "printf '%s %s\\n' a; printf '%s\\n' a b c; printf '%5s|\\n' x; printf 'a\\\\b\\n'; printf '%b\\n' 'x\\ty'"},
		{script: "printf '%s:exec:%s\\n' tok 2 >&2; exit 0"},
		{script: "CDPATH=\ncd -P ld && pwd && echo $PWD $OLDPWD"},
		{script: "cd -P nope 2>/dev/null || echo fail $?; cd -P nope; echo $?; cd -P f; echo $?"},
		{script: "cd -P /; pwd; cd -P ld/../d; echo $?"},
		{script: "exec /usr/bin/env", sortOut: true},
		{script: "CDPATH=; GPY=2; cd -P d && exec /usr/bin/env", sortOut: true},
		{script: "export GPX=1; exec /usr/bin/env", sortOut: true, shell: true},
		{script: "exec nosuch-gp-cmd"},
		// A program the script execs is always the real one.
		{script: "exec stat -c '%s' f", same: true, goUtils: -1},
		{script: "exec head -c 2", stdin: "abc", goUtils: -1},
		{script: "exec ./x a 'b c'"},
		{script: "exec ./f"},
		{script: "exec ./noshebang"},
		{script: "exec ./d"},
		{script: "exec sh -c 'kill -9 $$'"},
		{script: "sh -c 'kill -9 $$'; echo $?"},
		{script: "x=$(sh -c 'kill -9 $$'); echo $?; sh -c 'kill -PIPE $$'; sh -c 'kill -USR1 $$'; echo $?"},
		{script: "exec sh -c 'exit 300'"},
		{script: "nosuch-gp-cmd; echo $?; ./f; echo $?; ./nope; echo $?"},
		{script: "echo $$ | grep -c ."},
		{script: "for f in *; do echo \"$f\"; done; IFS=; for f in d/* nomatch*; do echo $f; done"},
		{script: "f() { v=1; return 3; }; f; echo $? $v"},
		// Globbing before anything ran: Exec (see readDir).
		{script: "IFS=; for f in .* d/[!x]* *[b] ? [[:alpha:]]* 'l'* \\* nomatch[ .? d/.* ./.h*; do echo \"$f\"; done", same: true},
		{script: "IFS=; for f in ?h; do echo \"$f\"; done; echo a > new; for f in *; do echo \"$f\"; done"},
		{script: "__gp_c='d/*'; __gp_hit=; __gp_ifs=$IFS; IFS=; for __gp_f in $__gp_c; do if [ -e \"$__gp_f\" ] || [ -h \"$__gp_f\" ]; then __gp_hit=1; break; fi; done; IFS=$__gp_ifs; echo \"[$__gp_hit]\"", same: true},
		{script: "cat; echo $?"},
		{script: "x=$(echo a; exit 3; echo b); echo \"$x $?\""},
		{script: "__gp_x=sh\n__gp_s=0; __gp_e=2; __gp_ok=\n__gp_try() { if [ -e \"$1\" ]; then if [ -d \"$1\" ] || [ ! -x \"$1\" ]; then [ \"$__gp_s\" = 0 ] && __gp_s=13; else __gp_ok=1; fi; else __gp_e=2; fi; }\ncase $__gp_x in\n*/*) __gp_try \"$__gp_x\" ;;\n*) __gp_rest=${PATH-/bin:/usr/bin}:\n   while [ -n \"$__gp_rest\" ] && [ -z \"$__gp_ok\" ]; do __gp_p=${__gp_rest%%:*}; __gp_rest=${__gp_rest#*:}; if [ -n \"$__gp_p\" ]; then __gp_try \"$__gp_p/$__gp_x\"; else __gp_try \"$__gp_x\"; fi; done ;;\nesac\necho ok=$__gp_ok e=$__gp_e s=$__gp_s\nexec sh -c 'echo \"$0\" \"$@\"; cat' a 'b c'", stdin: "piped"},
		{script: "if [ -e f ] || [ -h f ]; then echo e; fi; [ -h dl ] && echo h; [ -e dl ] || echo ne; [ -d ld ] && echo d; [ -x x ] && echo x; [ -r ro ] && echo r; [ -f l ] && echo fl"},
		{script: "v=${nope-/bin:/usr/bin}:; echo ${v%%:*} ${v#*:} ${#v}; s='a b c'; echo ${s%% *}"},
		{script: "getent group root | cut -d: -f3; sed -n 's/^root:[^:]*:\\([0-9]*\\):.*/\\1/p' /etc/group | head -n1"},
		{script: "__bn=\"f.$$.$(date +%Y-%m-%d)~\"; echo \"$__bn\" | tr -d 0-9"},
		{script: "date +%Y-%m-%d; date -d @0 +%Y; date +%Q; echo $?"},
		{script: "echo a | tr a b | cat"},
		{script: "exit 1 | cat; echo $?"},
		{script: "{ echo out; echo err >&2; } 2>&1 >/dev/null | cat"},
		// Refused: features that differ from dash, or user programs.
		{script: "echo $0", shell: true},
		{script: "read x; echo $x", stdin: "line", shell: true},
		{script: "sleep 0 & wait", shell: true},
		{script: "set -e; false; echo no", shell: true},
		{script: "[[ -e f ]] && echo y", shell: true},
		{script: "cd d; pwd", shell: true},
		{script: "__vo=$(mktemp); (true) >\"$__vo\"; rm -f \"$__vo\"", shell: true},
		{script: "eval 'echo hi'", shell: true},
		{script: "echo $LINENO", shell: true},
		{script: "x=1 sh -c 'echo $x'", shell: true},
		{script: "cmd=echo; $cmd hi", shell: true},
		{script: "echo 2>/dev/null >nope/x", shell: true},
		{script: "exec 3>/dev/null", shell: true},
		{script: "echo \"unterminated", shell: true},
		{script: "local x=1", shell: true},
	})
}

// TestScriptStdinExact checks that steps sharing stdin each get exactly
// their bytes, with stdin much larger than a pipe buffer.
func TestScriptStdinExact(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 20000)
	checkCases(t, []scase{
		{script: "head -c 100000 > a1; head -c 5 > a2; cat > a3; wc -c a1 a2 a3", stdin: big},
		{script: "head -c 7 > a1; echo done", stdin: big},
	})
}

func TestScriptCancel(t *testing.T) {
	if !interpretable() {
		t.Skip("/bin/sh is not dash")
	}
	c := &Conn{Grace: 200 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, rc, err := c.ExecScript(ctx, "echo a; sleep 30; echo b", nil)
	if err != context.DeadlineExceeded || rc != -9 {
		t.Fatalf("rc %d err %v", rc, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	// A Go coreutil blocked on stdin ends too.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	r, w, _ := os.Pipe()
	defer w.Close()
	defer r.Close()
	_, _, _, err = c.ExecScript(ctx2, "head -c 10 >/dev/null", struct{ *os.File }{r})
	if err != context.DeadlineExceeded {
		t.Fatalf("err %v", err)
	}
}

func TestScriptFallsBack(t *testing.T) {
	// Another shell, or a script the interpreter refuses, runs with Exec.
	c := &Conn{Shell: "/bin/bash"}
	out, _, rc, err := c.ExecScript(context.Background(), "echo $BASH_VERSION | cut -c1", nil)
	if err != nil || rc != 0 || strings.TrimSpace(string(out)) == "" {
		t.Fatalf("%q %d %v", out, rc, err)
	}
	out, _, _, _ = New().ExecScript(context.Background(), "echo $0", nil)
	if string(out) != "/bin/sh\n" {
		t.Fatalf("%q", out)
	}
}

func TestScriptConcurrent(t *testing.T) {
	if !interpretable() {
		t.Skip("/bin/sh is not dash")
	}
	d := fixture(t)
	c := &Conn{Dir: d}
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func(i int) {
			f := fmt.Sprintf("c%d", i)
			script := fmt.Sprintf("__t=%s; __e=$( (umask 077 && head -c 4 > \"$__t\") 2>&1) || echo ERR; chmod 640 -- %s; stat -c '%%a %%s' %s; getent passwd root | cut -d: -f1; sha1sum < %s; mv -f -- %s %s.done", f, f, f, f, f, f)
			out, errb, rc, err := c.ExecScript(context.Background(), script, strings.NewReader("data-more"))
			done <- fmt.Sprintf("%q %q %d %v", out, errb, rc, err)
		}(i)
	}
	want := fmt.Sprintf("%q %q %d %v", "640 4\nroot\n"+"8d777f385d3dfec8815d20f7496026dc -\n", "", 0, nil)
	_ = want
	for i := 0; i < 8; i++ {
		got := <-done
		if !strings.HasPrefix(got, `"640 4\nroot\n`) || !strings.Contains(got, `  -\n" "" 0 <nil>`) {
			t.Errorf("got %s", got)
		}
	}
}

func TestScriptEnv(t *testing.T) {
	if !interpretable() {
		t.Skip("/bin/sh is not dash")
	}
	for _, env := range [][]string{
		{"HOME=/root", "PATH=/usr/bin:/bin", "GPV=1"},
		{"PATH=/usr/bin:/bin"},
		{"HOME=/root"},
		{"HOME=/root", "PATH=/usr/bin:/bin", "IFS=:"},
		{"HOME=/root", "PATH=/usr/bin:/bin", "PWD=/nonexistent", "OLDPWD=/tmp"},
	} {
		d := fixture(t)
		script := "echo \"[$HOME][$PATH][$IFS][$PWD]\"; exec /usr/bin/env"
		c := &Conn{Dir: d, Env: env}
		o1, e1, rc1, err1 := c.Exec(context.Background(), script, nil)
		o2, e2, rc2, err2 := c.ExecScript(context.Background(), script, nil)
		a, b := sortLines(string(o1)), sortLines(string(o2))
		if a != b || string(e1) != string(e2) || rc1 != rc2 || err1 != err2 {
			t.Errorf("env %q:\nexec:   %q %q %d %v\nscript: %q %q %d %v", env, a, e1, rc1, err1, b, e2, rc2, err2)
		}
	}
}

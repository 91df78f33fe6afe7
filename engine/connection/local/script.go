package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/goplay/goplay/modules"
)

// ExecScript runs one of goplay's own helper scripts (modules.ScriptConn)
// with the same results as Exec, without forking a shell when it can: the
// script is interpreted in-process (mvdan.cc/sh) in a dash-compatible way,
// and the coreutils it calls on their success path (stat, id, mkdir,
// dirname, head -c, chmod, mv, sha1sum ...) run as Go code that prints
// what GNU coreutils print. Whenever a Go version would fail, or meets an
// option it does not know, it runs the real program instead, so error texts
// stay GNU's. The program of a final `exec argv` (the command module's) is
// always the real one.
//
// Scripts using shell features whose behaviour could differ from dash's
// (/bin/sh on Debian) run with Exec, as do all scripts when /bin/sh is not
// dash or the connection uses another shell.
var _ modules.ScriptConn = (*Conn)(nil)

// ExecScript implements modules.ScriptConn.
func (c *Conn) ExecScript(ctx context.Context, script string, stdin io.Reader) (stdout, stderr []byte, rc int, err error) {
	if !c.canInterpret() {
		return c.Exec(ctx, script, stdin)
	}
	file, ok := prepareScript(script)
	if !ok {
		return c.Exec(ctx, script, stdin)
	}
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	if !envHas(env, "HOME") || !envHas(env, "PATH") || envHas(env, "IFS") {
		// The interpreter would make up a HOME; dash sets a PATH of its own
		// and exports it; it resets IFS but the interpreter would not
		// export it.
		return c.Exec(ctx, script, stdin)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, 0, err
	}
	dir, pwd, ok := c.startDir(env)
	if !ok {
		return c.Exec(ctx, script, stdin)
	}
	s := &scriptRun{conn: c, ctx: ctx, env: env, dir: dir, stdinSrc: stdin}
	out, errb, rc, err, fallback := s.run(file, pwd)
	if fallback {
		return c.Exec(ctx, script, stdin)
	}
	return out, errb, rc, err
}

// interpretable caches whether /bin/sh is dash.
var interpretable = sync.OnceValue(func() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	p, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		return false
	}
	return filepath.Base(p) == "dash"
})

// inProcess can be set false (tests, benchmarks) to make ExecScript use Exec.
var inProcess atomic.Bool

func init() { inProcess.Store(os.Getenv("GOPLAY_NO_INPROCESS_SH") == "") }

func (c *Conn) canInterpret() bool {
	return inProcess.Load() && (c.Shell == "" || c.Shell == "/bin/sh") && interpretable()
}

func envValue(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}

func envHas(env []string, name string) bool {
	for _, kv := range env {
		if k, _, ok := strings.Cut(kv, "="); ok && k == name {
			return true
		}
	}
	return false
}

// startDir returns the directory commands start in and the PWD dash would
// set there: the environment's PWD when it names that directory, else the
// physical path.
func (c *Conn) startDir(env []string) (dir, pwd string, ok bool) {
	dir = c.Dir
	if dir == "" {
		wd, err := syscall.Getwd()
		if err != nil {
			return "", "", false
		}
		dir = wd
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return "", "", false
	}
	if p := envValue(env, "PWD"); strings.HasPrefix(p, "/") {
		if pst, err := os.Stat(p); err == nil && os.SameFile(st, pst) {
			return dir, p, true
		}
	}
	phys, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", "", false
	}
	if !filepath.IsAbs(phys) {
		if phys, err = filepath.Abs(phys); err != nil {
			return "", "", false
		}
	}
	return dir, phys, true
}

// goUtilRuns counts the commands a Go coreutil ran (tests).
var goUtilRuns atomic.Int64

// rejectReason tells (tests) why the last refused script was refused.
var rejectReason atomic.Pointer[string]

// fakePID numbers $$ of interpreted scripts: above any real pid (Linux's
// pid_max is at most 2^22), so names built from it, such as backup files,
// never collide with another process's or another script's.
var fakePID atomic.Int64

func init() { fakePID.Store(1 << 22) }

// Markers put in front of redirection targets so that the open handler
// knows the line of the redirection, for dash's error message.
const redirMark = "\x01gpL"

// Names of the commands the call handler routes to our exec handler.
const (
	cmdReal  = "\x00gp-real"    // args: the real program and its arguments
	cmdExec  = "\x00gp-exec"    // the same for `exec argv`
	cmdEcho  = "\x00gp-echo"    // dash's echo
	cmdUmask = "\x00gp-umask"   // umask with no arguments
	cmdFail  = "\x00gp-fail"    // args: status, message
	umaskVar = "__gp_umask_set" // the subshell's umask, set by `umask MODE`
)

// allowedBuiltins are the builtins the interpreter runs as dash does for
// the way goplay's scripts use them.
var allowedBuiltins = map[string]bool{
	":": true, "true": true, "false": true, "exit": true, "return": true,
	"break": true, "continue": true, "unset": true, "cd": true, "trap": true,
	"umask": true, "exec": true, "printf": true, "echo": true, "[": true,
	"test": true, "shift": true, "pwd": true,
}

// specialBuiltins make a non-interactive dash exit on a redirection error.
var specialBuiltins = map[string]bool{
	":": true, "exit": true, "return": true, "break": true, "continue": true,
	"unset": true, "trap": true, "exec": true, "shift": true, "export": true,
}

// prepareScript parses script and checks that it only uses what the
// interpreter runs as dash would; it rewrites $$, `umask MODE` and
// redirection targets (see scriptRun). ok is false when the script must go
// to a real shell.
func prepareScript(script string) (f *syntax.File, ok bool) {
	defer func() {
		if recover() != nil {
			f, ok = nil, false
		}
	}()
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(script), "")
	if err != nil {
		return nil, false
	}
	ok = true
	pid := ""
	var cur syntax.Node
	bad := func() bool {
		if ok {
			r := fmt.Sprintf("%T at %v", cur, cur.Pos())
			rejectReason.Store(&r)
		}
		ok = false
		return false
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if !ok || n == nil {
			return false
		}
		cur = n
		switch n := n.(type) {
		case *syntax.File, *syntax.Comment, *syntax.Lit, *syntax.SglQuoted,
			*syntax.CmdSubst, *syntax.Subshell, *syntax.Block, *syntax.IfClause,
			*syntax.CaseClause, *syntax.CaseItem, *syntax.Assign, *syntax.ArithmExp,
			*syntax.BinaryArithm, *syntax.UnaryArithm, *syntax.ParenArithm:
			if q, isQ := n.(*syntax.SglQuoted); isQ && q.Dollar {
				return bad()
			}
			if a, isA := n.(*syntax.Assign); isA && (a.Append || a.Naked || a.Index != nil || a.Array != nil) {
				return bad()
			}
			if a, isA := n.(*syntax.ArithmExp); isA && (a.Bracket || a.Unsigned) {
				return bad()
			}
		case *syntax.WhileClause:
		case *syntax.ForClause:
			if n.Select {
				return bad()
			}
			if _, isW := n.Loop.(*syntax.WordIter); !isW {
				return bad()
			}
		case *syntax.WordIter:
		case *syntax.FuncDecl:
			if n.RsrvWord {
				return bad()
			}
		case *syntax.BinaryCmd:
			if n.Op == syntax.PipeAll {
				return bad()
			}
			if n.Op == syntax.Pipe && fallibleRedirs(n) {
				// Pipeline stages run concurrently: the open handler's
				// state would be shared.
				return bad()
			}
		case *syntax.Stmt:
			if n.Background || n.Coprocess || n.Disown {
				return bad()
			}
			if !vetRedirs(n) {
				return bad()
			}
		case *syntax.Redirect:
			// checked with their statement
		case *syntax.DeclClause:
			if n.Variant.Value != "export" {
				return bad()
			}
			for _, a := range n.Args {
				if a.Naked && a.Name == nil {
					return bad()
				}
			}
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				break
			}
			name := n.Args[0].Lit()
			if name == "" || name != "[" && strings.ContainsAny(name, "\\'\"$`*?[~") {
				return bad()
			}
			if len(n.Assigns) > 0 {
				return bad()
			}
			if interp.IsBuiltin(name) && !allowedBuiltins[name] {
				return bad()
			}
			switch name {
			case "mktemp":
				// Only scripts that run a user's validate command call
				// mktemp: user programs run with a real shell.
				return bad()
			case "cd":
				if len(n.Args) != 3 || n.Args[1].Lit() != "-P" {
					return bad()
				}
			case "exec":
				if len(n.Args) < 2 {
					return bad()
				}
			case "pwd":
				if len(n.Args) != 1 {
					return bad()
				}
			case "umask":
				switch len(n.Args) {
				case 1:
				case 2:
					m := n.Args[1].Lit()
					if _, err := strconv.ParseUint(m, 8, 32); err != nil || m == "" || len(m) > 4 {
						return bad()
					}
					// `umask MODE` sets a variable of the (sub)shell.
					n.Assigns = []*syntax.Assign{{
						Name:  &syntax.Lit{Value: umaskVar},
						Value: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: m}}},
					}}
					n.Args = nil
					return false
				default:
					return bad()
				}
			case "trap":
				// Only EXIT traps: the interpreter has no signals.
				last := n.Args[len(n.Args)-1].Lit()
				if last != "EXIT" && last != "0" {
					return bad()
				}
				if last == "0" {
					n.Args[len(n.Args)-1] = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "EXIT"}}}
				}
			}
		case *syntax.Word:
			n.Parts = rewritePID(n.Parts, &pid)
		case *syntax.DblQuoted:
			if n.Dollar {
				return bad()
			}
			n.Parts = rewritePID(n.Parts, &pid)
		case *syntax.ParamExp:
			if n.Excl || n.Length && n.Exp != nil || n.Width || n.Index != nil ||
				n.Slice != nil || n.Repl != nil || n.Names != 0 || n.NestedParam != nil || n.Modifiers != nil {
				return bad()
			}
			if n.Param == nil {
				return bad()
			}
			switch p := n.Param.Value; p {
			case "?", "#", "@", "*", "1", "2", "3", "4", "5", "6", "7", "8", "9":
			case "0", "!", "-", "_", "LINENO", "RANDOM", "SECONDS", "PPID", "UID", "EUID",
				"GID", "OPTIND", "OPTARG", "PS1", "PS2", "PS4", "HOSTNAME", "SHLVL", "HISTFILE":
				return bad()
			default:
				if strings.HasPrefix(p, "BASH") || !isName(p) {
					return bad()
				}
			}
			if n.Exp != nil {
				switch n.Exp.Op {
				case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset,
					syntax.AlternateUnsetOrNull, syntax.ErrorUnset, syntax.ErrorUnsetOrNull,
					syntax.AssignUnset, syntax.AssignUnsetOrNull, syntax.RemSmallSuffix,
					syntax.RemLargeSuffix, syntax.RemSmallPrefix, syntax.RemLargePrefix:
				default:
					return bad()
				}
			}
		default:
			// ProcSubst, ExtGlob, TestClause, ArithmCmd, LetClause,
			// TimeClause, CoprocClause, BraceExp, ... : not dash.
			return bad()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	return f, true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// rewritePID replaces $$ by a fake pid, one per script.
func rewritePID(parts []syntax.WordPart, pid *string) []syntax.WordPart {
	for i, p := range parts {
		pe, ok := p.(*syntax.ParamExp)
		if !ok || pe.Param == nil || pe.Param.Value != "$" {
			continue
		}
		if pe.Exp != nil || pe.Length || pe.Excl || pe.Index != nil || pe.Slice != nil || pe.Repl != nil {
			continue // left for the walk to refuse
		}
		if *pid == "" {
			*pid = strconv.FormatInt(fakePID.Add(1), 10)
		}
		parts[i] = &syntax.Lit{ValuePos: pe.Pos(), ValueEnd: pe.End(), Value: *pid}
	}
	return parts
}

// vetRedirs checks a statement's redirections and marks the file ones with
// their line (see scriptRun.open). dash reports a failed redirection on the
// stderr the statement started with, so an earlier redirection of fd 2 in
// the same statement is refused; a redirection that may fail must belong to
// a simple command that is not a special builtin (whose failure makes dash
// exit) and not in a pipeline. /dev/null cannot fail.
func vetRedirs(st *syntax.Stmt) bool {
	fd2Moved := false
	for _, r := range st.Redirs {
		fd := ""
		if r.N != nil {
			fd = r.N.Value
		}
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrIn:
			if fd != "" && fd != "0" && fd != "1" && fd != "2" {
				return false
			}
			if fd == "0" && r.Op != syntax.RdrIn || (fd == "1" || fd == "2") && r.Op == syntax.RdrIn {
				return false
			}
			if r.Word == nil || len(r.Word.Parts) == 0 {
				return false
			}
			if r.Word.Lit() == os.DevNull {
				if fd == "2" {
					fd2Moved = true
				}
				continue
			}
			if l, ok := r.Word.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(l.Value, "~") {
				return false
			}
			if fd2Moved {
				return false
			}
			ce, ok := st.Cmd.(*syntax.CallExpr)
			if !ok || len(ce.Args) == 0 || specialBuiltins[ce.Args[0].Lit()] {
				return false
			}
			mark := &syntax.Lit{Value: redirMark + strconv.Itoa(int(st.Pos().Line())) + "\x01"}
			r.Word.Parts = append([]syntax.WordPart{mark}, r.Word.Parts...)
			if fd == "2" {
				fd2Moved = true
			}
		case syntax.DplOut:
			w := r.Word.Lit()
			if w != "1" && w != "2" && w != "-" {
				return false
			}
			if fd != "" && fd != "1" && fd != "2" {
				return false
			}
			if fd == "2" {
				fd2Moved = true
			}
		case syntax.Hdoc, syntax.DashHdoc:
			if fd != "" && fd != "0" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// fallibleRedirs reports whether n has redirections other than /dev/null
// and descriptor duplications.
func fallibleRedirs(n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if r, ok := n.(*syntax.Redirect); ok {
			switch r.Op {
			case syntax.RdrOut, syntax.AppOut, syntax.RdrIn:
				if r.Word.Lit() != os.DevNull {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// scriptRun is one interpreted script.
type scriptRun struct {
	conn     *Conn
	ctx      context.Context
	env      []string
	dir      string
	stdinSrc io.Reader

	stdinR, stdinW *os.File
	feedOnce       sync.Once
	touched        atomic.Bool

	cancel context.CancelFunc

	mu      sync.Mutex
	aborted bool              // the run is left for Exec (readDir)
	hash    map[string]string // lookPath's findings
	execSig int               // signal that killed the program of a final exec
	// redirFailed is set when a redirection failed: the rest of the
	// statement's redirections are not made, and its command is replaced
	// by an exit status 2, as in dash.
	redirFailed bool
}

// procUmask is the process's umask, read without changing it.
var procUmask = sync.OnceValue(func() uint32 {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(n)
				}
			}
		}
	}
	return 0o22
})

// feed starts copying the caller's stdin into the script's stdin pipe. It
// runs when the first command that may read it starts, so that a script
// that fails before that can still go to Exec.
// It reports false once the run is being abandoned for Exec (readDir).
func (s *scriptRun) feed() bool {
	s.mu.Lock()
	if s.aborted {
		s.mu.Unlock()
		return false
	}
	s.touched.Store(true)
	s.mu.Unlock()
	s.feedOnce.Do(func() {
		if s.stdinW == nil {
			return
		}
		w := s.stdinW
		src := s.stdinSrc
		go func() {
			io.Copy(w, src)
			w.Close()
		}()
	})
	return true
}

// readDir lists a directory for pathname expansion. The interpreter's
// globbing differs from dash's on names starting with a dot ("?" and
// "[...]" match them; dash matches "." and ".." with ".*"), so a script
// that globs before it has done anything is run with Exec instead (the
// command module's creates/removes); later, the listing gets "." and "..",
// which is closest.
func (s *scriptRun) readDir(ctx context.Context, path string) ([]fs.DirEntry, error) {
	s.mu.Lock()
	if !s.touched.Load() {
		s.aborted = true
		s.mu.Unlock()
		s.cancel()
		return nil, errAborted
	}
	s.mu.Unlock()
	return readDirDots(ctx, path)
}

var errAborted = errors.New("local: script left for Exec")

func (s *scriptRun) run(file *syntax.File, pwd string) (stdout, stderr []byte, rc int, err error, fallback bool) {
	var outBuf, errBuf bytes.Buffer
	if s.stdinSrc != nil {
		// As exec.Cmd does for a reader: a pipe fed by a goroutine (which
		// a cancellation can close under a Go coreutil reading it).
		r, w, perr := os.Pipe()
		if perr != nil {
			return nil, nil, 0, nil, true
		}
		s.stdinR, s.stdinW = r, w
		defer func() {
			r.Close()
			started := true
			s.feedOnce.Do(func() { started = false })
			if !started {
				w.Close()
			}
		}()
	} else {
		null, nerr := os.Open(os.DevNull)
		if nerr != nil {
			return nil, nil, 0, nil, true
		}
		s.stdinR = null
		defer null.Close()
	}

	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	s.cancel = cancel
	// Closing stdin unblocks a Go coreutil reading it when the context ends.
	stop := context.AfterFunc(ctx, func() {
		if s.stdinW != nil {
			s.stdinR.Close()
		}
	})
	defer stop()

	runner, nerr := interp.New(
		interp.Env(expand.ListEnviron(s.env...)),
		interp.Dir(pwd),
		// Pipeline stages write concurrently, as processes do.
		interp.StdIO(s.stdinR, &lockedWriter{w: &outBuf}, &lockedWriter{w: &errBuf}),
		interp.CallHandler(s.call),
		interp.ExecHandlers(func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc { return s.exec }),
		interp.OpenHandler(s.open),
		interp.ReadDirHandler2(s.readDir),
	)
	if nerr != nil {
		return nil, nil, 0, nil, true
	}
	var runErr error
	panicked := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = true
				runErr = fmt.Errorf("local: in-process shell: %v", p)
			}
		}()
		runErr = runner.Run(ctx, file)
	}()
	s.mu.Lock()
	aborted := s.aborted
	s.mu.Unlock()
	if aborted && s.ctx.Err() == nil {
		return nil, nil, 0, nil, true
	}
	if panicked {
		if !s.touched.Load() && s.ctx.Err() == nil {
			return nil, nil, 0, nil, true
		}
		return outBuf.Bytes(), errBuf.Bytes(), 0, runErr, false
	}
	if err := s.ctx.Err(); err != nil {
		return outBuf.Bytes(), errBuf.Bytes(), -int(syscall.SIGKILL), err, false
	}
	rc = 0
	if runErr != nil {
		var es interp.ExitStatus
		if !errors.As(runErr, &es) {
			if !s.touched.Load() {
				return nil, nil, 0, nil, true
			}
			return outBuf.Bytes(), errBuf.Bytes(), 0, runErr, false
		}
		rc = int(es)
	}
	s.mu.Lock()
	if s.execSig != 0 && runner.Exited() {
		rc = -s.execSig
	}
	s.mu.Unlock()
	return outBuf.Bytes(), errBuf.Bytes(), rc, nil, false
}

// readDirDots lists a directory for globbing with "." and "..", which
// dash's glob matches (".*").
func readDirDots(ctx context.Context, path string) ([]fs.DirEntry, error) {
	es, err := os.ReadDir(path)
	if err != nil {
		return es, err
	}
	return append([]fs.DirEntry{dotEntry{path, "."}, dotEntry{path, ".."}}, es...), nil
}

type dotEntry struct{ dir, name string }

func (d dotEntry) Name() string               { return d.name }
func (d dotEntry) IsDir() bool                { return true }
func (d dotEntry) Type() fs.FileMode          { return fs.ModeDir }
func (d dotEntry) Info() (fs.FileInfo, error) { return os.Lstat(d.dir + "/" + d.name) }

// lockedWriter serializes writes.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// call adapts builtins to dash: echo, umask, cd -P, and exec of a program.
func (s *scriptRun) call(ctx context.Context, args []string) ([]string, error) {
	s.mu.Lock()
	failed := s.redirFailed
	s.redirFailed = false
	s.mu.Unlock()
	if failed {
		return []string{cmdFail, "2", ""}, nil
	}
	switch args[0] {
	case "echo":
		return append([]string{cmdEcho}, args[1:]...), nil
	case "umask":
		if len(args) == 1 {
			return []string{cmdUmask}, nil
		}
	case "exec":
		if len(args) > 1 {
			return append([]string{"exec", cmdExec}, args[1:]...), nil
		}
	case "printf":
		if len(args) < 2 || !simplePrintf(args[1]) {
			return append([]string{cmdReal}, args...), nil
		}
	case "cd":
		if len(args) == 3 && args[1] == "-P" {
			hc := interp.HandlerCtx(ctx)
			if p, ok := physicalDir(hc.Dir, args[2]); ok {
				return []string{"cd", p}, nil
			}
			return []string{cmdFail, "2", fmt.Sprintf("/bin/sh: %d: cd: can't cd to %s\n", hc.Pos.Line(), args[2])}, nil
		}
	}
	return args, nil
}

// simplePrintf reports formats whose printing the interpreter's printf
// shares with dash's: %s, %d, %o, %% and the common backslash escapes.
func simplePrintf(f string) bool {
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '%':
			if i+1 >= len(f) || !strings.ContainsRune("sdo%", rune(f[i+1])) {
				return false
			}
			i++
		case '\\':
			if i+1 >= len(f) || !strings.ContainsRune("nt\\", rune(f[i+1])) {
				return false
			}
			i++
		}
	}
	return true
}

// physicalDir resolves dir as `cd -P` does, relative to the logical cwd.
func physicalDir(cwd, dir string) (string, bool) {
	p := dir
	if !strings.HasPrefix(dir, "/") {
		base, err := filepath.EvalSymlinks(cwd)
		if err != nil {
			return "", false
		}
		p = base + "/" + dir
	}
	r, err := filepath.EvalSymlinks(p)
	if err != nil || !filepath.IsAbs(r) {
		return "", false
	}
	st, err := os.Stat(r)
	if err != nil || !st.IsDir() || syscall.Access(r, 1) != nil {
		return "", false
	}
	return r, true
}

// open is the redirection handler: dash's file modes and error messages.
// The target of a redirection that may fail starts with a marker giving the
// statement's line (prepareScript). dash prints a failure on the stderr the
// statement started with (the one in effect: prepareScript refuses earlier
// moves of fd 2), skips the statement's other redirections and its command,
// and sets the status 2: a failure opens /dev/null instead and leaves the
// rest to the call handler.
func (s *scriptRun) open(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	line := ""
	if rest, ok := strings.CutPrefix(path, redirMark); ok {
		if j := strings.IndexByte(rest, 1); j >= 0 {
			line, path = rest[:j], rest[j+1:]
		}
	}
	if path == os.DevNull {
		return os.OpenFile(path, flag, 0)
	}
	if !s.feed() {
		return os.OpenFile(os.DevNull, flag&^(os.O_CREATE|os.O_TRUNC|os.O_APPEND), 0)
	}
	s.mu.Lock()
	failed := s.redirFailed
	s.mu.Unlock()
	if failed {
		return os.OpenFile(os.DevNull, flag&^(os.O_CREATE|os.O_TRUNC|os.O_APPEND), 0)
	}
	full := path
	if full != "" && !strings.HasPrefix(full, "/") {
		full = hc.Dir + "/" + full
	}
	creating := flag&os.O_CREATE != 0
	um := s.umask(hc)
	mode := os.FileMode(0o666 &^ um)
	var existed bool
	if creating {
		_, lerr := os.Lstat(full)
		existed = lerr == nil
	}
	f, err := os.OpenFile(full, flag, mode)
	if err != nil {
		var errno syscall.Errno
		errors.As(err, &errno)
		what, msg := "open", ""
		if creating {
			what = "create"
		}
		switch {
		case errno == syscall.ENOENT || errno == syscall.ENOTDIR:
			if creating {
				msg = "Directory nonexistent"
			} else {
				msg = "No such file"
			}
		default:
			msg = strerror(errno)
		}
		fmt.Fprintf(hc.Stderr, "/bin/sh: %s: cannot %s %s: %s\n", line, what, path, msg)
		s.mu.Lock()
		s.redirFailed = true
		s.mu.Unlock()
		return os.OpenFile(os.DevNull, flag&^(os.O_CREATE|os.O_TRUNC|os.O_APPEND), 0)
	}
	if creating && !existed && um != procUmask() {
		f.Chmod(mode)
	}
	return f, nil
}

// umask is the script's current umask.
func (s *scriptRun) umask(hc interp.HandlerContext) uint32 {
	if v := hc.Env.Get(umaskVar); v.IsSet() {
		if n, err := strconv.ParseUint(v.String(), 8, 32); err == nil {
			return uint32(n)
		}
	}
	return procUmask()
}

// exec runs a simple command that is not a builtin or function.
func (s *scriptRun) exec(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if !s.feed() {
		return interp.ExitStatus(1)
	}
	switch args[0] {
	case cmdEcho:
		dashEcho(hc.Stdout, args[1:])
		return nil
	case cmdUmask:
		fmt.Fprintf(hc.Stdout, "%04o\n", s.umask(hc))
		return nil
	case cmdFail:
		io.WriteString(hc.Stderr, args[2])
		n, _ := strconv.Atoi(args[1])
		return interp.ExitStatus(n)
	case cmdReal:
		return s.real(ctx, hc, args[1:], false)
	case cmdExec:
		return s.real(ctx, hc, args[1:], true)
	}
	name := args[0]
	if util, ok := coreutils[name]; ok && !strings.Contains(name, "/") {
		if path, _ := s.lookPath(hc, name); path != "" && isGNUCoreutil(path) {
			u := &utilCtx{hc: hc, dir: hc.Dir, umask: s.umask(hc), stdin: hcStdin(hc)}
			if handled, st := runUtil(util, u, args[1:]); handled {
				goUtilRuns.Add(1)
				if st != 0 {
					return interp.ExitStatus(uint8(st))
				}
				return nil
			}
		}
	}
	return s.real(ctx, hc, args, false)
}

func hcStdin(hc interp.HandlerContext) *os.File {
	f, _ := hc.Stdin.(*os.File)
	return f
}

// runUtil runs a Go coreutil, turning a panic into "not handled".
func runUtil(util coreutil, u *utilCtx, args []string) (handled bool, st int) {
	defer func() {
		if recover() != nil && !u.committed {
			handled, st = false, 0
		}
	}()
	return util(u, args)
}

// lookPath finds name in the script's PATH as dash does: the first
// candidate that exists, executable; eacces tells whether a candidate
// existed that could not be run. Like dash's hash table, it remembers what
// it found during the script.
func (s *scriptRun) lookPath(hc interp.HandlerContext, name string) (path string, eacces bool) {
	pathVar := "/bin:/usr/bin"
	if v := hc.Env.Get("PATH"); v.IsSet() {
		pathVar = v.String()
	}
	key := pathVar + "\x00" + name
	s.mu.Lock()
	hit, ok := s.hash[key]
	s.mu.Unlock()
	if ok {
		if _, err := os.Stat(hit); err == nil {
			return hit, false
		}
	}
	path, eacces = lookPathIn(pathVar, hc.Dir, name)
	if path != "" && absPath(pathVar) {
		s.mu.Lock()
		if s.hash == nil {
			s.hash = map[string]string{}
		}
		s.hash[key] = path
		s.mu.Unlock()
	}
	return path, eacces
}

// absPath reports whether every entry of PATH is absolute (else what is
// found depends on the directory).
func absPath(pathVar string) bool {
	for _, d := range strings.Split(pathVar, ":") {
		if !strings.HasPrefix(d, "/") {
			return false
		}
	}
	return true
}

func lookPathIn(pathVar, dir, name string) (path string, eacces bool) {
	for _, d := range strings.Split(pathVar, ":") {
		var cand string
		if d == "" {
			cand = name
		} else {
			cand = d + "/" + name
		}
		full := cand
		if !strings.HasPrefix(full, "/") {
			full = dir + "/" + full
		}
		st, err := os.Stat(full)
		if err != nil {
			continue
		}
		if !st.Mode().IsRegular() || syscall.Access(full, 1) != nil {
			eacces = true
			continue
		}
		return full, eacces
	}
	return "", eacces
}

// real runs a program as dash would: found in PATH, with the exported
// variables, in the script's directory.
func (s *scriptRun) real(ctx context.Context, hc interp.HandlerContext, args []string, final bool) error {
	name := args[0]
	line := hc.Pos.Line()
	prefix := ""
	if final {
		prefix = "exec: "
	}
	var path string
	if strings.Contains(name, "/") {
		path = name
		if !strings.HasPrefix(path, "/") {
			path = hc.Dir + "/" + path
		}
		st, err := os.Stat(path)
		switch {
		case err != nil:
			var errno syscall.Errno
			if errors.As(err, &errno) && errno != syscall.ENOENT && errno != syscall.ENOTDIR {
				fmt.Fprintf(hc.Stderr, "/bin/sh: %d: %s%s: %s\n", line, prefix, name, strerror(errno))
				return interp.ExitStatus(126)
			}
			fmt.Fprintf(hc.Stderr, "/bin/sh: %d: %s%s: not found\n", line, prefix, name)
			return interp.ExitStatus(127)
		case !st.Mode().IsRegular() || syscall.Access(path, 1) != nil:
			fmt.Fprintf(hc.Stderr, "/bin/sh: %d: %s%s: Permission denied\n", line, prefix, name)
			return interp.ExitStatus(126)
		}
	} else {
		var eacces bool
		path, eacces = s.lookPath(hc, name)
		if path == "" {
			if eacces {
				fmt.Fprintf(hc.Stderr, "/bin/sh: %d: %s%s: Permission denied\n", line, prefix, name)
				return interp.ExitStatus(126)
			}
			fmt.Fprintf(hc.Stderr, "/bin/sh: %d: %s%s: not found\n", line, prefix, name)
			return interp.ExitStatus(127)
		}
	}
	argv := args
	if um := s.umask(hc); um != procUmask() {
		// The child needs the subshell's umask: let a real shell set it.
		argv = append([]string{"/bin/sh", "-c", fmt.Sprintf(`umask %04o; exec "$0" "$@"`, um), path}, args[1:]...)
		path = "/bin/sh"
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Env: childEnv(hc), Dir: hc.Dir}
	cmd.Stdin = hc.Stdin
	if hc.Stdin == nil {
		cmd.Stdin = nil
	}
	rc, err := s.conn.runCmd(ctx, cmd, hc.Stdout, hc.Stderr)
	if err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) && errno == syscall.ENOEXEC {
			// A script without #!: dash runs it with itself.
			cmd = &exec.Cmd{Path: "/bin/sh", Args: append([]string{name, path}, args[1:]...), Env: cmd.Env, Dir: hc.Dir, Stdin: cmd.Stdin}
			cmd.Path = "/bin/sh"
			cmd.Args[0] = "/bin/sh"
			rc, err = s.conn.runCmd(ctx, cmd, hc.Stdout, hc.Stderr)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var errno syscall.Errno
			if errors.As(err, &errno) {
				fmt.Fprintf(hc.Stderr, "/bin/sh: %d: %s%s: %s\n", line, prefix, name, strerror(errno))
				return interp.ExitStatus(126)
			}
			return err
		}
	}
	if rc < 0 {
		if sig := syscall.Signal(-rc); !final && sig != syscall.SIGINT && sig != syscall.SIGPIPE {
			// dash reports a foreground command killed by a signal.
			m := sig.String()
			fmt.Fprintf(hc.Stderr, "%s%s\n", strings.ToUpper(m[:1]), m[1:])
		}
		if final {
			s.mu.Lock()
			s.execSig = -rc
			s.mu.Unlock()
		}
		rc = 128 - rc
	}
	if rc != 0 {
		return interp.ExitStatus(uint8(rc))
	}
	return nil
}

// childEnv is the environment dash gives a program: the exported
// variables, and PWD (and OLDPWD after cd), which dash always exports.
func childEnv(hc interp.HandlerContext) []string {
	var env []string
	hc.Env.Each(func(name string, vr expand.Variable) bool {
		if !vr.IsSet() || vr.Kind != expand.String {
			return true
		}
		if vr.Exported || name == "PWD" || name == "OLDPWD" {
			env = append(env, name+"="+vr.Str)
		}
		return true
	})
	return env
}

// dashEcho is dash's echo: -n as first argument, backslash escapes always.
func dashEcho(w io.Writer, args []string) {
	var b []byte
	nl := true
	if len(args) > 0 && args[0] == "-n" {
		nl = false
		args = args[1:]
	}
out:
	for i, a := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		for j := 0; j < len(a); j++ {
			c := a[j]
			if c != '\\' || j+1 >= len(a) {
				b = append(b, c)
				continue
			}
			j++
			switch a[j] {
			case 'a':
				b = append(b, '\a')
			case 'b':
				b = append(b, '\b')
			case 'c':
				nl = false
				break out
			case 'e':
				b = append(b, 033)
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'v':
				b = append(b, '\v')
			case '\\':
				b = append(b, '\\')
			case '0':
				v := 0
				k := 0
				for k < 3 && j+1 < len(a) && a[j+1] >= '0' && a[j+1] <= '7' {
					j++
					v = v*8 + int(a[j]-'0')
					k++
				}
				b = append(b, byte(v))
			default:
				b = append(b, '\\', a[j])
			}
		}
	}
	if nl {
		b = append(b, '\n')
	}
	w.Write(b)
}

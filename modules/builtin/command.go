package builtin

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "command",
		Aliases:   []string{"ansible.builtin.command"},
		New:       func() modules.Module { return new(Command) },
		CheckMode: true,
		FreeForm:  true,
		Short:     "Execute commands on targets",
	})
}

// Command runs a program on the target without a shell, as
// ansible.builtin.command does. Its free-form text is split with shlex rules.
type Command struct {
	RawParams       string   `arg:"_raw_params" aliases:"cmd" doc:"The command to run, split like a shell would (shlex.split)."`
	UsesShell       bool     `arg:"_uses_shell" default:"false" doc:"Run the text with a shell (what the shell module sets)."`
	Argv            []string `arg:"argv" doc:"The command as a list; use instead of the free-form text."`
	Chdir           string   `arg:"chdir" doc:"Change into this directory before running the command."`
	Executable      string   `arg:"executable" doc:"The shell to use (shell module only)."`
	Creates         *string  `arg:"creates" doc:"A glob; when it matches, the command is not run."`
	Removes         *string  `arg:"removes" doc:"A glob; when it does not match, the command is not run."`
	Stdin           *string  `arg:"stdin" doc:"Data to feed to the command's standard input."`
	StdinAddNewline bool     `arg:"stdin_add_newline" default:"true" doc:"Append a newline to stdin data."`
	StripEmptyEnds  bool     `arg:"strip_empty_ends" default:"true" doc:"Strip trailing newlines from stdout and stderr."`
}

// Run runs the command.
func (c *Command) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	return runCommand(ctx, req, c, false)
}

var _ modules.Module = (*Command)(nil)

// runCommand is ansible.modules.command.main, shared by command and shell.
func runCommand(ctx context.Context, req *modules.Request, c *Command, shell bool) (*modules.Result, error) {
	shell = shell || c.UsesShell
	r := map[string]any{
		"stdout": "", "stderr": "", "rc": nil, "cmd": nil,
		"start": nil, "end": nil, "delta": nil, "msg": "",
	}
	fail := func(msg string) (*modules.Result, error) {
		r["msg"] = msg
		addLines(r)
		return &modules.Result{Failed: true, Data: r}, nil
	}
	executable := c.Executable
	if !shell && executable != "" {
		req.Warn(fmt.Sprintf("As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '%s'.", executable))
		executable = ""
	}
	args := c.RawParams
	if strings.TrimSpace(args) == "" && len(c.Argv) == 0 {
		r["rc"] = 256
		return fail("no command given")
	}
	if args != "" && len(c.Argv) > 0 {
		r["rc"] = 256
		return fail("only command or argv can be given, not both")
	}

	// argv is what Python would hand to subprocess.
	var argv []string
	switch {
	case shell && args != "":
		r["cmd"] = args
		if executable != "" {
			argv = []string{executable, "-c", args}
		} else {
			argv = []string{"/bin/sh", "-c", args}
		}
	case args != "":
		words, err := Split(args)
		if err != nil {
			return moduleFailure("ansible.modules.command", "ValueError: "+err.Error()), nil
		}
		argv = words
		r["cmd"] = listOf(words)
	default:
		argv = c.Argv
		r["cmd"] = listOf(c.Argv)
		if shell {
			// run_command joins the quoted words for the shell.
			sh := "/bin/sh"
			if executable != "" {
				sh = executable
			}
			argv = []string{sh, "-c", Join(c.Argv)}
		}
	}
	if len(argv) == 0 {
		// shlex gave no words: Python's subprocess raises IndexError.
		return moduleFailure("ansible.modules.command", "IndexError: list index out of range"), nil
	}

	shoulda := "Did"
	if req.Check {
		shoulda = "Would"
	}

	n := nonce()
	var sc strings.Builder
	sc.WriteString("CDPATH=\n")
	if c.Chdir != "" {
		sc.WriteString(pathAssign("__gp_d", c.Chdir) + "\n")
		fmt.Fprintf(&sc, `if ! cd -P "$__gp_d" 2>/dev/null; then if [ ! -e "$__gp_d" ]; then __gp_e=2; elif [ ! -d "$__gp_d" ]; then __gp_e=20; else __gp_e=13; fi; printf '%%s:chdir:%%s:%%s\n' %s "$__gp_e" "$__gp_d" >&2; exit 0; fi`+"\n", n)
	}
	globHit := func(v string) {
		fmt.Fprintf(&sc, `__gp_hit=; __gp_ifs=$IFS; IFS=; for __gp_f in $%s; do if [ -e "$__gp_f" ] || [ -h "$__gp_f" ]; then __gp_hit=1; break; fi; done; IFS=$__gp_ifs`+"\n", v)
	}
	if c.Creates != nil && *c.Creates != "" {
		sc.WriteString(pathAssign("__gp_c", *c.Creates) + "\n")
		globHit("__gp_c")
		fmt.Fprintf(&sc, `if [ -n "$__gp_hit" ]; then printf '%%s:creates:%%s\n' %s "$__gp_c" >&2; exit 0; fi`+"\n", n)
	}
	if c.Removes != nil && *c.Removes != "" {
		sc.WriteString(pathAssign("__gp_r", *c.Removes) + "\n")
		globHit("__gp_r")
		fmt.Fprintf(&sc, `if [ -z "$__gp_hit" ]; then printf '%%s:removes:%%s\n' %s "$__gp_r" >&2; exit 0; fi`+"\n", n)
	}
	if req.Check {
		fmt.Fprintf(&sc, "printf '%%s:check\\n' %s >&2; exit 0\n", n)
	} else {
		// Find the program as Python's subprocess would (execvpe), so a
		// missing or non-executable one gives Python's OSError.
		fmt.Fprintf(&sc, "__gp_x=%s\n", shWord(argv[0]))
		sc.WriteString(`__gp_s=0; __gp_e=2; __gp_ok=
__gp_try() { if [ -e "$1" ]; then if [ -d "$1" ] || [ ! -x "$1" ]; then [ "$__gp_s" = 0 ] && __gp_s=13; else __gp_ok=1; fi; else __gp_e=2; fi; }
case $__gp_x in
*/*) __gp_try "$__gp_x" ;;
*) __gp_rest=${PATH-/bin:/usr/bin}:
   while [ -n "$__gp_rest" ] && [ -z "$__gp_ok" ]; do __gp_p=${__gp_rest%%:*}; __gp_rest=${__gp_rest#*:}; if [ -n "$__gp_p" ]; then __gp_try "$__gp_p/$__gp_x"; else __gp_try "$__gp_x"; fi; done ;;
esac
`)
		fmt.Fprintf(&sc, `if [ -z "$__gp_ok" ]; then [ "$__gp_s" = 0 ] || __gp_e=$__gp_s; printf '%%s:exec:%%s\n' %s "$__gp_e" >&2; exit 0; fi`+"\n", n)
		sc.WriteString("exec")
		for _, w := range argv {
			sc.WriteString(" " + shWord(w))
		}
		sc.WriteString("\n")
	}

	var stdin *strings.Reader
	if c.Stdin != nil && *c.Stdin != "" && !req.Check {
		data := *c.Stdin
		if c.StdinAddNewline {
			data += "\n"
		}
		stdin = strings.NewReader(data)
	}

	start := time.Now()
	var stdout, stderr []byte
	var rc int
	var err error
	if stdin != nil {
		stdout, stderr, rc, err = modules.RunScript(ctx, req.Conn, sc.String(), stdin)
	} else {
		stdout, stderr, rc, err = modules.RunScript(ctx, req.Conn, sc.String(), nil)
	}
	end := time.Now()
	if err != nil {
		return nil, err
	}

	if i := bytes.LastIndex(stderr, []byte(n+":")); i >= 0 && rc == 0 {
		status := strings.TrimSuffix(string(stderr[i+len(n)+1:]), "\n")
		kind, rest, _ := strings.Cut(status, ":")
		switch kind {
		case "chdir":
			errno, path, _ := strings.Cut(rest, ":")
			e, _ := strconv.Atoi(errno)
			return fail(fmt.Sprintf("Unable to change directory before execution: [Errno %d] %s: %s", e, strerror(e), pyBytesRepr(path)))
		case "creates":
			r["msg"] = fmt.Sprintf("%s not run command since '%s' exists", shoulda, rest)
			r["stdout"] = fmt.Sprintf("skipped, since %s exists", rest)
			r["rc"] = 0
			addLines(r)
			return &modules.Result{Data: r}, nil
		case "removes":
			r["msg"] = fmt.Sprintf("%s not run command since '%s' does not exist", shoulda, rest)
			r["stdout"] = fmt.Sprintf("skipped, since %s does not exist", rest)
			r["rc"] = 0
			addLines(r)
			return &modules.Result{Data: r}, nil
		case "check":
			r["rc"] = 0
			r["msg"] = "Command would have run if not in check mode"
			addLines(r)
			if c.Creates == nil && c.Removes == nil {
				r["skipped"] = true
				return &modules.Result{Skipped: true, Data: r}, nil
			}
			return &modules.Result{Changed: true, Data: r}, nil
		case "exec":
			e, _ := strconv.Atoi(rest)
			// run_command's fail_json: no start/end/delta, cmd as one string.
			d := map[string]any{
				"cmd":    Join(argv),
				"rc":     e,
				"stdout": "",
				"stderr": "",
				"msg":    fmt.Sprintf("[Errno %d] %s: %s", e, strerror(e), pyBytesRepr(argv[0])),
			}
			addLines(d)
			return &modules.Result{Failed: true, Data: d}, nil
		}
	}

	out, errs := string(stdout), string(stderr)
	if c.StripEmptyEnds {
		out = strings.TrimRight(out, "\r\n")
		errs = strings.TrimRight(errs, "\r\n")
	}
	r["rc"] = rc
	r["stdout"] = out
	r["stderr"] = errs
	r["start"] = pyDatetime(start)
	r["end"] = pyDatetime(end)
	r["delta"] = pyTimedelta(end.Sub(start))
	addLines(r)
	res := &modules.Result{Changed: true, Data: r}
	if rc != 0 {
		r["msg"] = "non-zero return code"
		res.Failed = true
	}
	return res, nil
}

// addLines adds stdout_lines and stderr_lines as Ansible's action layer does.
func addLines(r map[string]any) {
	for _, k := range []string{"stdout", "stderr"} {
		v, ok := r[k]
		if !ok {
			continue
		}
		s, _ := v.(string)
		r[k+"_lines"] = splitlines(s)
	}
}

func listOf(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// moduleFailure is the result Ansible shows when a Python module raises:
// the traceback's last line stands for the traceback.
func moduleFailure(module, exc string) *modules.Result {
	tb := "Traceback (most recent call last):\n  File \"" + module + "\", in main\n" + exc + "\n"
	return &modules.Result{Failed: true, Data: map[string]any{
		"msg":           "MODULE FAILURE\nSee stdout/stderr for the exact error",
		"module_stdout": "",
		"module_stderr": tb,
		"exception":     tb,
		"rc":            1,
	}}
}

package files

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/builtin"
)

func init() {
	modules.Register(modules.Info{
		Name:      "script",
		Aliases:   []string{"ansible.builtin.script"},
		New:       func() modules.Module { return new(Script) },
		CheckMode: true,
		FreeForm:  true,
		Short:     "Runs a local script on a remote node after transferring it",
	})
}

// Script is ansible.builtin.script: the local script is sent on the
// command's standard input to a private temporary directory on the target,
// run there, and removed, all in one round trip.
type Script struct {
	RawParams  string `arg:"_raw_params" aliases:"cmd" doc:"Path to the local script followed by its arguments."`
	Creates    string `arg:"creates" doc:"A remote path; when it exists, the script is not run."`
	Removes    string `arg:"removes" doc:"A remote path; when it does not exist, the script is not run."`
	Chdir      string `arg:"chdir" doc:"Change into this remote directory before running the script."`
	Executable string `arg:"executable" doc:"Run the script with this program."`
	Decrypt    bool   `arg:"decrypt" default:"true" doc:"Decrypt vaulted scripts (accepted, not supported)."`
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

// Run transfers and runs the script.
func (s *Script) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	n := nonce()
	var sc strings.Builder
	skip := func(msg string) (*modules.Result, error) {
		return &modules.Result{Skipped: true, Msg: msg}, nil
	}
	// creates/removes are checked on the target, in check mode by a script
	// of their own, else at the start of the one that runs the script:
	// then a marker on stderr reports the skip.
	var guard strings.Builder
	if s.Creates != "" {
		fmt.Fprintf(&guard, "if [ -e %s ]; then cat >/dev/null; echo '%s:creates' >&2; exit 0; fi\n", shPath(s.Creates), n)
	}
	if s.Removes != "" {
		fmt.Fprintf(&guard, "if [ ! -e %s ]; then cat >/dev/null; echo '%s:removes' >&2; exit 0; fi\n", shPath(s.Removes), n)
	}
	skipped := func(stderr []byte) (*modules.Result, bool) {
		switch {
		case bytes.Contains(stderr, []byte(n+":creates")):
			r, _ := skip(fmt.Sprintf("%s exists, matching creates option", s.Creates))
			return r, true
		case bytes.Contains(stderr, []byte(n+":removes")):
			r, _ := skip(fmt.Sprintf("%s does not exist, matching removes option", s.Removes))
			return r, true
		}
		return nil, false
	}
	if strings.IndexByte(guard.String(), 0) >= 0 {
		return nil, &modules.ArgError{Msg: "embedded null byte"}
	}
	if req.Check && guard.Len() > 0 {
		_, stderr, _, err := req.Conn.Exec(ctx, guard.String(), nil)
		if err != nil {
			return nil, err
		}
		if r, ok := skipped(stderr); ok {
			return r, nil
		}
	}
	if s.Chdir != "" && !strings.HasPrefix(s.Chdir, "/") {
		return actionFail(fmt.Sprintf("chdir %s must be an absolute path for a Unix-aware remote node", s.Chdir)), nil
	}
	raw := strings.TrimSpace(s.RawParams)
	parts, err := builtin.Split(raw) // the script action's shlex.split
	if err != nil {
		return modules.Failf("%v", err), nil
	}
	if len(parts) == 0 {
		return &modules.Result{Failed: true, Msg: "MODULE FAILURE\nSee stdout/stderr for the exact error", Data: map[string]any{
			"exception": "IndexError: list index out of range"}}, nil
	}
	local, err := findFile(req, "files", parts[0])
	if err != nil {
		return actionFail(err.Error()), nil
	}
	if req.Check {
		if s.Creates != "" || s.Removes != "" {
			return &modules.Result{Changed: true}, nil
		}
		return skip("Check mode is not supported for this task.")
	}
	data, err := os.ReadFile(local)
	if err != nil {
		return modules.Failf("Could not find or access '%s' on the Ansible Controller.", parts[0]), nil
	}
	base := filepath.Base(local)
	// Run as Ansible does: the free text with the script's name replaced
	// by the transferred copy, given to the shell.
	sc.WriteString(guard.String())
	sc.WriteString("umask 077\n")
	fmt.Fprintf(&sc, "__d=$(mktemp -d \"${TMPDIR:-/tmp}/goplay-script-XXXXXXXX\") || exit 1\n")
	fmt.Fprintf(&sc, "__x=\"$__d\"/%s\n", shq(base))
	fmt.Fprintf(&sc, "head -c %d > \"$__x\" && chmod 0700 \"$__x\" || { rm -rf -- \"$__d\"; echo '%s:transfer' >&2; exit 1; }\n", len(data), n)
	// The command runs in a shell of its own, as Ansible's does, so its
	// errors read the same ("/bin/sh: 1: cd: can't cd to …").
	cmd := strings.ReplaceAll(raw, parts[0], "\"$__x\"")
	if s.Executable != "" {
		cmd = s.Executable + " " + cmd
	}
	if s.Chdir != "" {
		cmd = "cd " + shq(s.Chdir) + " && " + cmd
	}
	var stdout, stderr []byte
	var rc int
	if _, tty := req.Conn.(modules.TTYConn); tty {
		// Over ssh Ansible runs the script on a terminal (ssh -tt):
		// transfer it first, then run it with a tty.
		fmt.Fprintf(&sc, "printf '%%s\\n' \"$__d\"\n")
		if strings.IndexByte(sc.String(), 0) >= 0 {
			return nil, &modules.ArgError{Msg: "embedded null byte"}
		}
		out, serr, xrc, err := req.Conn.Exec(ctx, sc.String(), bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if xrc == 0 {
			if r, ok := skipped(serr); ok {
				return r, nil
			}
		}
		dir := strings.TrimSpace(string(out))
		if xrc != 0 || dir == "" {
			return modules.Failf("failed to transfer file to %s", base), nil
		}
		run := fmt.Sprintf("__d=%s; __x=\"$__d\"/%s; export __x; /bin/sh -c %s; __rc=$?; rm -rf -- \"$__d\"; exit $__rc", shq(dir), shq(base), shq(cmd))
		stdout, stderr, rc, err = modules.ExecTTY(ctx, req.Conn, run)
		if err != nil {
			return nil, err
		}
	} else {
		fmt.Fprintf(&sc, "export __x\n/bin/sh -c %s </dev/null\n__rc=$?\nrm -rf -- \"$__d\"\nexit $__rc\n", shq(cmd))
		if strings.IndexByte(sc.String(), 0) >= 0 {
			return nil, &modules.ArgError{Msg: "embedded null byte"}
		}
		stdout, stderr, rc, err = req.Conn.Exec(ctx, sc.String(), bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
	}
	if rc == 0 {
		if r, ok := skipped(stderr); ok {
			return r, nil
		}
	}
	if rc != 0 && bytes.Contains(stderr, []byte(n+":transfer")) {
		return modules.Failf("failed to transfer file to %s", base), nil
	}
	d := map[string]any{
		"rc": rc, "stdout": string(stdout), "stderr": string(stderr),
		"stdout_lines": splitLines(string(stdout)), "stderr_lines": splitLines(string(stderr)),
	}
	res := &modules.Result{Changed: true, Data: d}
	if rc != 0 {
		res.Failed = true
		res.Msg = "non-zero return code"
		d["exception"] = "NoneType: None\n"
	}
	return res, nil
}

// splitLines is Python's str.splitlines() for the *_lines keys.
func splitLines(s string) []any {
	out := []any{}
	for _, l := range splitLinesPy([]byte(s)) {
		out = append(out, strings.TrimRight(string(l), "\r\n"))
	}
	return out
}

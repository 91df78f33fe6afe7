package builtin

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Expectations recorded from ansible-core 2.14.18 (ansible-playbook with the
// json callback), with start/end/delta masked.
func TestCommandResults(t *testing.T) {
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "plain"), []byte("x"), 0o644)
	cases := []struct {
		name, module string
		args         map[string]any
		check        bool
		want         string
	}{
		{"article", "command", map[string]any{"_raw_params": `echo "true"`},
			false, `{"changed": true, "cmd": ["echo", "true"], "delta": "0:00:00.003156", "end": "2026-11-27 14:08:41.441569", "msg": "", "rc": 0, "start": "2026-11-27 14:08:41.438413", "stderr": "", "stderr_lines": [], "stdout": "true", "stdout_lines": ["true"]}`},
		{"false", "command", map[string]any{"_raw_params": "false"},
			false, `{"changed": true, "cmd": ["false"], "delta": "0:00:00.002959", "end": "2026-11-27 14:08:41.591029", "failed": true, "msg": "non-zero return code", "rc": 1, "start": "2026-11-27 14:08:41.588070", "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"missing executable", "command", map[string]any{"_raw_params": "no-such-binary-xyz arg 'b c'"},
			false, `{"changed": false, "cmd": "no-such-binary-xyz arg 'b c'", "failed": true, "msg": "[Errno 2] No such file or directory: b'no-such-binary-xyz'", "rc": 2, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"creates exists", "command", map[string]any{"_raw_params": "echo never", "creates": "/"},
			false, `{"changed": false, "cmd": ["echo", "never"], "delta": null, "end": null, "msg": "Did not run command since '/' exists", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "skipped, since / exists", "stdout_lines": ["skipped, since / exists"]}`},
		{"removes missing", "command", map[string]any{"_raw_params": "echo never", "removes": "/nonexist"},
			false, `{"changed": false, "cmd": ["echo", "never"], "delta": null, "end": null, "msg": "Did not run command since '/nonexist' does not exist", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "skipped, since /nonexist does not exist", "stdout_lines": ["skipped, since /nonexist does not exist"]}`},
		{"creates missing", "command", map[string]any{"_raw_params": "echo never", "creates": "/nonexist"},
			false, `{"changed": true, "cmd": ["echo", "never"], "delta": "0:00:00.003014", "end": "2026-11-27 14:08:42.150379", "msg": "", "rc": 0, "start": "2026-11-27 14:08:42.147365", "stderr": "", "stderr_lines": [], "stdout": "never", "stdout_lines": ["never"]}`},
		{"chdir missing", "command", map[string]any{"_raw_params": "pwd", "chdir": "/nonexist"},
			false, `{"changed": false, "cmd": ["pwd"], "delta": null, "end": null, "failed": true, "msg": "Unable to change directory before execution: [Errno 2] No such file or directory: b'/nonexist'", "rc": null, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"stdin", "command", map[string]any{"_raw_params": "cat", "stdin": "hello"},
			false, `{"changed": true, "cmd": ["cat"], "delta": "0:00:00.003788", "end": "2026-11-27 14:08:42.449242", "msg": "", "rc": 0, "start": "2026-11-27 14:08:42.445454", "stderr": "", "stderr_lines": [], "stdout": "hello", "stdout_lines": ["hello"]}`},
		{"argv", "command", map[string]any{"argv": []any{"echo", "a b", "c"}},
			false, `{"changed": true, "cmd": ["echo", "a b", "c"], "delta": "0:00:00.005362", "end": "2026-11-27 14:08:42.942040", "msg": "", "rc": 0, "start": "2026-11-27 14:08:42.936678", "stderr": "", "stderr_lines": [], "stdout": "a b c", "stdout_lines": ["a b c"]}`},
		{"argv and cmd", "command", map[string]any{"argv": []any{"echo", "a b"}, "cmd": "echo x"},
			false, `{"changed": false, "cmd": null, "delta": null, "end": null, "failed": true, "msg": "only command or argv can be given, not both", "rc": 256, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"no command", "command", map[string]any{"_raw_params": ""},
			false, `{"changed": false, "cmd": null, "delta": null, "end": null, "failed": true, "msg": "no command given", "rc": 256, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"strip_empty_ends false", "command", map[string]any{"_raw_params": `printf 'a\n\n'`, "strip_empty_ends": "false"},
			false, `{"changed": true, "cmd": ["printf", "a\\n\\n"], "delta": "0:00:00.004535", "end": "2026-11-27 14:08:43.721152", "msg": "", "rc": 0, "start": "2026-11-27 14:08:43.716617", "stderr": "", "stderr_lines": [], "stdout": "a\n\n", "stdout_lines": ["a", ""]}`},
		{"shell rc 4", "shell", map[string]any{"_raw_params": "echo $0; echo hi >&2; exit 4"},
			false, `{"changed": true, "cmd": "echo $0; echo hi >&2; exit 4", "delta": "0:00:00.003461", "end": "2026-11-27 14:08:43.895904", "failed": true, "msg": "non-zero return code", "rc": 4, "start": "2026-11-27 14:08:43.892443", "stderr": "hi", "stderr_lines": ["hi"], "stdout": "/bin/sh", "stdout_lines": ["/bin/sh"]}`},
		{"shell executable", "shell", map[string]any{"_raw_params": "echo $0", "executable": "/bin/bash"},
			false, `{"changed": true, "cmd": "echo $0", "delta": "0:00:00.003739", "end": "2026-11-27 14:08:44.067869", "msg": "", "rc": 0, "start": "2026-11-27 14:08:44.064130", "stderr": "", "stderr_lines": [], "stdout": "/bin/bash", "stdout_lines": ["/bin/bash"]}`},
		{"shell not found", "shell", map[string]any{"_raw_params": "no-such-binary-xyz"},
			false, `{"changed": true, "cmd": "no-such-binary-xyz", "delta": "0:00:00.003404", "end": "2026-11-27 14:08:44.283507", "failed": true, "msg": "non-zero return code", "rc": 127, "start": "2026-11-27 14:08:44.280103", "stderr": "/bin/sh: 1: no-such-binary-xyz: not found", "stderr_lines": ["/bin/sh: 1: no-such-binary-xyz: not found"], "stdout": "", "stdout_lines": []}`},
		{"raw", "raw", map[string]any{"_raw_params": "echo hi; echo e >&2"},
			false, `{"changed": true, "rc": 0, "stderr": "e\n", "stderr_lines": ["e"], "stdout": "hi\n", "stdout_lines": ["hi"]}`},
		{"raw rc 3", "raw", map[string]any{"_raw_params": "exit 3"},
			false, `{"changed": true, "failed": true, "msg": "non-zero return code", "rc": 3, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"not executable", "command", map[string]any{"_raw_params": "/etc/passwd"},
			false, `{"changed": false, "cmd": "/etc/passwd", "failed": true, "msg": "[Errno 13] Permission denied: b'/etc/passwd'", "rc": 13, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"missing path", "command", map[string]any{"_raw_params": "/nonexistent/foo"},
			false, `{"changed": false, "cmd": "/nonexistent/foo", "failed": true, "msg": "[Errno 2] No such file or directory: b'/nonexistent/foo'", "rc": 2, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"relative missing with chdir", "command", map[string]any{"_raw_params": "./foo", "chdir": "/"},
			false, `{"changed": false, "cmd": "./foo", "failed": true, "msg": "[Errno 2] No such file or directory: b'./foo'", "rc": 2, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"shlex escapes", "command", map[string]any{"cmd": `echo a\ b "c\"d" 'e\f' g#h \#i`},
			false, `{"changed": true, "cmd": ["echo", "a b", "c\"d", "e\\f", "g#h", "#i"], "delta": "0:00:00.002934", "end": "2026-11-27 14:08:45.337495", "msg": "", "rc": 0, "start": "2026-11-27 14:08:45.334561", "stderr": "", "stderr_lines": [], "stdout": "a b c\"d e\\f g#h #i", "stdout_lines": ["a b c\"d e\\f g#h #i"]}`},
		{"check", "command", map[string]any{"_raw_params": "echo hi"},
			true, `{"changed": false, "cmd": ["echo", "hi"], "delta": null, "end": null, "msg": "Command would have run if not in check mode", "rc": 0, "skipped": true, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"check creates missing", "command", map[string]any{"_raw_params": "echo hi", "creates": "/nonexist"},
			true, `{"changed": true, "cmd": ["echo", "hi"], "delta": null, "end": null, "msg": "Command would have run if not in check mode", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"check creates exists", "command", map[string]any{"_raw_params": "echo hi", "creates": "/"},
			true, `{"changed": false, "cmd": ["echo", "hi"], "delta": null, "end": null, "msg": "Would not run command since '/' exists", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "skipped, since / exists", "stdout_lines": ["skipped, since / exists"]}`},
		{"check shell", "shell", map[string]any{"_raw_params": "echo hi"},
			true, `{"changed": false, "cmd": "echo hi", "delta": null, "end": null, "msg": "Command would have run if not in check mode", "rc": 0, "skipped": true, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"check raw", "raw", map[string]any{"_raw_params": "echo hi"},
			true, `{"changed": false, "skipped": true}`},
		{"rc 127 from a program", "command", map[string]any{"_raw_params": "sh -c 'exit 127'"},
			false, `{"changed": true, "cmd": ["sh", "-c", "exit 127"], "delta": "0:00:00.003163", "end": "2026-11-27 14:08:46.106785", "failed": true, "msg": "non-zero return code", "rc": 127, "start": "2026-11-27 14:08:46.103622", "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"ref 20 exit 3", "command", map[string]any{"_raw_params": `sh -c "echo out; echo oops >&2; exit 3"`},
			false, `{"changed": true, "cmd": ["sh", "-c", "echo out; echo oops >&2; exit 3"], "delta": "0:00:00.045314", "end": "2026-11-27 13:34:18.279458", "msg": "non-zero return code", "rc": 3, "start": "2026-11-27 13:34:18.234144", "stderr": "oops", "stderr_lines": ["oops"], "stdout": "out", "stdout_lines": ["out"], "failed": true}`},
		{"ref 20 shell lines", "shell", map[string]any{"_raw_params": `printf 'a\nb\n\n'; echo err >&2`},
			false, `{"changed": true, "cmd": "printf 'a\\nb\\n\\n'; echo err >&2", "delta": "0:00:00.071462", "end": "2026-11-27 13:34:10.967654", "msg": "", "rc": 0, "start": "2026-11-27 13:34:10.896192", "stderr": "err", "stderr_lines": ["err"], "stdout": "a\nb", "stdout_lines": ["a", "b"]}`},
		{"chdir not a dir", "command", map[string]any{"_raw_params": "pwd", "chdir": filepath.Join(tmp, "plain")},
			false, `{"changed": false, "cmd": ["pwd"], "delta": null, "end": null, "failed": true, "msg": "Unable to change directory before execution: [Errno 20] Not a directory: b'` + filepath.Join(tmp, "plain") + `'", "rc": null, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`},
		{"chdir ok", "command", map[string]any{"_raw_params": "pwd", "chdir": "/usr"},
			false, `{"changed": true, "cmd": ["pwd"], "delta": "x", "end": "x", "msg": "", "rc": 0, "start": "x", "stderr": "", "stderr_lines": [], "stdout": "/usr", "stdout_lines": ["/usr"]}`},
		{"glob creates relative to chdir", "command", map[string]any{"_raw_params": "echo x", "chdir": tmp, "creates": "pl*"},
			false, `{"changed": false, "cmd": ["echo", "x"], "delta": null, "end": null, "msg": "Did not run command since 'pl*' exists", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "skipped, since pl* exists", "stdout_lines": ["skipped, since pl* exists"]}`},
		{"creates with tilde and var", "command", map[string]any{"_raw_params": "echo x", "creates": "~/$NOPE_X_Y/${HOME}"},
			false, `{"changed": true, "cmd": ["echo", "x"], "delta": "x", "end": "x", "msg": "", "rc": 0, "start": "x", "stderr": "", "stderr_lines": [], "stdout": "x", "stdout_lines": ["x"]}`},
		{"removes with var", "command", map[string]any{"_raw_params": "echo x", "removes": "$NOPE_X_Y/${NOPE_Z}"},
			false, `{"changed": false, "cmd": ["echo", "x"], "delta": null, "end": null, "msg": "Did not run command since '$NOPE_X_Y/${NOPE_Z}' does not exist", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "skipped, since $NOPE_X_Y/${NOPE_Z} does not exist", "stdout_lines": ["skipped, since $NOPE_X_Y/${NOPE_Z} does not exist"]}`},
		{"stdin without newline", "command", map[string]any{"_raw_params": "od -c", "stdin": "hi", "stdin_add_newline": false},
			false, `{"changed": true, "cmd": ["od", "-c"], "delta": "x", "end": "x", "msg": "", "rc": 0, "start": "x", "stderr": "", "stderr_lines": [], "stdout": "0000000   h   i\n0000002", "stdout_lines": ["0000000   h   i", "0000002"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []runOpt
			if tc.check {
				opts = append(opts, withCheck)
			}
			got := run(t, tc.module, tc.args, opts...)
			want(t, got, tc.want)
		})
	}
}

func TestCommandTimes(t *testing.T) {
	got := run(t, "command", map[string]any{"_raw_params": "true"})
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$`)
	for _, k := range []string{"start", "end"} {
		if s, _ := got.res[k].(string); !re.MatchString(s) {
			t.Errorf("%s = %q", k, s)
		}
	}
	if s, _ := got.res["delta"].(string); !regexp.MustCompile(`^0:00:0\d(\.\d{6})?$`).MatchString(s) {
		t.Errorf("delta = %q", s)
	}
}

func TestCommandExecutableWarning(t *testing.T) {
	got := run(t, "command", map[string]any{"_raw_params": "echo x", "executable": "/bin/bash"})
	if len(got.warnings) != 1 || got.warnings[0] != "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/bash'." {
		t.Errorf("warnings = %q", got.warnings)
	}
	if got.res["stdout"] != "x" {
		t.Errorf("stdout = %v", got.res["stdout"])
	}
}

func TestCommandUnbalancedQuote(t *testing.T) {
	got := run(t, "command", map[string]any{"cmd": `echo "unterminated`})
	if got.res["failed"] != true || got.res["msg"] != "MODULE FAILURE\nSee stdout/stderr for the exact error" || got.res["rc"] != 1 {
		t.Errorf("got %v", got.res)
	}
}

func TestCommandPathExpansion(t *testing.T) {
	home := os.Getenv("HOME")
	if home == "" {
		t.Skip("HOME not set")
	}
	got := run(t, "command", map[string]any{"_raw_params": "echo x", "creates": "~"})
	if got.res["msg"] != "Did not run command since '"+home+"' exists" {
		t.Errorf("creates=~: %v", got.res["msg"])
	}
	got = run(t, "command", map[string]any{"_raw_params": "echo x", "creates": "$HOME"})
	if got.res["msg"] != "Did not run command since '"+home+"' exists" {
		t.Errorf("creates=$HOME: %v", got.res["msg"])
	}
	got = run(t, "command", map[string]any{"_raw_params": "pwd", "chdir": "~"})
	if got.res["stdout"] != home {
		t.Errorf("chdir=~: %v", got.res)
	}
	got = run(t, "shell", map[string]any{"_raw_params": "pwd; echo $0", "chdir": "${HOME}"})
	if got.res["stdout"] != home+"\n/bin/sh" {
		t.Errorf("shell chdir=${HOME}: %v", got.res)
	}
	// A quote in the path must not break the script.
	dir := filepath.Join(t.TempDir(), `it's "q" $x`)
	os.Mkdir(dir, 0o755)
	got = run(t, "command", map[string]any{"_raw_params": "pwd", "chdir": dir})
	if got.res["stdout"] != dir {
		t.Errorf("quoted chdir: %v", got.res)
	}
}

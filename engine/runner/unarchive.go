package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/external"
)

// unarchiveAction is ansible.builtin.unarchive's action plugin: the legacy
// copy argument becomes remote_src, creates that exists skips the task,
// dest must be an existing directory on the target, and a controller src
// (found as copy finds it, decrypted when vaulted) travels to the module's
// temporary directory as its src. It returns the module to run with the
// adjusted args, or the task's result.
func (pr *playRun) unarchiveAction(ctx context.Context, t *playbook.Task, host string, vars map[string]any, delegate string, args map[string]any) (*external.Module, map[string]any) {
	fail := func(msg string) map[string]any {
		// AnsibleActionFail
		return map[string]any{"failed": true, "exception": "NoneType: None\n", "msg": msg}
	}
	if c, ok := args["copy"]; ok {
		if _, both := args["remote_src"]; both {
			return nil, fail("parameters are mutually exclusive: ('copy', 'remote_src')")
		}
		b, _ := modules.ToBool(c)
		delete(args, "copy")
		args["remote_src"] = !b
	}
	src, dest := args["src"], args["dest"]
	if src == nil || dest == nil {
		return nil, fail("src (or content) and dest are required")
	}
	remote, _ := modules.ToBool(args["remote_src"])
	conn, err := pr.connect(t, host, vars, delegate)
	if err != nil {
		var ue UnreachableError
		if errors.As(err, &ue) {
			return nil, map[string]any{"changed": false, "msg": unreachableMsg(ue), "unreachable": true}
		}
		return nil, errResult(err.Error())
	}
	home := ""
	expand := func(p string) string {
		if p != "~" && !strings.HasPrefix(p, "~/") {
			return p
		}
		if home == "" {
			home = modules.ExpandUser(ctx, conn, "~")
		}
		return home + p[1:]
	}
	if c := modules.ToString(args["creates"]); args["creates"] != nil && c != "" {
		c = expand(c)
		if _, _, rc, err := conn.Exec(ctx, "test -e "+shellQuote(c), nil); err == nil && rc == 0 {
			return nil, map[string]any{"skipped": true, "changed": false, "msg": "skipped, since " + c + " exists"}
		}
	}
	d := expand(modules.ToString(dest))
	var data []byte
	source := modules.ToString(src)
	if !remote {
		if strings.HasPrefix(source, "~/") {
			if h, err := os.UserHomeDir(); err == nil {
				source = filepath.Join(h, source[2:])
			}
		}
		p, err := pr.r.findFile(t, "files", source)
		if err != nil {
			// AnsibleFileNotFound: its text is the exception too
			r := fail(err.Error())
			r["exception"] = err.Error()
			return nil, r
		}
		decrypt := true
		if v, ok := args["decrypt"]; ok {
			decrypt, _ = modules.ToBool(v)
		}
		if decrypt {
			data, err = vault.ReadFile(p)
		} else {
			data, err = os.ReadFile(p)
		}
		if err != nil {
			return nil, fail(err.Error())
		}
	}
	if _, _, rc, err := conn.Exec(ctx, "test -d "+shellQuote(d), nil); err != nil || rc != 0 {
		return nil, fail("dest '" + d + "' must be an existing dir")
	}
	delete(args, "decrypt")
	path, ok := external.CoreActionModule("unarchive")
	if !ok {
		return nil, fail("unarchive needs ansible-core's unarchive module on the controller")
	}
	m := &external.Module{Name: t.Action, Path: path}
	if !remote {
		m.Source, m.SourceArg = data, "src"
	}
	return m, nil
}

// assembleAction is ansible.builtin.assemble's action plugin for fragments
// on the target (remote_src, the default): src and dest are required, check
// mode is not supported, and the module does the work. Assembling
// controller fragments (remote_src: false) is not implemented.
func (pr *playRun) assembleAction(t *playbook.Task, args map[string]any, check bool) (*external.Module, map[string]any) {
	delete(args, "decrypt")
	if check {
		return nil, map[string]any{"skipped": true, "changed": false, "msg": "check mode is not supported for this task."}
	}
	if args["src"] == nil || args["dest"] == nil {
		return nil, map[string]any{"failed": true, "exception": "NoneType: None\n", "msg": "src and dest are required"}
	}
	if rs, ok := args["remote_src"]; ok {
		if b, _ := modules.ToBool(rs); !b {
			return nil, errResult("goplay does not run assemble with remote_src: false (fragments on the controller) yet")
		}
	}
	path, ok := external.CoreActionModule("assemble")
	if !ok {
		return nil, errResult("assemble needs ansible-core's assemble module on the controller")
	}
	return &external.Module{Name: t.Action, Path: path}, nil
}

package files

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "template",
		Aliases:   []string{"ansible.builtin.template"},
		New:       func() modules.Module { return new(Template) },
		CheckMode: true,
		Short:     "Template a file out to a target host",
	})
}

// Template is ansible.builtin.template: the source is rendered on the
// controller with Request.Render, then copied as copy's content would be.
type Template struct {
	Src                 *string `arg:"src" doc:"Path of a Jinja2 template on the controller (searched in templates/)."`
	Dest                *string `arg:"dest" doc:"Location to render the template to on the remote machine."`
	State               any     `arg:"state" doc:"Not allowed on a template."`
	Backup              bool    `arg:"backup" doc:"Keep a timestamped backup of the replaced file."`
	Force               bool    `arg:"force" default:"true" doc:"Replace dest when its content differs."`
	Follow              bool    `arg:"follow" doc:"Follow a symbolic link at dest."`
	Validate            string  `arg:"validate" doc:"Command run on the staged file (%s is its path) before it replaces dest."`
	NewlineSequence     string  `arg:"newline_sequence" default:"\n" doc:"Line ending of the result: \\n, \\r or \\r\\n."`
	TrimBlocks          bool    `arg:"trim_blocks" default:"true" doc:"Remove the first newline after a block (engine Render decides)."`
	LstripBlocks        bool    `arg:"lstrip_blocks" doc:"Strip whitespace before a block (engine Render decides)."`
	VariableStartString string  `arg:"variable_start_string" doc:"Accepted; Render uses {{."`
	VariableEndString   string  `arg:"variable_end_string" doc:"Accepted; Render uses }}."`
	BlockStartString    string  `arg:"block_start_string" doc:"Accepted; Render uses {%."`
	BlockEndString      string  `arg:"block_end_string" doc:"Accepted; Render uses %}."`
	CommentStartString  string  `arg:"comment_start_string" doc:"Accepted; Render uses {#."`
	CommentEndString    string  `arg:"comment_end_string" doc:"Accepted; Render uses #}."`
	OutputEncoding      string  `arg:"output_encoding" default:"utf-8" doc:"Encoding of the result (utf-8 only)."`
	Mode                any     `arg:"mode" doc:"Permissions of the file: octal, symbolic or preserve."`
	Owner               string  `arg:"owner" doc:"User that should own the file."`
	Group               string  `arg:"group" doc:"Group that should own the file."`
	Seuser              string  `arg:"seuser" doc:"Ignored (SELinux)."`
	Serole              string  `arg:"serole" doc:"Ignored (SELinux)."`
	Setype              string  `arg:"setype" doc:"Ignored (SELinux)."`
	Selevel             string  `arg:"selevel" doc:"Ignored (SELinux)."`
	UnsafeWrites        bool    `arg:"unsafe_writes" doc:"Ignored."`
	Attributes          string  `arg:"attributes" aliases:"attr" doc:"Ignored (chattr attributes)."`
}

// Run renders and copies.
func (t *Template) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	nl := t.NewlineSequence
	switch nl {
	case `\n`:
		nl = "\n"
	case `\r`:
		nl = "\r"
	case `\r\n`:
		nl = "\r\n"
	}
	switch {
	case t.State != nil:
		return actionFail("'state' cannot be specified on a template"), nil
	case t.Src == nil || t.Dest == nil:
		return actionFail("src and dest are required"), nil
	case nl != "\n" && nl != "\r" && nl != "\r\n":
		return actionFail("newline_sequence needs to be one of: \n, \r or \r\n"), nil
	}
	found, err := findFile(req, "templates", *t.Src)
	if err != nil {
		return actionFail(err.Error()), nil
	}
	fi, err := os.Stat(found)
	if err != nil {
		return modules.Failf("could not find src=%s, %v", found, err), nil
	}
	mode := t.Mode
	if s, ok := mode.(string); ok && s == "preserve" {
		mode = fmt.Sprintf("0%03o", fi.Mode().Perm())
	}
	raw, err := vault.ReadFile(found)
	if err != nil {
		if _, ok := err.(*vault.Error); ok {
			return actionFail(err.Error()), nil
		}
		return modules.Failf("could not find src=%s, %v", found, err), nil
	}
	if !utf8.Valid(raw) {
		return actionFail("Template source files must be utf-8 encoded"), nil
	}
	if req.Render == nil {
		return actionFail("template rendering is not available"), nil
	}
	out, err := req.Render(string(raw), templateVars(*t.Src, found, *t.Dest, fi))
	if err != nil {
		// the exception is the original templating error, not an
		// AnsibleActionFail
		msg := renderError(err)
		r := actionFail(msg)
		if strings.HasPrefix(msg, "Ansible") {
			r.Data["exception"] = "ansible.errors." + msg + "\n"
		}
		return r, nil
	}
	if nl != "\n" {
		out = strings.ReplaceAll(out, "\n", nl)
	}
	tmpDir := req.Tmp
	if tmpDir == "" {
		tmpDir = os.TempDir()
	}
	display := filepath.Join(tmpDir, "template-"+nonce(), filepath.Base(found))
	c := &Copy{Dest: *t.Dest, Backup: t.Backup, Force: t.Force, Follow: t.Follow, Validate: t.Validate,
		Mode: mode, Owner: t.Owner, Group: t.Group, LocalFollow: true}
	src := source{data: []byte(out), rel: filepath.Base(found), display: display, mode: fi.Mode().Perm()}
	return c.copyOne(ctx, req, src, *t.Dest)
}

// renderError is the template action's "%s: %s" % (type(e).__name__, e)
// for the engine's template errors (matched by type name: modules do not
// import the engine).
func renderError(err error) string {
	m := err.Error()
	switch fmt.Sprintf("%T", err) {
	case "*template.UndefinedError":
		return "AnsibleUndefinedVariable: " + m + ". " + m
	case "*template.TemplateError":
		inner := m
		if rest, ok := strings.CutPrefix(m, "template error while templating string: "); ok {
			if i := strings.Index(rest, ". String: "); i >= 0 {
				inner = rest[:i]
			}
		} else if strings.HasPrefix(m, "Unexpected templating type error occurred on (") {
			if i := strings.LastIndex(m, "): "); i >= 0 {
				inner = m[i+3:]
			}
		}
		return "AnsibleError: " + m + ". " + inner
	}
	return m
}

// templateVars are generate_ansible_template_vars' variables.
func templateVars(path, fullpath, dest string, fi os.FileInfo) map[string]any {
	host, _ := os.Hostname()
	uid := ""
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		uid = strconv.Itoa(int(st.Uid))
		if u, err := user.LookupId(uid); err == nil {
			uid = u.Username
		}
	}
	mtime := fi.ModTime()
	v := map[string]any{
		"template_host":     host,
		"template_path":     path,
		"template_mtime":    pyDatetime(mtime),
		"template_uid":      uid,
		"template_run_date": pyDatetime(time.Now()),
		"template_fullpath": fullpath,
		"ansible_managed":   "Ansible managed",
	}
	if dest != "" {
		v["template_destpath"] = dest
	} else {
		v["template_destpath"] = nil
	}
	return v
}

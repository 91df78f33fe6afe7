package runner

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/modules"
)

// connSpec resolves how to reach target (host itself or its delegate) with
// Ansible's precedence: host variables over play keywords over CLI flags
// over config.
func (pr *playRun) connSpec(t *playbook.Task, host string, vars map[string]any, delegate string) (string, *ConnSpec) {
	r := pr.r
	target := host
	hv := vars
	if delegate != "" && delegate != host {
		target = delegate
		hv = pr.delegateVars(delegate)
	}
	str := func(keys ...string) (string, bool) {
		found := ""
		ok := false
		for _, k := range keys { // the last defined name wins, as in Ansible
			if v, has := hv[k]; has && v != nil {
				if s, err := r.tpl.RenderString(modules.ToString(v), vars); err == nil {
					found, ok = s, true
				}
			}
		}
		return found, ok
	}
	kind, ok := str("ansible_connection")
	if !ok {
		if c := effConnection(t, pr.play); c != "" {
			kind = c
		} else if r.opt.Connection != "" {
			kind = r.opt.Connection
		} else {
			kind = "ssh"
		}
	}
	if kind == "smart" || kind == "paramiko" || kind == "ansible.builtin.ssh" {
		kind = "ssh"
	}
	if kind == "ansible.builtin.local" {
		kind = "local"
	}
	spec := &ConnSpec{Host: target, Address: target, Timeout: r.opt.Timeout, HostKeyChecking: r.opt.HostKeyChecking, Vars: hv}
	if a, ok := str("ansible_host", "ansible_ssh_host"); ok {
		spec.Address = a
	}
	if u, ok := str("ansible_user", "ansible_ssh_user"); ok {
		spec.User = u
	} else if ru := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.RemoteUser }); ru != nil {
		spec.User, _ = r.tpl.RenderString(modules.ToString(ru), vars)
	} else {
		spec.User = r.opt.RemoteUser
	}
	if p, ok := str("ansible_port", "ansible_ssh_port"); ok {
		spec.Port, _ = strconv.Atoi(p)
	} else if pk := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.Port }); pk != nil {
		s, _ := r.tpl.RenderString(modules.ToString(pk), vars)
		spec.Port, _ = strconv.Atoi(s)
	} else {
		spec.Port = r.opt.RemotePort
	}
	if k, ok := str("ansible_private_key_file", "ansible_ssh_private_key_file"); ok {
		spec.PrivateKeyFiles = []string{expandHome(k)}
	} else if r.opt.PrivateKey != "" {
		spec.PrivateKeyFiles = []string{expandHome(r.opt.PrivateKey)}
	}
	if p, ok := str("ansible_password", "ansible_ssh_pass", "ansible_ssh_password"); ok {
		spec.Password = p
	} else {
		spec.Password = r.opt.ConnPass
	}
	common, extra := r.opt.SSHCommonArgs, r.opt.SSHExtraArgs
	if c, ok := str("ansible_ssh_common_args"); ok {
		common = c
	}
	if c, ok := str("ansible_ssh_extra_args"); ok {
		extra = c
	}
	args := r.opt.SSHArgs
	if a, ok := str("ansible_ssh_args"); ok {
		args = a
	}
	spec.CommonArgs = strings.TrimSpace(strings.Join([]string{args, common, extra}, " "))
	if hk, ok := str("ansible_host_key_checking", "ansible_ssh_host_key_checking"); ok {
		b, _ := modules.ToBool(hk)
		spec.HostKeyChecking = b
	}
	if to, ok := str("ansible_timeout", "ansible_ssh_timeout"); ok {
		spec.Timeout, _ = strconv.Atoi(to)
	}
	if effBool(t, pr.play, func(a *playbook.Attrs) *bool { return a.Become }, r.opt.Become) {
		b := &BecomeSpec{Method: r.opt.BecomeMethod, User: r.opt.BecomeUser, Flags: r.opt.BecomeFlags, Password: r.opt.BecomePass}
		if v := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.BecomeUser }); v != nil {
			b.User, _ = r.tpl.RenderString(modules.ToString(v), vars)
		}
		if v := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.BecomeMethod }); v != nil {
			b.Method, _ = r.tpl.RenderString(modules.ToString(v), vars)
		}
		if v := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.BecomeFlags }); v != nil {
			b.Flags, _ = r.tpl.RenderString(modules.ToString(v), vars)
		}
		if s, ok := str("ansible_become_user"); ok {
			b.User = s
		}
		if s, ok := str("ansible_become_method"); ok {
			b.Method = s
		}
		if s, ok := str("ansible_become_password", "ansible_become_pass", "ansible_sudo_pass"); ok {
			b.Password = s
		}
		b.RemoteTmp = pr.r.remoteTmp(str("ansible_remote_tmp"))
		if b.Method == "" {
			b.Method = "sudo"
		}
		if b.User == "" {
			b.User = "root"
		}
		spec.Become = b
	}
	return kind, spec
}

func effConnection(t *playbook.Task, play *playbook.Play) string {
	for p := t; p != nil; p = p.Parent {
		if p.Connection != "" {
			return p.Connection
		}
		if p.Role != nil && p.Role.Connection != "" {
			return p.Role.Connection
		}
	}
	if play != nil {
		return play.Connection
	}
	return ""
}

func expandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return h + p[1:]
		}
	}
	return p
}

// connect returns the connection for a task on host.
func (pr *playRun) connect(t *playbook.Task, host string, vars map[string]any, delegate string) (modules.Conn, error) {
	kind, spec := pr.connSpec(t, host, vars, delegate)
	if kind == "local" {
		c := &local.Conn{}
		if spec.Become != nil {
			return becomeLocal(c, spec.Become), nil
		}
		return c, nil
	}
	if pr.r.opt.Connector == nil {
		return nil, &unreachable{msg: "connection type " + kind + " is not available"}
	}
	return pr.r.opt.Connector.Connect(pr.ctx, kind, spec)
}

type unreachable struct{ msg string }

func (u *unreachable) Error() string       { return u.msg }
func (u *unreachable) Unreachable() string { return u.msg }

// becomeLocal wraps a local connection so commands run through sudo/su.
func becomeLocal(c modules.Conn, b *BecomeSpec) modules.Conn {
	return &becomeConn{Conn: c, b: b}
}

type becomeConn struct {
	modules.Conn
	b *BecomeSpec
}

func (c *becomeConn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	return c.Conn.Exec(ctx, BecomeCommand(c.b, cmd), stdin)
}

// BecomeCommand wraps cmd for privilege escalation.
func BecomeCommand(b *BecomeSpec, cmd string) string {
	q := shellQuote(cmd)
	switch b.Method {
	case "su":
		return "su " + b.Flags + " " + shellQuote(b.User) + " -c " + shellQuote("/bin/sh -c "+q)
	default:
		flags := b.Flags
		if flags == "" {
			flags = "-H -S -n"
		}
		return "sudo " + flags + " -u " + shellQuote(b.User) + " /bin/sh -c " + q
	}
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// connMagicVars adds the connection variables that Ansible's PlayContext
// puts back into a task's variables when they are not set
// (PlayContext.update_vars): ansible_host/ansible_ssh_host from the
// remote address, the user, port, timeout, shell executable, pipelining
// and module compression.
func (pr *playRun) connMagicVars(v map[string]any, t *playbook.Task, host, delegate string) {
	kind, spec := pr.connSpec(t, host, v, delegate)
	set := func(val any, names ...string) {
		for _, n := range names {
			if _, ok := v[n]; !ok {
				v[n] = val
			}
		}
	}
	addr := spec.Address
	target := host
	if delegate != "" {
		target = delegate
	}
	if h, ok := pr.r.inv.Host(target); ok && h.Implicit() && addr == target {
		addr = "127.0.0.1"
	}
	set(kind, "ansible_connection")
	set(addr, "ansible_ssh_host", "ansible_host")
	if spec.User != "" {
		set(spec.User, "ansible_ssh_user", "ansible_user")
	}
	if spec.Port != 0 {
		set(spec.Port, "ansible_ssh_port", "ansible_port")
	}
	set("ZIP_DEFLATED", "ansible_module_compression")
	set("/bin/sh", "ansible_shell_executable")
	set(false, "ansible_ssh_pipelining", "ansible_pipelining")
	to := spec.Timeout
	if to == 0 {
		to = 10
	}
	set(to, "ansible_ssh_timeout", "ansible_timeout")
	if len(spec.PrivateKeyFiles) > 0 {
		set(spec.PrivateKeyFiles[0], "ansible_ssh_private_key_file", "ansible_private_key_file")
	}
}

// delegatedVars is the _ansible_delegated_vars of a delegated task's
// result (TaskExecutor._execute, after PlayContext's delegation defaults):
// the delegate's raw ansible_host, ansible_port, ansible_user and
// ansible_connection; the name for a missing address, the configured
// remote port and the task's remote user for a missing port and user. The
// ssh connection's own variables are always listed (None when unset); the
// local connection's are not, so an unset ansible_connection is left out.
func (pr *playRun) delegatedVars(t *playbook.Task, host, delegate string, vars map[string]any) map[string]any {
	dv := pr.delegateVars(delegate)
	kind, _ := pr.connSpec(t, host, vars, delegate)
	transport := "ssh" // C.DEFAULT_TRANSPORT
	if c, ok := dv["ansible_connection"]; ok {
		transport = modules.ToString(c)
	}
	out := map[string]any{"ansible_delegated_host": delegate}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := dv[n]; ok {
				return true
			}
		}
		return false
	}
	copyVar := func(k string) {
		if v, ok := dv[k]; ok {
			out[k] = v
		} else if kind == "ssh" {
			out[k] = nil
		}
	}
	if has("ansible_"+transport+"_host", "ansible_ssh_host", "ansible_host") {
		copyVar("ansible_host")
	} else {
		out["ansible_host"] = delegate
	}
	if has("ansible_"+transport+"_port", "ansible_ssh_port", "ansible_port") {
		copyVar("ansible_port")
	} else if pr.r.opt.RemotePort != 0 {
		out["ansible_port"] = pr.r.opt.RemotePort
	} else {
		out["ansible_port"] = nil
	}
	userSet := false
	for _, n := range []string{"ansible_" + transport + "_user", "ansible_ssh_user", "ansible_user"} {
		if v, ok := dv[n]; ok && v != nil && modules.ToString(v) != "" {
			userSet = true
		}
	}
	if userSet {
		copyVar("ansible_user")
	} else {
		var u any
		if ru := effAny(t, pr.play, func(a *playbook.Attrs) any { return a.RemoteUser }); ru != nil {
			u, _ = pr.r.tpl.RenderString(modules.ToString(ru), vars)
		} else if pr.r.opt.RemoteUser != "" {
			u = pr.r.opt.RemoteUser
		}
		out["ansible_user"] = u
	}
	if c, ok := dv["ansible_connection"]; ok {
		out["ansible_connection"] = c
	}
	return out
}

// remoteTmp is the shell plugin's remote_tmp for a host: its
// ansible_remote_tmp variable (v, when ok), else the configured remote_tmp, else
// Ansible's default ~/.ansible/tmp. It stays unexpanded: the target's
// shell expands ~ and $VARS.
func (r *Runner) remoteTmp(v string, ok bool) string {
	if ok && strings.TrimSpace(v) != "" {
		return v
	}
	if r.opt.RemoteTmp != "" {
		return r.opt.RemoteTmp
	}
	return "~/.ansible/tmp"
}

// hostRemoteTmp is remote_tmp for a task on host (its delegate's
// variables when delegated, as for the other connection settings).
func (pr *playRun) hostRemoteTmp(host string, vars map[string]any, delegate string) string {
	hv := vars
	if delegate != "" && delegate != host {
		hv = pr.delegateVars(delegate)
	}
	if v, has := hv["ansible_remote_tmp"]; has && v != nil {
		if s, err := pr.r.tpl.RenderString(modules.ToString(v), vars); err == nil {
			return pr.r.remoteTmp(s, true)
		}
	}
	return pr.r.remoteTmp("", false)
}

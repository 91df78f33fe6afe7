package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/goplay/goplay/engine/connection/ssh"
	"github.com/goplay/goplay/engine/runner"
	"github.com/goplay/goplay/modules"
)

// sshConnector opens pooled SSH connections for the runner.
type sshConnector struct {
	pool *ssh.Pool
	// sandbox is the sandbox's ssh_config (used like ssh -F, with no
	// agent), or "" for the user's own SSH setup.
	sandbox string
}

func newSSHConnector() *sshConnector { return &sshConnector{pool: ssh.NewPool()} }

// unreachable is a connection failure; prefix replaces "Failed to connect
// to the host via ssh:" when Ansible uses another one (sshpass's
// "Invalid/incorrect password:").
type unreachable struct{ msg, prefix string }

func (u *unreachable) Error() string       { return u.UnreachablePrefix() + " " + u.msg }
func (u *unreachable) Unreachable() string { return u.msg }
func (u *unreachable) UnreachablePrefix() string {
	if u.prefix == "" {
		return ssh.UnreachablePrefix
	}
	return u.prefix
}

// Connect implements runner.Connector.
func (c *sshConnector) Connect(ctx context.Context, kind string, spec *runner.ConnSpec) (modules.Conn, error) {
	if kind != "ssh" {
		return nil, &unreachable{msg: fmt.Sprintf("the connection plugin '%s' was not found", kind)}
	}
	cfg := ssh.Config{
		Host: spec.Address, Port: spec.Port, User: spec.User,
		PrivateKeyFiles: spec.PrivateKeyFiles, Password: spec.Password,
		Timeout:         time.Duration(spec.Timeout) * time.Second,
		HostKeyChecking: spec.HostKeyChecking, CommonArgs: spec.CommonArgs,
	}
	if c.sandbox != "" {
		cfg.SSHConfigFile, cfg.Agent = c.sandbox, "none"
	}
	if b := spec.Become; b != nil {
		cfg.Become = &ssh.Become{Method: b.Method, User: b.User, Flags: b.Flags, Password: b.Password, Exe: b.Exe, RemoteTmp: b.RemoteTmp}
	}
	conn, err := c.pool.Get(ctx, cfg)
	if err != nil {
		var ue *ssh.UnreachableError
		if errors.As(err, &ue) {
			return nil, &unreachable{msg: ue.Msg, prefix: ue.Prefix}
		}
		var fe *ssh.FailureError
		if errors.As(err, &fe) {
			return nil, fe
		}
		return nil, &unreachable{msg: err.Error()}
	}
	return rc255{conn}, nil
}

// rc255 applies the ssh connection plugin's rule: OpenSSH exits 255 when
// the connection fails, and Ansible cannot tell that from a command that
// exits 255, so any 255 (without a known non-ssh signature in its output)
// makes the host unreachable, with stderr as the message.
type rc255 struct{ modules.Conn }

var notSSHErrors = [][]byte{
	[]byte("Traceback (most recent call last):"),
	[]byte("PHP Parse error:"),
	[]byte("chmod: invalid mode"),
	[]byte("chmod: A flag or octal number is not correct."),
}

func (c rc255) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	out, errb, rc, err := c.Conn.Exec(ctx, cmd, stdin)
	return out, errb, rc, sshFailure(out, errb, rc, err)
}

// ExecTTY runs cmd on a terminal (raw, script), with the same 255 rule.
func (c rc255) ExecTTY(ctx context.Context, cmd string) ([]byte, []byte, int, error) {
	out, errb, rc, err := modules.ExecTTY(ctx, c.Conn, cmd)
	return out, errb, rc, sshFailure(out, errb, rc, err)
}

// sshFailure turns exit status 255 into an unreachable error, unless the
// output shows a known non-ssh cause.
func sshFailure(out, errb []byte, rc int, err error) error {
	if err != nil || rc != 255 {
		return err
	}
	for _, sig := range notSSHErrors {
		if bytes.Contains(out, sig) || bytes.Contains(errb, sig) {
			return nil
		}
	}
	return &unreachable{msg: strings.TrimRight(string(errb), " \t\r\n")}
}

// Unwrap returns the SSH connection (for modules that need more than
// modules.Conn, such as ExecTTY).
func (c rc255) Unwrap() modules.Conn { return c.Conn }

// Close closes every pooled connection.
func (c *sshConnector) Close() error { return c.pool.Close() }

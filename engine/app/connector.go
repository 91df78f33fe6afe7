package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goplay/goplay/engine/connection/ssh"
	"github.com/goplay/goplay/engine/runner"
	"github.com/goplay/goplay/modules"
)

// sshConnector opens pooled SSH connections for the runner.
type sshConnector struct{ pool *ssh.Pool }

func newSSHConnector() *sshConnector { return &sshConnector{pool: ssh.NewPool()} }

type unreachable struct{ msg string }

func (u *unreachable) Error() string       { return "Failed to connect to the host via ssh: " + u.msg }
func (u *unreachable) Unreachable() string { return u.msg }

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
	if b := spec.Become; b != nil {
		cfg.Become = &ssh.Become{Method: b.Method, User: b.User, Flags: b.Flags, Password: b.Password, Exe: b.Exe}
	}
	conn, err := c.pool.Get(ctx, cfg)
	if err != nil {
		var ue *ssh.UnreachableError
		if errors.As(err, &ue) {
			return nil, &unreachable{msg: ue.Msg}
		}
		return nil, &unreachable{msg: err.Error()}
	}
	return conn, nil
}

// Close closes every pooled connection.
func (c *sshConnector) Close() error { return c.pool.Close() }

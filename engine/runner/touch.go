package runner

import (
	"context"
	"io"
	"os"
	"sync/atomic"

	"github.com/goplay/goplay/modules"
)

// touchConn records whether a module reached its target. Ansible discovers
// the interpreter when an action first executes a module on the target, so
// a failure the action raises on the controller (copy's missing src) has no
// discovered_interpreter_python in its result, and a failure of the module
// itself has. ExecTTY is offered only when the wrapped connection offers a
// terminal (ttyTouchConn), since modules look for it.
type touchConn struct {
	modules.Conn
	used atomic.Bool
}

type ttyTouchConn struct{ *touchConn }

func newTouchConn(c modules.Conn) (modules.Conn, *touchConn) {
	tc := &touchConn{Conn: c}
	if _, ok := c.(modules.TTYConn); ok {
		return ttyTouchConn{tc}, tc
	}
	return tc, tc
}

// Unwrap gives the connection underneath (modules.Stager looks through it).
func (c *touchConn) Unwrap() modules.Conn { return c.Conn }

func (c *touchConn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	c.used.Store(true)
	return c.Conn.Exec(ctx, cmd, stdin)
}

// ExecScript keeps the in-process helper scripts of the wrapped connection.
func (c *touchConn) ExecScript(ctx context.Context, script string, stdin io.Reader) ([]byte, []byte, int, error) {
	c.used.Store(true)
	return modules.RunScript(ctx, c.Conn, script, stdin)
}

func (c *touchConn) Put(ctx context.Context, data io.Reader, path string, mode os.FileMode) error {
	c.used.Store(true)
	return c.Conn.Put(ctx, data, path, mode)
}

func (c *touchConn) Fetch(ctx context.Context, path string) ([]byte, error) {
	c.used.Store(true)
	return c.Conn.Fetch(ctx, path)
}

func (c ttyTouchConn) ExecTTY(ctx context.Context, cmd string) ([]byte, []byte, int, error) {
	c.used.Store(true)
	return modules.ExecTTY(ctx, c.Conn, cmd)
}

package ssh

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// cmdConn is a net.Conn over a ProxyCommand's stdin and stdout. Its
// stderr is kept: ssh passes it through, so it is part of the message of a
// failed connection.
type cmdConn struct {
	cmd    *exec.Cmd
	r      io.ReadCloser
	w      io.WriteCloser
	stderr *lockedBuffer
	exited chan struct{}
	mu     sync.Mutex
	timer  *time.Timer
	once   sync.Once
}

// stderrText returns what the command wrote on stderr, waiting a little
// for it to exit so that nothing is missed.
func (c *cmdConn) stderrText() string {
	select {
	case <-c.exited:
	case <-time.After(500 * time.Millisecond):
	}
	return c.stderr.String()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proxyCommandArgs expands ProxyCommand's tokens (%h %p %r %n %%).
func proxyCommandLine(s string, r *resolved) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'h':
			b.WriteString(r.hostname)
		case 'p':
			b.WriteString(strconv.Itoa(r.port))
		case 'r':
			b.WriteString(r.user)
		case 'n':
			b.WriteString(r.alias)
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// dialProxyCommand starts the ProxyCommand as ssh does ($SHELL -c "exec …",
// here /bin/sh).
func dialProxyCommand(command string, r *resolved) (*cmdConn, error) {
	cmd := exec.Command("/bin/sh", "-c", "exec "+proxyCommandLine(command, r))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Plain pipes, not StdinPipe/StdoutPipe: Wait must not close our ends.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	c := &cmdConn{cmd: cmd, r: outR, w: inW, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, c.stderr
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	go func() { _ = cmd.Wait(); close(c.exited) }()
	return c, nil
}

func (c *cmdConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *cmdConn) Write(b []byte) (int, error) { return c.w.Write(b) }

// Close ends the proxy command.
func (c *cmdConn) Close() error {
	c.once.Do(func() {
		c.w.Close()
		c.r.Close()
		select {
		case <-c.exited:
		default:
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGTERM)
		}
	})
	return nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "UNKNOWN:65535" }

func (c *cmdConn) LocalAddr() net.Addr  { return pipeAddr{} }
func (c *cmdConn) RemoteAddr() net.Addr { return pipeAddr{} }

// SetDeadline kills the proxy command when the deadline passes (a pipe has
// no deadlines); the zero time cancels that.
func (c *cmdConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if !t.IsZero() {
		c.timer = time.AfterFunc(time.Until(t), func() { c.Close() })
	}
	return nil
}
func (c *cmdConn) SetReadDeadline(t time.Time) error  { return c.SetDeadline(t) }
func (c *cmdConn) SetWriteDeadline(t time.Time) error { return nil }

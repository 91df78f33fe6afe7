package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/goplay/goplay/modules"
	"golang.org/x/crypto/ssh"
)

var _ modules.Conn = (*Conn)(nil)

// Conn runs commands on one host over its pooled connection. It is cheap:
// Pool.Get returns a new Conn for the shared connection each time. A Conn
// is safe for concurrent use.
type Conn struct {
	pool *Pool
	r    *resolved
	mu   sync.Mutex
	e    *entry
}

// Host returns the resolved user@host:port the Conn talks to.
func (c *Conn) Host() string { return c.r.key() }

// Client returns the underlying *ssh.Client (shared: do not close it).
func (c *Conn) Client() *ssh.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.e.client
}

// WithBecome returns a Conn on the same connection whose commands run with
// b (nil: without become).
func (c *Conn) WithBecome(b *Become) *Conn {
	r := *c.r
	r.cfg.Become = b
	c.mu.Lock()
	defer c.mu.Unlock()
	return &Conn{pool: c.pool, r: &r, e: c.e}
}

// session opens a session, waiting for a free MaxSessions slot, and
// reconnects once if the pooled connection has died.
func (c *Conn) session(ctx context.Context) (*ssh.Session, *entry, func(), error) {
	reconnected := false
	backoff := 2 * time.Millisecond
	giveUp := time.Now().Add(max(c.r.timeout, 10*time.Second))
	for {
		c.mu.Lock()
		e := c.e
		c.mu.Unlock()
		if e.isDead() {
			if reconnected {
				return nil, nil, nil, c.closedError(nil)
			}
			ne, err := c.pool.entry(ctx, c.r)
			if err != nil {
				return nil, nil, nil, err
			}
			c.mu.Lock()
			c.e = ne
			c.mu.Unlock()
			reconnected = true
			continue
		}
		select {
		case e.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, nil, ctx.Err()
		}
		release := func() { <-e.sem }
		s, err := e.client.NewSession()
		if err == nil {
			return s, e, release, nil
		}
		release()
		var oce *ssh.OpenChannelError
		if errors.As(err, &oce) && time.Now().Before(giveUp) {
			// sshd refuses ("open failed") while it still counts a session
			// we have just closed, or when its MaxSessions is lower than
			// ours: wait and retry.
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return nil, nil, nil, ctx.Err()
			}
			backoff = min(2*backoff, 200*time.Millisecond)
			continue
		}
		if oce != nil {
			return nil, nil, nil, fmt.Errorf("ssh: open session on %s: %w", c.r.key(), err)
		}
		// The connection broke: let the watcher notice, then redial.
		select {
		case <-e.dead:
		case <-time.After(time.Second):
			return nil, nil, nil, c.closedError(err)
		}
	}
}

func (c *Conn) closedError(err error) *UnreachableError {
	return &UnreachableError{Msg: fmt.Sprintf("Connection to %s closed by remote host.", c.r.hostname), Err: err}
}

// Exec runs cmd with /bin/sh -c on the host (wrapped for become when the
// Config has Become), feeding stdin when not nil. rc is the exit status;
// 255 when the command was killed by a signal or no status came back, as
// ssh reports it. err is an *UnreachableError when the connection failed, a
// *BecomeError when privilege escalation failed, or ctx's error.
//
// With become to a user other than root, cmd runs where an Ansible module
// would: when that user cannot read the login directory, in a fresh
// ansible-moduletmp directory of its remote_tmp (see moduleCwd).
func (c *Conn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	full := cmd
	var bc *becomeCmd
	if b := c.r.cfg.Become; b != nil {
		bc = newBecomeCmd(b, c.r.timeout)
		full = bc.wrap(moduleCwd(b, cmd))
	}
	full = "/bin/sh -c " + ShellQuote(full)
	return c.run(ctx, full, stdin, bc, false)
}

// ExecTTY runs cmd as Exec does but on a pseudo-terminal, as Ansible's ssh
// plugin does (ssh -tt) for commands without input data, e.g. the raw
// module: stdout then holds stdout and stderr together with "\r\n" line
// ends, and stderr is what ssh prints on a multiplexed connection,
// "Shared connection to <host> closed.\r\n".
func (c *Conn) ExecTTY(ctx context.Context, cmd string) ([]byte, []byte, int, error) {
	full := cmd
	var bc *becomeCmd
	if b := c.r.cfg.Become; b != nil {
		bc = newBecomeCmd(b, c.r.timeout)
		full = bc.wrap(cmd)
	}
	full = "/bin/sh -c " + ShellQuote(full)
	stdout, stderr, rc, err := c.run(ctx, full, nil, bc, true)
	if err == nil {
		stderr = append(stderr, fmt.Sprintf("Shared connection to %s closed.\r\n", c.r.cfg.Host)...)
	}
	return stdout, stderr, rc, err
}

func (c *Conn) run(ctx context.Context, full string, stdin io.Reader, bc *becomeCmd, tty bool) ([]byte, []byte, int, error) {
	s, e, release, err := c.session(ctx)
	if err != nil {
		return nil, nil, -1, err
	}
	defer release()
	defer s.Close()
	if tty {
		if err := s.RequestPty(os.Getenv("TERM"), 0, 0, ssh.TerminalModes{}); err != nil {
			return nil, nil, -1, c.brokenOr(e, err)
		}
	}

	stdinW, err := s.StdinPipe()
	if err != nil {
		return nil, nil, -1, err
	}
	outR, err := s.StdoutPipe()
	if err != nil {
		return nil, nil, -1, err
	}
	errR, err := s.StderrPipe()
	if err != nil {
		return nil, nil, -1, err
	}
	if err := s.Start(full); err != nil {
		return nil, nil, -1, c.brokenOr(e, err)
	}

	stop := context.AfterFunc(ctx, func() {
		_ = s.Signal(ssh.SIGKILL)
		s.Close()
	})
	defer stop()

	sendStdin := func() {
		go func() {
			if stdin != nil {
				_, _ = io.Copy(stdinW, stdin)
			}
			stdinW.Close()
		}()
	}

	var stdout, stderr []byte
	if bc == nil {
		sendStdin()
		var wg sync.WaitGroup
		var ob, eb bytes.Buffer
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = io.Copy(&ob, outR) }()
		go func() { defer wg.Done(); _, _ = io.Copy(&eb, errR) }()
		wg.Wait()
		stdout, stderr = ob.Bytes(), eb.Bytes()
	} else {
		var berr error
		stdout, stderr, berr = bc.negotiate(ctx, outR, errR, stdinW, sendStdin)
		if berr != nil {
			_ = s.Signal(ssh.SIGKILL)
			s.Close()
			if ctx.Err() != nil {
				return stdout, stderr, -1, ctx.Err()
			}
			return stdout, stderr, -1, berr
		}
	}

	werr := s.Wait()
	if ctx.Err() != nil {
		return stdout, stderr, -1, ctx.Err()
	}
	if werr == nil {
		return stdout, stderr, 0, nil
	}
	var ee *ssh.ExitError
	if errors.As(werr, &ee) {
		if ee.Signal() != "" {
			return stdout, stderr, 255, nil
		}
		return stdout, stderr, ee.ExitStatus(), nil
	}
	var em *ssh.ExitMissingError
	if errors.As(werr, &em) {
		select {
		case <-e.dead:
			return stdout, stderr, -1, c.closedError(werr)
		case <-time.After(100 * time.Millisecond):
		}
		return stdout, stderr, 255, nil
	}
	return stdout, stderr, -1, c.brokenOr(e, werr)
}

// brokenOr returns an UnreachableError when e's connection is gone, else
// err.
func (c *Conn) brokenOr(e *entry, err error) error {
	select {
	case <-e.dead:
		return c.closedError(err)
	case <-time.After(100 * time.Millisecond):
		return err
	}
}

// Put writes data to path on the host with the given mode (as the become
// user when become is set). The file is written to a temporary name next
// to path and renamed into place.
func (c *Conn) Put(ctx context.Context, data io.Reader, path string, mode os.FileMode) error {
	q := ShellQuote(path)
	tmp := ShellQuote(fmt.Sprintf("%s.goplay-%d.tmp", path, time.Now().UnixNano()))
	cmd := fmt.Sprintf("umask 077 && cat > %s && chmod %04o %s && mv -f %s %s || { rc=$?; rm -f %s; exit $rc; }",
		tmp, mode.Perm(), tmp, tmp, q, tmp)
	_, stderr, rc, err := c.Exec(ctx, cmd, data)
	if err != nil {
		return err
	}
	if rc != 0 {
		return fmt.Errorf("put %s: %s (rc=%d)", path, strings.TrimSpace(string(stderr)), rc)
	}
	return nil
}

// Fetch returns the contents of path on the host.
func (c *Conn) Fetch(ctx context.Context, path string) ([]byte, error) {
	stdout, stderr, rc, err := c.Exec(ctx, "cat "+ShellQuote(path), nil)
	if err != nil {
		return nil, err
	}
	if rc != 0 {
		return nil, fmt.Errorf("fetch %s: %s (rc=%d)", path, strings.TrimSpace(string(stderr)), rc)
	}
	return stdout, nil
}

package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/goplay/goplay/modules"
)

// Conn runs commands and moves files on the local machine. The zero value is
// ready to use.
type Conn struct {
	// Shell is the shell Exec runs commands with; "" means /bin/sh.
	Shell string
	// Dir is the working directory of commands; "" means the current one.
	Dir string
	// Env, when not nil, replaces the environment of commands.
	Env []string
	// Grace is how long Exec waits, once the context is done and the process
	// group has been killed, for descendants that escaped the group to
	// close the output pipes. 0 means one second.
	Grace time.Duration
}

var _ modules.Conn = (*Conn)(nil)

// New returns a local connection with default settings.
func New() *Conn { return &Conn{} }

func (c *Conn) shell() string {
	if c.Shell != "" {
		return c.Shell
	}
	return "/bin/sh"
}

// Exec runs cmd with /bin/sh -c. A non-zero exit status is returned as rc;
// a process killed by signal N gives rc -N, as Python's subprocess reports
// it. err is set only when the command could not be run or the context
// ended first (then err is the context's error).
func (c *Conn) Exec(ctx context.Context, cmd string, stdin io.Reader) (stdout, stderr []byte, rc int, err error) {
	return c.ExecArgv(ctx, []string{c.shell(), "-c", cmd}, "", stdin)
}

// ExecArgv runs argv directly (no shell) in dir ("" for the connection's
// directory), with the same result conventions as Exec.
func (c *Conn) ExecArgv(ctx context.Context, argv []string, dir string, stdin io.Reader) (stdout, stderr []byte, rc int, err error) {
	if len(argv) == 0 {
		return nil, nil, 0, errors.New("local: empty argv")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, 0, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.Dir
	if dir != "" {
		cmd.Dir = dir
	}
	cmd.Env = c.Env
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var outBuf, errBuf bytes.Buffer
	rc, err = c.runCmd(ctx, cmd, &outBuf, &errBuf)
	return outBuf.Bytes(), errBuf.Bytes(), rc, err
}

// runCmd runs cmd in its own process group with its output going to stdout
// and stderr (directly when they are files, else through pipes read until
// every descendant closes them, as Python's communicate() does). A
// non-zero exit status is rc, a death by signal N is rc -N; err is set when
// cmd could not start or the context ended first (then the group is killed
// and rc is -SIGKILL).
func (c *Conn) runCmd(ctx context.Context, cmd *exec.Cmd, stdout, stderr io.Writer) (rc int, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	// The pipes are ours (not exec's copying goroutines), so that Wait
	// returns when the process exits and we decide how long to wait for EOF.
	var readers []*os.File
	var writers []*os.File
	closeAll := func() {
		for _, f := range readers {
			f.Close()
		}
		for _, f := range writers {
			f.Close()
		}
	}
	var wg sync.WaitGroup
	var copies []func()
	outs := []struct {
		w   io.Writer
		dst *io.Writer
	}{{stdout, &cmd.Stdout}, {stderr, &cmd.Stderr}}
	shared := sameWriter(stdout, stderr)
	if shared {
		// 2>&1: one pipe keeps the order of the writes.
		outs = outs[:1]
	}
	for _, o := range outs {
		if f, ok := o.w.(*os.File); ok {
			*o.dst = f
			continue
		}
		r, w, perr := os.Pipe()
		if perr != nil {
			closeAll()
			return 0, perr
		}
		readers = append(readers, r)
		writers = append(writers, w)
		*o.dst = w
		dst := o.w
		copies = append(copies, func() { defer wg.Done(); io.Copy(dst, r) })
	}
	if shared {
		cmd.Stderr = cmd.Stdout
	}
	if err := cmd.Start(); err != nil {
		closeAll()
		return 0, err
	}
	for _, w := range writers {
		w.Close()
	}
	wg.Add(len(copies))
	for _, f := range copies {
		go f()
	}
	pipesDone := make(chan struct{})
	go func() { wg.Wait(); close(pipesDone) }()

	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()

	pgid := cmd.Process.Pid
	var waitErr error
	select {
	case waitErr = <-waitDone:
		// The process exited. Like Python's communicate(), keep reading
		// until its descendants close the pipes, unless cancelled.
		select {
		case <-pipesDone:
		case <-ctx.Done():
			syscall.Kill(-pgid, syscall.SIGKILL)
			c.drain(pipesDone, readers...)
			return -int(syscall.SIGKILL), ctx.Err()
		}
	case <-ctx.Done():
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waitDone
		c.drain(pipesDone, readers...)
		return -int(syscall.SIGKILL), ctx.Err()
	}
	for _, r := range readers {
		r.Close()
	}

	if waitErr != nil {
		var ee *exec.ExitError
		if !errors.As(waitErr, &ee) {
			return 0, waitErr
		}
		return exitCode(ee), nil
	}
	return 0, nil
}

// sameWriter reports whether a and b are the same writer.
func sameWriter(a, b io.Writer) (same bool) {
	defer func() {
		if recover() != nil {
			same = false // not comparable
		}
	}()
	return a == b
}

// drain waits up to the grace period for the readers, then closes the pipes.
func (c *Conn) drain(done <-chan struct{}, files ...*os.File) {
	g := c.Grace
	if g <= 0 {
		g = time.Second
	}
	t := time.NewTimer(g)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
	for _, f := range files {
		f.Close()
	}
	<-done
}

func exitCode(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return ee.ExitCode()
}

// Put writes data to path with mode, atomically: it writes a temporary file
// in the same directory and renames it over path.
func (c *Conn) Put(ctx context.Context, data io.Reader, path string, mode os.FileMode) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path = c.abs(path)
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".goplay-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := io.Copy(f, ctxReader{ctx, data}); err != nil {
		return fail(err)
	}
	if err := f.Chmod(mode.Perm()); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := ctx.Err(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Fetch reads the file at path.
func (c *Conn) Fetch(ctx context.Context, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return os.ReadFile(c.abs(path))
}

// Close releases nothing; it exists so the engine can treat every
// connection alike.
func (c *Conn) Close() error { return nil }

func (c *Conn) abs(p string) string {
	if c.Dir != "" && !filepath.IsAbs(p) {
		return filepath.Join(c.Dir, p)
	}
	return p
}

func (c *Conn) String() string { return fmt.Sprintf("local(%s)", c.shell()) }

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if r.r == nil {
		return 0, io.EOF
	}
	return r.r.Read(p)
}

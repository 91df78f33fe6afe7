package sandbox

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshServer is a node's embedded SSH endpoint: it accepts the sandbox's
// client key for root (and the current user), and runs exec requests with
// /bin/sh -c in the node's directory, as sshd runs them with the login
// shell. Shells, subsystems (sftp) and port forwarding are refused.
type sshServer struct {
	dir  string
	addr string
	cfg  *ssh.ServerConfig
	ln   net.Listener

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	procs  map[*exec.Cmd]struct{}
	wg     sync.WaitGroup
}

// writeClientKey writes a new ed25519 key in OpenSSH format to path (and
// path+".pub") and returns its public half.
func writeClientKey(path, comment string) (ssh.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	spub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(spub))) + " " + comment + "\n"
	if err := os.WriteFile(path+".pub", []byte(line), 0o644); err != nil {
		return nil, err
	}
	return spub, nil
}

// newHostSigner returns a fresh ed25519 host key.
func newHostSigner() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

func newSSHServer(host, dir string, hostKey ssh.Signer, authorized ssh.PublicKey) (*sshServer, error) {
	users := map[string]bool{"root": true}
	if u, err := user.Current(); err == nil {
		users[u.Username] = true
	}
	want := authorized.Marshal()
	cfg := &ssh.ServerConfig{
		ServerVersion: "SSH-2.0-goplay_sandbox",
		PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if users[c.User()] && bytes.Equal(k.Marshal(), want) {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("permission denied")
		},
	}
	cfg.AddHostKey(hostKey)
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, err
	}
	s := &sshServer{dir: dir, addr: ln.Addr().String(), cfg: cfg, ln: ln,
		conns: map[net.Conn]struct{}{}, procs: map[*exec.Cmd]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (s *sshServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

func (s *sshServer) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	sc, chans, reqs, err := ssh.NewServerConn(c, s.cfg)
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.Prohibited, "only session channels are served")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.session(ch, creqs, sc.User())
		}()
	}
	wg.Wait()
}

// session serves one session channel: env, pty-req, exec and signal
// requests.
func (s *sshServer) session(ch ssh.Channel, reqs <-chan *ssh.Request, userName string) {
	var (
		env     []string
		tty     bool
		started bool
		runMu   sync.Mutex
		cmd     *exec.Cmd
		done    = make(chan struct{})
	)
	defer func() {
		// The client closed the channel: end what still runs.
		runMu.Lock()
		c := cmd
		runMu.Unlock()
		if c != nil {
			select {
			case <-done:
			default:
				killGroup(c, syscall.SIGKILL)
			}
		}
		ch.Close()
	}()
	for req := range reqs {
		switch req.Type {
		case "env":
			var p struct{ Name, Value string }
			ok := ssh.Unmarshal(req.Payload, &p) == nil && acceptEnv(p.Name)
			if ok {
				env = append(env, p.Name+"="+p.Value)
			}
			_ = req.Reply(ok, nil)
		case "pty-req":
			tty = true
			_ = req.Reply(true, nil)
		case "window-change":
			_ = req.Reply(true, nil)
		case "exec":
			var p struct{ Command string }
			if started || ssh.Unmarshal(req.Payload, &p) != nil {
				_ = req.Reply(false, nil)
				continue
			}
			started = true
			c, err := s.startCommand(ch, p.Command, env, tty, userName)
			if err != nil {
				_ = req.Reply(true, nil)
				fmt.Fprintf(ch.Stderr(), "goplay sandbox: %v\n", err)
				_ = ch.CloseWrite()
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{127}))
				_ = ch.Close()
				continue
			}
			runMu.Lock()
			cmd = c
			runMu.Unlock()
			_ = req.Reply(true, nil)
			go s.finish(ch, c, done)
		case "signal":
			var p struct{ Signal string }
			runMu.Lock()
			c := cmd
			runMu.Unlock()
			if c != nil && ssh.Unmarshal(req.Payload, &p) == nil {
				if sig, ok := signals[p.Signal]; ok {
					killGroup(c, sig)
				}
			}
			if req.WantReply {
				_ = req.Reply(true, nil)
			}
		default:
			// shell, subsystem (sftp), x11-req, auth-agent-req …
			_ = req.Reply(false, nil)
		}
	}
}

// acceptEnv is sshd's AcceptEnv as Debian configures it: LANG and LC_*.
func acceptEnv(name string) bool {
	return name == "LANG" || strings.HasPrefix(name, "LC_")
}

var signals = map[string]syscall.Signal{
	"ABRT": syscall.SIGABRT, "ALRM": syscall.SIGALRM, "FPE": syscall.SIGFPE, "HUP": syscall.SIGHUP,
	"ILL": syscall.SIGILL, "INT": syscall.SIGINT, "KILL": syscall.SIGKILL, "PIPE": syscall.SIGPIPE,
	"QUIT": syscall.SIGQUIT, "SEGV": syscall.SIGSEGV, "TERM": syscall.SIGTERM, "USR1": syscall.SIGUSR1,
	"USR2": syscall.SIGUSR2,
}

func signalName(sig syscall.Signal) string {
	for n, s := range signals {
		if s == sig {
			return n
		}
	}
	return fmt.Sprintf("SIG%d", int(sig))
}

func killGroup(c *exec.Cmd, sig syscall.Signal) {
	if c.Process == nil {
		return
	}
	_ = syscall.Kill(-c.Process.Pid, sig)
}

// crlfWriter turns "\n" into "\r\n", as a terminal's onlcr does; stdout
// and stderr share it under a pty.
type crlfWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (s *sshServer) baseEnv(userName string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	return []string{
		"HOME=" + s.dir, "USER=" + userName, "LOGNAME=" + userName, "SHELL=/bin/sh",
		"PATH=" + path, "PWD=" + s.dir, "GOPLAY_SANDBOX_NODE=" + s.dir,
	}
}

func (s *sshServer) startCommand(ch ssh.Channel, command string, env []string, tty bool, userName string) (*exec.Cmd, error) {
	c := exec.Command("/bin/sh", "-c", command)
	c.Dir = s.dir
	c.Env = append(s.baseEnv(userName), env...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if tty {
		w := &crlfWriter{w: ch}
		c.Stdout, c.Stderr = w, w
	} else {
		c.Stdout, c.Stderr = ch, ch.Stderr()
	}
	// Output written by background processes that keep the pipes open is
	// dropped this long after the command exits.
	c.WaitDelay = 2 * time.Second
	stdin, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errors.New("endpoint closed")
	}
	if err := c.Start(); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.procs[c] = struct{}{}
	s.mu.Unlock()
	go func() {
		_, _ = io.Copy(stdin, ch)
		stdin.Close()
	}()
	return c, nil
}

// finish waits for the command and reports its exit as sshd does: EOF,
// exit-status (or exit-signal), close.
func (s *sshServer) finish(ch ssh.Channel, c *exec.Cmd, done chan struct{}) {
	err := c.Wait()
	close(done)
	s.mu.Lock()
	delete(s.procs, c)
	s.mu.Unlock()
	_ = ch.CloseWrite()
	var ee *exec.ExitError
	switch {
	case err == nil:
		_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
	case errors.As(err, &ee):
		ws, ok := ee.Sys().(syscall.WaitStatus)
		if ok && ws.Signaled() {
			_, _ = ch.SendRequest("exit-signal", false, ssh.Marshal(struct {
				Signal     string
				CoreDumped bool
				Error      string
				Lang       string
			}{signalName(ws.Signal()), ws.CoreDump(), "", ""}))
		} else {
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(ee.ExitCode())}))
		}
	default:
		// exec.ErrWaitDelay: the command exited but a background process
		// kept its output open.
		code := 0
		if c.ProcessState != nil {
			code = c.ProcessState.ExitCode()
		}
		_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(max(code, 0))}))
	}
	_ = ch.Close()
}

// Close stops the endpoint: the listener, every connection and every
// command still running (killed).
func (s *sshServer) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	for c := range s.procs {
		killGroup(c, syscall.SIGKILL)
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

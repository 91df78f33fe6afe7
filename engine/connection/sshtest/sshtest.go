package sshtest

import (
	"bufio"
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
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHDPath is the sshd binary. sshd must be started with an absolute path
// (it re-executes itself for every connection).
var SSHDPath = "/usr/sbin/sshd"

// TestUser is the dedicated login account created when running as root.
const TestUser = "goplay-sshtest"

// TestPassword is TestUser's password (only set on the account this package
// creates; the sshd instances that accept passwords listen on loopback only).
const TestPassword = "goplay-sshtest-pw"

// testPasswordHash is `openssl passwd -6 -salt goplaysshtest goplay-sshtest-pw`.
const testPasswordHash = "$6$goplaysshtest$DTkCehaooEidvCuvFdsGcqYTB1qkBi8jUA85eVU/476bopuz9aDQ/vQLiSrfvLAS42/2swO9ewZMDO75lkE1k1"

// Options selects what Start sets up.
type Options struct {
	// Servers is how many sshd processes to start (default 1), one per
	// address.
	Servers int
	// Addrs are the listen addresses; default 127.0.0.21, .22, …
	Addrs []string
	// PasswordAuth enables PasswordAuthentication (key auth stays on).
	PasswordAuth bool
	// MaxSessions is sshd's MaxSessions (0: sshd's default, 10).
	MaxSessions int
	// ExtraConfig is appended to every sshd_config.
	ExtraConfig string
}

// Server is one running sshd.
type Server struct {
	Addr        string // listen address, e.g. 127.0.0.21
	Port        int
	HostKeyFile string        // private host key
	HostKey     ssh.PublicKey // its public half
	LogFile     string        // sshd -E log
	ConfigFile  string

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// Env is everything a test needs to reach the servers.
type Env struct {
	Dir        string // temp dir holding keys, configs and logs
	User       string // login user (TestUser when root, else the current user)
	Password   string // User's password when known ("" otherwise)
	Home       string // User's home directory
	RootLogin  bool   // whether root may log in with KeyFile
	KeyFile    string // private key authorized for User (and root)
	PubKeyFile string
	// WrongKeyFile is a valid private key that no server accepts.
	WrongKeyFile string
	// KnownHosts lists every server's host key as "[addr]:port type key".
	KnownHosts string
	Servers    []*Server
}

// HostPort returns "addr:port" of server i.
func (e *Env) HostPort(i int) string {
	s := e.Servers[i]
	return net.JoinHostPort(s.Addr, strconv.Itoa(s.Port))
}

// Start starts the servers and registers their shutdown with t.Cleanup.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		msg := fmt.Sprintf("sshtest: %s not available (%v); install openssh-server", SSHDPath, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (.ci/run installs openssh-server)")
		}
		t.Skip(msg)
	}
	n := opts.Servers
	if n <= 0 {
		n = 1
	}
	addrs := opts.Addrs
	for i := len(addrs); i < n; i++ {
		addrs = append(addrs, fmt.Sprintf("127.0.0.%d", 21+i))
	}
	dir := t.TempDir()
	env := &Env{Dir: dir}
	if err := setupUser(env); err != nil {
		t.Fatalf("sshtest: login user: %v", err)
	}
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshtest: privilege separation dir: %v", err)
		}
	}

	env.KeyFile = filepath.Join(dir, "id_ed25519")
	env.PubKeyFile = env.KeyFile + ".pub"
	pub, err := writeKey(env.KeyFile, "goplay-sshtest")
	if err != nil {
		t.Fatal(err)
	}
	env.WrongKeyFile = filepath.Join(dir, "id_wrong")
	if _, err := writeKey(env.WrongKeyFile, "goplay-sshtest-wrong"); err != nil {
		t.Fatal(err)
	}
	authKeys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authKeys, ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		t.Fatal(err)
	}
	// sshd running as root reads the files as the logging-in user.
	// t.TempDir() makes dir and its parent 0700.
	_ = os.Chmod(filepath.Dir(dir), 0o755)
	_ = os.Chmod(dir, 0o755)

	var kh bytes.Buffer
	for i, a := range addrs[:n] {
		s := &Server{Addr: a}
		s.HostKeyFile = filepath.Join(dir, fmt.Sprintf("ssh_host_ed25519_key_%d", i))
		hk, err := writeKey(s.HostKeyFile, "host-"+a)
		if err != nil {
			t.Fatal(err)
		}
		s.HostKey = hk
		s.LogFile = filepath.Join(dir, fmt.Sprintf("sshd_%d.log", i))
		s.ConfigFile = filepath.Join(dir, fmt.Sprintf("sshd_config_%d", i))
		if err := s.start(opts, authKeys); err != nil {
			t.Fatalf("sshtest: start sshd on %s: %v", a, err)
		}
		t.Cleanup(s.Stop)
		env.Servers = append(env.Servers, s)
		fmt.Fprintf(&kh, "[%s]:%d %s", s.Addr, s.Port, ssh.MarshalAuthorizedKey(hk))
	}
	env.KnownHosts = filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(env.KnownHosts, kh.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return env
}

func (s *Server) start(opts Options, authKeys string) error {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort(s.Addr)
		if err != nil {
			return err
		}
		s.Port = port
		var cfg strings.Builder
		fmt.Fprintf(&cfg, "ListenAddress %s:%d\n", s.Addr, port)
		fmt.Fprintf(&cfg, "HostKey %s\n", s.HostKeyFile)
		fmt.Fprintf(&cfg, "PidFile none\n")
		fmt.Fprintf(&cfg, "AuthorizedKeysFile %s\n", authKeys)
		fmt.Fprintf(&cfg, "PermitRootLogin prohibit-password\n")
		fmt.Fprintf(&cfg, "PubkeyAuthentication yes\n")
		fmt.Fprintf(&cfg, "PasswordAuthentication %s\n", yesNo(opts.PasswordAuth))
		fmt.Fprintf(&cfg, "KbdInteractiveAuthentication no\n")
		fmt.Fprintf(&cfg, "UsePAM no\nStrictModes no\nPrintMotd no\nPrintLastLog no\n")
		fmt.Fprintf(&cfg, "MaxStartups 100\n")
		if opts.MaxSessions > 0 {
			fmt.Fprintf(&cfg, "MaxSessions %d\n", opts.MaxSessions)
		}
		if _, err := os.Stat("/usr/lib/openssh/sftp-server"); err == nil {
			fmt.Fprintf(&cfg, "Subsystem sftp /usr/lib/openssh/sftp-server\n")
		}
		cfg.WriteString(opts.ExtraConfig)
		if err := os.WriteFile(s.ConfigFile, []byte(cfg.String()), 0o644); err != nil {
			return err
		}
		if out, err := exec.Command(SSHDPath, "-t", "-f", s.ConfigFile).CombinedOutput(); err != nil {
			return fmt.Errorf("sshd -t: %v: %s", err, out)
		}
		cmd := exec.Command(SSHDPath, "-D", "-f", s.ConfigFile, "-E", s.LogFile)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return err
		}
		s.cmd = cmd
		s.exited = make(chan struct{})
		go func() { _ = cmd.Wait(); close(s.exited) }()
		if err := s.waitReady(5 * time.Second); err != nil {
			lastErr = err
			s.kill()
			continue
		}
		return nil
	}
	return lastErr
}

// waitReady waits until sshd answers with its banner.
func (s *Server) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	addr := net.JoinHostPort(s.Addr, strconv.Itoa(s.Port))
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("sshd exited: %s", s.Log())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-") {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("sshd on %s not ready after %v: %s", addr, d, s.Log())
}

func (s *Server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	// sshd -D runs in its own process group (Setpgid): end the listener and
	// the per-connection children it forked.
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

// Stop ends the server and every session it forked. It is safe to call
// more than once.
func (s *Server) Stop() { s.stopOnce.Do(s.kill) }

// HostPort returns "addr:port".
func (s *Server) HostPort() string { return net.JoinHostPort(s.Addr, strconv.Itoa(s.Port)) }

// KnownHostsLine returns the server's known_hosts line.
func (s *Server) KnownHostsLine() string {
	return fmt.Sprintf("[%s]:%d %s", s.Addr, s.Port, ssh.MarshalAuthorizedKey(s.HostKey))
}

// Log returns sshd's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogFile)
	return string(b)
}

// Accepted counts the authenticated connections sshd logged
// ("Accepted publickey for …", "Accepted password for …").
func (s *Server) Accepted() int {
	return strings.Count(s.Log(), "Accepted ")
}

// WriteKey writes a new ed25519 private key in OpenSSH format to path and
// its public key to path+".pub"; it returns the public key.
func WriteKey(path, comment string) (ssh.PublicKey, error) { return writeKey(path, comment) }

func writeKey(path, comment string) (ssh.PublicKey, error) {
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

func freePort(addr string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// setupUser picks the login user: the dedicated TestUser when running as
// root (created if missing), else the current user.
func setupUser(env *Env) error {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return err
		}
		env.User, env.Home = u.Username, u.HomeDir
		return nil
	}
	env.RootLogin = true
	home := filepath.Join(os.TempDir(), "goplay-sshtest-home")
	unlock, err := lockFile(filepath.Join(os.TempDir(), "goplay-sshtest.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	u, err := user.Lookup(TestUser)
	if err != nil {
		var unk user.UnknownUserError
		if !errors.As(err, &unk) {
			return err
		}
		useradd, lerr := exec.LookPath("useradd")
		if lerr != nil {
			// No useradd: log in as root itself.
			env.User, env.Home = "root", "/root"
			return nil
		}
		out, err := exec.Command(useradd, "-M", "-d", home, "-s", "/bin/sh", "-p", testPasswordHash, TestUser).CombinedOutput()
		if err != nil {
			return fmt.Errorf("useradd %s: %v: %s", TestUser, err, out)
		}
		if u, err = user.Lookup(TestUser); err != nil {
			return err
		}
	}
	env.User, env.Home = u.Username, u.HomeDir
	if shadowHash(TestUser) == testPasswordHash {
		env.Password = TestPassword
	}
	// The home directory must exist, or sshd prints "Could not chdir to
	// home directory" on every command's stderr.
	if err := os.MkdirAll(u.HomeDir, 0o755); err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(u.HomeDir, uid, gid)
}

// shadowHash returns name's password field from /etc/shadow.
func shadowHash(name string) string {
	f, err := os.Open("/etc/shadow")
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) > 1 && fields[0] == name {
			return fields[1]
		}
	}
	return ""
}

// lockFile takes an exclusive flock so that test binaries running at the
// same time do not race on useradd.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// ErrPoolClosed is returned by Get after Close.
var ErrPoolClosed = errors.New("ssh: connection pool closed")

// Pool keeps one persistent SSH connection per user@host:port (what
// Ansible's ControlMaster/ControlPersist gives) for the whole run. Every
// Exec, Put and Fetch opens a new session (channel) on it. Pool is safe for
// concurrent use: concurrent Gets for the same key share one dial.
type Pool struct {
	mu      sync.Mutex
	entries map[string]*entry
	closed  bool
	dials   atomic.Int64
}

// NewPool returns an empty pool.
func NewPool() *Pool { return &Pool{entries: map[string]*entry{}} }

// entry is one pooled connection, or a dial in progress.
type entry struct {
	key    string
	ready  chan struct{} // closed when the dial finished
	client *ssh.Client   // set before ready is closed
	err    error         // set before ready is closed
	dead   chan struct{} // closed when the connection ended
	sem    chan struct{} // MaxSessions slots
	r      *resolved
}

func (e *entry) isDead() bool {
	select {
	case <-e.dead:
		return true
	default:
		return false
	}
}

// Dials returns how many connections the pool has opened (successful or
// not), for tests and diagnostics.
func (p *Pool) Dials() int64 { return p.dials.Load() }

// Get returns a Conn for cfg, connecting if the pool has no live
// connection for cfg's user@host:port. Connection failures are
// *UnreachableError, or *FailureError for the few that Ansible reports as a
// task failure.
func (p *Pool) Get(ctx context.Context, cfg Config) (*Conn, error) {
	r, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	e, err := p.entry(ctx, r)
	if err != nil {
		return nil, err
	}
	return &Conn{pool: p, r: r, e: e}, nil
}

// entry returns the live connection for r, dialing if needed.
func (p *Pool) entry(ctx context.Context, r *resolved) (*entry, error) {
	key := r.key()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	if p.entries == nil {
		p.entries = map[string]*entry{}
	}
	e := p.entries[key]
	if e != nil {
		select {
		case <-e.ready:
			if e.err != nil || e.isDead() {
				e = nil
			}
		default:
		}
	}
	if e == nil {
		e = &entry{key: key, ready: make(chan struct{}), dead: make(chan struct{}), sem: make(chan struct{}, r.maxSess), r: r}
		p.entries[key] = e
		go p.connect(e)
	}
	p.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	return e, nil
}

// connect dials e. It does not use the caller's context: other callers
// may be waiting for the same connection; the dial is bounded by the
// connect timeout.
func (p *Pool) connect(e *entry) {
	p.dials.Add(1)
	client, err := p.dial(e.r)
	p.mu.Lock()
	if err == nil && p.closed {
		client.Close()
		client, err = nil, ErrPoolClosed
	}
	if err != nil && p.entries[e.key] == e {
		delete(p.entries, e.key)
	}
	p.mu.Unlock()
	e.client, e.err = client, err
	close(e.ready)
	if client == nil {
		close(e.dead)
		return
	}
	go func() {
		_ = client.Wait()
		close(e.dead)
		p.mu.Lock()
		if p.entries[e.key] == e {
			delete(p.entries, e.key)
		}
		p.mu.Unlock()
	}()
}

// Close closes every pooled connection; later Gets fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	entries := p.entries
	p.entries = nil
	p.mu.Unlock()
	for _, e := range entries {
		<-e.ready
		if e.client != nil {
			e.client.Close()
		}
	}
	return nil
}

// trackConn records whether the server's banner arrived and moves the
// deadline from the banner timeout to a looser handshake one.
type trackConn struct {
	net.Conn
	got     atomic.Bool
	timeout time.Duration
}

func (c *trackConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && !c.got.Swap(true) {
		_ = c.Conn.SetDeadline(time.Now().Add(max(3*c.timeout, 30*time.Second)))
	}
	return n, err
}

// dial opens and authenticates one connection.
func (p *Pool) dial(r *resolved) (*ssh.Client, error) {
	addr := net.JoinHostPort(r.hostname, strconv.Itoa(r.port))
	var conn net.Conn
	peerIP, peerPort := "UNKNOWN", 65535
	var proxyStderr func() string
	if r.proxyCmd != "" {
		pc, err := dialProxyCommand(r.proxyCmd, r)
		if err != nil {
			return nil, &UnreachableError{Msg: "ssh: proxy command: " + err.Error(), Err: err}
		}
		conn = pc
		proxyStderr = pc.stderrText
	} else if r.proxyJump != "" {
		jc, err := p.jumpClient(r)
		if err != nil {
			// ssh -J runs "ssh -W" as a proxy command: its failure is
			// followed by the outer ssh's.
			var ue *UnreachableError
			if errors.As(err, &ue) {
				return nil, &UnreachableError{Msg: ue.Msg + "\r\n" + closedByProxy, Err: err}
			}
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		conn, err = jc.DialContext(ctx, "tcp", addr)
		cancel()
		if err != nil {
			// What ssh -W prints when the jump host cannot connect.
			why := "connect failed: " + err.Error()
			var oce *ssh.OpenChannelError
			if errors.As(err, &oce) {
				why = oce.Reason.String() + ": " + oce.Message
			}
			return nil, &UnreachableError{Msg: "channel 0: open failed: " + why + "\r\nstdio forwarding failed\r\n" + closedByProxy, Err: err}
		}
	} else {
		d := net.Dialer{Timeout: r.timeout}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return nil, connectError(r.hostname, r.port, err)
		}
		conn = c
		if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			peerIP, peerPort = ta.IP.String(), ta.Port
		}
	}

	hk, err := newHostKeyChecker(r)
	if err != nil {
		conn.Close()
		return nil, err
	}
	au := newAuthenticator(r)
	defer au.close()
	cc := &ssh.ClientConfig{
		User:              r.user,
		Auth:              au.methods(),
		AuthCallback:      au.record,
		HostKeyCallback:   hk.callback,
		HostKeyAlgorithms: hk.algorithms(addr),
		ClientVersion:     "SSH-2.0-OpenSSH_9.2p1 goplay",
	}
	tc := &trackConn{Conn: conn, timeout: r.timeout}
	_ = conn.SetDeadline(time.Now().Add(r.timeout))
	c, chans, reqs, err := ssh.NewClientConn(tc, addr, cc)
	if err != nil {
		conn.Close()
		hk.mu.Lock()
		refusal := hk.refusal
		hk.mu.Unlock()
		if refusal != nil {
			return nil, refusal
		}
		ue := au.failure(r, err)
		if ue == nil {
			ue = handshakeError(peerIP, peerPort, tc.got.Load(), err)
		}
		if proxyStderr != nil {
			// What the proxy command wrote comes first, as on ssh's stderr.
			ue.Msg = proxyStderr() + ue.Msg
		}
		return nil, ue
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// closedByProxy is what ssh prints when its proxy closes the connection
// before the server's banner.
const closedByProxy = "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by UNKNOWN port 65535"

// jumpClient returns the pooled connection to the last ProxyJump hop,
// itself reached through the earlier hops.
func (p *Pool) jumpClient(r *resolved) (*ssh.Client, error) {
	hops := strings.Split(r.proxyJump, ",")
	last := strings.TrimSpace(hops[len(hops)-1])
	jc := Config{
		HostKeyChecking: r.cfg.HostKeyChecking,
		KnownHostsFiles: r.cfg.KnownHostsFiles,
		SSHConfigFile:   r.cfg.SSHConfigFile,
		PrivateKeyFiles: r.cfg.PrivateKeyFiles,
		Agent:           r.cfg.Agent,
		HomeDir:         r.cfg.HomeDir,
		Timeout:         r.timeout,
	}
	if r.configFile != "" {
		jc.SSHConfigFile = r.configFile
	}
	if strings.HasPrefix(last, "ssh://") {
		last = strings.TrimPrefix(last, "ssh://")
	}
	if i := strings.LastIndex(last, "@"); i >= 0 {
		jc.User, last = last[:i], last[i+1:]
	}
	if h, port, err := net.SplitHostPort(last); err == nil {
		last = h
		if jc.Port, err = strconv.Atoi(port); err != nil {
			return nil, fmt.Errorf("ssh: bad ProxyJump port in %q", r.proxyJump)
		}
	}
	jc.Host = last
	if len(hops) > 1 {
		jc.CommonArgs = "-J " + ShellQuote(strings.Join(hops[:len(hops)-1], ","))
	} else {
		// The jump host's own ssh_config ProxyJump must not loop back.
		jc.CommonArgs = "-o ProxyJump=none"
	}
	jr, err := resolve(jc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*r.timeout)
	defer cancel()
	e, err := p.entry(ctx, jr)
	if err != nil {
		return nil, err
	}
	return e.client, nil
}

// authenticator builds the authentication methods in the order: key files,
// ssh-agent, default keys (publickey), then password and
// keyboard-interactive when a password is given. It records what the
// server allowed, for the "Permission denied (…)" message.
type authenticator struct {
	r         *resolved
	agentConn net.Conn
	mu        sync.Mutex
	allowed   []string
	tried     []string
	missing   []string // "no such identity" lines for user-named keys
}

func newAuthenticator(r *resolved) *authenticator { return &authenticator{r: r} }

func (a *authenticator) close() {
	if a.agentConn != nil {
		a.agentConn.Close()
	}
}

func (a *authenticator) record(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	a.mu.Lock()
	a.allowed = ctx.AllowedMethods
	a.tried = ctx.TriedMethods
	a.mu.Unlock()
	return nil, nil
}

func (a *authenticator) methods() []ssh.AuthMethod {
	ms := []ssh.AuthMethod{ssh.PublicKeysCallback(a.signers)}
	if pw := a.r.cfg.Password; pw != "" {
		ms = append(ms, ssh.Password(pw), ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
			ans := make([]string, len(qs))
			for i := range qs {
				ans[i] = pw
			}
			return ans, nil
		}))
	}
	return ms
}

// signers loads the keys when the server asks for publickey.
func (a *authenticator) signers() ([]ssh.Signer, error) {
	var out []ssh.Signer
	seen := map[string]bool{}
	add := func(s ssh.Signer) {
		k := string(s.PublicKey().Marshal())
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	var missing []string
	load := func(id identity) {
		b, err := os.ReadFile(id.path)
		if err != nil {
			if id.userProvided {
				missing = append(missing, fmt.Sprintf("no such identity: %s: %s", id.path, strerror(err)))
			}
			return
		}
		s, err := ssh.ParsePrivateKey(b)
		if err != nil {
			// Passphrase-protected keys cannot be prompted for (BatchMode).
			return
		}
		add(s)
	}
	var defaults []identity
	for _, id := range a.r.identities {
		if id.userProvided {
			load(id)
		} else {
			defaults = append(defaults, id)
		}
	}
	if a.r.agentSock != "" {
		if c, err := net.DialTimeout("unix", a.r.agentSock, a.r.timeout); err == nil {
			a.agentConn = c
			if ss, err := agent.NewClient(c).Signers(); err == nil {
				for _, s := range ss {
					add(s)
				}
			}
		}
	}
	for _, id := range defaults {
		load(id)
	}
	a.mu.Lock()
	a.missing = missing
	a.mu.Unlock()
	return out, nil
}

// failure words an authentication failure, or returns nil when err is not
// one.
func (a *authenticator) failure(r *resolved, err error) *UnreachableError {
	if !strings.Contains(err.Error(), "unable to authenticate") && !strings.Contains(err.Error(), "no supported methods remain") {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if slices.Contains(a.tried, "password") || slices.Contains(a.tried, "keyboard-interactive") {
		// sshpass gives up at the second password prompt (exit 5).
		return &UnreachableError{Prefix: "Invalid/incorrect password:", Msg: "Permission denied, please try again.", Err: err}
	}
	var b bytes.Buffer
	if slices.Contains(a.allowed, "publickey") {
		for _, m := range a.missing {
			b.WriteString(m + "\r\n")
		}
	}
	fmt.Fprintf(&b, "%s@%s: Permission denied (%s).", r.user, r.hostname, strings.Join(a.allowed, ","))
	return &UnreachableError{Msg: b.String(), Err: err}
}

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/goplay/goplay/modules/rax/simulator"
)

// Defaults of Config.
const (
	DefaultNodes            = 4
	DefaultRate             = 200
	DefaultFirstAddress     = "127.0.0.101"
	DefaultSlowRate         = 0.1
	DefaultFreshRate        = 0.3
	DefaultRestartDowntime  = 300 * time.Millisecond
	DefaultKeepAliveTimeout = 2 * time.Second
	DefaultRequestTimeout   = 5 * time.Second
	DefaultWarmUp           = time.Second
	// LoadBalancerName is the pre-loaded load balancer, the article's.
	LoadBalancerName = "app-lb1"
	// Username and APIKey are what Env gives the rax modules; the
	// simulator accepts any credentials.
	Username = "sandbox"
	APIKey   = "sandbox-api-key"
	// Region is the region Env selects.
	Region = "DFW"
)

// Config configures a sandbox. The zero value is the article's setup: 4
// nodes, 200 requests per second, no faults.
type Config struct {
	// Nodes is the number of app nodes behind the load balancer (default
	// 4, at most 25, the CLB limit).
	Nodes int
	// Rate is the load generator's requests per second (default 200; a
	// negative rate sends no traffic).
	Rate int
	// Faults are injected into the Cloud Load Balancers API (5xx, 413 with
	// Retry-After, slow responses, dropped connections). See ParseFaults.
	Faults simulator.Faults
	// PendingUpdate is how long the load balancer stays PENDING_UPDATE
	// after each change (0: the simulator's default, 1s; negative: none).
	PendingUpdate time.Duration
	// Dir holds the nodes' directories, keys and ssh_config. "" makes a
	// temporary directory that Stop removes; a given Dir is kept.
	Dir string
	// SSH, when set, names one external SSH server per node (e.g. real
	// sshd from engine/connection/sshtest, configured with SSHDConfig)
	// instead of the embedded endpoints.
	SSH []SSHEndpoint
	// FirstAddress is node 1's loopback address; node i uses the i-th
	// address from it (default 127.0.0.101, clear of sshtest's 127.0.0.21+).
	FirstAddress string
	// AppPort is the nodes' HTTP port (0: a free port per node).
	AppPort int
	// RestartDowntime is how long a node's app is down during a restart
	// (default 300ms).
	RestartDowntime time.Duration
	// KeepAliveTimeout is how long the app keeps an idle connection open
	// (default 2s).
	KeepAliveTimeout time.Duration
	// SlowRate and FreshRate are the fractions of slow requests (streamed
	// over 200-800ms) and of requests on a fresh connection; the others
	// reuse kept-alive connections. Defaults 0.1 and 0.3; negative: none.
	SlowRate, FreshRate float64
	// RequestTimeout is the load generator's per-request timeout (default
	// 5s).
	RequestTimeout time.Duration
	// WarmUp is how long StartLoad runs the load before it returns, so
	// that the report shows the steady state before the playbook starts
	// (default 1s; negative: none).
	WarmUp time.Duration
	// Logf, if set, receives diagnostic lines.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() (Config, error) {
	if c.Nodes == 0 {
		c.Nodes = DefaultNodes
	}
	if c.Nodes < 1 || c.Nodes > simulator.DefaultAbsoluteLimits.Nodes {
		return c, fmt.Errorf("sandbox: %d nodes: the load balancer takes 1 to %d", c.Nodes, simulator.DefaultAbsoluteLimits.Nodes)
	}
	if len(c.SSH) > 0 && len(c.SSH) != c.Nodes {
		return c, fmt.Errorf("sandbox: %d SSH endpoints for %d nodes", len(c.SSH), c.Nodes)
	}
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.FirstAddress == "" {
		c.FirstAddress = DefaultFirstAddress
	}
	ip := net.ParseIP(c.FirstAddress).To4()
	if ip == nil || !ip.IsLoopback() || int(ip[3])+c.Nodes-1 > 254 {
		return c, fmt.Errorf("sandbox: first address %q: want an IPv4 loopback address with room for %d nodes", c.FirstAddress, c.Nodes)
	}
	if c.RestartDowntime == 0 {
		c.RestartDowntime = DefaultRestartDowntime
	}
	if c.KeepAliveTimeout <= 0 {
		c.KeepAliveTimeout = DefaultKeepAliveTimeout
	}
	if c.SlowRate == 0 {
		c.SlowRate = DefaultSlowRate
	}
	if c.FreshRate == 0 {
		c.FreshRate = DefaultFreshRate
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.WarmUp == 0 {
		c.WarmUp = DefaultWarmUp
	}
	return c, nil
}

// Node describes one sandbox node.
type Node struct {
	// Index is 1-based.
	Index int
	// Address is the node's loopback address (the CLB node address, and
	// the host name the playbook's ansible_ssh_host gives).
	Address string
	// AppAddr is the app's host:port (the CLB node address and port).
	AppAddr string
	// Dir is the node's directory.
	Dir string
	// SSHAddr is the host:port of the node's SSH endpoint.
	SSHAddr string
	// ID is the node's ID on the load balancer.
	ID int
}

// Sandbox is a running sandbox: the simulator with app-lb1, the nodes'
// apps and SSH endpoints, and the load generator.
type Sandbox struct {
	cfg     Config
	dir     string
	tempDir bool
	sim     *simulator.Simulator
	lb      simulator.LoadBalancer
	nodes   []Node
	apps    []*appServer
	sshds   []*sshServer // nil entries for external endpoints
	sshCfg  string
	keyFile string
	known   string

	mu      sync.Mutex
	load    *loadGen
	started time.Time
	stopped bool
	final   *Report
}

// Start starts a sandbox. ctx bounds the start only; Stop ends it.
func Start(ctx context.Context, cfg Config) (sb *Sandbox, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	sb = &Sandbox{cfg: cfg, dir: cfg.Dir, started: time.Now()}
	defer func() {
		if err != nil {
			sb.shutdown()
			sb = nil
		}
	}()
	if sb.dir == "" {
		if sb.dir, err = os.MkdirTemp("", "goplay-sandbox-"); err != nil {
			return sb, err
		}
		sb.tempDir = true
	} else if err = os.MkdirAll(sb.dir, 0o755); err != nil {
		return sb, err
	}
	if sb.dir, err = filepath.Abs(sb.dir); err != nil {
		return sb, err
	}
	sshDir := filepath.Join(sb.dir, "ssh")
	if err = os.MkdirAll(sshDir, 0o700); err != nil {
		return sb, err
	}
	sb.keyFile = filepath.Join(sshDir, "id_ed25519")
	clientKey, err := writeClientKey(sb.keyFile, "goplay-sandbox")
	if err != nil {
		return sb, err
	}

	first := net.ParseIP(cfg.FirstAddress).To4()
	var specs []simulator.NodeSpec
	var targets []sshTarget
	for i := 1; i <= cfg.Nodes; i++ {
		if err = ctx.Err(); err != nil {
			return sb, err
		}
		ip := net.IPv4(first[0], first[1], first[2], first[3]+byte(i-1)).String()
		n := Node{Index: i, Address: ip, Dir: NodeDir(sb.dir, i)}
		app, err := newAppServer(i, ip, cfg.AppPort, n.Dir, cfg.RestartDowntime, cfg.KeepAliveTimeout)
		if err != nil {
			return sb, fmt.Errorf("sandbox: node %d app on %s: %w", i, ip, err)
		}
		sb.apps = append(sb.apps, app)
		n.AppAddr = app.addr
		t := sshTarget{alias: ip, keyFile: sb.keyFile}
		if len(cfg.SSH) > 0 {
			e := cfg.SSH[i-1]
			if e.HostKey == nil || e.Host == "" || e.Port == 0 {
				return sb, fmt.Errorf("sandbox: SSH endpoint %d: Host, Port and HostKey are required", i)
			}
			t.host, t.port, t.key = e.Host, e.Port, e.HostKey
			if e.KeyFile != "" {
				t.keyFile = e.KeyFile
			}
			sb.sshds = append(sb.sshds, nil)
		} else {
			hk, err := newHostSigner()
			if err != nil {
				return sb, err
			}
			s, err := newSSHServer(ip, n.Dir, hk, clientKey)
			if err != nil {
				return sb, fmt.Errorf("sandbox: node %d SSH endpoint on %s: %w", i, ip, err)
			}
			sb.sshds = append(sb.sshds, s)
			t.host, t.port = splitHostPort(s.addr)
			t.key = hk.PublicKey()
		}
		if t.keyFile != sb.keyFile {
			if t.keyFile, err = filepath.Abs(t.keyFile); err != nil {
				return sb, err
			}
		}
		n.SSHAddr = net.JoinHostPort(t.host, strconv.Itoa(t.port))
		targets = append(targets, t)
		sb.nodes = append(sb.nodes, n)
		h, p := splitHostPort(app.addr)
		specs = append(specs, simulator.NodeSpec{Address: h, Port: p})
	}

	sb.known = filepath.Join(sshDir, "known_hosts")
	if err = os.WriteFile(sb.known, []byte(knownHostsText(targets)), 0o644); err != nil {
		return sb, err
	}
	sb.sshCfg = filepath.Join(sshDir, "config")
	if err = os.WriteFile(sb.sshCfg, []byte(sshConfigText(targets, sb.known)), 0o644); err != nil {
		return sb, err
	}

	sb.sim, err = simulator.Start(simulator.Config{
		AcceptAny:     true,
		PendingUpdate: cfg.PendingUpdate,
		Faults:        cfg.Faults,
		Logf:          cfg.Logf,
	})
	if err != nil {
		return sb, fmt.Errorf("sandbox: simulator: %w", err)
	}
	// As the article's rax_clb task asks for it (its defaults included),
	// so that state=present finds it unchanged.
	sb.lb, err = sb.sim.AddLoadBalancer(simulator.LoadBalancerSpec{
		Name: LoadBalancerName, Protocol: "HTTP", Port: 80, VIPType: "PUBLIC",
		Algorithm: "LEAST_CONNECTIONS", Timeout: 30, Nodes: specs,
	})
	if err != nil {
		return sb, fmt.Errorf("sandbox: %w", err)
	}
	for i, n := range sb.lb.Nodes {
		if i < len(sb.nodes) {
			sb.nodes[i].ID = n.ID
		}
	}
	sb.logf("sandbox: %d nodes, load balancer %s (id %d) on %s, identity %s", cfg.Nodes, sb.lb.Name, sb.lb.ID, sb.lb.VIP, sb.sim.IdentityURL())
	return sb, nil
}

func (sb *Sandbox) logf(format string, args ...any) {
	if sb.cfg.Logf != nil {
		sb.cfg.Logf(format, args...)
	}
}

// Env returns the environment variables for the playbook run, as
// "KEY=value": the identity endpoint of the simulator
// (GOPLAY_RAX_AUTH_ENDPOINT), and RAX_USERNAME, RAX_API_KEY and RAX_REGION.
// A username and API key win over a credentials file, so the article's
// credentials=/path/to/credentials is never opened.
func (sb *Sandbox) Env() []string {
	return []string{
		"GOPLAY_RAX_AUTH_ENDPOINT=" + sb.sim.IdentityURL(),
		"RAX_USERNAME=" + Username,
		"RAX_API_KEY=" + APIKey,
		"RAX_REGION=" + Region,
	}
}

// SSHConfigFile is the ssh_config to use for every SSH connection of the
// run (as ssh -F): it maps each node address to its endpoint, with the
// sandbox's key and a known_hosts file holding the endpoints' host keys.
func (sb *Sandbox) SSHConfigFile() string { return sb.sshCfg }

// KeyFile is the private key the nodes' SSH endpoints accept.
func (sb *Sandbox) KeyFile() string { return sb.keyFile }

// KnownHostsFile lists the host keys of the nodes' SSH endpoints.
func (sb *Sandbox) KnownHostsFile() string { return sb.known }

// Dir is the sandbox's directory.
func (sb *Sandbox) Dir() string { return sb.dir }

// Nodes describes the nodes, in load balancer order.
func (sb *Sandbox) Nodes() []Node { return append([]Node(nil), sb.nodes...) }

// Simulator is the running simulator (for tests and invariant checks).
func (sb *Sandbox) Simulator() *simulator.Simulator { return sb.sim }

// LoadBalancer returns the current state of app-lb1.
func (sb *Sandbox) LoadBalancer() simulator.LoadBalancer {
	if lb, ok := sb.sim.LoadBalancer(sb.lb.ID); ok {
		return lb
	}
	return sb.lb
}

// VIP is the host:port of app-lb1's virtual IP.
func (sb *Sandbox) VIP() string { return sb.lb.VIP }

// NodeVersion asks node i (1-based) for the version it serves, directly.
func (sb *Sandbox) NodeVersion(ctx context.Context, i int) (string, error) {
	if i < 1 || i > len(sb.nodes) {
		return "", fmt.Errorf("sandbox: no node %d", i)
	}
	return fetchVersion(ctx, sb.nodes[i-1].AppAddr)
}

// Connections is the number of open connections to node i's app.
func (sb *Sandbox) Connections(i int) int {
	if i < 1 || i > len(sb.apps) {
		return 0
	}
	return int(sb.apps[i-1].Connections())
}

// KillSSH stops node i's embedded SSH endpoint, as if the machine had
// gone away: its connections are cut and its commands killed. The app
// keeps running.
func (sb *Sandbox) KillSSH(i int) error {
	if i < 1 || i > len(sb.sshds) {
		return fmt.Errorf("sandbox: no node %d", i)
	}
	s := sb.sshds[i-1]
	if s == nil {
		return errors.New("sandbox: node uses an external SSH endpoint")
	}
	s.Close()
	return nil
}

// StartLoad starts the load generator against the load balancer's virtual
// IP and returns after Config.WarmUp. The load runs until Stop; a second
// call does nothing. With a negative Config.Rate it does nothing.
func (sb *Sandbox) StartLoad() {
	sb.mu.Lock()
	if sb.load != nil || sb.stopped || sb.cfg.Rate < 0 {
		sb.mu.Unlock()
		return
	}
	sb.load = newLoadGen(loadConfig{
		url:       "http://" + sb.lb.VIP,
		rate:      sb.cfg.Rate,
		slowRate:  max(sb.cfg.SlowRate, 0),
		freshRate: max(sb.cfg.FreshRate, 0),
		timeout:   sb.cfg.RequestTimeout,
	})
	sb.load.start()
	sb.mu.Unlock()
	if sb.cfg.WarmUp > 0 {
		time.Sleep(sb.cfg.WarmUp)
	}
}

// Summary describes the sandbox in one line, e.g. for -v output.
func (sb *Sandbox) Summary() string {
	ssh := "embedded SSH"
	if len(sb.cfg.SSH) > 0 {
		ssh = "external SSH"
	}
	load := "no load"
	if sb.cfg.Rate > 0 {
		load = fmt.Sprintf("%d req/s", sb.cfg.Rate)
	}
	f := sb.cfg.Faults
	faults := "no API faults"
	if f.ErrorRate+f.OverLimitRate+f.SlowRate+f.DropRate > 0 {
		p := func(x float64) string { return strconv.FormatFloat(x*100, 'g', 4, 64) + "%" }
		faults = fmt.Sprintf("API faults 5xx %s, 413 %s, slow %s, drop %s",
			p(f.ErrorRate), p(f.OverLimitRate), p(f.SlowRate), p(f.DropRate))
	}
	first, last := sb.nodes[0].Address, sb.nodes[len(sb.nodes)-1].Address
	return fmt.Sprintf("sandbox: load balancer %s (id %d) at http://%s, %d nodes %s-%s (%s), %s, %s, identity %s, dir %s",
		sb.lb.Name, sb.lb.ID, sb.lb.VIP, len(sb.nodes), first, last, ssh, load, faults, sb.sim.IdentityURL(), sb.dir)
}

// Stop stops the load, builds the report, and shuts everything down. It
// may be called once; later calls return an error.
func (sb *Sandbox) Stop() (*Report, error) {
	sb.mu.Lock()
	if sb.stopped {
		sb.mu.Unlock()
		return nil, errors.New("sandbox: already stopped")
	}
	sb.stopped = true
	load := sb.load
	sb.mu.Unlock()

	var ls *loadStats
	if load != nil {
		ls = load.stop()
	}
	r := sb.report(ls)
	sb.mu.Lock()
	sb.final = r
	sb.mu.Unlock()
	return r, sb.shutdown()
}

// LastReport is the report Stop returned, or nil before Stop (for callers
// that did not stop the sandbox themselves, such as tests of --sandbox).
func (sb *Sandbox) LastReport() *Report {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.final
}

// report builds the report from the load statistics, the event log and
// the nodes' final state.
func (sb *Sandbox) report(ls *loadStats) *Report {
	r := &Report{Nodes: len(sb.nodes), Rate: sb.cfg.Rate}
	if ls != nil {
		r.fillLoad(ls)
	}
	events := simulator.EventsFor(sb.sim.Events(), sb.lb.ID)
	r.MaxOutOfRotation = simulator.MaxNotEnabled(events, sb.lb.ID)
	r.Rollout = rollout(events)
	lb := sb.LoadBalancer()
	cond := map[int]string{}
	for _, n := range lb.Nodes {
		cond[n.ID] = n.Condition
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i, n := range sb.nodes {
		ns := NodeState{Address: n.Address, Condition: cond[n.ID], Restarts: sb.apps[i].Restarts()}
		if ns.Condition == "" {
			ns.Condition = "REMOVED"
		}
		if v, err := fetchVersion(ctx, n.AppAddr); err == nil {
			ns.Version = v
		} else {
			ns.Version = "down"
		}
		r.Final = append(r.Final, ns)
	}
	return r
}

// rollout is the span from the first node leaving ENABLED to the moment
// every node was ENABLED again (or the last event, if that never
// happened).
func rollout(events []simulator.Event) *Rollout {
	cond := map[int]string{}
	out := 0
	count := func() int {
		c := 0
		for _, v := range cond {
			if v != simulator.ConditionEnabled {
				c++
			}
		}
		return c
	}
	var ro *Rollout
	for _, e := range events {
		switch e.Kind {
		case simulator.EventNodeAdded, simulator.EventNodeCondition:
			cond[e.NodeID] = e.To
		case simulator.EventNodeRemoved:
			delete(cond, e.NodeID)
		default:
			continue
		}
		now := count()
		if now > 0 && out == 0 && ro == nil && e.Kind == simulator.EventNodeCondition {
			ro = &Rollout{Start: e.Time}
		}
		if ro != nil {
			ro.End = e.Time
			ro.Complete = now == 0
		}
		out = now
	}
	return ro
}

// shutdown closes everything that was started and removes a temporary
// directory.
func (sb *Sandbox) shutdown() error {
	var errs []error
	for _, s := range sb.sshds {
		if s != nil {
			s.Close()
		}
	}
	for _, a := range sb.apps {
		a.Close()
	}
	if sb.sim != nil {
		if err := sb.sim.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if sb.tempDir && sb.dir != "" {
		if err := os.RemoveAll(sb.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

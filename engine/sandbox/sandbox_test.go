package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gossh "github.com/goplay/goplay/engine/connection/ssh"
	"github.com/goplay/goplay/modules/rax/simulator"
)

func startSandbox(t *testing.T, cfg Config) *Sandbox {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sb, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _, _ = sb.Stop() })
	return sb
}

func get(t *testing.T, url string) (string, http.Header) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b), resp.Header
}

func TestStartServesNodesAndLB(t *testing.T) {
	sb := startSandbox(t, Config{Rate: -1})
	nodes := sb.Nodes()
	if len(nodes) != 4 {
		t.Fatalf("nodes = %d", len(nodes))
	}
	for i, n := range nodes {
		want := "127.0.0." + strconv.Itoa(101+i)
		if n.Address != want || !strings.HasPrefix(n.AppAddr, want+":") || !strings.HasPrefix(n.SSHAddr, want+":") {
			t.Errorf("node %d: %+v, want address %s", i+1, n, want)
		}
		body, h := get(t, "http://"+n.AppAddr+"/")
		if want := "app v1 node " + strconv.Itoa(i+1) + "\n"; body != want {
			t.Errorf("node %d body %q, want %q", i+1, body, want)
		}
		if h.Get("X-App-Version") != "v1" {
			t.Errorf("node %d X-App-Version %q", i+1, h.Get("X-App-Version"))
		}
		if v, err := sb.NodeVersion(context.Background(), i+1); err != nil || v != "v1" {
			t.Errorf("NodeVersion(%d) = %q, %v", i+1, v, err)
		}
		for _, f := range []string{"current/VERSION", "README", FileStatus, FileLog} {
			if _, err := os.Stat(filepath.Join(n.Dir, f)); err != nil {
				t.Errorf("node %d: %v", i+1, err)
			}
		}
	}
	lb := sb.LoadBalancer()
	if lb.Name != "app-lb1" || lb.Port != 80 || lb.Protocol != "HTTP" || lb.Status != "ACTIVE" || len(lb.Nodes) != 4 {
		t.Fatalf("lb = %+v", lb)
	}
	for i, n := range lb.Nodes {
		if n.Address != nodes[i].Address || n.Condition != "ENABLED" || n.ID != nodes[i].ID {
			t.Errorf("lb node %d = %+v, sandbox node %+v", i, n, nodes[i])
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		body, _ := get(t, "http://"+sb.VIP()+"/")
		seen[body] = true
	}
	if len(seen) < 2 {
		t.Errorf("the load balancer used %d node(s): %v", len(seen), seen)
	}

	if sum := sb.Summary(); !strings.Contains(sum, "app-lb1") || !strings.Contains(sum, "4 nodes 127.0.0.101-127.0.0.104") {
		t.Errorf("Summary() = %q", sum)
	}
	env := strings.Join(sb.Env(), "\n")
	for _, want := range []string{"GOPLAY_RAX_AUTH_ENDPOINT=" + sb.Simulator().IdentityURL(), "RAX_USERNAME=", "RAX_API_KEY=", "RAX_REGION=DFW"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env() lacks %q:\n%s", want, env)
		}
	}
	cfg, _ := os.ReadFile(sb.SSHConfigFile())
	kh, _ := os.ReadFile(sb.KnownHostsFile())
	for _, n := range nodes {
		if !strings.Contains(string(cfg), "Host "+n.Address+"\n") {
			t.Errorf("ssh_config lacks %s:\n%s", n.Address, cfg)
		}
		h, p := splitHostPort(n.SSHAddr)
		if !strings.Contains(string(kh), "["+h+"]:"+strconv.Itoa(p)+" ssh-ed25519 ") {
			t.Errorf("known_hosts lacks %s:\n%s", n.SSHAddr, kh)
		}
	}
}

func sshConn(t *testing.T, pool *gossh.Pool, sb *Sandbox, addr string) *gossh.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pool.Get(ctx, gossh.Config{
		Host: addr, User: "root", HostKeyChecking: true,
		SSHConfigFile: sb.SSHConfigFile(), Agent: "none", HomeDir: t.TempDir(),
	})
	if err != nil {
		t.Fatalf("ssh %s: %v", addr, err)
	}
	return c
}

func TestSSHEndpointRunsCommandsInNodeDir(t *testing.T) {
	sb := startSandbox(t, Config{Nodes: 2, Rate: -1})
	pool := gossh.NewPool()
	defer pool.Close()
	ctx := context.Background()
	for _, n := range sb.Nodes() {
		c := sshConn(t, pool, sb, n.Address)
		out, _, rc, err := c.Exec(ctx, `pwd; echo "$HOME"; cat current/VERSION; cat run/connections`, nil)
		if err != nil || rc != 0 {
			t.Fatalf("exec: rc=%d err=%v", rc, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 4 || lines[0] != n.Dir || lines[1] != n.Dir || lines[2] != "v1" {
			t.Errorf("node %d: %q", n.Index, out)
		}
		if _, err := strconv.Atoi(lines[3]); err != nil {
			t.Errorf("run/connections: %q", lines[3])
		}

		// Exit status, stderr and stdin.
		out, errOut, rc, err := c.Exec(ctx, `cat; echo oops >&2; exit 3`, strings.NewReader("hello\n"))
		if err != nil || rc != 3 || string(out) != "hello\n" || string(errOut) != "oops\n" {
			t.Errorf("exec: out=%q err=%q rc=%d %v", out, errOut, rc, err)
		}
		// Put (cat > tmp && mv) and Fetch.
		if err := c.Put(ctx, strings.NewReader("payload"), "releases/v1/extra.txt", 0o640); err != nil {
			t.Fatalf("put: %v", err)
		}
		if b, err := os.ReadFile(filepath.Join(n.Dir, "releases/v1/extra.txt")); err != nil || string(b) != "payload" {
			t.Errorf("put wrote %q, %v", b, err)
		}
		if b, err := c.Fetch(ctx, "current/extra.txt"); err != nil || string(b) != "payload" {
			t.Errorf("fetch: %q, %v", b, err)
		}
		// A pty merges the streams with CRLF, as ssh -tt.
		out, _, rc, err = c.ExecTTY(ctx, `echo a; echo b >&2`)
		if err != nil || rc != 0 || string(out) != "a\r\nb\r\n" {
			t.Errorf("tty: %q rc=%d %v", out, rc, err)
		}
		// Killed by a signal: 255, as ssh reports it.
		_, _, rc, err = c.Exec(ctx, `kill -9 0`, nil)
		if err != nil || rc != 255 {
			t.Errorf("signal: rc=%d %v", rc, err)
		}
	}

	// A key that is not the sandbox's is refused.
	other := filepath.Join(t.TempDir(), "id_other")
	if _, err := writeClientKey(other, "other"); err != nil {
		t.Fatal(err)
	}
	_, err := gossh.NewPool().Get(ctx, gossh.Config{Host: sb.Nodes()[0].Address, User: "root", HostKeyChecking: true,
		SSHConfigFile: "none", PrivateKeyFiles: []string{other}, Port: mustPort(sb.Nodes()[0].SSHAddr),
		KnownHostsFiles: []string{sb.KnownHostsFile()}, Agent: "none", HomeDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "Permission denied") {
		t.Errorf("other key: %v", err)
	}

	// A node whose SSH endpoint dies is unreachable; its app still serves.
	if err := sb.KillSSH(2); err != nil {
		t.Fatal(err)
	}
	_, err = gossh.NewPool().Get(ctx, gossh.Config{Host: sb.Nodes()[1].Address, User: "root", HostKeyChecking: true,
		SSHConfigFile: sb.SSHConfigFile(), Agent: "none", HomeDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "Connection refused") {
		t.Errorf("after KillSSH: %v", err)
	}
	if v, err := sb.NodeVersion(ctx, 2); v != "v1" || err != nil {
		t.Errorf("app after KillSSH: %q %v", v, err)
	}
}

func mustPort(addr string) int { _, p := splitHostPort(addr); return p }

// TestRestartViaShell drives a deploy as a playbook would: a new release,
// the current link, the restart trigger; then the connection counter.
func TestRestartViaShell(t *testing.T) {
	sb := startSandbox(t, Config{Nodes: 1, Rate: -1, RestartDowntime: 200 * time.Millisecond})
	n := sb.Nodes()[0]
	pool := gossh.NewPool()
	defer pool.Close()
	c := sshConn(t, pool, sb, n.Address)
	script := `set -e
mkdir -p releases/v2
echo v2 > releases/v2/VERSION
ln -sfn releases/v2 current
touch tmp/restart.txt`
	if out, errOut, rc, err := c.Exec(context.Background(), script, nil); err != nil || rc != 0 {
		t.Fatalf("deploy: rc=%d %v %s %s", rc, err, out, errOut)
	}
	down := false
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		v, err := sb.NodeVersion(context.Background(), 1)
		if err != nil {
			down = true
		}
		if v == "v2" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v, _ := sb.NodeVersion(context.Background(), 1); v != "v2" {
		t.Fatalf("after restart: %q", v)
	}
	if !down {
		t.Errorf("the restart was never seen as downtime")
	}
	st, _ := os.ReadFile(filepath.Join(n.Dir, FileStatus))
	if string(st) != "up v2\n" {
		t.Errorf("status %q", st)
	}

	// The counter: a kept-alive connection is counted until it closes.
	tr := &http.Transport{}
	resp, err := (&http.Client{Transport: tr}).Get("http://" + n.AppAddr + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waitFile(t, filepath.Join(n.Dir, FileConnections), "1\n")
	tr.CloseIdleConnections()
	waitFile(t, filepath.Join(n.Dir, FileConnections), "0\n")

	// A broken release keeps the app down and says why.
	if _, _, rc, err := c.Exec(context.Background(), `mkdir -p releases/v3 && ln -sfn releases/v3 current && touch tmp/restart.txt`, nil); err != nil || rc != 0 {
		t.Fatalf("rc=%d %v", rc, err)
	}
	waitPrefix(t, filepath.Join(n.Dir, FileStatus), "down: ")
}

func waitFile(t *testing.T, path, want string) {
	t.Helper()
	var b []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, _ = os.ReadFile(path); string(b) == want {
			return
		}
	}
	t.Fatalf("%s = %q, want %q", path, b, want)
}

func waitPrefix(t *testing.T, path, want string) {
	t.Helper()
	var b []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, _ = os.ReadFile(path); strings.HasPrefix(string(b), want) {
			return
		}
	}
	t.Fatalf("%s = %q, want prefix %q", path, b, want)
}

// deploy restarts node i with version v through its files (what the
// playbook's shell does).
func deploy(t *testing.T, sb *Sandbox, i int, v string) {
	t.Helper()
	d := sb.Nodes()[i-1].Dir
	if err := os.MkdirAll(filepath.Join(d, "releases", v), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "releases", v, "VERSION"), []byte(v+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(d, "current.new")
	_ = os.Remove(tmp)
	if err := os.Symlink(filepath.Join("releases", v), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(d, "current")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	trig := filepath.Join(d, FileRestart)
	if err := os.WriteFile(trig, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(trig, now, now)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got, _ := sb.NodeVersion(context.Background(), i); got == v {
			return
		}
	}
	t.Fatalf("node %d does not serve %s", i, v)
}

// setCondition changes a node's condition through the simulator's API, as
// rax_clb_nodes would, and waits for the load balancer to be ACTIVE.
func setCondition(t *testing.T, sb *Sandbox, i int, cond string) {
	t.Helper()
	sim := sb.Simulator()
	tok := sim.IssueToken("")
	url := sim.ServiceURL(sim.TenantID()) + "/loadbalancers/" + strconv.Itoa(sb.LoadBalancer().ID) + "/nodes/" + strconv.Itoa(sb.Nodes()[i-1].ID)
	for deadline := time.Now().Add(10 * time.Second); ; {
		req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(`{"node":{"condition":"`+cond+`"}}`))
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 202 {
			break
		}
		if resp.StatusCode != 422 || time.Now().After(deadline) {
			t.Fatalf("PUT condition %s: %s %s", cond, resp.Status, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for deadline := time.Now().Add(10 * time.Second); sb.LoadBalancer().Status != simulator.StatusActive; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("load balancer not ACTIVE")
		}
	}
}

func waitConnections(t *testing.T, sb *Sandbox, i int) {
	t.Helper()
	path := filepath.Join(sb.Nodes()[i-1].Dir, FileConnections)
	waitFile(t, path, "0\n")
}

const loadTestPending = 100 * time.Millisecond

// TestLoadSeesRestartWithoutDrain is the negative control: restarting
// nodes that take traffic fails requests.
func TestLoadSeesRestartWithoutDrain(t *testing.T) {
	sb := startSandbox(t, Config{Rate: 150, PendingUpdate: loadTestPending, SlowRate: 0.2})
	sb.StartLoad()
	for i := 1; i <= 4; i++ {
		deploy(t, sb, i, "v2")
		time.Sleep(300 * time.Millisecond)
	}
	r, err := sb.Stop()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r.Format(&buf, 2)
	t.Logf("\n%s", buf.String())
	if r.Failed() == 0 {
		t.Errorf("no failed request seen")
	}
	if r.MaxOutOfRotation != 0 {
		t.Errorf("MaxOutOfRotation = %d", r.MaxOutOfRotation)
	}
	if !slices.Contains(r.Versions, "v1") || !slices.Contains(r.Versions, "v2") {
		t.Errorf("versions %v", r.Versions)
	}
}

// TestLoadZeroFailuresWithDrain is the article's procedure, driven
// directly: drain two nodes, wait for their connections to close, disable,
// deploy, re-enable; then the other two.
func TestLoadZeroFailuresWithDrain(t *testing.T) {
	sb := startSandbox(t, Config{Rate: 150, PendingUpdate: loadTestPending, SlowRate: 0.2})
	sb.StartLoad()
	for _, batch := range [][]int{{1, 2}, {3, 4}} {
		for _, i := range batch {
			setCondition(t, sb, i, "DRAINING")
		}
		for _, i := range batch {
			waitConnections(t, sb, i)
			setCondition(t, sb, i, "DISABLED")
		}
		for _, i := range batch {
			deploy(t, sb, i, "v2")
		}
		for _, i := range batch {
			setCondition(t, sb, i, "ENABLED")
		}
	}
	time.Sleep(500 * time.Millisecond)
	r, err := sb.Stop()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r.Format(&buf, 2)
	t.Logf("\n%s", buf.String())
	if r.Failed() != 0 {
		t.Errorf("%d failed requests", r.Failed())
	}
	if r.MaxOutOfRotation != 2 {
		t.Errorf("MaxOutOfRotation = %d, want 2", r.MaxOutOfRotation)
	}
	if r.Rollout == nil || !r.Rollout.Complete {
		t.Errorf("rollout %+v", r.Rollout)
	}
	for _, n := range r.Final {
		if n.Version != "v2" || n.Condition != "ENABLED" || n.Restarts != 1 {
			t.Errorf("final %+v", n)
		}
	}
	if r.Sent < 500 {
		t.Errorf("only %d requests sent", r.Sent)
	}
}

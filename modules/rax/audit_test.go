package rax

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/rax/simulator"
)

// TestNodeDictKeyOrder: templates print the node dicts in
// rax_clb_node_to_dict's insertion order (address, port, condition, type,
// id, weight), the balancer in dir() order (sorted), a created node in the
// API's order.
func TestNodeDictKeyOrder(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 1)
	f.lbs[2000]["nodes"].([]any)[0].(map[string]any)["type"] = nil
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "app-lb1"), fastHooks(testEnv()))
	bal := res.Data["balancer"].(map[string]any)
	node := bal["nodes"].([]any)[0]
	if got, want := pyfmt.Repr(node), "{'address': '10.0.0.1', 'port': 80, 'condition': 'ENABLED', 'type': None, 'id': 1001, 'weight': 1}"; got != want {
		t.Fatalf("node repr\n got %s\nwant %s", got, want)
	}
	if got := pyfmt.Repr(bal); !strings.HasPrefix(got, "{'HUMAN_ID': False, 'NAME_ATTR': 'name', 'algorithm': 'LEAST_CONNECTIONS', 'cluster': 'c1.dfw1', 'connectionLogging': {'enabled': False}, 'connection_logging': False,") {
		t.Fatalf("balancer repr %s", got)
	}
	if got, want := pyfmt.Repr(bal["virtual_ips"]), "[{'address': '206.10.10.210', 'id': 1000, 'ip_version': 'IPV4', 'type': 'PUBLIC'}]"; got != want {
		t.Fatalf("vips repr\n got %s\nwant %s", got, want)
	}

	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 1001, "condition", "draining"), fastHooks(testEnv()))
	if got, want := pyfmt.Repr(res.Data["node"]), "{'address': '10.0.0.1', 'port': 80, 'condition': 'DRAINING', 'type': None, 'id': 1001, 'weight': 1}"; got != want {
		t.Fatalf("updated node repr\n got %s\nwant %s", got, want)
	}

	// A node added through the simulator: the API's key order.
	sim := startSim(t, simulator.Config{})
	lb := addArticleLB(t, sim)
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_USERNAME", fakeUser, "RAX_API_KEY", simKey, "RAX_REGION", "DFW")
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "address": "127.0.0.15", "port": 80}, h)
	n := res.Data["node"].(map[string]any)
	want := fmt.Sprintf("{'address': '127.0.0.15', 'id': %d, 'port': 80, 'status': 'ONLINE', 'condition': 'ENABLED', 'weight': 1, 'type': 'PRIMARY'}", n["id"])
	if got := pyfmt.Repr(n); got != want {
		t.Fatalf("created node repr\n got %s\nwant %s", got, want)
	}
}

// TestTimeoutCheckedBeforeClient: rax_clb checks timeout before the client
// (cloud_load_balancer's order); the client check comes next.
func TestTimeoutCheckedBeforeClient(t *testing.T) {
	f := newFakeAPI(t)
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "x", "region", "SYD", "timeout", 10), fastHooks(testEnv()))
	if res.Msg != `"timeout" must be greater than or equal to 30` {
		t.Fatalf("msg %q", res.Msg)
	}
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 1, "region", "SYD"), fastHooks(testEnv()))
	if res.Msg != msgNoClient {
		t.Fatalf("msg %q", res.Msg)
	}
}

// TestNoRegionUsesDefaultRegion: no region anywhere, the token's
// RAX-AUTH:defaultRegion is used with one warning; the module does not fail.
func TestNoRegionUsesDefaultRegion(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 1)
	f.defaultRegion = "ORD"
	args := baseArgs(f, "name", "app-lb1")
	delete(args, "region")
	var logs []string
	res, warns := runLogged(t, "rax_clb", args, fastHooks(testEnv()), &logs)
	if res.Failed || len(warns) != 1 || warns[0] != "No region was given (region, RAX_REGION, CLOUD_REGION or ~/.pyrax.cfg); using the account's default region ORD" {
		t.Fatalf("res=%+v warns=%q", res, warns)
	}
	if !strings.Contains(strings.Join(logs, "\n"), "rax: region ORD, load balancers at "+f.srv.URL+"/v1.0/123456/") {
		t.Fatalf("logs %q", logs)
	}
	// A default region without a CLB endpoint is pyrax's missing client.
	f.defaultRegion = "SYD"
	res, _ = runModule(t, "rax_clb", args, fastHooks(testEnv()))
	if res.Msg != msgNoClient {
		t.Fatalf("msg %q", res.Msg)
	}
	// A region from the environment: no warning.
	res, warns = runModule(t, "rax_clb", args, fastHooks(testEnv("RAX_REGION", "DFW")))
	if res.Failed || len(warns) != 0 {
		t.Fatalf("res=%+v warns=%q", res, warns)
	}
}

// TestPollIntervals: rax_clb_nodes polls once a second, rax_clb every 5 s
// (pyrax wait_until / wait_for_build), with wait_timeout attempts.
func TestPollIntervals(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 2)
	f.pendingGets = 1000
	var mu sync.Mutex
	var slept []time.Duration
	h := hooks{env: testEnv(), homeSet: true, sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return ctx.Err()
	}}
	res, _ := runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 1001, "condition", "draining", "wait", true, "wait_timeout", 4), h)
	if res.Msg != "Load balancer not active after 4s (current status: pending_update)" {
		t.Fatalf("msg %q", res.Msg)
	}
	if len(slept) != 4 || slept[0] != time.Second || slept[3] != time.Second {
		t.Fatalf("nodes slept %v", slept)
	}
	slept = nil
	f.lbs[2000]["status"] = "BUILD"
	res, _ = runModule(t, "rax_clb", baseArgs(f, "name", "app-lb1", "wait", true, "wait_timeout", 12), h)
	if res.Msg != "Timeout waiting on 2000" || res.Data["balancer"] == nil {
		t.Fatalf("res %+v", res)
	}
	if len(slept) != 2 || slept[0] != 5*time.Second {
		t.Fatalf("clb slept %v", slept)
	}
}

// TestSandboxEnv: GOPLAY_RAX_SANDBOX points the modules at the simulator
// and lets the article's credentials=/path/to/credentials through.
func TestSandboxEnv(t *testing.T) {
	sim := startSim(t, simulator.Config{AcceptAny: true})
	lb := addArticleLB(t, sim)
	h := simHooks("GOPLAY_RAX_SANDBOX", sim.IdentityURL())
	var logs []string
	res, _ := runLogged(t, "rax_clb", map[string]any{"name": "app-lb1", "port": 80, "protocol": "HTTP", "type": "PUBLIC",
		"state": "present", "wait": true, "credentials": "/path/to/credentials"}, h, &logs)
	if res.Failed || res.Data["balancer"].(map[string]any)["id"] != lb.ID {
		t.Fatalf("res %+v", res)
	}
	if !strings.Contains(strings.Join(logs, "\n"), "sandbox") {
		t.Fatalf("logs %q", logs)
	}
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[0].ID,
		"condition": "draining", "wait": true, "credentials": "/path/to/credentials"}, h)
	if res.Failed || !res.Changed {
		t.Fatalf("res %+v", res)
	}
	// Without the sandbox the same task gives pyrax's message.
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[0].ID,
		"condition": "draining", "credentials": "/path/to/credentials"}, simHooks())
	if res.Msg != "The specified credential file '/path/to/credentials' does not exist" {
		t.Fatalf("msg %q", res.Msg)
	}
}

// TestNoSecretsInLogs runs the modules with a logger (what -vvv prints),
// through a re-authentication and a failed authentication, and checks that
// neither the API key, the password nor any token appears.
func TestNoSecretsInLogs(t *testing.T) {
	const password = "s3cr3t-password"
	sim := startSim(t, simulator.Config{Accounts: []simulator.Account{{Username: "pwuser", Password: password, APIKey: "pw-user-apikey-42"}},
		Faults: simulator.Faults{ErrorRate: 0.2, OverLimitRate: 0.2, Seed: 3}})
	lb := addArticleLB(t, sim)
	var logs []string
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_REGION", "DFW")
	for i, args := range []map[string]any{
		{"username": fakeUser, "api_key": simKey},
		{"username": "pwuser", "password": password, "identity_type": "keystone"},
		{"username": fakeUser, "api_key": "wrong-" + simKey},
	} {
		args["load_balancer_id"] = lb.ID
		args["node_id"] = lb.Nodes[1].ID
		args["condition"] = "draining"
		sim.ExpireTokens()
		res, _ := runLogged(t, "rax_clb_nodes", args, h, &logs)
		if (i < 2) == res.Failed || (i == 2 && res.Msg != "Incorrect/unauthorized credentials received") {
			t.Fatalf("case %d: %+v", i, res)
		}
		out := jsonOf(map[string]any{"msg": res.Msg, "data": res.Data, "logs": logs})
		for _, s := range append(sim.IssuedTokens(), simKey, password, "pw-user-apikey-42") {
			if strings.Contains(out, s) {
				t.Fatalf("secret %q in %s", s, out)
			}
		}
	}
	if len(sim.IssuedTokens()) < 2 || len(logs) == 0 {
		t.Fatalf("tokens %d logs %d", len(sim.IssuedTokens()), len(logs))
	}
}

// runLogged is runModule with the request's Log collected into logs.
func runLogged(t *testing.T, name string, args map[string]any, h hooks, logs *[]string) (*modules.Result, []string) {
	t.Helper()
	m, _, err := modules.New(name, args)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	switch x := m.(type) {
	case *CLB:
		x.hooks = h
	case *CLBNodes:
		x.hooks = h
	}
	var mu sync.Mutex
	var warns []string
	req := &modules.Request{Args: args, Warn: func(s string) { warns = append(warns, s) },
		Log: func(format string, a ...any) {
			mu.Lock()
			*logs = append(*logs, fmt.Sprintf(format, a...))
			mu.Unlock()
		}}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	assertNoSecrets(t, res, append(warns, *logs...))
	return res, warns
}

// TestSimulatorMoreMessages covers the remaining failure messages against
// the simulator: API validation (create, node update), the absolute node
// limit, an ERROR balancer, a build that outlasts wait_timeout, and the
// virtualenv parameter.
func TestSimulatorMoreMessages(t *testing.T) {
	sim := startSim(t, simulator.Config{BuildTime: time.Hour, Limits: simulator.AbsoluteLimits{Nodes: 4}})
	lb := addArticleLB(t, sim)
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_USERNAME", fakeUser, "RAX_API_KEY", simKey, "RAX_REGION", "DFW")

	res, _ := runSim(t, "rax_clb", map[string]any{"name": strings.Repeat("x", 129)}, h)
	if !res.Failed || res.Msg != "Validation Failure" || res.Data != nil {
		t.Errorf("create validation: %+v", res)
	}
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[0].ID, "weight": 500}, h)
	if !res.Failed || res.Msg != "Validation Failure" {
		t.Errorf("weight validation: %+v", res)
	}
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "address": "127.0.0.99", "port": 80}, h)
	if !res.Failed || res.Msg != "Nodes must not exceed 4 per load balancer." {
		t.Errorf("node limit: %+v", res)
	}

	// A new balancer stays in BUILD: wait_timeout 5 is one poll.
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "slow-lb", "wait": true, "wait_timeout": 5}, h)
	if !res.Failed || !res.Changed || !strings.HasPrefix(res.Msg, "Timeout waiting on ") {
		t.Errorf("build timeout: %+v", res)
	}
	bal, _ := res.Data["balancer"].(map[string]any)
	if bal == nil || bal["status"] != "BUILD" || res.Msg != fmt.Sprintf("Timeout waiting on %v", bal["id"]) {
		t.Errorf("build timeout balancer: %+v", res)
	}
	id, _ := intOf(bal["id"])
	if err := sim.SetLoadBalancerStatus(id, simulator.StatusError); err != nil {
		t.Fatal(err)
	}
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "slow-lb"}, h)
	if !res.Failed || res.Changed || res.Msg != fmt.Sprintf("%d failed to build", id) || res.Data["balancer"] == nil {
		t.Errorf("failed build: %+v", res)
	}

	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[0].ID, "virtualenv": "/nonexistent/venv"}, h)
	if res.Msg != "Failed to activate virtualenv /nonexistent/venv ([Errno 2] No such file or directory: '/nonexistent/venv/bin/activate_this.py')" {
		t.Errorf("virtualenv: %q", res.Msg)
	}
}

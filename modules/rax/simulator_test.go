package rax

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/simulator"
)

// These tests run the modules against goplay's Rackspace simulator, which is
// written independently from the documented API.

const simKey = "sim-apikey-0123456789abcdef"

func startSim(t *testing.T, cfg simulator.Config) *simulator.Simulator {
	t.Helper()
	cfg.Accounts = append(cfg.Accounts, simulator.Account{Username: fakeUser, APIKey: simKey})
	if cfg.PendingUpdate == 0 {
		cfg.PendingUpdate = 150 * time.Millisecond
	}
	if cfg.BuildTime == 0 {
		cfg.BuildTime = 150 * time.Millisecond
	}
	sim, err := simulator.Start(cfg)
	if err != nil {
		t.Fatalf("simulator: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func simHooks(extraEnv ...string) hooks {
	h := hooks{env: testEnv(extraEnv...), homeSet: true, buildInterval: 50 * time.Millisecond, pollInterval: 20 * time.Millisecond}
	h.retry.BaseDelay = 10 * time.Millisecond
	// Retry-After is honoured (clb's tests check the delay); here it is
	// shortened to keep the suite fast.
	h.retry.Sleep = func(ctx context.Context, d time.Duration) error { return clb.Sleep(ctx, min(d, 20*time.Millisecond)) }
	return h
}

// simCreds writes the article's credentials file.
func simCreds(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(p, []byte("[rackspace_cloud]\nusername = "+fakeUser+"\napi_key = "+simKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runSim(t *testing.T, name string, args map[string]any, h hooks) (*modules.Result, []string) {
	t.Helper()
	m, _, err := modules.New(name, args)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	switch x := m.(type) {
	case *CLB:
		x.hooks = h
	case *CLBNodes:
		x.hooks = h
	}
	var warns []string
	var mu sync.Mutex
	req := &modules.Request{Warn: func(s string) { mu.Lock(); warns = append(warns, s); mu.Unlock() }}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	b := jsonOf(map[string]any{"msg": res.Msg, "data": res.Data, "w": warns})
	if strings.Contains(b, simKey) {
		t.Fatalf("API key leaked: %s", b)
	}
	return res, warns
}

func addArticleLB(t *testing.T, sim *simulator.Simulator) simulator.LoadBalancer {
	lb, err := sim.AddLoadBalancer(simulator.LoadBalancerSpec{
		Name: "app-lb1", Port: 80, Protocol: "HTTP", Algorithm: "LEAST_CONNECTIONS",
		Nodes: []simulator.NodeSpec{
			{Address: "127.0.0.11", Port: 80}, {Address: "127.0.0.12", Port: 80},
			{Address: "127.0.0.13", Port: 80}, {Address: "127.0.0.14", Port: 80},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

// TestSimulatorArticle runs the article's rax tasks: discovery, then the
// deploy play in batches of two with drain/disable/enable on both nodes of
// a batch at the same time.
func TestSimulatorArticle(t *testing.T) {
	sim := startSim(t, simulator.Config{})
	lb := addArticleLB(t, sim)
	creds := simCreds(t)
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL())

	res, warns := runSim(t, "rax_clb", map[string]any{"name": "app-lb1", "port": "80", "protocol": "HTTP", "type": "PUBLIC",
		"state": "present", "wait": "true", "credentials": creds}, h)
	if res.Failed || res.Changed {
		t.Fatalf("discover: %+v", res)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "default region DFW") {
		t.Fatalf("warnings %q", warns)
	}
	bal := res.Data["balancer"].(map[string]any)
	var keys []string
	for k := range bal {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	wantKeys := []string{"HUMAN_ID", "NAME_ATTR", "algorithm", "cluster", "connectionLogging", "connection_logging",
		"contentCaching", "content_caching", "created", "get_details", "halfClosed", "httpsRedirect", "human_id", "id",
		"loaded", "metadata", "name", "nodeCount", "nodes", "port", "protocol", "session_persistence", "sourceAddresses",
		"status", "timeout", "updated", "virtual_ips"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("balancer keys\n got %q\nwant %q", keys, wantKeys)
	}
	if bal["status"] != "ACTIVE" || bal["id"] != lb.ID || bal["nodeCount"] != 4 {
		t.Fatalf("balancer %s", jsonOf(bal))
	}
	nodes := bal["nodes"].([]any)
	for _, n := range nodes {
		nm := n.(map[string]any)
		if len(nm) != 6 || nm["condition"] != "ENABLED" {
			t.Fatalf("node %s", jsonOf(nm))
		}
		for _, k := range []string{"id", "port", "weight"} {
			if _, ok := nm[k].(int); !ok {
				t.Fatalf("node %s: %s is %T", jsonOf(nm), k, nm[k])
			}
		}
	}
	vips := bal["virtual_ips"].([]any)
	if v := vips[0].(map[string]any); len(v) != 4 || v["ip_version"] != "IPV4" || v["type"] != "PUBLIC" {
		t.Fatalf("vips %s", jsonOf(vips))
	}

	var ids []int
	for _, n := range nodes {
		ids = append(ids, n.(map[string]any)["id"].(int))
	}
	for batch := 0; batch < 2; batch++ {
		for _, cond := range []string{"draining", "disabled", "enabled"} {
			var wg sync.WaitGroup
			for _, id := range ids[batch*2 : batch*2+2] {
				wg.Add(1)
				go func(id int) {
					defer wg.Done()
					res, _ := runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": itoa(lb.ID), "node_id": itoa(id),
						"condition": cond, "wait": "true", "credentials": creds}, h)
					want := strings.ToUpper(cond)
					if res.Failed || !res.Changed || res.Data["state"] != "present" || res.Data["node"].(map[string]any)["condition"] != want {
						t.Errorf("node %d %s: %+v", id, cond, res)
					}
				}(id)
			}
			wg.Wait()
		}
	}
	final, _ := sim.LoadBalancer(lb.ID)
	for _, n := range final.Nodes {
		if n.Condition != "ENABLED" {
			t.Fatalf("node %d ends %s", n.ID, n.Condition)
		}
	}
	if n := simulator.MaxNotEnabled(sim.Events(), lb.ID); n > 2 {
		t.Fatalf("%d nodes out of rotation at once", n)
	}
	collisions := 0
	for _, e := range sim.Events() {
		if e.Kind == simulator.EventLBImmutable {
			collisions++
		}
	}
	t.Logf("%d changes met 422 and were retried", collisions)
}

func itoa(n int) string { return modules.ToString(n) }

// TestSimulatorImmutableWithoutRetry shows the Ansible failure: two parallel
// changes, the second refused with the API's 422 text.
func TestSimulatorImmutableWithoutRetry(t *testing.T) {
	sim := startSim(t, simulator.Config{PendingUpdate: 2 * time.Second})
	lb := addArticleLB(t, sim)
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_USERNAME", fakeUser, "RAX_API_KEY", simKey, "RAX_REGION", "DFW")
	args := func(i int) map[string]any {
		return map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[i].ID, "condition": "draining", "retry_on_immutable": "no"}
	}
	res, _ := runSim(t, "rax_clb_nodes", args(0), h)
	if res.Failed {
		t.Fatalf("first: %+v", res)
	}
	res, _ = runSim(t, "rax_clb_nodes", args(1), h)
	want := "Load Balancer '" + itoa(lb.ID) + "' has a status of 'PENDING_UPDATE' and is considered immutable."
	if !res.Failed || res.Msg != want {
		t.Fatalf("got %+v, want %q", res, want)
	}
	// With the default retry it succeeds.
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[2].ID, "condition": "draining"}, h)
	if res.Failed || !res.Changed {
		t.Fatalf("retry: %+v", res)
	}
}

func TestSimulatorMessages(t *testing.T) {
	sim := startSim(t, simulator.Config{})
	lb := addArticleLB(t, sim)
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_USERNAME", fakeUser, "RAX_API_KEY", simKey)

	res, _ := runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": 999999, "node_id": 1}, h)
	if !res.Failed || !strings.HasPrefix(res.Msg, "Load balancer not found") {
		t.Errorf("missing LB: %+v", res)
	}
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": 1}, h)
	var ids []string
	for _, n := range lb.Nodes {
		ids = append(ids, itoa(n.ID))
	}
	if want := "Node 1 not found (available nodes: " + strings.Join(ids, ", ") + ")"; res.Msg != want {
		t.Errorf("got %q want %q", res.Msg, want)
	}
	res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[0].ID, "condition": "enabled"}, h)
	if res.Failed || res.Changed || res.Data["node"] == nil {
		t.Errorf("unchanged: %+v", res)
	}
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "x", "region": "Dfw"}, h)
	if !res.Failed || !strings.HasPrefix(res.Msg, "Dfw is not a valid region, must be one of: ") {
		t.Errorf("region: %+v", res)
	}
	bad := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_USERNAME", fakeUser, "RAX_API_KEY", "wrong-wrong")
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "x"}, bad)
	if res.Msg != "Incorrect/unauthorized credentials received" {
		t.Errorf("auth: %+v", res)
	}

	// Create, wait for BUILD to end, then update on discovery and delete.
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "new-lb", "wait": true, "meta": map[string]any{"app": "web"}}, h)
	if res.Failed || !res.Changed || res.Data["balancer"].(map[string]any)["status"] != "ACTIVE" {
		t.Fatalf("create: %+v", res)
	}
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "new-lb", "wait": true, "meta": map[string]any{"app": "web"}}, h)
	if res.Failed || res.Changed {
		t.Fatalf("rerun: %+v", res)
	}
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "new-lb", "port": 8080, "wait": true, "meta": map[string]any{"app": "api"}}, h)
	if res.Failed || !res.Changed || res.Data["balancer"].(map[string]any)["port"] != 8080 {
		t.Fatalf("update: %+v", res)
	}
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "new-lb", "state": "absent", "wait": true}, h)
	if res.Failed || !res.Changed || res.Data["balancer"].(map[string]any)["loaded"] != false {
		t.Fatalf("delete: %+v", res)
	}
	res, _ = runSim(t, "rax_clb", map[string]any{"name": "new-lb", "state": "absent"}, h)
	if res.Failed || res.Changed || jsonOf(res.Data["balancer"]) != "{}" {
		t.Fatalf("absent again: %+v", res)
	}
}

func TestSimulatorReauthAndFaults(t *testing.T) {
	sim := startSim(t, simulator.Config{})
	lb := addArticleLB(t, sim)
	h := simHooks("GOPLAY_RAX_AUTH_ENDPOINT", sim.IdentityURL(), "RAX_USERNAME", fakeUser, "RAX_API_KEY", simKey)
	sim.ExpireTokens()
	res, _ := runSim(t, "rax_clb", map[string]any{"name": "app-lb1"}, h)
	if res.Failed {
		t.Fatalf("after expiry: %+v", res)
	}
	sim.ExpireTokens()
	sim.SetFaults(simulator.Faults{OverLimitRate: 0.1, ErrorRate: 0.15, DropRate: 0.1, Seed: 7})
	for i := 0; i < 2; i++ {
		res, _ = runSim(t, "rax_clb", map[string]any{"name": "app-lb1"}, h)
		if res.Failed {
			t.Fatalf("with faults: %+v", res)
		}
	}
	// Faults on identity too: token requests are retried like idempotent
	// calls.
	sim.SetFaults(simulator.Faults{ErrorRate: 0.3, DropRate: 0.1, OverLimitRate: 0.1, Identity: true, Seed: 11})
	for i := 0; i < 4; i++ {
		res, _ = runSim(t, "rax_clb_nodes", map[string]any{"load_balancer_id": lb.ID, "node_id": lb.Nodes[0].ID, "condition": "enabled"}, h)
		if res.Failed {
			t.Fatalf("with identity faults: %+v", res)
		}
	}
}

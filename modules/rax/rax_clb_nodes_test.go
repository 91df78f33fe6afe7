package rax

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/goplay/goplay/modules"
)

func TestNodesDrainChangedAndIdempotent(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 2)
	f.pendingGets = 2
	args := baseArgs(f, "load_balancer_id", "2000", "node_id", "1001", "condition", "draining", "wait", "true")
	res, _ := runModule(t, "rax_clb_nodes", args, fastHooks(testEnv()))
	want := map[string]any{"state": "present", "node": map[string]any{"address": "10.0.0.1", "condition": "DRAINING", "id": 1001, "port": 80, "type": "PRIMARY", "weight": 1}}
	if res.Failed || !res.Changed || !reflect.DeepEqual(res.Data, want) {
		t.Fatalf("res = %+v data=%s", res, jsonOf(res.Data))
	}
	if b := f.bodies["PUT /v1.0/123456/loadbalancers/2000/nodes/1001"]; len(b) != 1 || b[0] != `{"node":{"condition":"DRAINING"}}` {
		t.Fatalf("PUT %q", b)
	}
	n := len(f.requests())
	res, _ = runModule(t, "rax_clb_nodes", args, fastHooks(testEnv()))
	if res.Failed || res.Changed || !reflect.DeepEqual(res.Data, want) {
		t.Fatalf("second run %+v", res)
	}
	if got := f.requests()[n:]; len(got) != 2 { // token + GET, no wait
		t.Fatalf("second run requests %q", got)
	}
}

func TestNodesFailures(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 2)
	res, _ := runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 9), fastHooks(testEnv()))
	if res.Msg != "Node 9 not found (available nodes: 1001, 1002)" {
		t.Fatalf("msg %q", res.Msg)
	}
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 7), fastHooks(testEnv()))
	if res.Msg != "Load balancer not found." {
		t.Fatalf("msg %q", res.Msg)
	}
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "address", "10.9.9.9"), fastHooks(testEnv()))
	if res.Msg != "You must include an address and a port when creating a node." {
		t.Fatalf("msg %q", res.Msg)
	}
	// The wait gives up.
	f.pendingGets = 1000
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 1002, "condition", "disabled", "wait", true, "wait_timeout", 3), fastHooks(testEnv()))
	if res.Msg != "Load balancer not active after 3s (current status: pending_update)" {
		t.Fatalf("msg %q", res.Msg)
	}
	// Without the retry, the immutable 422 is the failure, word for word.
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 1001, "condition", "disabled", "retry_on_immutable", false), fastHooks(testEnv()))
	if res.Msg != "Load Balancer '2000' has a status of 'PENDING_UPDATE' and is considered immutable." {
		t.Fatalf("msg %q", res.Msg)
	}
}

func TestNodesAddAndRemove(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 1)
	res, _ := runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "address", "10.2.2.3", "port", 80, "weight", 5), fastHooks(testEnv()))
	if res.Failed || !res.Changed {
		t.Fatalf("res %+v", res)
	}
	if b := f.bodies["POST /v1.0/123456/loadbalancers/2000/nodes"][0]; b != `{"nodes":[{"address":"10.2.2.3","condition":"ENABLED","id":null,"port":80,"type":null}]}` {
		t.Fatalf("POST %s", b)
	}
	node := res.Data["node"].(map[string]any)
	if node["status"] != "ONLINE" || node["id"] != 2001 {
		t.Fatalf("node %s", jsonOf(node))
	}
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "address", "10.2.2.3", "port", 80, "state", "absent"), fastHooks(testEnv()))
	if res.Failed || !res.Changed || jsonOf(res.Data) != `{"state":"absent"}` {
		t.Fatalf("res %+v", res)
	}
	res, _ = runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 2001, "state", "absent"), fastHooks(testEnv()))
	if res.Failed || res.Changed || jsonOf(res.Data) != `{"state":"absent"}` {
		t.Fatalf("res %+v", res)
	}
}

// TestNodesParallelSerial2 is the article's serial: 2 batch: two hosts
// drain their nodes on the same balancer at the same time. The second PUT
// meets PENDING_UPDATE; goplay waits and retries instead of failing.
func TestNodesParallelSerial2(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 4)
	f.pendingGets = 3
	var wg sync.WaitGroup
	results := make([]*modules.Result, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m := &CLBNodes{}
			args := baseArgs(f, "load_balancer_id", "2000", "node_id", 1001+i, "condition", "draining", "wait", true)
			if err := modules.Decode("rax_clb_nodes", m, args); err != nil {
				t.Error(err)
				return
			}
			m.hooks = fastHooks(testEnv())
			res, err := m.Run(context.Background(), &modules.Request{})
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}(i)
	}
	wg.Wait()
	for i, r := range results {
		if r == nil || r.Failed || !r.Changed {
			t.Fatalf("host %d: %+v", i, r)
		}
	}
	puts := 0
	for _, r := range f.requests() {
		if strings.HasPrefix(r, "PUT ") {
			puts++
		}
	}
	if puts < 2 {
		t.Fatalf("puts = %d", puts)
	}
	for _, id := range []int{1001, 1002} {
		if c := f.node(f.lbs[2000], id)["condition"]; c != "DRAINING" {
			t.Fatalf("node %d condition %v", id, c)
		}
	}
}

func TestNodesImmutableRetry(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 2)
	f.immutableOnce[2000] = true
	res, _ := runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 1002, "condition", "disabled"), fastHooks(testEnv()))
	if res.Failed || !res.Changed {
		t.Fatalf("res %+v", res)
	}
	if n := len(f.bodies["PUT /v1.0/123456/loadbalancers/2000/nodes/1002"]); n != 2 {
		t.Fatalf("PUTs = %d", n)
	}
}

func TestReauthOn401(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 2)
	f.expireToken = true
	res, _ := runModule(t, "rax_clb_nodes", baseArgs(f, "load_balancer_id", 2000, "node_id", 1001, "condition", "enabled"), fastHooks(testEnv()))
	if res.Failed || f.tokenCount != 2 {
		t.Fatalf("res %+v tokens=%d", res, f.tokenCount)
	}
}

func TestNodeIDConversion(t *testing.T) {
	_, _, err := modules.New("rax_clb_nodes", map[string]any{"load_balancer_id": 1, "node_id": "web1"})
	if err == nil || !strings.Contains(err.Error(), "argument 'node_id' is of type <class 'str'> and we were unable to convert to int") {
		t.Fatalf("err %v", err)
	}
	_, _, err = modules.New("rax_clb_nodes", map[string]any{"load_balancer_id": 1, "condition": "DRAINING"})
	if err == nil || err.Error() != "value of condition must be one of: enabled, disabled, draining, got: DRAINING" {
		t.Fatalf("err %v", err)
	}
}

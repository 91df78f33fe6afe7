package simulator

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fourBackends starts backends on 127.0.0.2..5 and an LB over them.
func fourBackends(t *testing.T, sim *Simulator, algorithm string, weights ...int) (LoadBalancer, []*testBackend) {
	t.Helper()
	var bs []*testBackend
	spec := LoadBalancerSpec{Name: "app-lb1", Algorithm: algorithm}
	for i := 0; i < 4; i++ {
		b := startBackend(t, fmt.Sprintf("127.0.0.%d", i+2), fmt.Sprintf("web%d", i+1))
		bs = append(bs, b)
		w := 0
		if i < len(weights) {
			w = weights[i]
		}
		spec.Nodes = append(spec.Nodes, b.spec(w))
	}
	l, err := sim.AddLoadBalancer(spec)
	if err != nil {
		t.Fatal(err)
	}
	return l, bs
}

func tally(t *testing.T, c *http.Client, vip string, n int) map[string]int {
	t.Helper()
	out := map[string]int{}
	for i := 0; i < n; i++ {
		code, body := get(t, c, vip, "/")
		if code != 200 {
			out[fmt.Sprint(code)]++
			continue
		}
		out[body]++
	}
	return out
}

func TestForwardRoundRobinAndXForwardedFor(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmRoundRobin)
	c := newTrafficClient(t)
	got := tally(t, c, l.VIP, 40)
	for _, b := range bs {
		if got[b.name] != 10 {
			t.Errorf("round robin: %v", got)
			break
		}
	}
	req, _ := http.NewRequest("GET", "http://"+l.VIP+"/", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, b := range bs {
		if b.name == string(name) {
			b.mu.Lock()
			xff := b.lastXFF
			b.mu.Unlock()
			if xff != "203.0.113.9, 127.0.0.1" {
				t.Errorf("X-Forwarded-For = %q", xff)
			}
		}
	}
}

func TestForwardWeightedRoundRobin(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmWeightedRoundRobin, 1, 2, 3, 4)
	got := tally(t, newTrafficClient(t), l.VIP, 100)
	for i, b := range bs {
		if got[b.name] != 10*(i+1) {
			t.Errorf("weighted round robin 1:2:3:4 over 100: %v", got)
			break
		}
	}
}

func TestForwardWeightedLeastConnections(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmWeightedLeastConnections, 1, 1, 1, 10)
	got := tally(t, newTrafficClient(t), l.VIP, 20)
	// Sequential requests: every node has 0 connections, the heaviest wins ties.
	if got[bs[3].name] != 20 {
		t.Errorf("weighted least connections: %v", got)
	}
}

func TestForwardRandomReachesEveryNode(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmRandom)
	got := tally(t, newTrafficClient(t), l.VIP, 80)
	for _, b := range bs {
		if got[b.name] == 0 {
			t.Errorf("random never chose %s: %v", b.name, got)
		}
	}
}

// slowRequest starts GET /slow through the VIP on its own connection and
// returns once the backend has started answering.
type slowResult struct {
	body string
	err  error
}

func startSlow(t *testing.T, vip string, bs []*testBackend) (<-chan slowResult, *testBackend) {
	t.Helper()
	return startPath(t, vip, "/slow", bs)
}

func startPath(t *testing.T, vip, path string, bs []*testBackend) (<-chan slowResult, *testBackend) {
	t.Helper()
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	done := make(chan slowResult, 1)
	go func() {
		res, err := c.Get("http://" + vip + path)
		if err != nil {
			done <- slowResult{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		done <- slowResult{string(b), err}
	}()
	deadline := time.After(5 * time.Second)
	for {
		for _, b := range bs {
			select {
			case <-b.started:
				return done, b
			default:
			}
		}
		select {
		case <-deadline:
			t.Fatal("slow request never reached a backend")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func nodeFor(l LoadBalancer, b *testBackend) int {
	for _, n := range l.Nodes {
		if n.Address == b.addr && n.Port == b.port {
			return n.ID
		}
	}
	return 0
}

func TestDrainingLetsInFlightRequestComplete(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmRoundRobin)
	api := newCLB(t, sim)
	done, slow := startSlow(t, l.VIP, bs)
	st, _ := sim.Stats(l.ID)
	for _, n := range st.Nodes {
		if n.NodeID == nodeFor(l, slow) && n.Active != 1 {
			t.Errorf("stats: node %d active = %d during the slow request", n.NodeID, n.Active)
		}
	}
	if st.CurrentConn < 1 {
		t.Errorf("stats: currentConn = %d", st.CurrentConn)
	}
	// The API's stats endpoint reports the same live connection.
	if cc, _ := api.do("GET", "/loadbalancers/"+strconv.Itoa(l.ID)+"/stats", "").json(t)["currentConn"].(float64); cc < 1 {
		t.Errorf("GET .../stats: currentConn = %v during the slow request", cc)
	}
	api.setCondition(l.ID, nodeFor(l, slow), ConditionDraining)
	// New requests avoid the draining node.
	got := tally(t, newTrafficClient(t), l.VIP, 12)
	if got[slow.name] != 0 || len(got) != 3 {
		t.Errorf("traffic while %s drains: %v", slow.name, got)
	}
	close(slow.release)
	select {
	case r := <-done:
		if r.err != nil || r.body != "start end "+slow.name {
			t.Errorf("in-flight request on a draining node: %q %v", r.body, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("in-flight request did not complete")
	}
}

func TestDisabledClosesInFlightRequest(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmRoundRobin)
	api := newCLB(t, sim)
	done, slow := startSlow(t, l.VIP, bs)
	api.setCondition(l.ID, nodeFor(l, slow), ConditionDraining)
	start := time.Now()
	api.setCondition(l.ID, nodeFor(l, slow), ConditionDisabled)
	select {
	case r := <-done:
		if r.err == nil {
			t.Errorf("in-flight request on a disabled node completed: %q", r.body)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("in-flight request on a disabled node was not closed")
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("closing took %v", time.Since(start))
	}
	got := tally(t, newTrafficClient(t), l.VIP, 12)
	if got[slow.name] != 0 || len(got) != 3 {
		t.Errorf("traffic after disabling %s: %v", slow.name, got)
	}
	st, _ := sim.Stats(l.ID)
	for _, n := range st.Nodes {
		if n.NodeID == nodeFor(l, slow) && (n.Active != 0 || n.UpstreamConns != 0) {
			t.Errorf("disabled node still has connections: %+v", n)
		}
	}
}

func TestDisabledClosesRequestAwaitingHeaders(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmRoundRobin)
	done, slow := startPath(t, l.VIP, "/hang", bs)
	newCLB(t, sim).setCondition(l.ID, nodeFor(l, slow), ConditionDisabled)
	select {
	case r := <-done:
		if r.err == nil {
			t.Errorf("request awaiting headers from a disabled node got %q", r.body)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("request awaiting headers from a disabled node was not closed")
	}
}

func TestKeepAliveConnectionSurvivesConditionChanges(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmRoundRobin)
	api := newCLB(t, sim)
	tr := &http.Transport{Proxy: nil, MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	var reused, fresh int
	send := func() string {
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
			if i.Reused {
				reused++
			} else {
				fresh++
			}
		}}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+l.VIP+"/", nil)
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("kept-alive request: %v", err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("kept-alive request: %d", res.StatusCode)
		}
		return string(b)
	}
	for i := 0; i < 4; i++ {
		send()
	}
	api.setCondition(l.ID, l.Nodes[0].ID, ConditionDraining)
	api.setCondition(l.ID, l.Nodes[1].ID, ConditionDraining)
	seen := map[string]int{}
	for i := 0; i < 8; i++ {
		seen[send()]++
	}
	api.setCondition(l.ID, l.Nodes[0].ID, ConditionDisabled)
	api.setCondition(l.ID, l.Nodes[1].ID, ConditionDisabled)
	for i := 0; i < 8; i++ {
		seen[send()]++
	}
	if seen[bs[0].name]+seen[bs[1].name] != 0 || seen[bs[2].name] != 8 || seen[bs[3].name] != 8 {
		t.Errorf("per-request routing on one connection: %v", seen)
	}
	if fresh != 1 || reused != 19 {
		t.Errorf("client connections: fresh=%d reused=%d, want 1 and 19", fresh, reused)
	}
}

func TestNoEligibleNodeIs503(t *testing.T) {
	sim := startSim(t, fast())
	b := startBackend(t, "127.0.0.2", "web1")
	l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "one", Nodes: []NodeSpec{{Address: b.addr, Port: b.port, Condition: ConditionDisabled}}})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, newTrafficClient(t), l.VIP, "/"); code != 503 {
		t.Errorf("all nodes disabled: %d", code)
	}
	l2, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, newTrafficClient(t), l2.VIP, "/"); code != 503 {
		t.Errorf("no nodes: %d", code)
	}
}

func TestSecondaryOnlyWhenNoPrimary(t *testing.T) {
	sim := startSim(t, fast())
	p := startBackend(t, "127.0.0.2", "primary")
	s := startBackend(t, "127.0.0.3", "secondary")
	l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "ps", Algorithm: AlgorithmRoundRobin, Nodes: []NodeSpec{
		{Address: p.addr, Port: p.port}, {Address: s.addr, Port: s.port, Type: NodeSecondary}}})
	if err != nil {
		t.Fatal(err)
	}
	c := newTrafficClient(t)
	if got := tally(t, c, l.VIP, 4); got["primary"] != 4 {
		t.Errorf("with a primary: %v", got)
	}
	newCLB(t, sim).setCondition(l.ID, l.Nodes[0].ID, ConditionDisabled)
	if got := tally(t, c, l.VIP, 4); got["secondary"] != 4 {
		t.Errorf("without a primary: %v", got)
	}
}

func TestDeadNodeIsSkipped(t *testing.T) {
	sim := startSim(t, fast())
	up := startBackend(t, "127.0.0.2", "up")
	ln, _ := net.Listen("tcp", "127.0.0.3:0")
	deadPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "d", Algorithm: AlgorithmRoundRobin, Nodes: []NodeSpec{
		{Address: "127.0.0.3", Port: deadPort}, {Address: up.addr, Port: up.port}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tally(t, newTrafficClient(t), l.VIP, 6); got["up"] != 6 {
		t.Errorf("refused node not skipped: %v", got)
	}
	if st, _ := sim.Stats(l.ID); st.ConnectFailure == 0 {
		t.Errorf("connectFailure not counted")
	}
}

func TestLeastConnectionsAvoidsBusyNode(t *testing.T) {
	sim := startSim(t, fast())
	l, bs := fourBackends(t, sim, AlgorithmLeastConnections)
	done, slow := startSlow(t, l.VIP, bs)
	got := tally(t, newTrafficClient(t), l.VIP, 9)
	if got[slow.name] != 0 {
		t.Errorf("least connections sent to the busy node: %v", got)
	}
	close(slow.release)
	<-done
}

func TestHealthMonitorMarksNodeOffline(t *testing.T) {
	sim := startSim(t, fast())
	a := startBackend(t, "127.0.0.2", "a")
	b := startBackend(t, "127.0.0.3", "b")
	l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "hm", Algorithm: AlgorithmRoundRobin,
		HealthMonitor: &HealthMonitor{Type: "HTTP", Path: "/health", Delay: 1, Timeout: 5, AttemptsBeforeDeactivation: 2, StatusRegex: "^2[0-9][0-9]$"},
		Nodes:         []NodeSpec{{Address: a.addr, Port: a.port}, {Address: b.addr, Port: b.port}}})
	if err != nil {
		t.Fatal(err)
	}
	nodeStatus := func() string {
		got, _ := sim.LoadBalancer(l.ID)
		return got.Nodes[0].Status
	}
	waitFor := func(want string) {
		deadline := time.Now().Add(3 * time.Second)
		for nodeStatus() != want {
			if time.Now().After(deadline) {
				t.Fatalf("node status %s, want %s", nodeStatus(), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	a.setHealthy(false)
	waitFor(NodeOffline)
	c := newTrafficClient(t)
	if got := tally(t, c, l.VIP, 6); got["b"] != 6 {
		t.Errorf("traffic with a OFFLINE: %v", got)
	}
	api := newCLB(t, sim)
	r := api.do("GET", fmt.Sprintf("/loadbalancers/%d/nodes/%d", l.ID, l.Nodes[0].ID), "")
	if !strings.Contains(string(r.body), `"status":"OFFLINE"`) {
		t.Errorf("API node = %s", r.body)
	}
	a.setHealthy(true)
	waitFor(NodeOnline)
	if got := tally(t, c, l.VIP, 6); got["a"] != 3 {
		t.Errorf("traffic after recovery: %v", got)
	}
	if MaxOutOfRotation(sim.Events(), l.ID) != 1 || MaxNotEnabled(sim.Events(), l.ID) != 0 {
		t.Errorf("events: %+v", EventsFor(sim.Events(), l.ID))
	}
	// CONNECT monitor over the API: a closed port goes OFFLINE.
	b.srv.Close()
	r = api.do("PUT", fmt.Sprintf("/loadbalancers/%d/healthmonitor", l.ID),
		`{"healthMonitor":{"type":"CONNECT","delay":1,"timeout":5,"attemptsBeforeDeactivation":1}}`)
	if r.code != 202 {
		t.Fatalf("put healthmonitor: %d %s", r.code, r.body)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		got, _ := sim.LoadBalancer(l.ID)
		if got.Nodes[1].Status == NodeOffline && got.Nodes[0].Status == NodeOnline {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("CONNECT monitor: %+v", got.Nodes)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTCPProtocolForwardsConnections(t *testing.T) {
	sim := startSim(t, fast())
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "tcp", Protocol: "TCP", Port: 5000,
		Nodes: []NodeSpec{{Address: "127.0.0.2", Port: port}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", l.VIP, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	fmt.Fprintf(c, "hello\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "hello\n" {
		t.Fatalf("echo: %q %v", line, err)
	}
	// DISABLED closes the open connection.
	newCLB(t, sim).setCondition(l.ID, l.Nodes[0].ID, ConditionDisabled)
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("connection to a disabled node still open")
	}
}

// TestRollingDeployUnderLoad replays the article's play (serial 2: drain,
// disable, enable) against the API while a bounded client load runs through
// the VIP, and checks zero failed requests and at most two nodes out.
func TestRollingDeployUnderLoad(t *testing.T) {
	cfg := fast()
	cfg.PendingUpdate = 30 * time.Millisecond
	sim := startSim(t, cfg)
	l, _ := fourBackends(t, sim, AlgorithmLeastConnections)
	api := newCLB(t, sim)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var ok, failed int
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newTrafficClient(t)
			for i := 0; i < 2000; i++ {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				res, err := c.Get("http://" + l.VIP + "/")
				mu.Lock()
				if err != nil || res.StatusCode != 200 {
					failed++
				} else {
					ok++
				}
				mu.Unlock()
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	for batch := 0; batch < 2; batch++ {
		ids := []int{l.Nodes[2*batch].ID, l.Nodes[2*batch+1].ID}
		for _, cond := range []string{ConditionDraining, ConditionDisabled, ConditionEnabled} {
			for _, id := range ids {
				api.setCondition(l.ID, id, cond)
			}
		}
	}
	close(stop)
	wg.Wait()
	if failed != 0 || ok == 0 {
		t.Errorf("requests: %d ok, %d failed", ok, failed)
	}
	if got := MaxNotEnabled(sim.Events(), l.ID); got != 2 {
		t.Errorf("MaxNotEnabled = %d, want 2", got)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	sim, err := Start(fast())
	if err != nil {
		t.Fatal(err)
	}
	a := startBackend(t, "127.0.0.2", "a")
	l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: "g",
		HealthMonitor: &HealthMonitor{Type: "CONNECT", Delay: 1, Timeout: 1, AttemptsBeforeDeactivation: 1},
		Nodes:         []NodeSpec{{Address: a.addr, Port: a.port}}})
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{Proxy: nil}
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	get(t, c, l.VIP, "/")
	done, _ := startSlow(t, l.VIP, []*testBackend{a})
	c2 := newCLB(t, sim)
	c2.do("PUT", fmt.Sprintf("/loadbalancers/%d/nodes/%d", l.ID, l.Nodes[0].ID), `{"node":{"condition":"DRAINING"}}`)
	sim.Close()
	<-done
	tr.CloseIdleConnections()
	apiClient.CloseIdleConnections()
	a.srv.Close()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d before, %d after Close\n%s", before, runtime.NumGoroutine(), buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

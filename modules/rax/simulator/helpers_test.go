package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fast is a configuration with short windows for tests.
func fast() Config {
	return Config{
		AcceptAny:         true,
		BuildTime:         80 * time.Millisecond,
		PendingUpdate:     80 * time.Millisecond,
		HealthMonitorUnit: 20 * time.Millisecond,
	}
}

func startSim(t *testing.T, cfg Config) *Simulator {
	t.Helper()
	sim, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

var apiClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}

type resp struct {
	code int
	hdr  http.Header
	body []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func do(t *testing.T, method, url, tok, body string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("X-Auth-Token", tok)
	}
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := apiClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

// clb is a tiny test client for one tenant.
type clb struct {
	t   *testing.T
	sim *Simulator
	tok string
	url string
}

func newCLB(t *testing.T, sim *Simulator) *clb {
	r := do(t, "POST", sim.IdentityURL()+"tokens", "",
		`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"jsmith","apiKey":"k"}}}`)
	if r.code != 200 {
		t.Fatalf("auth: %d %s", r.code, r.body)
	}
	var a struct {
		Access struct {
			Token struct {
				ID     string
				Tenant struct{ ID string }
			}
			ServiceCatalog []struct {
				Type      string
				Endpoints []struct{ Region, PublicURL string }
			}
		}
	}
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	return &clb{t: t, sim: sim, tok: a.Access.Token.ID, url: a.Access.ServiceCatalog[0].Endpoints[0].PublicURL}
}

func (c *clb) do(method, path, body string) resp {
	c.t.Helper()
	return do(c.t, method, c.url+path, c.tok, body)
}

func (c *clb) status(id int) string {
	c.t.Helper()
	r := c.do("GET", fmt.Sprintf("/loadbalancers/%d", id), "")
	if r.code != 200 {
		c.t.Fatalf("get lb: %d %s", r.code, r.body)
	}
	return r.json(c.t)["loadBalancer"].(map[string]any)["status"].(string)
}

func (c *clb) waitStatus(id int, want string) {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st := c.status(id); st == want {
			return
		} else if time.Now().After(deadline) {
			c.t.Fatalf("lb %d status %s, want %s", id, st, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// setCondition changes a node's condition and waits for ACTIVE.
func (c *clb) setCondition(id, nid int, cond string) {
	c.t.Helper()
	r := c.do("PUT", fmt.Sprintf("/loadbalancers/%d/nodes/%d", id, nid), `{"node":{"condition":"`+cond+`"}}`)
	if r.code != 202 {
		c.t.Fatalf("set condition: %d %s", r.code, r.body)
	}
	c.waitStatus(id, StatusActive)
}

// backend is a real HTTP server on a loopback address.
type testBackend struct {
	name    string
	addr    string
	port    int
	srv     *http.Server
	mu      sync.Mutex
	hits    int
	healthy bool
	release chan struct{}
	started chan struct{}
	lastXFF string
}

func startBackend(t *testing.T, ip, name string) *testBackend {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	b := &testBackend{name: name, addr: ip, port: ln.Addr().(*net.TCPAddr).Port, healthy: true,
		release: make(chan struct{}), started: make(chan struct{}, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		ok := b.healthy
		b.mu.Unlock()
		if !ok {
			w.WriteHeader(500)
		}
		io.WriteString(w, "health "+name)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		b.count(r)
		w.Header().Set("X-Backend", name)
		w.WriteHeader(200)
		io.WriteString(w, "start ")
		w.(http.Flusher).Flush()
		b.started <- struct{}{}
		select {
		case <-b.release:
			io.WriteString(w, "end "+name)
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		b.count(r)
		b.started <- struct{}{}
		select {
		case <-b.release:
			io.WriteString(w, "late "+name)
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b.count(r)
		w.Header().Set("X-Backend", name)
		io.WriteString(w, name)
	})
	b.srv = &http.Server{Handler: mux}
	go b.srv.Serve(ln)
	t.Cleanup(func() { b.srv.Close() })
	return b
}

func (b *testBackend) count(r *http.Request) {
	b.mu.Lock()
	b.hits++
	b.lastXFF = r.Header.Get("X-Forwarded-For")
	b.mu.Unlock()
}

func (b *testBackend) setHealthy(v bool) {
	b.mu.Lock()
	b.healthy = v
	b.mu.Unlock()
}

func (b *testBackend) spec(w int) NodeSpec {
	return NodeSpec{Address: b.addr, Port: b.port, Weight: w}
}

// get sends one request through a VIP and returns the backend's name.
func get(t *testing.T, c *http.Client, vip, path string) (int, string) {
	t.Helper()
	res, err := c.Get("http://" + vip + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func newTrafficClient(t *testing.T) *http.Client {
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func mustJSONString(v any) string { return string(must(json.Marshal(v))) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var _ = bytes.NewReader

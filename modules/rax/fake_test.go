package rax

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goplay/goplay/modules"
)

// Secrets of the fake account; no test output may contain them.
const (
	fakeUser   = "jsmith"
	fakeAPIKey = "apikey-0123456789abcdef"
	fakeToken  = "token-fedcba9876543210"
)

// fakeAPI is a small identity v2.0 + CLB v1.0 fake for the module tests.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu            sync.Mutex
	log           []string // "METHOD /path?query"
	bodies        map[string][]string
	lbs           map[int]map[string]any
	meta          map[int][]map[string]any
	pending       map[int]int // GETs left in PENDING_UPDATE
	pendingGets   int         // PENDING_UPDATE length after a change
	nextID        int
	defaultRegion string
	tokenCount    int
	expireToken   bool // next CLB request gets 401 once
	immutableOnce map[int]bool
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, bodies: map[string][]string{}, lbs: map[int]map[string]any{}, meta: map[int][]map[string]any{},
		pending: map[int]int{}, nextID: 5000, defaultRegion: "ORD", immutableOnce: map[int]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) identityURL() string { return f.srv.URL + "/v2.0/" }

// addLB adds a load balancer with n nodes (ids 1001.., addresses 10.0.0.1..).
func (f *fakeAPI) addLB(id int, name string, n int) map[string]any {
	var nodes []any
	for i := 1; i <= n; i++ {
		nodes = append(nodes, map[string]any{"id": 1000 + i, "address": fmt.Sprintf("10.0.0.%d", i), "port": 80,
			"condition": "ENABLED", "status": "ONLINE", "type": "PRIMARY"})
	}
	lb := map[string]any{
		"id": id, "name": name, "protocol": "HTTP", "port": 80, "algorithm": "LEAST_CONNECTIONS",
		"status": "ACTIVE", "timeout": 30, "halfClosed": false, "httpsRedirect": false,
		"cluster":           map[string]any{"name": "c1.dfw1"},
		"created":           map[string]any{"time": "2010-11-30T03:23:42Z"},
		"updated":           map[string]any{"time": "2010-11-30T03:23:44Z"},
		"connectionLogging": map[string]any{"enabled": false},
		"contentCaching":    map[string]any{"enabled": false},
		"sourceAddresses":   map[string]any{"ipv4Public": "10.12.99.28", "ipv4Servicenet": "10.0.0.0", "ipv6Public": "2001:4801:79f1:1::3/64"},
		"virtualIps":        []any{map[string]any{"id": 1000, "address": "206.10.10.210", "type": "PUBLIC", "ipVersion": "IPV4"}},
	}
	if n > 0 {
		lb["nodes"] = nodes
	}
	f.mu.Lock()
	f.lbs[id] = lb
	f.mu.Unlock()
	return lb
}

func (f *fakeAPI) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	f.log = append(f.log, key)
	f.bodies[r.Method+" "+r.URL.Path] = append(f.bodies[r.Method+" "+r.URL.Path], string(body))

	if r.URL.Path == "/v2.0/tokens" {
		f.tokens(w, body)
		return
	}
	const prefix = "/v1.0/123456/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		http.NotFound(w, r)
		return
	}
	if f.expireToken {
		f.expireToken = false
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Header.Get("X-Auth-Token") != fakeToken || r.Header.Get("X-Auth-Project-Id") != "123456" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, prefix), "/")
	if parts[0] != "loadbalancers" {
		http.NotFound(w, r)
		return
	}
	if len(parts) == 1 {
		switch r.Method {
		case "GET":
			f.list(w, r)
		case "POST":
			f.create(w, body)
		}
		return
	}
	id, _ := strconv.Atoi(parts[1])
	lb := f.lbs[id]
	if lb == nil {
		writeJSON(w, 404, map[string]any{"message": "Load balancer not found.", "code": 404})
		return
	}
	mutation := r.Method != "GET"
	if mutation {
		if f.immutableOnce[id] {
			f.immutableOnce[id] = false
			lb["status"] = "PENDING_UPDATE"
			f.pending[id] = 2
		}
		if st := lb["status"].(string); st != "ACTIVE" {
			writeJSON(w, 422, map[string]any{"message": fmt.Sprintf("Load Balancer '%d' has a status of '%s' and is considered immutable.", id, st), "code": 422})
			return
		}
	}
	sub := ""
	if len(parts) > 2 {
		sub = parts[2]
	}
	switch {
	case sub == "" && r.Method == "GET":
		if f.pending[id] > 0 {
			f.pending[id]--
			if f.pending[id] == 0 && lb["status"] == "PENDING_UPDATE" {
				lb["status"] = "ACTIVE"
			}
		}
		out := map[string]any{}
		for k, v := range lb {
			out[k] = v
		}
		if md := f.meta[id]; len(md) > 0 {
			out["metadata"] = md
		}
		writeJSON(w, 200, map[string]any{"loadBalancer": out})
	case sub == "" && r.Method == "PUT":
		var b struct{ LoadBalancer map[string]any }
		_ = json.Unmarshal(body, &b)
		for k, v := range b.LoadBalancer {
			if n, ok := v.(float64); ok {
				v = int(n)
			}
			lb[k] = v
		}
		f.touch(id)
		w.WriteHeader(202)
	case sub == "" && r.Method == "DELETE":
		lb["status"] = "PENDING_DELETE"
		w.WriteHeader(202)
		delete(f.lbs, id)
	case sub == "nodes" && len(parts) == 4 && r.Method == "PUT":
		nid, _ := strconv.Atoi(parts[3])
		n := f.node(lb, nid)
		if n == nil {
			writeJSON(w, 404, map[string]any{"message": "Node not found", "code": 404})
			return
		}
		var b struct{ Node map[string]any }
		_ = json.Unmarshal(body, &b)
		for k, v := range b.Node {
			if x, ok := v.(float64); ok {
				v = int(x)
			}
			n[k] = v
		}
		f.touch(id)
		w.WriteHeader(202)
	case sub == "nodes" && len(parts) == 4 && r.Method == "DELETE":
		nid, _ := strconv.Atoi(parts[3])
		list, _ := lb["nodes"].([]any)
		var keep []any
		for _, e := range list {
			if e.(map[string]any)["id"] != nid {
				keep = append(keep, e)
			}
		}
		if len(keep) == 0 {
			delete(lb, "nodes")
		} else {
			lb["nodes"] = keep
		}
		f.touch(id)
		w.WriteHeader(202)
	case sub == "nodes" && r.Method == "POST":
		var b struct{ Nodes []map[string]any }
		_ = json.Unmarshal(body, &b)
		var added []any
		list, _ := lb["nodes"].([]any)
		for i, n := range b.Nodes {
			nn := map[string]any{"id": 2000 + len(list) + i, "address": n["address"], "port": int(n["port"].(float64)),
				"condition": n["condition"], "status": "ONLINE", "weight": 1}
			if n["type"] != nil {
				nn["type"] = n["type"]
			} else {
				nn["type"] = "PRIMARY"
			}
			added = append(added, nn)
		}
		lb["nodes"] = append(list, added...)
		f.touch(id)
		writeJSON(w, 202, map[string]any{"nodes": added})
	case sub == "metadata" && r.Method == "GET":
		md := f.meta[id]
		if md == nil {
			md = []map[string]any{}
		}
		writeJSON(w, 200, map[string]any{"metadata": md})
	case sub == "metadata" && r.Method == "DELETE":
		ids := r.URL.Query()["id"]
		var keep []map[string]any
		for _, m := range f.meta[id] {
			if !contains(ids, fmt.Sprint(m["id"])) {
				keep = append(keep, m)
			}
		}
		f.meta[id] = keep
		f.touch(id)
		w.WriteHeader(202)
	case sub == "metadata" && r.Method == "POST":
		var b struct{ Metadata []map[string]any }
		_ = json.Unmarshal(body, &b)
		for i, m := range b.Metadata {
			f.meta[id] = append(f.meta[id], map[string]any{"id": 100 + i, "key": m["key"], "value": m["value"]})
		}
		f.touch(id)
		writeJSON(w, 200, map[string]any{"metadata": f.meta[id]})
	case sub == "connectionlogging":
		writeJSON(w, 200, map[string]any{"connectionLogging": lb["connectionLogging"]})
	case sub == "contentcaching":
		writeJSON(w, 200, map[string]any{"contentCaching": lb["contentCaching"]})
	case sub == "sessionpersistence":
		sp, _ := lb["sessionPersistence"].(map[string]any)
		if sp == nil {
			sp = map[string]any{}
		}
		writeJSON(w, 200, map[string]any{"sessionPersistence": sp})
	default:
		http.NotFound(w, r)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (f *fakeAPI) touch(id int) {
	if f.pendingGets > 0 {
		f.lbs[id]["status"] = "PENDING_UPDATE"
		f.pending[id] = f.pendingGets
	}
}

func (f *fakeAPI) node(lb map[string]any, id int) map[string]any {
	list, _ := lb["nodes"].([]any)
	for _, e := range list {
		if n := e.(map[string]any); n["id"] == id {
			return n
		}
	}
	return nil
}

func (f *fakeAPI) list(w http.ResponseWriter, r *http.Request) {
	ids := make([]int, 0, len(f.lbs))
	for id := range f.lbs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	marker, _ := strconv.Atoi(r.URL.Query().Get("marker"))
	var out []any
	for _, id := range ids {
		if id < marker || len(out) == 100 {
			continue
		}
		lb := f.lbs[id]
		item := map[string]any{"nodeCount": len(asList(lb["nodes"]))}
		for _, k := range []string{"name", "id", "protocol", "port", "algorithm", "status", "timeout", "virtualIps", "created", "updated"} {
			item[k] = lb[k]
		}
		out = append(out, item)
	}
	if out == nil {
		out = []any{}
	}
	writeJSON(w, 200, map[string]any{"loadBalancers": out})
}

func asList(v any) []any { l, _ := v.([]any); return l }

func (f *fakeAPI) create(w http.ResponseWriter, body []byte) {
	var b struct{ LoadBalancer map[string]any }
	_ = json.Unmarshal(body, &b)
	id := f.nextID
	f.nextID++
	lb := f.addLBLocked(id, b.LoadBalancer["name"].(string))
	lb["status"] = "BUILD"
	f.pending[id] = 1
	out := map[string]any{}
	for k, v := range lb {
		out[k] = v
	}
	writeJSON(w, 202, map[string]any{"loadBalancer": out})
	lb["status"] = "PENDING_UPDATE" // becomes ACTIVE after the next GET
}

func (f *fakeAPI) addLBLocked(id int, name string) map[string]any {
	f.mu.Unlock()
	defer f.mu.Lock()
	return f.addLB(id, name, 0)
}

func (f *fakeAPI) tokens(w http.ResponseWriter, body []byte) {
	var b struct {
		Auth map[string]json.RawMessage `json:"auth"`
	}
	_ = json.Unmarshal(body, &b)
	var ak struct{ Username, APIKey string }
	ok := false
	if raw, found := b.Auth["RAX-KSKEY:apiKeyCredentials"]; found {
		_ = json.Unmarshal(raw, &ak)
		ok = ak.Username == fakeUser && ak.APIKey == fakeAPIKey
	}
	if raw, found := b.Auth["passwordCredentials"]; found {
		var pc struct{ Username, Password string }
		_ = json.Unmarshal(raw, &pc)
		ok = pc.Username == fakeUser && pc.Password == fakeAPIKey
	}
	if !ok {
		writeJSON(w, 401, map[string]any{"unauthorized": map[string]any{"code": 401, "message": "Unable to authenticate user with credentials provided."}})
		return
	}
	f.tokenCount++
	clbURL := f.srv.URL + "/v1.0/123456"
	writeJSON(w, 200, map[string]any{"access": map[string]any{
		"token": map[string]any{"id": fakeToken, "expires": "2014-11-24T22:05:39.115Z",
			"tenant": map[string]any{"id": "123456", "name": "123456"}},
		"serviceCatalog": []any{
			map[string]any{"name": "cloudLoadBalancers", "type": "rax:load-balancer", "endpoints": []any{
				map[string]any{"region": "DFW", "tenantId": "123456", "publicURL": clbURL},
				map[string]any{"region": "ORD", "tenantId": "123456", "publicURL": clbURL},
			}},
			map[string]any{"name": "cloudDNS", "type": "rax:dns", "endpoints": []any{
				map[string]any{"tenantId": "123456", "publicURL": f.srv.URL + "/dns"},
			}},
			map[string]any{"name": "cloudServersOpenStack", "type": "compute", "endpoints": []any{
				map[string]any{"region": "SYD", "tenantId": "123456", "publicURL": f.srv.URL + "/compute"},
			}},
		},
		"user": map[string]any{"id": "1", "name": fakeUser, "RAX-AUTH:defaultRegion": f.defaultRegion,
			"roles": []any{map[string]any{"id": "3", "name": "identity:user-admin"}}},
	}})
}

// testEnv is an environment without RAX_* or CLOUD_* variables.
func testEnv(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// fastHooks makes polls instant.
func fastHooks(env func(string) (string, bool)) hooks {
	return hooks{
		env: env, homeSet: true, home: "",
		sleep:         func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		buildInterval: time.Millisecond, pollInterval: time.Millisecond,
	}
}

// runModule decodes args like the engine and runs the module, collecting
// warnings.
func runModule(t *testing.T, name string, args map[string]any, h hooks) (*modules.Result, []string) {
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
	var warns []string
	req := &modules.Request{Args: args, Warn: func(s string) { warns = append(warns, s) }, Log: func(string, ...any) {}}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	assertNoSecrets(t, res, warns)
	return res, warns
}

func assertNoSecrets(t *testing.T, res *modules.Result, extra []string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"msg": res.Msg, "data": res.Data, "extra": extra})
	for _, s := range []string{fakeAPIKey, fakeToken, "s3cr3t-password"} {
		if strings.Contains(string(b), s) {
			t.Fatalf("secret %q leaked: %s", s, b)
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

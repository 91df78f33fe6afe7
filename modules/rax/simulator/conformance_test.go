package simulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const pyraxCreate = `{"loadBalancer":{"name":"app-lb1","port":80,"protocol":"HTTP","nodes":[],
 "virtualIps":[{"type":"PUBLIC","ipVersion":"IPV4"}],"algorithm":"LEAST_CONNECTIONS",
 "halfClosed":null,"accessList":null,"connectionLogging":null,"connectionThrottle":null,
 "healthMonitor":null,"metadata":[],"timeout":30,"sessionPersistence":null,"httpsRedirect":null}}`

func TestIdentityAPIKeyPasswordAndCatalog(t *testing.T) {
	cfg := fast()
	cfg.AcceptAny = false
	cfg.Accounts = []Account{{Username: "jsmith", APIKey: "abc123", Password: "secret", TenantID: "110011", DefaultRegion: "ORD"}}
	sim := startSim(t, cfg)
	url := sim.IdentityURL() + "tokens"

	r := do(t, "POST", url, "", `{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"jsmith","apiKey":"abc123"}}}`)
	if r.code != 200 {
		t.Fatalf("api key: %d %s", r.code, r.body)
	}
	var a struct {
		Access struct {
			Token struct {
				ID      string `json:"id"`
				Expires string `json:"expires"`
				Tenant  struct{ ID, Name string }
			} `json:"token"`
			ServiceCatalog []struct {
				Name, Type string
				Endpoints  []struct {
					Region, TenantID, PublicURL string
				}
			} `json:"serviceCatalog"`
			User map[string]any `json:"user"`
		} `json:"access"`
	}
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.999999Z", a.Access.Token.Expires); err != nil {
		t.Errorf("expires %q does not parse with a literal Z: %v", a.Access.Token.Expires, err)
	}
	if a.Access.Token.ID == "" || a.Access.Token.Tenant.ID != "110011" || a.Access.Token.Tenant.Name != "110011" {
		t.Errorf("token = %+v", a.Access.Token)
	}
	if a.Access.User["RAX-AUTH:defaultRegion"] != "ORD" || a.Access.User["name"] != "jsmith" ||
		a.Access.User["id"] == nil || a.Access.User["roles"] == nil {
		t.Errorf("user = %v", a.Access.User)
	}
	cat := a.Access.ServiceCatalog
	if len(cat) != 1 || cat[0].Type != "rax:load-balancer" || cat[0].Name != "cloudLoadBalancers" {
		t.Fatalf("catalog = %+v", cat)
	}
	var regions []string
	for _, e := range cat[0].Endpoints {
		regions = append(regions, e.Region)
		if e.PublicURL != sim.URL()+"/v1.0/110011" || e.TenantID != "110011" {
			t.Errorf("endpoint = %+v", e)
		}
	}
	if strings.Join(regions, ",") != "DFW,ORD,IAD,LON,SYD,HKG" {
		t.Errorf("regions = %v", regions)
	}

	r = do(t, "POST", url, "", `{"auth":{"passwordCredentials":{"username":"jsmith","password":"secret"}}}`)
	if r.code != 200 {
		t.Errorf("password: %d %s", r.code, r.body)
	}
	// pyrax's fallback: the API key as password, tenantId = username -> 401.
	r = do(t, "POST", url, "", `{"auth":{"passwordCredentials":{"username":"jsmith","password":"abc123"},"tenantId":"jsmith"}}`)
	if r.code != 401 {
		t.Errorf("wrong tenant: %d", r.code)
	}
	const unauthorized = `{"unauthorized":{"code":401,"message":"Unable to authenticate user with credentials provided."}}`
	for _, body := range []string{
		`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"jsmith","apiKey":"nope"}}}`,
		`{"auth":{"passwordCredentials":{"username":"jsmith","password":"nope"}}}`,
		`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"nobody","apiKey":"abc123"}}}`,
	} {
		r = do(t, "POST", url, "", body)
		if r.code != 401 || string(r.body) != unauthorized {
			t.Errorf("%s: %d %s", body, r.code, r.body)
		}
	}
	r = do(t, "POST", url, "", `{"auth":{"passwordCredentials":{"username":"jsmith","password":"secret"},"tenantId":"1","tenantName":"1"}}`)
	if r.code != 400 || !strings.Contains(string(r.body), `"badRequest"`) {
		t.Errorf("tenantId+tenantName: %d %s", r.code, r.body)
	}
	r = do(t, "POST", url, "", `{not json`)
	if r.code != 400 {
		t.Errorf("bad json: %d", r.code)
	}
}

func TestIdentityAcceptAny(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	if c.url != sim.ServiceURL(DefaultTenantID) {
		t.Fatalf("publicURL = %s", c.url)
	}
	if r := c.do("GET", "/loadbalancers", ""); r.code != 200 || string(r.body) != `{"loadBalancers":[]}` {
		t.Fatalf("list: %d %s", r.code, r.body)
	}
}

func TestCLB401NoBodyAndTokenExpiry(t *testing.T) {
	cfg := fast()
	cfg.TokenTTL = 300 * time.Millisecond
	sim := startSim(t, cfg)
	c := newCLB(t, sim)
	if r := c.do("GET", "/loadbalancers", ""); r.code != 200 {
		t.Fatalf("fresh token: %d", r.code)
	}
	for name, r := range map[string]resp{
		"no token":     do(t, "GET", c.url+"/loadbalancers", "", ""),
		"bad token":    do(t, "GET", c.url+"/loadbalancers", "bogus", ""),
		"other tenant": do(t, "GET", sim.ServiceURL("999")+"/loadbalancers", c.tok, ""),
	} {
		if r.code != 401 || len(r.body) != 0 {
			t.Errorf("%s: %d %q", name, r.code, r.body)
		}
	}
	time.Sleep(350 * time.Millisecond)
	if r := c.do("GET", "/loadbalancers", ""); r.code != 401 || len(r.body) != 0 {
		t.Errorf("expired token: %d %q", r.code, r.body)
	}
	// Re-authentication works; ExpireTokens expires it at once.
	c = newCLB(t, sim)
	sim.ExpireTokens()
	if r := c.do("GET", "/loadbalancers", ""); r.code != 401 {
		t.Errorf("after ExpireTokens: %d", r.code)
	}
}

func TestCreateIs202BuildThenActive(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	r := c.do("POST", "/loadbalancers", pyraxCreate)
	if r.code != 202 {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	lbj := r.json(t)["loadBalancer"].(map[string]any)
	if lbj["status"] != StatusBuild || lbj["name"] != "app-lb1" || lbj["algorithm"] != "LEAST_CONNECTIONS" {
		t.Fatalf("create body = %v", lbj)
	}
	if _, ok := lbj["nodes"]; ok {
		t.Errorf("nodes present with no nodes: %v", lbj["nodes"])
	}
	for _, k := range []string{"id", "port", "protocol", "timeout", "virtualIps", "cluster", "created", "updated",
		"sourceAddresses", "connectionLogging", "contentCaching", "halfClosed", "httpsRedirect"} {
		if _, ok := lbj[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	id := int(lbj["id"].(float64))
	if st := c.status(id); st != StatusBuild {
		t.Errorf("status right after create = %s", st)
	}
	c.waitStatus(id, StatusActive)
	var kinds []string
	for _, e := range EventsFor(sim.Events(), id) {
		kinds = append(kinds, e.Kind+":"+e.From+">"+e.To)
	}
	if got := strings.Join(kinds, " "); got != "lb.created:>BUILD lb.status:BUILD>ACTIVE" {
		t.Errorf("events = %s", got)
	}
	// API default algorithm is RANDOM; port defaults from the protocol.
	r = c.do("POST", "/loadbalancers", `{"loadBalancer":{"name":"b","protocol":"HTTPS","virtualIps":[{"type":"PUBLIC"}]}}`)
	lbj = r.json(t)["loadBalancer"].(map[string]any)
	if lbj["algorithm"] != "RANDOM" || lbj["port"] != 443.0 || len(lbj["virtualIps"].([]any)) != 2 {
		t.Errorf("defaults = %v", lbj)
	}
}

func preload(t *testing.T, sim *Simulator, n int) LoadBalancer {
	t.Helper()
	spec := LoadBalancerSpec{Name: "app-lb1", Algorithm: AlgorithmRoundRobin}
	for i := 0; i < n; i++ {
		spec.Nodes = append(spec.Nodes, NodeSpec{Address: fmt.Sprintf("127.0.0.%d", i+2), Port: 9})
	}
	l, err := sim.AddLoadBalancer(spec)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestChangeIs202PendingUpdateThenActive(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	l := preload(t, sim, 4)
	if l.Status != StatusActive {
		t.Fatalf("preloaded status %s", l.Status)
	}
	nid := l.Nodes[0].ID
	r := c.do("PUT", fmt.Sprintf("/loadbalancers/%d/nodes/%d", l.ID, nid), `{"node":{"condition":"DRAINING"}}`)
	if r.code != 202 || len(r.body) != 0 {
		t.Fatalf("update node: %d %q", r.code, r.body)
	}
	if st := c.status(l.ID); st != StatusPendingUpdate {
		t.Errorf("status after change = %s", st)
	}
	r = c.do("GET", fmt.Sprintf("/loadbalancers/%d/nodes/%d", l.ID, nid), "")
	if n := r.json(t)["node"].(map[string]any); n["condition"] != "DRAINING" || n["status"] != "ONLINE" {
		t.Errorf("node = %v", n)
	}
	c.waitStatus(l.ID, StatusActive)
	// LB update: 202, no body.
	r = c.do("PUT", fmt.Sprintf("/loadbalancers/%d", l.ID), `{"loadBalancer":{"name":"app-lb1","algorithm":"LEAST_CONNECTIONS","port":80,"protocol":"HTTP","timeout":30}}`)
	if r.code != 202 || len(r.body) != 0 {
		t.Fatalf("update lb: %d %q", r.code, r.body)
	}
	c.waitStatus(l.ID, StatusActive)
	got, _ := sim.LoadBalancer(l.ID)
	if got.Algorithm != "LEAST_CONNECTIONS" {
		t.Errorf("algorithm = %s", got.Algorithm)
	}
}

func TestImmutable422Body(t *testing.T) {
	cfg := fast()
	cfg.PendingUpdate = 500 * time.Millisecond
	sim := startSim(t, cfg)
	c := newCLB(t, sim)
	l := preload(t, sim, 4)
	p := fmt.Sprintf("/loadbalancers/%d/nodes/", l.ID)
	if r := c.do("PUT", p+strconv.Itoa(l.Nodes[0].ID), `{"node":{"condition":"DRAINING"}}`); r.code != 202 {
		t.Fatal(r.code)
	}
	want := fmt.Sprintf(`{"message":"Load Balancer '%d' has a status of 'PENDING_UPDATE' and is considered immutable.","code":422}`, l.ID)
	for _, r := range []resp{
		c.do("PUT", p+strconv.Itoa(l.Nodes[1].ID), `{"node":{"condition":"DRAINING"}}`),
		c.do("POST", p[:len(p)-1], `{"nodes":[{"address":"127.0.0.9","port":80,"condition":"ENABLED"}]}`),
		c.do("DELETE", p+strconv.Itoa(l.Nodes[1].ID), ""),
		c.do("DELETE", fmt.Sprintf("/loadbalancers/%d", l.ID), ""),
	} {
		if r.code != 422 || string(r.body) != want {
			t.Errorf("got %d %s\nwant 422 %s", r.code, r.body, want)
		}
	}
	// ERROR uses the same text.
	c.waitStatus(l.ID, StatusActive)
	if err := sim.SetLoadBalancerStatus(l.ID, StatusError); err != nil {
		t.Fatal(err)
	}
	r := c.do("PUT", p+strconv.Itoa(l.Nodes[1].ID), `{"node":{"condition":"DRAINING"}}`)
	if want := strings.Replace(want, "PENDING_UPDATE", "ERROR", 1); r.code != 422 || string(r.body) != want {
		t.Errorf("ERROR: %d %s", r.code, r.body)
	}
	// Each refusal is in the event log (collisions are visible there).
	var refused []string
	for _, e := range EventsFor(sim.Events(), l.ID) {
		if e.Kind == EventLBImmutable {
			refused = append(refused, e.From)
		}
	}
	if strings.Join(refused, ",") != "PENDING_UPDATE,PENDING_UPDATE,PENDING_UPDATE,PENDING_UPDATE,ERROR" {
		t.Errorf("lb.immutable events: %v", refused)
	}
}

func TestDeleteLoadBalancer(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	l := preload(t, sim, 2)
	if r := c.do("DELETE", fmt.Sprintf("/loadbalancers/%d", l.ID), ""); r.code != 202 || len(r.body) != 0 {
		t.Fatalf("delete: %d %s", r.code, r.body)
	}
	if st := c.status(l.ID); st != StatusPendingDelete {
		t.Errorf("status = %s", st)
	}
	c.waitStatus(l.ID, StatusDeleted)
	if r := c.do("GET", "/loadbalancers", ""); string(r.body) != `{"loadBalancers":[]}` {
		t.Errorf("list after delete: %s", r.body)
	}
	if r := c.do("GET", "/loadbalancers?status=DELETED", ""); !strings.Contains(string(r.body), `"DELETED"`) {
		t.Errorf("list deleted: %s", r.body)
	}
	r := c.do("PUT", fmt.Sprintf("/loadbalancers/%d/nodes/%d", l.ID, l.Nodes[0].ID), `{"node":{"condition":"DISABLED"}}`)
	if r.code != 422 || string(r.body) != `{"message":"The load balancer is deleted and considered immutable.","code":422}` {
		t.Errorf("mutate deleted: %d %s", r.code, r.body)
	}
	if sim.VIPAddr(l.ID) != "" {
		t.Errorf("deleted LB still has a VIP")
	}
}

func TestValidation400Bodies(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	l := preload(t, sim, 2)
	np := fmt.Sprintf("/loadbalancers/%d/nodes/%d", l.ID, l.Nodes[0].ID)
	const schema = `{"message":["JSON does not match the expected schema"]}`
	cases := []struct {
		method, path, body, want string
	}{
		{"PUT", np, `{"node":{"address":"10.0.0.1"}}`,
			`{"validationErrors":{"messages":["Node ip field cannot be modified."]},"message":"Validation Failure","code":400,"details":"The object is not valid"}`},
		{"PUT", np, `{"node":{"port":81,"weight":0}}`,
			`{"validationErrors":{"messages":["Port field cannot be modified.","Node weight is invalid. Range is 1-100. Please specify a valid weight."]},"message":"Validation Failure","code":400,"details":"The object is not valid"}`},
		{"PUT", np, `{"node":{"condition":"DRAINING"`, schema},
		{"PUT", np, `{"node":{"condition":"DRAINING","bogus":1}}`, schema},
		{"PUT", np, `{"node":{"weight":"heavy"}}`, schema},
		{"POST", "/loadbalancers", `{"loadBalancer":{"protocol":"HTTP","virtualIps":[{"type":"PUBLIC"}]}}`,
			`{"validationErrors":{"messages":["Must provide a name for the load balancer."]},"message":"Validation Failure","code":400,"details":"The object is not valid"}`},
		{"PUT", fmt.Sprintf("/loadbalancers/%d", l.ID), `{"loadBalancer":{"id":5}}`,
			`{"validationErrors":{"messages":["Load balancer id field cannot be modified."]},"message":"Validation Failure","code":400,"details":"The object is not valid"}`},
	}
	for _, tc := range cases {
		r := c.do(tc.method, tc.path, tc.body)
		if r.code != 400 || string(r.body) != tc.want {
			t.Errorf("%s %s %s:\n got %d %s\nwant 400 %s", tc.method, tc.path, tc.body, r.code, r.body, tc.want)
		}
	}
	if st := c.status(l.ID); st != StatusActive {
		t.Errorf("a rejected request changed the status to %s", st)
	}
}

func TestNotFound404Bodies(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	l := preload(t, sim, 1)
	for path, want := range map[string]string{
		"/loadbalancers/424242":                              `{"message":"Load balancer not found","code":404}`,
		"/loadbalancers/424242/nodes":                        `{"message":"Load balancer not found","code":404}`,
		fmt.Sprintf("/loadbalancers/%d/nodes/424242", l.ID):  `{"message":"Node not found","code":404}`,
		fmt.Sprintf("/loadbalancers/%d/nodes/notanid", l.ID): `{"message":"Node not found","code":404}`,
	} {
		r := c.do("GET", path, "")
		if r.code != 404 || string(r.body) != want {
			t.Errorf("GET %s: %d %s", path, r.code, r.body)
		}
	}
	r := c.do("PUT", "/loadbalancers/424242/nodes/1", `{"node":{"condition":"DRAINING"}}`)
	if r.code != 404 {
		t.Errorf("PUT missing LB: %d", r.code)
	}
}

func TestRateLimit413RetryAfter(t *testing.T) {
	cfg := fast()
	cfg.RateLimits = RateLimits{GET: RateLimit{PerSecond: 3}}
	sim := startSim(t, cfg)
	c := newCLB(t, sim)
	var last resp
	for i := 0; i < 4; i++ {
		last = c.do("GET", "/loadbalancers", "")
	}
	if last.code != 413 {
		t.Fatalf("4th GET within a second: %d", last.code)
	}
	ra, err := strconv.Atoi(last.hdr.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After = %q", last.hdr.Get("Retry-After"))
	}
	var body struct {
		OverLimit struct {
			Code       int    `json:"code"`
			Message    string `json:"message"`
			Details    string `json:"details"`
			RetryAfter string `json:"retryAfter"`
		} `json:"overLimit"`
	}
	if err := json.Unmarshal(last.body, &body); err != nil || body.OverLimit.Code != 413 ||
		body.OverLimit.Message != "OverLimit Retry..." || body.OverLimit.RetryAfter == "" {
		t.Errorf("body = %s", last.body)
	}
	if _, err := time.Parse(timeLayout, body.OverLimit.RetryAfter); err != nil {
		t.Errorf("retryAfter: %v", err)
	}
	// POST is not limited by the GET table.
	if r := c.do("POST", "/loadbalancers", pyraxCreate); r.code != 202 {
		t.Errorf("POST: %d", r.code)
	}
	time.Sleep(time.Duration(ra) * time.Second)
	if r := c.do("GET", "/loadbalancers", ""); r.code != 200 {
		t.Errorf("after Retry-After: %d", r.code)
	}
}

func TestAbsoluteLimits(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	r := c.do("GET", "/loadbalancers/absolutelimits", "")
	for _, want := range []string{`{"name":"NODE_LIMIT","value":25}`, `{"name":"LOADBALANCER_LIMIT","value":25}`,
		`{"name":"BATCH_DELETE_LIMIT","value":10}`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("absolutelimits lacks %s: %s", want, r.body)
		}
	}
	nodes := func(n, from int) string {
		var parts []string
		for i := 0; i < n; i++ {
			parts = append(parts, fmt.Sprintf(`{"address":"127.0.1.%d","port":80,"condition":"ENABLED"}`, from+i))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	r = c.do("POST", "/loadbalancers", `{"loadBalancer":{"name":"big","protocol":"HTTP","virtualIps":[{"type":"PUBLIC"}],"nodes":`+nodes(26, 1)+`}}`)
	if r.code != 413 || string(r.body) != `{"message":"Nodes must not exceed 25 per load balancer.","code":413}` {
		t.Errorf("26 nodes: %d %s", r.code, r.body)
	}
	r = c.do("POST", "/loadbalancers", `{"loadBalancer":{"name":"full","protocol":"HTTP","virtualIps":[{"type":"PUBLIC"}],"nodes":`+nodes(25, 1)+`}}`)
	if r.code != 202 {
		t.Fatalf("25 nodes: %d %s", r.code, r.body)
	}
	id := int(r.json(t)["loadBalancer"].(map[string]any)["id"].(float64))
	c.waitStatus(id, StatusActive)
	r = c.do("POST", fmt.Sprintf("/loadbalancers/%d/nodes", id), `{"nodes":`+nodes(1, 100)+`}`)
	if r.code != 413 || string(r.body) != `{"message":"Nodes must not exceed 25 per load balancer.","code":413}` {
		t.Errorf("26th node: %d %s", r.code, r.body)
	}
	// Batch delete limit.
	q := "?id=1"
	for i := 2; i <= 11; i++ {
		q += "&id=" + strconv.Itoa(i)
	}
	if r = c.do("DELETE", fmt.Sprintf("/loadbalancers/%d/nodes%s", id, q), ""); r.code != 400 {
		t.Errorf("11-node batch delete: %d %s", r.code, r.body)
	}
	// Load balancer limit.
	cfg := fast()
	cfg.Limits.LoadBalancers = 2
	sim2 := startSim(t, cfg)
	c2 := newCLB(t, sim2)
	for i := 0; i < 3; i++ {
		r = c2.do("POST", "/loadbalancers", pyraxCreate)
	}
	if r.code != 413 {
		t.Errorf("3rd LB with limit 2: %d %s", r.code, r.body)
	}
}

func TestListMarkerIsInclusive(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	var ids []int
	for i := 0; i < 5; i++ {
		l, err := sim.AddLoadBalancer(LoadBalancerSpec{Name: fmt.Sprintf("lb%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	list := func(q string) []int {
		r := c.do("GET", "/loadbalancers"+q, "")
		var b struct{ LoadBalancers []map[string]any }
		if err := json.Unmarshal(r.body, &b); err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, l := range b.LoadBalancers {
			out = append(out, int(l["id"].(float64)))
			for _, k := range []string{"name", "protocol", "port", "algorithm", "status", "nodeCount", "timeout", "virtualIps", "created", "updated"} {
				if _, ok := l[k]; !ok {
					t.Errorf("list item lacks %q", k)
				}
			}
		}
		return out
	}
	if got := list("?limit=2"); fmt.Sprint(got) != fmt.Sprint(ids[:2]) {
		t.Errorf("limit=2: %v", got)
	}
	if got := list(fmt.Sprintf("?marker=%d&limit=2", ids[1])); fmt.Sprint(got) != fmt.Sprint(ids[1:3]) {
		t.Errorf("marker inclusive: %v, want %v", got, ids[1:3])
	}
	// rax_clb's loop: drop the last, ask again with marker=last, stop when a page has < 2.
	page := list("")
	var all []int
	for len(page) > 0 {
		last := page[len(page)-1]
		all = append(all, page[:len(page)-1]...)
		page = list("?marker=" + strconv.Itoa(last))
		if len(page) < 2 {
			all = append(all, page...)
			break
		}
	}
	if fmt.Sprint(all) != fmt.Sprint(ids) {
		t.Errorf("rax_clb pagination found %v, want %v", all, ids)
	}
	if got := list("?name=lb3"); fmt.Sprint(got) != fmt.Sprint(ids[3:4]) {
		t.Errorf("name filter: %v", got)
	}
}

func TestNodesAddListDelete(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	l := preload(t, sim, 1)
	p := fmt.Sprintf("/loadbalancers/%d/nodes", l.ID)
	// rax_clb_nodes' body: id null, no weight.
	r := c.do("POST", p, `{"nodes":[{"address":"127.0.0.50","port":80,"condition":"ENABLED","type":null,"id":null}]}`)
	if r.code != 202 {
		t.Fatalf("add: %d %s", r.code, r.body)
	}
	// The documented key order: address, id, port, status, condition,
	// weight, type (rax_clb_nodes returns this dict as it came).
	if want := `{"nodes":[{"address":"127.0.0.50","id":`; !strings.HasPrefix(string(r.body), want) ||
		!strings.HasSuffix(string(r.body), `"port":80,"status":"ONLINE","condition":"ENABLED","weight":1,"type":"PRIMARY"}]}`) {
		t.Errorf("add body %s", r.body)
	}
	added := r.json(t)["nodes"].([]any)[0].(map[string]any)
	for k, v := range map[string]any{"address": "127.0.0.50", "port": 80.0, "condition": "ENABLED", "status": "ONLINE", "weight": 1.0, "type": "PRIMARY"} {
		if added[k] != v {
			t.Errorf("added[%s] = %v, want %v", k, added[k], v)
		}
	}
	c.waitStatus(l.ID, StatusActive)
	r = c.do("POST", p, `{"nodes":[{"address":"127.0.0.50","port":80,"condition":"ENABLED"}]}`)
	if r.code != 422 || string(r.body) != `{"message":"Duplicate nodes detected. One or more nodes already configured on load balancer.","code":422}` {
		t.Errorf("duplicate: %d %s", r.code, r.body)
	}
	r = c.do("GET", p, "")
	nodes := r.json(t)["nodes"].([]any)
	if len(nodes) != 2 {
		t.Fatalf("nodes = %v", nodes)
	}
	if _, ok := nodes[0].(map[string]any)["weight"]; ok {
		t.Errorf("weight shown for a non-weighted algorithm")
	}
	nid := int(added["id"].(float64))
	if r = c.do("DELETE", fmt.Sprintf("%s/%d", p, nid), ""); r.code != 202 {
		t.Fatalf("delete: %d", r.code)
	}
	c.waitStatus(l.ID, StatusActive)
	if r = c.do("GET", fmt.Sprintf("%s/%d", p, nid), ""); r.code != 404 {
		t.Errorf("deleted node: %d", r.code)
	}
	// Bulk update and bulk delete.
	r = c.do("PUT", p, fmt.Sprintf(`{"nodes":[{"id":%d,"condition":"DRAINING","weight":5}]}`, l.Nodes[0].ID))
	if r.code != 202 {
		t.Fatalf("bulk update: %d %s", r.code, r.body)
	}
	c.waitStatus(l.ID, StatusActive)
	if got, _ := sim.LoadBalancer(l.ID); got.Nodes[0].Condition != "DRAINING" || got.Nodes[0].Weight != 5 {
		t.Errorf("after bulk update: %+v", got.Nodes[0])
	}
	r = c.do("DELETE", fmt.Sprintf("%s?id=%d&id=777", p, l.Nodes[0].ID), "")
	if r.code != 400 || !strings.Contains(string(r.body), "Node ids 777 are not a part of your loadbalancer") {
		t.Errorf("bulk delete unknown: %d %s", r.code, r.body)
	}
	if r = c.do("DELETE", fmt.Sprintf("%s?id=%d", p, l.Nodes[0].ID), ""); r.code != 202 {
		t.Errorf("bulk delete: %d %s", r.code, r.body)
	}
}

func TestPyraxSmallGETsAndMetadata(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	l := preload(t, sim, 1)
	b := fmt.Sprintf("/loadbalancers/%d", l.ID)
	for path, want := range map[string]string{
		b + "/connectionlogging":  `{"connectionLogging":{"enabled":false}}`,
		b + "/contentcaching":     `{"contentCaching":{"enabled":false}}`,
		b + "/sessionpersistence": `{"sessionPersistence":{}}`,
		b + "/metadata":           `{"metadata":[]}`,
		b + "/healthmonitor":      `{"healthMonitor":{}}`,
	} {
		if r := c.do("GET", path, ""); r.code != 200 || string(r.body) != want {
			t.Errorf("GET %s: %d %s", path, r.code, r.body)
		}
	}
	for _, path := range []string{b + "/virtualips", b + "/stats", "/loadbalancers/protocols", "/loadbalancers/algorithms", "/limits"} {
		if r := c.do("GET", path, ""); r.code != 200 {
			t.Errorf("GET %s: %d %s", path, r.code, r.body)
		}
	}
	r := c.do("GET", b+"/stats", "")
	for _, k := range []string{"connectTimeOut", "connectError", "connectFailure", "dataTimedOut", "keepAliveTimedOut", "maxConn", "currentConn"} {
		if _, ok := r.json(t)[k]; !ok {
			t.Errorf("stats lacks %s", k)
		}
	}
	// Metadata: POST 200, does not lock the LB; DELETE ?id= 202.
	r = c.do("POST", b+"/metadata", `{"metadata":[{"key":"env","value":"prod"},{"key":"team","value":"web"}]}`)
	if r.code != 200 {
		t.Fatalf("metadata post: %d %s", r.code, r.body)
	}
	items := r.json(t)["metadata"].([]any)
	id0 := int(items[0].(map[string]any)["id"].(float64))
	id1 := int(items[1].(map[string]any)["id"].(float64))
	r = c.do("GET", b+"/metadata", "")
	if want := fmt.Sprintf(`{"metadata":[{"id":%d,"key":"env","value":"prod"},{"id":%d,"key":"team","value":"web"}]}`, id0, id1); string(r.body) != want {
		t.Errorf("metadata = %s", r.body)
	}
	if r = c.do("DELETE", fmt.Sprintf("%s/metadata?id=%d&id=%d", b, id0, id1), ""); r.code != 202 {
		t.Errorf("metadata delete: %d %s", r.code, r.body)
	}
	if r = c.do("GET", b+"/metadata", ""); string(r.body) != `{"metadata":[]}` {
		t.Errorf("metadata after delete = %s", r.body)
	}
	// Session persistence: DELETE when disabled is 422.
	if r = c.do("DELETE", b+"/sessionpersistence", ""); r.code != 422 {
		t.Errorf("delete disabled persistence: %d", r.code)
	}
	if r = c.do("PUT", b+"/sessionpersistence", `{"sessionPersistence":{"persistenceType":"HTTP_COOKIE"}}`); r.code != 202 {
		t.Errorf("put persistence: %d %s", r.code, r.body)
	}
	c.waitStatus(l.ID, StatusActive)
	if r = c.do("GET", b+"/sessionpersistence", ""); string(r.body) != `{"sessionPersistence":{"persistenceType":"HTTP_COOKIE"}}` {
		t.Errorf("persistence = %s", r.body)
	}
}

func TestFaultInjection(t *testing.T) {
	sim := startSim(t, fast())
	c := newCLB(t, sim)
	sim.SetFaults(Faults{ErrorRate: 1, Seed: 1})
	for i := 0; i < 4; i++ {
		if r := c.do("GET", "/loadbalancers", ""); r.code != 500 && r.code != 503 {
			t.Errorf("5xx fault: %d", r.code)
		}
	}
	sim.SetFaults(Faults{OverLimitRate: 1})
	if r := c.do("GET", "/loadbalancers", ""); r.code != 413 || r.hdr.Get("Retry-After") == "" {
		t.Errorf("413 fault: %d %v", r.code, r.hdr)
	}
	sim.SetFaults(Faults{SlowRate: 1, SlowDelay: 150 * time.Millisecond})
	start := time.Now()
	if r := c.do("GET", "/loadbalancers", ""); r.code != 200 || time.Since(start) < 150*time.Millisecond {
		t.Errorf("slow fault: %d after %v", r.code, time.Since(start))
	}
	sim.SetFaults(Faults{DropRate: 1})
	req, _ := http.NewRequest("GET", c.url+"/loadbalancers", nil)
	req.Header.Set("X-Auth-Token", c.tok)
	if res, err := apiClient.Do(req); err == nil {
		res.Body.Close()
		t.Errorf("drop fault: got a response %d", res.StatusCode)
	}
	// Identity is not affected unless Faults.Identity is set.
	newCLB(t, sim)
	sim.SetFaults(Faults{})
	if r := c.do("GET", "/loadbalancers", ""); r.code != 200 {
		t.Errorf("faults off: %d", r.code)
	}
	// Faults over the control endpoint.
	r := do(t, "PUT", sim.URL()+"/__sim/faults", "", `{"errorRate":1,"slowDelay":"1s"}`)
	if r.code != 204 {
		t.Fatalf("PUT faults: %d %s", r.code, r.body)
	}
	if f := sim.currentFaults(); f.ErrorRate != 1 || f.SlowDelay != time.Second {
		t.Errorf("faults = %+v", f)
	}
}

func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	cfg := fast()
	cfg.StateFile = path
	sim, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := preload(t, sim, 3)
	c := newCLB(t, sim)
	c.setCondition(l.ID, l.Nodes[1].ID, ConditionDisabled)
	sim.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	sim2 := startSim(t, cfg)
	got, ok := sim2.LoadBalancer(l.ID)
	if !ok || got.Name != "app-lb1" || got.Status != StatusActive || len(got.Nodes) != 3 || got.Nodes[1].Condition != ConditionDisabled {
		t.Fatalf("restored = %+v", got)
	}
	if got.VIP == "" {
		t.Errorf("restored LB has no VIP")
	}
	if MaxNotEnabled(sim2.Events(), l.ID) != 1 {
		t.Errorf("restored events = %+v", sim2.Events())
	}
	// New IDs do not collide.
	l2 := preload(t, sim2, 1)
	if l2.ID == l.ID || l2.Nodes[0].ID <= l.Nodes[2].ID {
		t.Errorf("IDs reused: %d %d", l2.ID, l2.Nodes[0].ID)
	}
}

func TestMaxNotEnabled(t *testing.T) {
	ev := []Event{
		{Kind: EventNodeAdded, LoadBalancerID: 1, NodeID: 1, To: "ENABLED"},
		{Kind: EventNodeAdded, LoadBalancerID: 1, NodeID: 2, To: "ENABLED"},
		{Kind: EventNodeAdded, LoadBalancerID: 1, NodeID: 3, To: "ENABLED"},
		{Kind: EventNodeAdded, LoadBalancerID: 2, NodeID: 9, To: "DISABLED"},
		{Kind: EventNodeCondition, LoadBalancerID: 1, NodeID: 1, From: "ENABLED", To: "DRAINING"},
		{Kind: EventNodeCondition, LoadBalancerID: 1, NodeID: 2, From: "ENABLED", To: "DRAINING"},
		{Kind: EventNodeCondition, LoadBalancerID: 1, NodeID: 1, From: "DRAINING", To: "DISABLED"},
		{Kind: EventNodeStatus, LoadBalancerID: 1, NodeID: 3, From: "ONLINE", To: "OFFLINE"},
		{Kind: EventNodeCondition, LoadBalancerID: 1, NodeID: 1, From: "DISABLED", To: "ENABLED"},
		{Kind: EventNodeRemoved, LoadBalancerID: 1, NodeID: 2, From: "DRAINING"},
	}
	if got := MaxNotEnabled(ev, 1); got != 2 {
		t.Errorf("MaxNotEnabled = %d", got)
	}
	if got := MaxOutOfRotation(ev, 1); got != 3 {
		t.Errorf("MaxOutOfRotation = %d", got)
	}
	if got := MaxNotEnabled(ev, 2); got != 1 {
		t.Errorf("MaxNotEnabled(2) = %d", got)
	}
}

func TestSimEventsEndpoint(t *testing.T) {
	sim := startSim(t, fast())
	l := preload(t, sim, 2)
	r := do(t, "GET", fmt.Sprintf("%s/__sim/events?lb=%d", sim.URL(), l.ID), "", "")
	var b struct {
		Events        []Event
		MaxNotEnabled int
	}
	if err := json.Unmarshal(r.body, &b); err != nil || len(b.Events) != 3 || b.Events[1].Kind != EventNodeAdded {
		t.Fatalf("events: %s %v", r.body, err)
	}
	res, err := apiClient.Get(sim.URL() + "/__sim/loadbalancers")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"vip":"127.0.0.1:`) {
		t.Errorf("/__sim/loadbalancers = %s", body)
	}
}

func TestStartRejectsNonLoopback(t *testing.T) {
	if _, err := Start(Config{Listen: "0.0.0.0:0"}); err == nil {
		t.Error("0.0.0.0 accepted")
	}
	if _, err := Start(Config{VIPHost: "10.0.0.1"}); err == nil {
		t.Error("VIPHost 10.0.0.1 accepted")
	}
}

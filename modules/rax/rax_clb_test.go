package rax

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func baseArgs(f *fakeAPI, kv ...any) map[string]any {
	args := map[string]any{"username": fakeUser, "api_key": fakeAPIKey, "auth_endpoint": f.identityURL(), "region": "DFW"}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return args
}

func TestCLBDiscoverExisting(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 2)
	res, warns := runModule(t, "rax_clb", baseArgs(f, "name", "app-lb1", "wait", "true"), fastHooks(testEnv()))
	if res.Failed || res.Changed || len(warns) != 0 {
		t.Fatalf("res = %+v warns=%v", res, warns)
	}
	want := map[string]any{
		"HUMAN_ID": false, "NAME_ATTR": "name", "algorithm": "LEAST_CONNECTIONS", "cluster": "c1.dfw1",
		"connectionLogging": map[string]any{"enabled": false}, "connection_logging": false,
		"contentCaching": map[string]any{"enabled": false}, "content_caching": false,
		"created": map[string]any{"time": "2010-11-30T03:23:42Z"}, "get_details": true, "halfClosed": false,
		"httpsRedirect": false, "human_id": nil, "id": 2000, "loaded": true,
		"metadata": []any{}, "name": "app-lb1", "nodeCount": 2,
		"nodes": []any{
			map[string]any{"address": "10.0.0.1", "condition": "ENABLED", "id": 1001, "port": 80, "type": "PRIMARY", "weight": 1},
			map[string]any{"address": "10.0.0.2", "condition": "ENABLED", "id": 1002, "port": 80, "type": "PRIMARY", "weight": 1},
		},
		"port": 80, "protocol": "HTTP", "session_persistence": "",
		"sourceAddresses": map[string]any{"ipv4Public": "10.12.99.28", "ipv4Servicenet": "10.0.0.0", "ipv6Public": "2001:4801:79f1:1::3/64"},
		"status":          "ACTIVE", "timeout": 30, "updated": map[string]any{"time": "2010-11-30T03:23:44Z"},
		"virtual_ips": []any{map[string]any{"address": "206.10.10.210", "id": 1000, "ip_version": "IPV4", "type": "PUBLIC"}},
	}
	if got := res.Data["balancer"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("balancer:\n got %s\nwant %s", jsonOf(got), jsonOf(want))
	}
	wantReqs := []string{
		"POST /v2.0/tokens",
		"GET /v1.0/123456/loadbalancers",
		"GET /v1.0/123456/loadbalancers?marker=2000",
		"GET /v1.0/123456/loadbalancers/2000/metadata",
		"GET /v1.0/123456/loadbalancers/2000",
		"GET /v1.0/123456/loadbalancers/2000",
		"GET /v1.0/123456/loadbalancers/2000/connectionlogging",
		"GET /v1.0/123456/loadbalancers/2000/contentcaching",
		"GET /v1.0/123456/loadbalancers/2000/sessionpersistence",
	}
	if got := f.requests(); !reflect.DeepEqual(got, wantReqs) {
		t.Fatalf("requests:\n got %q\nwant %q", got, wantReqs)
	}
	if b := f.bodies["POST /v2.0/tokens"][0]; !strings.Contains(b, `"RAX-KSKEY:apiKeyCredentials"`) {
		t.Fatalf("token body %s", b)
	}
}

func TestCLBNoNodesNoKey(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "empty", 0)
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "empty"), fastHooks(testEnv()))
	b := res.Data["balancer"].(map[string]any)
	if _, ok := b["nodes"]; ok {
		t.Fatalf("nodes key present: %v", b["nodes"])
	}
}

func TestCLBPaginationInclusiveMarker(t *testing.T) {
	f := newFakeAPI(t)
	for i := 0; i < 150; i++ {
		f.addLB(3000+i, "lb"+string(rune('a'+i%26))+strings.Repeat("x", i/26), 0)
	}
	f.addLB(2999, "first", 0)
	f.lbs[3149]["name"] = "target"
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "target"), fastHooks(testEnv()))
	if res.Failed || res.Data["balancer"].(map[string]any)["id"] != 3149 {
		t.Fatalf("res = %+v", res)
	}
	var lists []string
	for _, r := range f.requests() {
		if strings.HasPrefix(r, "GET /v1.0/123456/loadbalancers?") || r == "GET /v1.0/123456/loadbalancers" {
			lists = append(lists, r)
		}
	}
	want := []string{"GET /v1.0/123456/loadbalancers", "GET /v1.0/123456/loadbalancers?marker=3098", "GET /v1.0/123456/loadbalancers?marker=3149"}
	if !reflect.DeepEqual(lists, want) {
		t.Fatalf("list calls %q", lists)
	}
}

func TestCLBUpdateDefaultsAndMeta(t *testing.T) {
	f := newFakeAPI(t)
	lb := f.addLB(2000, "app-lb1", 1)
	lb["algorithm"] = "RANDOM"
	f.meta[2000] = []map[string]any{{"id": 1, "key": "old", "value": "x"}}
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "app-lb1", "meta", map[string]any{"app": "web"}), fastHooks(testEnv()))
	if res.Failed || !res.Changed {
		t.Fatalf("res = %+v", res)
	}
	put := f.bodies["PUT /v1.0/123456/loadbalancers/2000"]
	if len(put) != 1 || put[0] != `{"loadBalancer":{"algorithm":"LEAST_CONNECTIONS","name":"app-lb1","port":80,"protocol":"HTTP","timeout":30}}` {
		t.Fatalf("PUT body %q", put)
	}
	reqs := strings.Join(f.requests(), "\n")
	for _, want := range []string{"DELETE /v1.0/123456/loadbalancers/2000/metadata?id=1", "POST /v1.0/123456/loadbalancers/2000/metadata"} {
		if !strings.Contains(reqs, want) {
			t.Fatalf("missing %s in\n%s", want, reqs)
		}
	}
	if post := f.bodies["POST /v1.0/123456/loadbalancers/2000/metadata"][0]; post != `{"metadata":[{"key":"app","value":"web"}]}` {
		t.Fatalf("metadata body %s", post)
	}
	md := res.Data["balancer"].(map[string]any)["metadata"]
	if jsonOf(md) != `[{"id":100,"key":"app","value":"web"}]` {
		t.Fatalf("metadata %s", jsonOf(md))
	}
}

func TestCLBCreate(t *testing.T) {
	f := newFakeAPI(t)
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "new-lb", "wait", true), fastHooks(testEnv()))
	if res.Failed || !res.Changed {
		t.Fatalf("res = %+v", res)
	}
	body := f.bodies["POST /v1.0/123456/loadbalancers"][0]
	want := `{"loadBalancer":{"accessList":null,"algorithm":"LEAST_CONNECTIONS","connectionLogging":null,"connectionThrottle":null,"halfClosed":null,"healthMonitor":null,"httpsRedirect":null,"metadata":[],"name":"new-lb","nodes":[],"port":80,"protocol":"HTTP","sessionPersistence":null,"timeout":30,"virtualIps":[{"ipVersion":"IPV4","type":"PUBLIC"}]}}`
	if body != want {
		t.Fatalf("create body\n got %s\nwant %s", body, want)
	}
	b := res.Data["balancer"].(map[string]any)
	if b["status"] != "ACTIVE" || b["id"] != 5000 {
		t.Fatalf("balancer %s", jsonOf(b))
	}
	if _, ok := b["nodeCount"]; ok {
		t.Fatal("nodeCount on the create path")
	}
}

func TestCLBFailures(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "dup", 0)
	f.addLB(2001, "dup", 0)
	f.addLB(2002, "svc", 0)
	bad := f.addLB(2003, "bad", 0)
	bad["status"] = "ERROR"
	building := f.addLB(2004, "building", 0)
	building["status"] = "BUILD"
	cases := []struct {
		args    map[string]any
		msg     string
		hasBal  bool
		changed bool
	}{
		{baseArgs(f, "name", "x", "timeout", 29), `"timeout" must be greater than or equal to 30`, false, false},
		{baseArgs(f, "name", "dup"), "Multiple Load Balancers were matched by name, try using the Load Balancer ID instead", false, false},
		{baseArgs(f, "name", "svc", "type", "SERVICENET"), "Load balancer Virtual IP type cannot be changed", false, false},
		{baseArgs(f, "name", "bad"), "2003 failed to build", true, false},
		{baseArgs(f, "name", "building", "wait", true, "wait_timeout", 10), "Timeout waiting on 2004", true, false},
		{baseArgs(f, "name", "x", "region", "dfw"), "dfw is not a valid region, must be one of: DFW,ORD,SYD", false, false},
		{baseArgs(f, "name", "x", "region", "SYD"), msgNoClient, false, false},
		{baseArgs(f, "name", "x", "api_key", "wrong-key"), "Incorrect/unauthorized credentials received", false, false},
	}
	for _, c := range cases {
		res, _ := runModule(t, "rax_clb", c.args, fastHooks(testEnv()))
		if !res.Failed || res.Msg != c.msg {
			t.Errorf("%v: got failed=%v msg=%q, want %q", c.args["name"], res.Failed, res.Msg, c.msg)
		}
		if _, ok := res.Data["balancer"]; ok != c.hasBal {
			t.Errorf("%v: balancer present=%v", c.args["name"], ok)
		}
	}
}

func TestCLBAbsent(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "gone", 1)
	res, _ := runModule(t, "rax_clb", baseArgs(f, "name", "gone", "state", "absent", "wait", true), fastHooks(testEnv()))
	if res.Failed || !res.Changed {
		t.Fatalf("res = %+v", res)
	}
	b := res.Data["balancer"].(map[string]any)
	if b["loaded"] != false || b["nodeCount"] != 1 || b["id"] != 2000 {
		t.Fatalf("balancer %s", jsonOf(b))
	}
	res, _ = runModule(t, "rax_clb", baseArgs(f, "name", "gone", "state", "absent"), fastHooks(testEnv()))
	if res.Failed || res.Changed || jsonOf(res.Data) != `{"balancer":{}}` {
		t.Fatalf("res = %+v", res)
	}
}

func TestCredentialsAndRegionDefault(t *testing.T) {
	f := newFakeAPI(t)
	f.addLB(2000, "app-lb1", 1)
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds")
	if err := os.WriteFile(creds, []byte("[rackspace_cloud]\nusername = jsmith\napi_key = "+fakeAPIKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := map[string]any{"name": "app-lb1", "credentials": creds, "auth_endpoint": f.identityURL()}
	res, warns := runModule(t, "rax_clb", args, fastHooks(testEnv()))
	if res.Failed || len(warns) != 1 || !strings.Contains(warns[0], "default region ORD") {
		t.Fatalf("res=%+v warns=%q", res, warns)
	}

	// A missing file named by the parameter.
	args["credentials"] = filepath.Join(dir, "nope")
	res, _ = runModule(t, "rax_clb", args, fastHooks(testEnv()))
	if want := "The specified credential file '" + filepath.Join(dir, "nope") + "' does not exist"; res.Msg != want {
		t.Fatalf("msg %q want %q", res.Msg, want)
	}
	// RAX_USERNAME + RAX_API_KEY win over the missing file.
	res, _ = runModule(t, "rax_clb", args, fastHooks(testEnv("RAX_USERNAME", fakeUser, "RAX_API_KEY", fakeAPIKey)))
	if res.Failed {
		t.Fatalf("env creds: %+v", res)
	}
	// RAX_CREDS_FILE and GOPLAY_RAX_AUTH_ENDPOINT.
	res, _ = runModule(t, "rax_clb", map[string]any{"name": "app-lb1"},
		fastHooks(testEnv("RAX_CREDS_FILE", creds, "GOPLAY_RAX_AUTH_ENDPOINT", f.identityURL(), "RAX_REGION", "DFW")))
	if res.Failed {
		t.Fatalf("RAX_CREDS_FILE: %+v", res)
	}
	// No credentials at all.
	res, _ = runModule(t, "rax_clb", map[string]any{"name": "app-lb1"}, fastHooks(testEnv()))
	if res.Msg != "No credentials supplied!" {
		t.Fatalf("msg %q", res.Msg)
	}
}

func TestRequiredTogether(t *testing.T) {
	m := &CLB{APIKey: "x"}
	if err := m.Validate(); err == nil || err.Error() != "parameters are required together: api_key, username" {
		t.Fatalf("err = %v", err)
	}
}

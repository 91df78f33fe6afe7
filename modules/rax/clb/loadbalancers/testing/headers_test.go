package testing

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/loadbalancers"
)

// newRaxClient is the client the modules build: clb.NewClient on an
// authenticated provider, with the tenant header and a User-Agent prefix.
func newRaxClient(fs th.FakeServer) *gophercloud.ServiceClient {
	p := &gophercloud.ProviderClient{TokenID: "tok-abc"}
	p.UserAgent.Prepend("goplay")
	return clb.NewClient(p, fs.Endpoint()+"v1.0/110011", "110011")
}

// TestPyraxHeaders: every request carries X-Auth-Token, X-Auth-Project-Id,
// Accept: application/json and the User-Agent; requests with a body also
// Content-Type: application/json.
func TestPyraxHeaders(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	check := func(r *http.Request, body bool) {
		th.TestHeader(t, r, "X-Auth-Token", "tok-abc")
		th.TestHeader(t, r, "X-Auth-Project-Id", "110011")
		th.TestHeader(t, r, "Accept", "application/json")
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "goplay ") {
			t.Errorf("User-Agent %q", ua)
		}
		if body {
			th.TestHeader(t, r, "Content-Type", "application/json")
		}
	}
	fs.Mux.HandleFunc("/v1.0/110011/loadbalancers", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			check(r, false)
			th.TestFormValues(t, r, map[string]string{"marker": "166"})
			fmt.Fprint(w, ListResponse)
		case "POST":
			check(r, true)
			th.TestJSONRequest(t, r, CreateRequest)
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"loadBalancer":{"name":"app-lb1","id":2000,"status":"BUILD"}}`)
		default:
			t.Errorf("method %s", r.Method)
		}
	})
	fs.Mux.HandleFunc("/v1.0/110011/loadbalancers/2000", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			check(r, false)
			fmt.Fprint(w, GetResponse)
		case "PUT":
			check(r, true)
			th.TestJSONRequest(t, r, UpdateRequest)
			w.WriteHeader(http.StatusAccepted)
		case "DELETE":
			check(r, false)
			w.WriteHeader(http.StatusAccepted)
		default:
			t.Errorf("method %s", r.Method)
		}
	})
	c := newRaxClient(fs)
	ctx := context.Background()
	_, err := loadbalancers.List(ctx, c, loadbalancers.ListOpts{Marker: "166"}).Extract()
	th.AssertNoErr(t, err)
	_, err = loadbalancers.Create(ctx, c, loadbalancers.CreateOpts{
		Name: "app-lb1", Port: 80, Protocol: "HTTP", Algorithm: "LEAST_CONNECTIONS", Timeout: 30,
		VirtualIPs: []loadbalancers.VirtualIPOpts{{Type: "PUBLIC", IPVersion: "IPV4"}},
	}).Extract()
	th.AssertNoErr(t, err)
	raw, err := loadbalancers.Get(ctx, c, 2000).ExtractRaw()
	th.AssertNoErr(t, err)
	// ExtractRaw keeps the API's key order, as json.loads does.
	th.AssertEquals(t, "{'ipv4Public': '10.12.99.28', 'ipv4Servicenet': '10.0.0.0', 'ipv6Public': '2001:4801:79f1:1::3/64'}", pyfmt.Repr(raw["sourceAddresses"]))
	th.AssertEquals(t, "{'id': 1041, 'address': '10.1.1.1', 'port': 80, 'condition': 'ENABLED', 'status': 'ONLINE'}", pyfmt.Repr(raw["nodes"].([]any)[0]))
	name, algo, proto, port, timeout := "app-lb1", "LEAST_CONNECTIONS", "HTTP", 80, 30
	th.AssertNoErr(t, loadbalancers.Update(ctx, c, 2000, loadbalancers.UpdateOpts{Name: &name, Algorithm: &algo, Port: &port, Protocol: &proto, Timeout: &timeout}).ExtractErr())
	th.AssertNoErr(t, loadbalancers.Delete(ctx, c, 2000).ExtractErr())
}

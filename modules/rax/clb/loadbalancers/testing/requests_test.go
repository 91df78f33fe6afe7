package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/loadbalancers"
)

func TestList(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	HandleList(t, fs, map[string]string{"marker": "166", "limit": "2"})
	lbs, err := loadbalancers.List(context.Background(), client.ServiceClient(fs), loadbalancers.ListOpts{Marker: "166", Limit: 2}).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 2, len(lbs))
	th.AssertEquals(t, 166, lbs[1].ID)
	th.AssertEquals(t, 3, lbs[0].NodeCount)
	th.AssertEquals(t, "IPV4", lbs[0].VirtualIPs[0].IPVersion)
}

func TestListNoQuery(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	HandleList(t, fs, map[string]string{})
	raw, err := loadbalancers.List(context.Background(), client.ServiceClient(fs), nil).ExtractRaw()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 71, raw[0]["id"])
}

func TestGet(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	HandleGet(t, fs)
	c := client.ServiceClient(fs)
	lb, err := loadbalancers.Get(context.Background(), c, 2000).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "app-lb1", lb.Name)
	th.AssertEquals(t, "c1.dfw1", lb.Cluster.Name)
	th.AssertEquals(t, 1041, lb.Nodes[0].ID)
	th.AssertEquals(t, true, lb.Nodes[0].Weight == nil)
	raw, err := loadbalancers.Get(context.Background(), c, 2000).ExtractRaw()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 2000, raw["id"])
	th.AssertEquals(t, 30, raw["timeout"])
}

func TestCreate(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	HandleCreate(t, fs)
	lb, err := loadbalancers.Create(context.Background(), client.ServiceClient(fs), loadbalancers.CreateOpts{
		Name: "app-lb1", Port: 80, Protocol: "HTTP", Algorithm: "LEAST_CONNECTIONS", Timeout: 30,
		VirtualIPs: []loadbalancers.VirtualIPOpts{{Type: "PUBLIC", IPVersion: "IPV4"}},
	}).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "BUILD", lb.Status)
}

func TestCreateSharedVIP(t *testing.T) {
	b, err := loadbalancers.CreateOpts{Name: "x", Protocol: "HTTP", VirtualIPs: []loadbalancers.VirtualIPOpts{{ID: "1000"}}}.ToLoadBalancerCreateMap()
	th.AssertNoErr(t, err)
	th.CheckJSONEquals(t, `[{"id":1000}]`, b["loadBalancer"].(map[string]any)["virtualIps"])
}

func TestUpdateDelete(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	HandleGet(t, fs)
	c := client.ServiceClient(fs)
	name, algo, proto, port, timeout := "app-lb1", "LEAST_CONNECTIONS", "HTTP", 80, 30
	err := loadbalancers.Update(context.Background(), c, 2000, loadbalancers.UpdateOpts{Name: &name, Algorithm: &algo, Port: &port, Protocol: &proto, Timeout: &timeout}).ExtractErr()
	th.AssertNoErr(t, err)
	th.AssertNoErr(t, loadbalancers.Delete(context.Background(), c, 2000).ExtractErr())
}

func TestSmallGets(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	serve := func(path, body string) {
		fs.Mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			th.TestMethod(t, r, "GET")
			checkHeaders(t, r)
			fmt.Fprint(w, body)
		})
	}
	serve("/loadbalancers/2000/connectionlogging", `{"connectionLogging":{"enabled":true}}`)
	serve("/loadbalancers/2000/contentcaching", `{"contentCaching":{"enabled":false}}`)
	serve("/loadbalancers/2000/sessionpersistence", `{"sessionPersistence":{"persistenceType":"HTTP_COOKIE"}}`)
	serve("/loadbalancers/protocols", `{"protocols":[{"name":"HTTP","port":80},{"name":"TCP","port":0}]}`)
	serve("/loadbalancers/algorithms", `{"algorithms":[{"name":"RANDOM"}]}`)
	serve("/loadbalancers/absolutelimits", `{"absolute":[{"name":"NODE_LIMIT","value":25}]}`)
	serve("/limits", `{"limits":{"rate":[]}}`)
	c := client.ServiceClient(fs)
	ctx := context.Background()
	cl, err := loadbalancers.GetConnectionLogging(ctx, c, 2000).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, true, cl)
	cc, err := loadbalancers.GetContentCaching(ctx, c, 2000).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, false, cc)
	sp, err := loadbalancers.GetSessionPersistence(ctx, c, 2000).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "HTTP_COOKIE", sp)
	ps, err := loadbalancers.ListProtocols(ctx, c).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 0, ps[1].Port)
	as, err := loadbalancers.ListAlgorithms(ctx, c).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "RANDOM", as[0].Name)
	al, err := loadbalancers.GetAbsoluteLimits(ctx, c).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 25, al["NODE_LIMIT"])
	lim, err := loadbalancers.GetLimits(ctx, c).ExtractRaw()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 1, len(lim))
}

func TestErrorsCarryMessage(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/7", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Load balancer not found.","code":404}`)
	})
	fs.Mux.HandleFunc("/loadbalancers/8", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(422)
		fmt.Fprint(w, `{"message":"Load Balancer '8' has a status of 'PENDING_UPDATE' and is considered immutable.","code":422}`)
	})
	c := client.ServiceClient(fs)
	_, err := loadbalancers.Get(context.Background(), c, 7).Extract()
	th.AssertEquals(t, "Load balancer not found.", err.Error())
	th.AssertEquals(t, true, clb.IsNotFound(err))
	err = loadbalancers.Delete(context.Background(), c, 8).ExtractErr()
	th.AssertEquals(t, true, clb.IsImmutable(err))
	th.AssertEquals(t, "Load Balancer '8' has a status of 'PENDING_UPDATE' and is considered immutable.", err.Error())
}

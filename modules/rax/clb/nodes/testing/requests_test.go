package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
	"github.com/goplay/goplay/modules/rax/clb/nodes"
)

const listResponse = `{"nodes":[{"id":410,"address":"10.1.1.1","port":80,"condition":"ENABLED","status":"ONLINE","weight":3,"type":"PRIMARY"},
{"id":411,"address":"10.1.1.2","port":80,"condition":"DRAINING","status":"OFFLINE"}]}`

func TestListGet(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/71/nodes", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", client.TokenID)
		fmt.Fprint(w, listResponse)
	})
	fs.Mux.HandleFunc("/loadbalancers/71/nodes/410", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		fmt.Fprint(w, `{"node":{"id":410,"address":"10.1.1.1","port":80,"condition":"ENABLED","status":"ONLINE"}}`)
	})
	c := client.ServiceClient(fs)
	ns, err := nodes.List(context.Background(), c, 71).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 3, *ns[0].Weight)
	th.AssertEquals(t, true, ns[1].Type == nil)
	raw, err := nodes.List(context.Background(), c, 71).ExtractRaw()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 411, raw[1]["id"])
	n, err := nodes.Get(context.Background(), c, 71, 410).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "ONLINE", n.Status)
}

func TestCreate(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/71/nodes", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		th.TestHeader(t, r, "Content-Type", "application/json")
		th.TestJSONRequest(t, r, `{"nodes":[{"address":"10.2.2.3","port":80,"condition":"ENABLED","type":"PRIMARY","id":null}]}`)
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"nodes":[{"id":412,"address":"10.2.2.3","port":80,"condition":"ENABLED","status":"ONLINE","weight":1,"type":"PRIMARY"}]}`)
	})
	added, err := nodes.Create(context.Background(), client.ServiceClient(fs), 71, nodes.CreateOpts{Address: "10.2.2.3", Port: 80, Type: nodes.Primary}).ExtractRaw()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 412, added[0]["id"])
	_, err = nodes.CreateOpts{Address: "x"}.ToNodeCreateMap()
	th.AssertEquals(t, "You must include an address and a port when creating a node.", err.Error())
}

func TestUpdateDelete(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/71/nodes/410", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			th.TestJSONRequest(t, r, `{"node":{"condition":"DRAINING"}}`)
		case "DELETE":
		default:
			t.Errorf("method %s", r.Method)
		}
		w.WriteHeader(http.StatusAccepted)
	})
	fs.Mux.HandleFunc("/loadbalancers/71/nodes", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "DELETE")
		th.TestFormValues(t, r, map[string]string{"id": "410"})
		w.WriteHeader(http.StatusAccepted)
	})
	c := client.ServiceClient(fs)
	th.AssertNoErr(t, nodes.Update(context.Background(), c, 71, 410, nodes.UpdateOpts{Condition: nodes.Draining}).ExtractErr())
	th.AssertNoErr(t, nodes.Delete(context.Background(), c, 71, 410).ExtractErr())
	th.AssertNoErr(t, nodes.BulkDelete(context.Background(), c, 71, []int{410}).ExtractErr())
	_, err := nodes.UpdateOpts{}.ToNodeUpdateMap()
	th.AssertErr(t, err)
}

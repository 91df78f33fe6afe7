package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
	"github.com/goplay/goplay/modules/rax/clb/virtualips"
)

func TestVirtualIPs(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/71/virtualips", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		fmt.Fprint(w, `{"virtualIps":[{"id":1000,"address":"206.10.10.210","type":"PUBLIC","ipVersion":"IPV4"}]}`)
	})
	fs.Mux.HandleFunc("/loadbalancers/71/virtualips/1000", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "DELETE")
		w.WriteHeader(http.StatusAccepted)
	})
	c := client.ServiceClient(fs)
	v, err := virtualips.List(context.Background(), c, 71).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "IPV4", v[0].IPVersion)
	th.AssertNoErr(t, virtualips.Delete(context.Background(), c, 71, 1000).ExtractErr())
}

package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
	"github.com/goplay/goplay/modules/rax/clb/stats"
)

func TestStats(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/71/stats", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", client.TokenID)
		fmt.Fprint(w, `{"connectTimeOut":10,"connectError":20,"connectFailure":30,"dataTimedOut":40,"keepAliveTimedOut":50,"maxConn":60,"currentConn":40}`)
	})
	s, err := stats.Get(context.Background(), client.ServiceClient(fs), 71).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 40, s.CurrentConn)
	th.AssertEquals(t, 60, s.MaxConn)
}

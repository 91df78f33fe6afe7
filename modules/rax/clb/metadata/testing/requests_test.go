package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
	"github.com/goplay/goplay/modules/rax/clb/metadata"
)

func TestMetadata(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/loadbalancers/71/metadata", func(w http.ResponseWriter, r *http.Request) {
		th.TestHeader(t, r, "X-Auth-Token", client.TokenID)
		switch r.Method {
		case "GET":
			fmt.Fprint(w, `{"metadata":[{"id":1,"key":"a","value":"b"},{"id":2,"key":"c","value":"d"}]}`)
		case "DELETE":
			if got := r.URL.RawQuery; got != "id=1&id=2" {
				t.Errorf("query %s", got)
			}
			w.WriteHeader(http.StatusAccepted)
		case "POST":
			th.TestJSONRequest(t, r, `{"metadata":[{"key":"app","value":"web"}]}`)
			fmt.Fprint(w, `{"metadata":[{"id":3,"key":"app","value":"web"}]}`)
		}
	})
	c := client.ServiceClient(fs)
	ms, err := metadata.List(context.Background(), c, 71).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 2, len(ms))
	th.AssertNoErr(t, metadata.Delete(context.Background(), c, 71, []int{1, 2}).ExtractErr())
	th.AssertNoErr(t, metadata.Create(context.Background(), c, 71, metadata.CreateOpts{{Key: "app", Value: "web"}}).ExtractErr())
}

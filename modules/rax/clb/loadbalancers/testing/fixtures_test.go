package testing

import (
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
)

// GetResponse is the CLB docs' "show load balancer details" example.
const GetResponse = `{"loadBalancer":{"id":2000,"name":"app-lb1","protocol":"HTTP","port":80,"algorithm":"LEAST_CONNECTIONS",
"status":"ACTIVE","timeout":30,"halfClosed":false,"httpsRedirect":false,
"connectionLogging":{"enabled":false},"contentCaching":{"enabled":false},
"nodes":[{"id":1041,"address":"10.1.1.1","port":80,"condition":"ENABLED","status":"ONLINE"}],
"virtualIps":[{"id":1000,"address":"206.10.10.210","type":"PUBLIC","ipVersion":"IPV4"}],
"cluster":{"name":"c1.dfw1"},"created":{"time":"2010-11-30T03:23:42Z"},"updated":{"time":"2010-11-30T03:23:44Z"},
"sourceAddresses":{"ipv4Public":"10.12.99.28","ipv4Servicenet":"10.0.0.0","ipv6Public":"2001:4801:79f1:1::3/64"}}}`

// ListResponse is a page of two load balancers.
const ListResponse = `{"loadBalancers":[
{"name":"lb-a","id":71,"protocol":"HTTP","port":80,"algorithm":"RANDOM","status":"ACTIVE","nodeCount":3,"timeout":30,
 "virtualIps":[{"id":403,"address":"206.55.130.1","type":"PUBLIC","ipVersion":"IPV4"}],"created":{"time":"2010-11-30T03:23:42Z"},"updated":{"time":"2010-11-30T03:23:44Z"}},
{"name":"lb-b","id":166,"protocol":"HTTP","port":80,"algorithm":"RANDOM","status":"ACTIVE","nodeCount":1,"timeout":30,
 "virtualIps":[{"id":401,"address":"206.55.130.2","type":"PUBLIC","ipVersion":"IPV4"}],"created":{"time":"2010-11-30T03:23:42Z"},"updated":{"time":"2010-11-30T03:23:44Z"}}]}`

// CreateRequest is pyrax's _create_body for rax_clb's defaults.
const CreateRequest = `{"loadBalancer":{"name":"app-lb1","port":80,"protocol":"HTTP","nodes":[],
"virtualIps":[{"type":"PUBLIC","ipVersion":"IPV4"}],"algorithm":"LEAST_CONNECTIONS",
"halfClosed":null,"accessList":null,"connectionLogging":null,"connectionThrottle":null,
"healthMonitor":null,"metadata":[],"timeout":30,"sessionPersistence":null,"httpsRedirect":null}}`

// UpdateRequest is rax_clb's PUT with all five attributes.
const UpdateRequest = `{"loadBalancer":{"name":"app-lb1","algorithm":"LEAST_CONNECTIONS","port":80,"protocol":"HTTP","timeout":30}}`

func checkHeaders(t *testing.T, r *http.Request) {
	th.TestHeader(t, r, "X-Auth-Token", client.TokenID)
	th.TestHeader(t, r, "Accept", "application/json")
}

// HandleList serves GET /loadbalancers, checking the query.
func HandleList(t *testing.T, fs th.FakeServer, query map[string]string) {
	fs.Mux.HandleFunc("/loadbalancers", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		checkHeaders(t, r)
		th.TestFormValues(t, r, query)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, ListResponse)
	})
}

// HandleGet serves GET /loadbalancers/2000.
func HandleGet(t *testing.T, fs th.FakeServer) {
	fs.Mux.HandleFunc("/loadbalancers/2000", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			checkHeaders(t, r)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, GetResponse)
		case "PUT":
			checkHeaders(t, r)
			th.TestHeader(t, r, "Content-Type", "application/json")
			th.TestJSONRequest(t, r, UpdateRequest)
			w.WriteHeader(http.StatusAccepted)
		case "DELETE":
			checkHeaders(t, r)
			w.WriteHeader(http.StatusAccepted)
		default:
			t.Errorf("method %s", r.Method)
		}
	})
}

// HandleCreate serves POST /loadbalancers.
func HandleCreate(t *testing.T, fs th.FakeServer) {
	fs.Mux.HandleFunc("/loadbalancers", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		checkHeaders(t, r)
		th.TestJSONRequest(t, r, CreateRequest)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"loadBalancer":{"id":2000,"name":"app-lb1","status":"BUILD","port":80,"protocol":"HTTP","algorithm":"LEAST_CONNECTIONS","timeout":30,
"virtualIps":[{"id":1000,"address":"206.10.10.210","type":"PUBLIC","ipVersion":"IPV4"}]}}`)
	})
}

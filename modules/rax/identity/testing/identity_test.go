package testing

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/goplay/goplay/modules/rax/identity"
)

const tokenResponse = `{"access":{
"token":{"id":"tok-123","expires":"2012-05-02T14:27:40.000-05:00","tenant":{"id":"110011","name":"110011"}},
"serviceCatalog":[
 {"name":"cloudLoadBalancers","type":"rax:load-balancer","endpoints":[
  {"region":"DFW","tenantId":"110011","publicURL":"https://dfw.loadbalancers.api.rackspacecloud.com/v1.0/110011"},
  {"region":"ORD","tenantId":"110011","publicURL":"https://ord.loadbalancers.api.rackspacecloud.com/v1.0/110011"}]},
 {"name":"cloudDNS","type":"rax:dns","endpoints":[{"tenantId":"110011","publicURL":"https://dns.api.rackspacecloud.com/v1.0/110011"}]}],
"user":{"id":"123456","name":"jsmith","RAX-AUTH:defaultRegion":"ORD","roles":[{"id":"3","name":"identity:user-admin"}]}}}`

func TestAPIKeyBody(t *testing.T) {
	b, err := identity.APIKeyOptions{Username: "jsmith", APIKey: "abc123", TenantID: "1"}.ToTokenV2CreateMap()
	th.AssertNoErr(t, err)
	th.CheckJSONEquals(t, `{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"jsmith","apiKey":"abc123"},"tenantId":"1"}}`, b)
	b, err = identity.PasswordOptions{Username: "jsmith", Password: "secret"}.ToTokenV2CreateMap()
	th.AssertNoErr(t, err)
	th.CheckJSONEquals(t, `{"auth":{"passwordCredentials":{"username":"jsmith","password":"secret"}}}`, b)
}

func TestAuthenticate(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	fs.Mux.HandleFunc("/v2.0/tokens", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		th.TestHeader(t, r, "Content-Type", "application/json")
		th.TestHeader(t, r, "Accept", "application/json")
		th.TestHeaderUnset(t, r, "X-Auth-Token")
		th.TestJSONRequest(t, r, `{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"jsmith","apiKey":"abc123"}}}`)
		fmt.Fprint(w, tokenResponse)
	})
	s, err := identity.Authenticate(context.Background(), identity.Config{Endpoint: fs.Endpoint() + "v2.0", Username: "jsmith", APIKey: "abc123"})
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "tok-123", s.Provider.Token())
	th.AssertEquals(t, "110011", s.TenantID)
	th.AssertEquals(t, "ORD", s.DefaultRegion)
	th.AssertDeepEquals(t, []string{"DFW", "ORD"}, s.Regions())
	u, err := s.Endpoint("rax:load-balancer", "ORD")
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "https://ord.loadbalancers.api.rackspacecloud.com/v1.0/110011/", u)
	u, err = s.Endpoint("rax:dns", "SYD")
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "https://dns.api.rackspacecloud.com/v1.0/110011/", u)
	_, err = s.Endpoint("rax:load-balancer", "dfw")
	th.AssertErr(t, err)
}

func TestFallbackAndMessages(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	var bodies []string
	code := 401
	fs.Mux.HandleFunc("/v2.0/tokens", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.WriteHeader(code)
		fmt.Fprint(w, `{"forbidden":{"code":403,"message":"User is disabled"}}`)
	})
	_, err := identity.Authenticate(context.Background(), identity.Config{Endpoint: fs.Endpoint() + "v2.0/", Username: "jsmith", APIKey: "abc123", TenantName: "tn"})
	th.AssertEquals(t, "Incorrect/unauthorized credentials received", err.Error())
	th.AssertEquals(t, 2, len(bodies))
	var fb map[string]any
	_ = json.Unmarshal([]byte(bodies[1]), &fb)
	th.CheckJSONEquals(t, `{"auth":{"passwordCredentials":{"username":"tn","password":"abc123"},"tenantId":"jsmith"}}`, fb)
	code = 403
	_, err = identity.Authenticate(context.Background(), identity.Config{Endpoint: fs.Endpoint() + "v2.0/", Username: "jsmith", APIKey: "abc123"})
	th.AssertEquals(t, "Forbidden - User is disabled.", err.Error())
	bodies, code = nil, 503
	_, err = identity.Authenticate(context.Background(), identity.Config{Endpoint: fs.Endpoint() + "v2.0/", Username: "jsmith", APIKey: "abc123"})
	th.AssertEquals(t, "User is disabled", err.Error())
	th.AssertEquals(t, 1, len(bodies))
	if strings.Contains(err.Error(), "abc123") {
		t.Fatal("secret in error")
	}
}

func env(kv ...string) identity.LookupEnv {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestResolvePrecedence(t *testing.T) {
	home := t.TempDir()
	cfg := "[first]\nregion = SYD\n\n[default]\nregion = LON\nauth_endpoint = http://cfg/v2.0/\nverify_ssl = true\ntenant_id = t-cfg\n\n[other]\nregion = HKG\nverify_ssl = True\n"
	th.AssertNoErr(t, os.WriteFile(filepath.Join(home, ".pyrax.cfg"), []byte(cfg), 0o600))
	creds := filepath.Join(home, "creds")
	th.AssertNoErr(t, os.WriteFile(creds, []byte("[rackspace_cloud]\nusername = fileuser\npassword = p%ss\n"), 0o600))

	r, err := identity.Resolve(identity.Params{Credentials: "~/creds"}, env("CLOUD_REGION", "IAD", "CLOUD_AUTH_ENDPOINT", "http://env/"), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "LON", r.Region)
	th.AssertEquals(t, "http://cfg/v2.0/", r.Config.Endpoint)
	th.AssertEquals(t, true, r.Config.Insecure) // "true" is not "True"
	th.AssertEquals(t, "t-cfg", r.Config.TenantID)
	th.AssertEquals(t, "fileuser", r.Config.Username)
	th.AssertEquals(t, "p%ss", r.Config.APIKey)

	r, err = identity.Resolve(identity.Params{Env: "other", Credentials: creds, AuthEndpoint: "http://param/"},
		env("RAX_REGION", "DFW", "RAX_USERNAME", "envuser", "RAX_API_KEY", "envkey", "GOPLAY_RAX_AUTH_ENDPOINT", "http://sandbox/v2.0/"), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "DFW", r.Region)
	th.AssertEquals(t, "http://sandbox/v2.0/", r.Config.Endpoint)
	th.AssertEquals(t, false, r.Config.Insecure)
	th.AssertEquals(t, "envuser", r.Config.Username)
	th.AssertEquals(t, "envkey", r.Config.APIKey)

	r, err = identity.Resolve(identity.Params{Region: "ORD", Credentials: creds}, env("CLOUD_AUTH_ENDPOINT", "http://env/"), t.TempDir())
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "ORD", r.Region)
	th.AssertEquals(t, "http://env/", r.Config.Endpoint)

	_, err = identity.Resolve(identity.Params{Env: "nope", Credentials: creds}, env(), home)
	th.AssertEquals(t, "The environment 'nope' has not been defined.", err.Error())
	_, err = identity.Resolve(identity.Params{}, env("RAX_CREDENTIALS", "/no/such"), t.TempDir())
	th.AssertEquals(t, "The specified credential file '/no/such' does not exist", err.Error())
	bad := filepath.Join(home, "bad")
	th.AssertNoErr(t, os.WriteFile(bad, []byte("[other]\nx = y\n"), 0o600))
	_, err = identity.Resolve(identity.Params{Credentials: bad}, env(), t.TempDir())
	th.AssertEquals(t, "No section: 'rackspace_cloud'", err.Error())
	_, err = identity.Resolve(identity.Params{}, env(), t.TempDir())
	th.AssertEquals(t, "No credentials supplied!", err.Error())
}

package testing

import (
	"os"
	"path/filepath"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/goplay/goplay/modules/rax/identity"
)

// writeCreds writes a [rackspace_cloud] credentials file.
func writeCreds(t *testing.T, dir, name, user, key string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	th.AssertNoErr(t, os.WriteFile(p, []byte("[rackspace_cloud]\nusername = "+user+"\napi_key = "+key+"\n"), 0o600))
	return p
}

// TestCredentialPrecedence checks setup_rax_module's order source by
// source (docs/rackspace.md 3.2 step 4 and 5): every row removes the
// winner of the previous one.
func TestCredentialPrecedence(t *testing.T) {
	dir := t.TempDir()
	pFile := writeCreds(t, dir, "param", "paramfile", "k-paramfile")
	cFile := writeCreds(t, dir, "raxcreds", "credsenv", "k-credsenv")
	fFile := writeCreds(t, dir, "raxcredsfile", "credsfileenv", "k-credsfileenv")
	cases := []struct {
		name     string
		p        identity.Params
		env      []string
		user     string
		key      string
		fromFile string
	}{
		{"params beat everything", identity.Params{Username: "puser", APIKey: "k-param", Credentials: pFile},
			[]string{"RAX_USERNAME", "euser", "RAX_API_KEY", "k-env", "RAX_CREDENTIALS", cFile}, "puser", "k-param", ""},
		{"RAX_USERNAME/RAX_API_KEY beat the credentials parameter", identity.Params{Credentials: pFile},
			[]string{"RAX_USERNAME", "euser", "RAX_API_KEY", "k-env", "RAX_CREDENTIALS", cFile}, "euser", "k-env", ""},
		{"RAX_USERNAME alone does not beat the file", identity.Params{Credentials: pFile},
			[]string{"RAX_USERNAME", "euser"}, "paramfile", "k-paramfile", pFile},
		{"RAX_API_KEY alone does not beat the file", identity.Params{Credentials: pFile},
			[]string{"RAX_API_KEY", "k-env"}, "paramfile", "k-paramfile", pFile},
		{"credentials parameter beats RAX_CREDENTIALS", identity.Params{Credentials: pFile},
			[]string{"RAX_CREDENTIALS", cFile, "RAX_CREDS_FILE", fFile}, "paramfile", "k-paramfile", pFile},
		{"RAX_CREDENTIALS beats RAX_CREDS_FILE", identity.Params{},
			[]string{"RAX_CREDENTIALS", cFile, "RAX_CREDS_FILE", fFile}, "credsenv", "k-credsenv", cFile},
		{"RAX_CREDS_FILE last", identity.Params{},
			[]string{"RAX_CREDS_FILE", fFile}, "credsfileenv", "k-credsfileenv", fFile},
		{"username parameter with RAX_API_KEY", identity.Params{Username: "puser", Credentials: pFile},
			[]string{"RAX_API_KEY", "k-env"}, "puser", "k-env", ""},
	}
	for _, c := range cases {
		r, err := identity.Resolve(c.p, env(c.env...), t.TempDir())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if r.Config.Username != c.user || r.Config.APIKey != c.key || r.CredentialsFile != c.fromFile {
			t.Errorf("%s: got user=%q key=%q file=%q, want %q %q %q", c.name,
				r.Config.Username, r.Config.APIKey, r.CredentialsFile, c.user, c.key, c.fromFile)
		}
	}
}

// TestMissingFileMessage: a named but missing credentials file with nothing
// overriding it gives pyrax's message; the environment's username and key
// override it.
func TestMissingFileMessage(t *testing.T) {
	for _, e := range [][]string{nil, {"RAX_CREDENTIALS", "/x/creds"}, {"RAX_CREDS_FILE", "/x/creds"}} {
		p := identity.Params{}
		if e == nil {
			p.Credentials = "/x/creds"
		}
		_, err := identity.Resolve(p, env(e...), t.TempDir())
		th.AssertEquals(t, "The specified credential file '/x/creds' does not exist", err.Error())
	}
	home := t.TempDir()
	_, err := identity.Resolve(identity.Params{Credentials: "~/gone"}, env(), home)
	th.AssertEquals(t, "The specified credential file '"+filepath.Join(home, "gone")+"' does not exist", err.Error())
	r, err := identity.Resolve(identity.Params{Credentials: "/x/creds"}, env("RAX_USERNAME", "u", "RAX_API_KEY", "k"), t.TempDir())
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "u", r.Config.Username)
}

// TestSettingPrecedence checks region, endpoint, tenant, identity_type and
// verify_ssl sources.
func TestSettingPrecedence(t *testing.T) {
	home := t.TempDir()
	th.AssertNoErr(t, os.WriteFile(filepath.Join(home, ".pyrax.cfg"), []byte(
		"[default]\nregion = LON\nauth_endpoint = http://cfg/v2.0/\ntenant_id = t-cfg\ntenant_name = n-cfg\nidentity_type = keystone\nverify_ssl = False\n"), 0o600))
	empty := t.TempDir()
	creds := identity.Params{Username: "u", APIKey: "k"}
	with := func(f func(p *identity.Params)) identity.Params { p := creds; f(&p); return p }
	region := []struct {
		p    identity.Params
		env  []string
		home string
		want string
	}{
		{with(func(p *identity.Params) { p.Region = "SYD" }), []string{"RAX_REGION", "DFW", "CLOUD_REGION", "IAD"}, home, "SYD"},
		{creds, []string{"RAX_REGION", "DFW", "CLOUD_REGION", "IAD"}, home, "DFW"},
		{creds, []string{"CLOUD_REGION", "IAD"}, home, "LON"}, // the file beats CLOUD_REGION
		{creds, []string{"CLOUD_REGION", "IAD"}, empty, "IAD"},
		{creds, nil, empty, ""},
	}
	for i, c := range region {
		r, err := identity.Resolve(c.p, env(c.env...), c.home)
		th.AssertNoErr(t, err)
		if r.Region != c.want {
			t.Errorf("region case %d: got %q want %q", i, r.Region, c.want)
		}
	}
	endpoint := []struct {
		p    identity.Params
		env  []string
		home string
		want string
	}{
		{with(func(p *identity.Params) { p.AuthEndpoint = "http://param/" }), []string{"CLOUD_AUTH_ENDPOINT", "http://env/"}, home, "http://param/"},
		{creds, []string{"CLOUD_AUTH_ENDPOINT", "http://env/"}, home, "http://cfg/v2.0/"},
		{creds, []string{"CLOUD_AUTH_ENDPOINT", "http://env/"}, empty, "http://env/"},
		{creds, nil, empty, identity.DefaultEndpoint},
		{with(func(p *identity.Params) { p.AuthEndpoint = "http://param/" }), []string{"GOPLAY_RAX_AUTH_ENDPOINT", "http://goplay/"}, home, "http://goplay/"},
	}
	for i, c := range endpoint {
		r, err := identity.Resolve(c.p, env(c.env...), c.home)
		th.AssertNoErr(t, err)
		if r.Config.Endpoint != c.want {
			t.Errorf("endpoint case %d: got %q want %q", i, r.Config.Endpoint, c.want)
		}
	}

	// tenant_id / tenant_name: parameter, else the file, else CLOUD_TENANT_*.
	r, err := identity.Resolve(with(func(p *identity.Params) { p.TenantID, p.TenantName = "t-p", "n-p" }),
		env("CLOUD_TENANT_ID", "t-env", "CLOUD_TENANT_NAME", "n-env"), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "t-p", r.Config.TenantID)
	th.AssertEquals(t, "n-p", r.Config.TenantName)
	r, err = identity.Resolve(creds, env("CLOUD_TENANT_ID", "t-env", "CLOUD_TENANT_NAME", "n-env"), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "t-cfg", r.Config.TenantID)
	th.AssertEquals(t, "n-cfg", r.Config.TenantName)
	r, err = identity.Resolve(creds, env("CLOUD_TENANT_ID", "t-env", "CLOUD_TENANT_NAME", "n-env"), empty)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "t-env", r.Config.TenantID)
	th.AssertEquals(t, "n-env", r.Config.TenantName)

	// identity_type: the modules always pass their default "rackspace",
	// which beats the file; without the parameter the file's applies.
	r, err = identity.Resolve(with(func(p *identity.Params) { p.IdentityType = "rackspace" }), env(), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, identity.TypeRackspace, r.Config.Type)
	th.AssertEquals(t, "k", r.Config.APIKey)
	r, err = identity.Resolve(creds, env(), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, identity.TypeKeystone, r.Config.Type)
	th.AssertEquals(t, "k", r.Config.Password)

	// validate_certs (alias verify_ssl) beats the file; CLOUD_VERIFY_SSL is
	// ignored (pyrax forces verify_ssl=True).
	yes, no := true, false
	r, err = identity.Resolve(with(func(p *identity.Params) { p.ValidateCerts = &yes }), env(), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, false, r.Config.Insecure)
	r, err = identity.Resolve(creds, env(), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, true, r.Config.Insecure)
	r, err = identity.Resolve(creds, env("CLOUD_VERIFY_SSL", "False"), empty)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, false, r.Config.Insecure)
	r, err = identity.Resolve(with(func(p *identity.Params) { p.ValidateCerts = &no }), env(), empty)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, true, r.Config.Insecure)

	// env selects the section.
	th.AssertNoErr(t, os.WriteFile(filepath.Join(empty, ".pyrax.cfg"), []byte("[a]\nregion = HKG\n[b]\nregion = ORD\n"), 0o600))
	r, err = identity.Resolve(creds, env(), empty)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "HKG", r.Region) // no default/settings section: the first
	r, err = identity.Resolve(with(func(p *identity.Params) { p.Env = "b" }), env(), empty)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "ORD", r.Region)
}

// TestSandboxMode checks GOPLAY_RAX_SANDBOX: the simulator's endpoint, and
// placeholder credentials when the credentials file is missing.
func TestSandboxMode(t *testing.T) {
	sim := "http://127.0.0.1:9/v2.0/"
	r, err := identity.Resolve(identity.Params{Credentials: "/path/to/credentials", AuthEndpoint: "https://real/"},
		env("GOPLAY_RAX_SANDBOX", sim), t.TempDir())
	th.AssertNoErr(t, err)
	th.AssertEquals(t, sim, r.Config.Endpoint)
	th.AssertEquals(t, true, r.Sandbox)
	th.AssertEquals(t, true, r.Placeholder)
	th.AssertEquals(t, identity.SandboxUsername, r.Config.Username)
	th.AssertEquals(t, identity.SandboxAPIKey, r.Config.APIKey)

	// "1" with GOPLAY_RAX_AUTH_ENDPOINT; no credentials at all is fine too.
	r, err = identity.Resolve(identity.Params{}, env("GOPLAY_RAX_SANDBOX", "1", "GOPLAY_RAX_AUTH_ENDPOINT", sim), t.TempDir())
	th.AssertNoErr(t, err)
	th.AssertEquals(t, sim, r.Config.Endpoint)
	th.AssertEquals(t, true, r.Placeholder)

	// Existing credentials are still used.
	creds := writeCreds(t, t.TempDir(), "c", "fileuser", "filekey")
	r, err = identity.Resolve(identity.Params{Credentials: creds}, env("GOPLAY_RAX_SANDBOX", sim), t.TempDir())
	th.AssertNoErr(t, err)
	th.AssertEquals(t, false, r.Placeholder)
	th.AssertEquals(t, "fileuser", r.Config.Username)

	// Other credential errors are not forgiven.
	bad := filepath.Join(t.TempDir(), "bad")
	th.AssertNoErr(t, os.WriteFile(bad, []byte("[other]\n"), 0o600))
	_, err = identity.Resolve(identity.Params{Credentials: bad}, env("GOPLAY_RAX_SANDBOX", sim), t.TempDir())
	th.AssertEquals(t, "No section: 'rackspace_cloud'", err.Error())

	// Sandbox without a simulator endpoint fails rather than reach the
	// real cloud.
	_, err = identity.Resolve(identity.Params{Credentials: "/path/to/credentials"}, env("GOPLAY_RAX_SANDBOX", "1"), t.TempDir())
	th.AssertErr(t, err)

	// Off values.
	for _, v := range []string{"", "0", "false"} {
		_, err = identity.Resolve(identity.Params{Credentials: "/path/to/credentials"}, env("GOPLAY_RAX_SANDBOX", v), t.TempDir())
		th.AssertEquals(t, "The specified credential file '/path/to/credentials' does not exist", err.Error())
	}
}

// TestSandboxIgnoresPyraxCfg: sandbox mode does not read ~/.pyrax.cfg (a
// real account's tenant or environment must not reach the simulator), and
// placeholder credentials carry no tenant.
func TestSandboxIgnoresPyraxCfg(t *testing.T) {
	home := t.TempDir()
	th.AssertNoErr(t, os.WriteFile(filepath.Join(home, ".pyrax.cfg"), []byte("[default]\nregion = LON\ntenant_id = 999\nkeyring_username = real\n"), 0o600))
	r, err := identity.Resolve(identity.Params{Env: "prod", Credentials: "/path/to/credentials", TenantName: "t"},
		env("GOPLAY_RAX_SANDBOX", "http://127.0.0.1:9/v2.0/"), home)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "", r.Region)
	th.AssertEquals(t, "", r.Config.TenantID)
	th.AssertEquals(t, "", r.Config.TenantName)
	th.AssertEquals(t, identity.SandboxUsername, r.Config.Username)
	// Outside the sandbox the same file is read.
	_, err = identity.Resolve(identity.Params{Credentials: "/path/to/credentials"}, env(), home)
	th.AssertEquals(t, "Keyring authentication (keyring_username real) is not supported by goplay; give username and api_key instead", err.Error())
}

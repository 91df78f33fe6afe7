package identity

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Params are the common parameters of the rax modules
// (community.general's rax_argument_spec). Empty strings and a nil
// ValidateCerts mean "not given".
type Params struct {
	APIKey        string
	AuthEndpoint  string
	Credentials   string
	Env           string
	IdentityType  string
	Region        string
	TenantID      string
	TenantName    string
	Username      string
	ValidateCerts *bool
}

// LookupEnv reads an environment variable (os.LookupEnv in production).
type LookupEnv func(string) (string, bool)

// EndpointOverrideEnv names the environment variable that points every rax
// module at another identity endpoint (the sandbox sets it to its
// simulator). It wins over the auth_endpoint parameter, ~/.pyrax.cfg and
// CLOUD_AUTH_ENDPOINT.
const EndpointOverrideEnv = "GOPLAY_RAX_AUTH_ENDPOINT"

// SandboxEnv names the environment variable of goplay's --sandbox mode.
// When it is set (to anything but "", "0", "false", "no" or "off"), the rax
// modules talk to the in-process simulator and never to a real cloud, and
// ~/.pyrax.cfg is not read:
//
//   - the identity endpoint is GOPLAY_RAX_AUTH_ENDPOINT, else the value of
//     GOPLAY_RAX_SANDBOX itself when it is an http:// or https:// URL; with
//     neither, the module fails instead of reaching the real Rackspace
//     identity service;
//   - credentials resolve as usual, but a credentials file that does not
//     exist (the article's credentials=/path/to/credentials), or no
//     credentials at all, is not an error: placeholder credentials
//     (SandboxUsername / SandboxAPIKey) are used instead.
const SandboxEnv = "GOPLAY_RAX_SANDBOX"

// Placeholder credentials of sandbox mode.
const (
	SandboxUsername = "goplay-sandbox"
	SandboxAPIKey   = "goplay-sandbox-api-key"
)

// sandboxMode reads SandboxEnv: whether sandbox mode is on, and the
// endpoint its value names (if it is a URL).
func sandboxMode(getenv func(string) string) (on bool, endpoint string) {
	v := strings.TrimSpace(getenv(SandboxEnv))
	switch strings.ToLower(v) {
	case "", "0", "false", "no", "off":
		return false, ""
	}
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return true, v
	}
	return true, ""
}

// credentialsError is a failure to find credentials that sandbox mode
// forgives (missing credentials file, nothing supplied).
type credentialsError struct{ msg string }

func (e *credentialsError) Error() string { return e.msg }

// Resolved is the outcome of Resolve.
type Resolved struct {
	// Config is ready for Authenticate (without HTTPClient, UserAgent and
	// RetryFunc).
	Config Config
	// Region is the requested region, "" when none was set anywhere.
	Region string
	// CredentialsFile is the file the secret came from, if any.
	CredentialsFile string
	// Sandbox is true in sandbox mode (SandboxEnv).
	Sandbox bool
	// Placeholder is true when sandbox mode replaced missing credentials
	// with SandboxUsername / SandboxAPIKey.
	Placeholder bool
}

// Resolve finds the credentials and settings as setup_rax_module and pyrax
// do:
//
//   - env selects a section of ~/.pyrax.cfg (else "default", "settings" or
//     the first one); a pyrax setting is the file's value, else its CLOUD_*
//     variable (CLOUD_AUTH_ENDPOINT, CLOUD_REGION, CLOUD_TENANT_ID,
//     CLOUD_TENANT_NAME, CLOUD_KEYRING_USER, CLOUD_ID_TYPE);
//   - identity_type, validate_certs, auth_endpoint, tenant_id and tenant_name
//     parameters override the settings; verify_ssl from the file is true only
//     for the exact text "True", CLOUD_VERIFY_SSL is ignored;
//   - username = parameter, else RAX_USERNAME; api_key = parameter, else
//     RAX_API_KEY; credentials = parameter, else RAX_CREDENTIALS, else
//     RAX_CREDS_FILE; region = parameter, else RAX_REGION, else the region
//     setting;
//   - a username and API key win over a credentials file; without either,
//     "No credentials supplied!".
//
// home is the directory of ~/.pyrax.cfg and of "~" in a credentials path.
func Resolve(p Params, env LookupEnv, home string) (*Resolved, error) {
	getenv := func(k string) string {
		if env == nil {
			return ""
		}
		v, _ := env(k)
		return v
	}

	// Sandbox mode reads nothing of the user's real cloud setup
	// (~/.pyrax.cfg).
	sandbox, sandboxEndpoint := sandboxMode(getenv)

	// ~/.pyrax.cfg
	var cfgSection map[string]string
	if home != "" && !sandbox {
		path := filepath.Join(home, ".pyrax.cfg")
		f, exists, err := readINI(path)
		if err != nil {
			return nil, err
		}
		if exists && len(f.order) > 0 {
			name := f.order[0]
			for _, s := range f.order {
				if s == "default" || s == "settings" {
					name = s
					break
				}
			}
			if p.Env != "" {
				name = p.Env
			}
			cfgSection = f.sections[name]
		}
	}
	if p.Env != "" && cfgSection == nil && !sandbox {
		return nil, fmt.Errorf("The environment '%s' has not been defined.", p.Env)
	}
	setting := func(key, envVar string) string {
		if v, ok := cfgSection[key]; ok && v != "" {
			return v
		}
		if envVar != "" {
			return getenv(envVar)
		}
		return ""
	}

	r := &Resolved{}
	c := &r.Config

	c.Type = p.IdentityType
	if c.Type == "" {
		c.Type = setting("identity_type", "CLOUD_ID_TYPE")
	}
	if c.Type == "" {
		c.Type = TypeRackspace
	}
	c.Type = strings.ToLower(c.Type)
	if c.Type == "rax_identity.raxidentity" {
		c.Type = TypeRackspace
	}

	switch {
	case p.ValidateCerts != nil:
		c.Insecure = !*p.ValidateCerts
	default:
		if v, ok := cfgSection["verify_ssl"]; ok {
			c.Insecure = v != "True"
		}
	}

	r.Sandbox = sandbox
	c.Endpoint = getenv(EndpointOverrideEnv)
	if c.Endpoint == "" && sandbox {
		c.Endpoint = sandboxEndpoint
		if c.Endpoint == "" {
			return nil, fmt.Errorf("%s is set but names no simulator: set it to the simulator's identity URL, or set %s", SandboxEnv, EndpointOverrideEnv)
		}
	}
	if c.Endpoint == "" {
		c.Endpoint = p.AuthEndpoint
	}
	if c.Endpoint == "" {
		c.Endpoint = setting("auth_endpoint", "CLOUD_AUTH_ENDPOINT")
	}
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}

	c.TenantID = p.TenantID
	if c.TenantID == "" {
		c.TenantID = setting("tenant_id", "CLOUD_TENANT_ID")
	}
	c.TenantName = p.TenantName
	if c.TenantName == "" {
		c.TenantName = setting("tenant_name", "CLOUD_TENANT_NAME")
	}

	username := p.Username
	if username == "" {
		username = getenv("RAX_USERNAME")
	}
	apiKey := p.APIKey
	var keyringErr error
	if username == "" {
		if ku := setting("keyring_username", "CLOUD_KEYRING_USER"); ku != "" {
			keyringErr = &credentialsError{fmt.Sprintf("Keyring authentication (keyring_username %s) is not supported by goplay; give username and api_key instead", ku)}
		}
	}
	if apiKey == "" {
		apiKey = getenv("RAX_API_KEY")
	}
	creds := p.Credentials
	if creds == "" {
		creds = getenv("RAX_CREDENTIALS")
	}
	if creds == "" {
		creds = getenv("RAX_CREDS_FILE")
	}
	r.Region = p.Region
	if r.Region == "" {
		r.Region = getenv("RAX_REGION")
	}
	if r.Region == "" {
		r.Region = setting("region", "CLOUD_REGION")
	}

	err := keyringErr
	if err == nil {
		err = resolveCredentials(r, c, username, apiKey, creds, home)
	}
	if err != nil {
		var ce *credentialsError
		if !sandbox || !errors.As(err, &ce) {
			return nil, err
		}
		c.Username, c.APIKey, c.Password = SandboxUsername, SandboxAPIKey, ""
		if c.Type == TypeKeystone {
			c.APIKey, c.Password = "", SandboxAPIKey
		}
		// A tenant belongs to real credentials: the placeholder user gets
		// the simulator's tenant.
		c.TenantID, c.TenantName = "", ""
		r.Placeholder = true
	}
	return r, nil
}

// resolveCredentials is the credentials step of setup_rax_module: a
// username and API key win over a credentials file.
func resolveCredentials(r *Resolved, c *Config, username, apiKey, creds, home string) error {
	switch {
	case apiKey != "" && username != "":
		c.Username = username
		if c.Type == TypeKeystone {
			c.Password = apiKey
		} else {
			c.APIKey = apiKey
		}
	case creds != "":
		path := expandUser(creds, home)
		r.CredentialsFile = path
		if err := readCredentialFile(path, c); err != nil {
			return err
		}
	default:
		return &credentialsError{"No credentials supplied!"}
	}
	return nil
}

func expandUser(path, home string) string {
	if home == "" {
		return path
	}
	if path == "~" {
		return home
	}
	if strings.HasPrefix(path, "~/") {
		return filepath.Join(home, path[2:])
	}
	return path
}

// readCredentialFile reads pyrax's credentials file: [rackspace_cloud]
// username and api_key (or password); for keystone, [keystone] username,
// password and tenant_id.
func readCredentialFile(path string, c *Config) error {
	f, exists, err := readINI(path)
	if err != nil {
		return err
	}
	if !exists {
		return &credentialsError{fmt.Sprintf("The specified credential file '%s' does not exist", path)}
	}
	if c.Type == TypeKeystone {
		if c.Username, err = f.get("keystone", "username"); err != nil {
			return err
		}
		if c.Password, err = f.get("keystone", "password"); err != nil {
			return err
		}
		if tid, err := f.get("keystone", "tenant_id"); err == nil && c.TenantID == "" {
			c.TenantID = tid
		} else if err != nil {
			return err
		}
		return nil
	}
	if c.Username, err = f.get("rackspace_cloud", "username"); err != nil {
		return err
	}
	key, err := f.get("rackspace_cloud", "api_key")
	if err != nil {
		if key, err = f.get("rackspace_cloud", "password"); err != nil {
			return err
		}
	}
	c.APIKey = key
	return nil
}

// OSEnv is LookupEnv backed by the process environment.
func OSEnv(k string) (string, bool) { return os.LookupEnv(k) }

package identity

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v2/tokens"
)

// DefaultEndpoint is pyrax's default Rackspace identity endpoint.
const DefaultEndpoint = "https://identity.api.rackspacecloud.com/v2.0/"

// Identity types (pyrax identity_type).
const (
	TypeRackspace = "rackspace"
	TypeKeystone  = "keystone"
)

// Config is what Authenticate needs.
type Config struct {
	// Endpoint is the identity endpoint; tokens are posted to
	// Endpoint + "tokens". Empty means DefaultEndpoint.
	Endpoint string
	// Type is TypeRackspace (API key first, then password, as pyrax's
	// RaxIdentity) or TypeKeystone (password only).
	Type       string
	Username   string
	APIKey     string // rackspace
	Password   string // keystone
	TenantID   string
	TenantName string
	// Insecure disables TLS certificate verification (verify_ssl=false).
	Insecure bool
	// UserAgent is prepended to gophercloud's User-Agent.
	UserAgent string
	// HTTPClient, if set, is used instead of a fresh one (tests).
	HTTPClient *http.Client
	// RetryFunc, if set, becomes the service provider's RetryFunc.
	RetryFunc gophercloud.RetryFunc
	// IdentityRetryFunc, if set, is the RetryFunc of the token requests
	// (pyrax retries none; goplay retries 5xx, 413 with Retry-After and
	// connection errors, which a token request survives unchanged).
	IdentityRetryFunc gophercloud.RetryFunc
}

// Session is an authenticated provider client and what the token response
// said about the account.
type Session struct {
	// Provider carries the token and re-authenticates on a 401.
	Provider *gophercloud.ProviderClient
	// TenantID and TenantName are the token's tenant.
	TenantID, TenantName string
	// UserID, UserName and DefaultRegion are the user's (RAX-AUTH:defaultRegion).
	UserID, UserName, DefaultRegion string
	// Catalog is the service catalog.
	Catalog []tokens.CatalogEntry
}

// access is the part of the token response that goplay reads.
type access struct {
	Access struct {
		Token struct {
			ID      string `json:"id"`
			Expires string `json:"expires"`
			Tenant  struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"tenant"`
		} `json:"token"`
		Catalog []tokens.CatalogEntry `json:"serviceCatalog"`
		User    struct {
			ID            string `json:"id"`
			Name          string `json:"name"`
			DefaultRegion string `json:"RAX-AUTH:defaultRegion"`
		} `json:"user"`
	} `json:"access"`
}

// tokenResult adapts the token response to gophercloud.AuthResult.
type tokenResult struct{ tokens.CreateResult }

// Error is an authentication failure. Its text is pyrax's message.
type Error struct {
	// Code is the identity service's HTTP status, 0 for a transport failure.
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Authenticate obtains a token. For TypeRackspace it sends the API-key body
// and, if that fails with anything but a 5xx, pyrax's password fallback
// {"passwordCredentials":{"username": tenant_name or username, "password":
// api key}, "tenantId": tenant_id or username}. The builder that worked is
// reused by the ReauthFunc.
func Authenticate(ctx context.Context, cfg Config) (*Session, error) {
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	endpoint = gophercloud.NormalizeURL(endpoint)

	hc := http.Client{}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else if cfg.Insecure {
		hc.Transport = &http.Transport{
			Proxy:           http.ProxyFromEnvironment,
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // verify_ssl=false asked for it
		}
	}

	// The identity client has its own provider: no token, no ReauthFunc, so
	// a 401 from identity is an answer, not a reason to re-authenticate.
	idp := &gophercloud.ProviderClient{HTTPClient: hc, IdentityEndpoint: endpoint, RetryFunc: cfg.IdentityRetryFunc}
	if cfg.UserAgent != "" {
		idp.UserAgent.Prepend(cfg.UserAgent)
	}
	idc := &gophercloud.ServiceClient{ProviderClient: idp, Endpoint: endpoint}

	var builders []tokens.AuthOptionsBuilder
	switch strings.ToLower(cfg.Type) {
	case "", TypeRackspace:
		builders = append(builders, APIKeyOptions{
			Username: cfg.Username, APIKey: secretOr(cfg.APIKey, cfg.Password),
			TenantID: cfg.TenantID, TenantName: cfg.TenantName, AllowReauth: true,
		})
		fallbackUser := cfg.Username
		if cfg.TenantName != "" {
			fallbackUser = cfg.TenantName
		}
		fallbackTenant := cfg.Username
		if cfg.TenantID != "" {
			fallbackTenant = cfg.TenantID
		}
		builders = append(builders, PasswordOptions{
			Username: fallbackUser, Password: secretOr(cfg.APIKey, cfg.Password),
			TenantID: fallbackTenant, AllowReauth: true,
		})
	case TypeKeystone:
		builders = append(builders, PasswordOptions{
			Username: cfg.Username, Password: secretOr(cfg.Password, cfg.APIKey),
			TenantID: cfg.TenantID, TenantName: cfg.TenantName, AllowReauth: true,
		})
	default:
		return nil, &Error{Msg: fmt.Sprintf("Unsupported identity_type '%s' (goplay supports rackspace and keystone)", cfg.Type)}
	}

	var (
		res     tokens.CreateResult
		used    tokens.AuthOptionsBuilder
		lastErr error
	)
	for _, b := range builders {
		res = tokens.Create(ctx, idc, b)
		if res.Err == nil {
			used = b
			lastErr = nil
			break
		}
		lastErr = authError(endpoint, res.Err)
		var ae *Error
		if errors.As(lastErr, &ae) && (ae.Code == 0 || ae.Code >= 500) {
			break // pyrax only falls back after an AuthenticationFailed
		}
	}
	if lastErr != nil {
		return nil, lastErr
	}

	var acc access
	if err := res.ExtractInto(&acc); err != nil {
		return nil, &Error{Msg: "Unable to parse the identity service's token response"}
	}
	if acc.Access.Token.ID == "" {
		return nil, &Error{Msg: "The identity service returned no token"}
	}

	p := &gophercloud.ProviderClient{HTTPClient: hc, IdentityEndpoint: endpoint, RetryFunc: cfg.RetryFunc}
	p.UseTokenLock()
	if cfg.UserAgent != "" {
		p.UserAgent.Prepend(cfg.UserAgent)
	}
	if err := p.SetTokenAndAuthResult(tokenResult{res}); err != nil {
		return nil, &Error{Msg: "The identity service returned no token"}
	}
	p.ReauthFunc = func(ctx context.Context) error {
		r := tokens.Create(ctx, idc, used)
		if r.Err != nil {
			return authError(endpoint, r.Err)
		}
		return p.SetTokenAndAuthResult(tokenResult{r})
	}

	return &Session{
		Provider:      p,
		TenantID:      acc.Access.Token.Tenant.ID,
		TenantName:    acc.Access.Token.Tenant.Name,
		UserID:        acc.Access.User.ID,
		UserName:      acc.Access.User.Name,
		DefaultRegion: acc.Access.User.DefaultRegion,
		Catalog:       acc.Access.Catalog,
	}, nil
}

func secretOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// authError turns a failed token request into pyrax's message.
func authError(endpoint string, err error) error {
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		code := ue.Actual
		msg := faultMessage(ue.Body)
		switch {
		case code == http.StatusUnauthorized:
			return &Error{Code: code, Msg: "Incorrect/unauthorized credentials received"}
		case code >= 500:
			if msg == "" {
				msg = "Service Currently Unavailable"
			}
			return &Error{Code: code, Msg: msg}
		default:
			reason := http.StatusText(code)
			if msg != "" {
				return &Error{Code: code, Msg: fmt.Sprintf("%s - %s.", reason, msg)}
			}
			return &Error{Code: code, Msg: reason + "."}
		}
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Msg: "Authentication was interrupted: " + context.Canceled.Error()}
	}
	return &Error{Msg: fmt.Sprintf("Unable to reach the identity service at %s: %s", endpoint, transportText(err))}
}

// faultMessage reads the message of an identity fault body
// ({"unauthorized":{"code":401,"message":"..."}}) or of a flat body.
func faultMessage(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	if s, ok := m["message"].(string); ok {
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if inner, ok := m[k].(map[string]any); ok {
			if s, ok := inner["message"].(string); ok {
				return s
			}
		}
	}
	return ""
}

// transportText shortens a transport error to its cause, without the URL
// gophercloud and net/http add (the URL is printed separately).
func transportText(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(s, "://") {
		return s[i+2:]
	}
	return s
}

// Regions are the catalog's regions (every endpoint's region, without the
// region-less "ALL"), sorted.
func (s *Session) Regions() []string {
	seen := map[string]bool{}
	for _, e := range s.Catalog {
		for _, ep := range e.Endpoints {
			if ep.Region != "" && ep.Region != "ALL" {
				seen[ep.Region] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// HasRegion tells whether region (case-sensitive) is in Regions.
func (s *Session) HasRegion(region string) bool {
	for _, r := range s.Regions() {
		if r == region {
			return true
		}
	}
	return false
}

// ErrNoEndpoint is returned by Endpoint when the catalog has no endpoint of
// the type for the region.
var ErrNoEndpoint = errors.New("identity: no endpoint for the service in the region")

// Endpoint returns the publicURL of the first catalog entry of serviceType
// whose endpoint has exactly region; an endpoint without a region serves
// every region (pyrax's "ALL").
func (s *Session) Endpoint(serviceType, region string) (string, error) {
	for _, e := range s.Catalog {
		if e.Type != serviceType {
			continue
		}
		for _, ep := range e.Endpoints {
			if ep.Region == region && ep.PublicURL != "" {
				return gophercloud.NormalizeURL(ep.PublicURL), nil
			}
		}
		for _, ep := range e.Endpoints {
			if (ep.Region == "" || ep.Region == "ALL") && ep.PublicURL != "" {
				return gophercloud.NormalizeURL(ep.PublicURL), nil
			}
		}
	}
	return "", ErrNoEndpoint
}

// FirstRegion is pyrax's last resort region: the first of Regions.
func (s *Session) FirstRegion() string {
	if r := s.Regions(); len(r) > 0 {
		return r[0]
	}
	return ""
}

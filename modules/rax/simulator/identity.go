package simulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// unauthorizedMessage is identity's documented 401 message.
const unauthorizedMessage = "Unable to authenticate user with credentials provided."

// TokenExpiresLayout is the layout of token.expires (a literal Z, UTC).
const TokenExpiresLayout = "2006-01-02T15:04:05.000Z"

type token struct {
	ID      string
	Tenant  string
	User    string
	Expires time.Time
}

type authBody struct {
	Auth *struct {
		APIKey *struct {
			Username string `json:"username"`
			APIKey   string `json:"apiKey"`
		} `json:"RAX-KSKEY:apiKeyCredentials"`
		Password *struct {
			Username string `json:"username"`
			Password string `json:"password"`
		} `json:"passwordCredentials"`
		Token *struct {
			ID string `json:"id"`
		} `json:"token"`
		TenantID   string `json:"tenantId"`
		TenantName string `json:"tenantName"`
	} `json:"auth"`
}

func (s *Simulator) serveIdentity(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch p {
	case "/v2.0":
		writeJSON(w, 200, map[string]any{"version": map[string]any{
			"id": "v2.0", "status": "stable", "updated": "2013-03-06T00:00:00Z",
		}})
		return
	case "/v2.0/tokens":
	default:
		identityFault(w, 404, "itemNotFound", "Resource not found")
		return
	}
	if r.Method != http.MethodPost {
		identityFault(w, 405, "badMethod", "Method not allowed")
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		identityFault(w, 400, "badRequest", "Invalid json request body")
		return
	}
	var body authBody
	if err := json.Unmarshal(data, &body); err != nil || body.Auth == nil {
		identityFault(w, 400, "badRequest", "Invalid json request body")
		return
	}
	a := body.Auth
	if a.TenantID != "" && a.TenantName != "" {
		identityFault(w, 400, "badRequest", "Invalid request. Specify tenantId OR tenantName, not both.")
		return
	}
	var (
		acct   *Account
		method string
	)
	switch {
	case a.APIKey != nil:
		method = "APIKEY"
		acct = s.checkCredentials(a.APIKey.Username, a.APIKey.APIKey, true)
	case a.Password != nil:
		method = "PASSWORD"
		acct = s.checkCredentials(a.Password.Username, a.Password.Password, false)
	case a.Token != nil:
		method = "TOKEN"
		s.mu.Lock()
		t := s.tokens[a.Token.ID]
		s.mu.Unlock()
		if t != nil && time.Now().Before(t.Expires) {
			acct = s.accountFor(t.User)
		}
	default:
		identityFault(w, 400, "badRequest", "Invalid request body: unable to parse Auth data. Please review XML or JSON formatting.")
		return
	}
	if acct == nil {
		identityFault(w, 401, "unauthorized", unauthorizedMessage)
		return
	}
	if (a.TenantID != "" && a.TenantID != acct.TenantID) || (a.TenantName != "" && a.TenantName != acct.TenantID) {
		identityFault(w, 401, "unauthorized", unauthorizedMessage)
		return
	}
	t := &token{ID: newTokenID(), Tenant: acct.TenantID, User: acct.Username,
		Expires: time.Now().Add(s.cfg.TokenTTL)}
	s.mu.Lock()
	now := time.Now()
	for id, old := range s.tokens {
		if now.After(old.Expires) {
			delete(s.tokens, id)
		}
	}
	s.tokens[t.ID] = t
	s.issued = append(s.issued, t.ID)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.accessJSON(t, acct, method))
}

// checkCredentials returns the account for username and secret, or nil.
func (s *Simulator) checkCredentials(username, secret string, isAPIKey bool) *Account {
	if username == "" || secret == "" {
		return nil
	}
	for _, a := range s.cfg.Accounts {
		if a.Username != username {
			continue
		}
		ok := false
		if isAPIKey {
			ok = a.APIKey != "" && a.APIKey == secret
		} else {
			ok = (a.Password != "" && a.Password == secret) || (a.Password == "" && a.APIKey != "" && a.APIKey == secret)
		}
		if ok {
			return s.normalize(a)
		}
		return nil
	}
	if s.cfg.AcceptAny {
		return s.normalize(Account{Username: username})
	}
	return nil
}

func (s *Simulator) accountFor(username string) *Account {
	for _, a := range s.cfg.Accounts {
		if a.Username == username {
			return s.normalize(a)
		}
	}
	return s.normalize(Account{Username: username})
}

func (s *Simulator) normalize(a Account) *Account {
	if a.TenantID == "" {
		a.TenantID = s.cfg.TenantID
	}
	if a.DefaultRegion == "" {
		a.DefaultRegion = s.cfg.DefaultRegion
	}
	if a.UserID == "" {
		h := fnv.New32a()
		h.Write([]byte(a.Username))
		a.UserID = strconv.Itoa(100000 + int(h.Sum32()%900000))
	}
	return &a
}

func newTokenID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Simulator) accessJSON(t *token, a *Account, method string) map[string]any {
	var eps []map[string]string
	for _, region := range s.cfg.Regions {
		eps = append(eps, map[string]string{
			"region":    region,
			"tenantId":  t.Tenant,
			"publicURL": s.ServiceURL(t.Tenant),
		})
	}
	return map[string]any{"access": map[string]any{
		"token": map[string]any{
			"id":                       t.ID,
			"expires":                  t.Expires.UTC().Format(TokenExpiresLayout),
			"tenant":                   map[string]string{"id": t.Tenant, "name": t.Tenant},
			"RAX-AUTH:authenticatedBy": []string{method},
		},
		"serviceCatalog": []map[string]any{{
			"name":      "cloudLoadBalancers",
			"type":      "rax:load-balancer",
			"endpoints": eps,
		}},
		"user": map[string]any{
			"id":                     a.UserID,
			"name":                   a.Username,
			"RAX-AUTH:defaultRegion": a.DefaultRegion,
			"roles": []map[string]string{{
				"id": "3", "name": "identity:user-admin", "description": "User Admin Role.",
			}},
		},
	}}
}

// authorize checks X-Auth-Token for a request to tenant's CLB API.
func (s *Simulator) authorize(r *http.Request, tenant string) bool {
	id := r.Header.Get("X-Auth-Token")
	if id == "" {
		return false
	}
	s.mu.Lock()
	t := s.tokens[id]
	s.mu.Unlock()
	return t != nil && time.Now().Before(t.Expires) && t.Tenant == tenant
}

// ExpireTokens makes every issued token expire now.
func (s *Simulator) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := time.Now().Add(-time.Second)
	for _, t := range s.tokens {
		t.Expires = past
	}
}

// IssuedTokens returns the ID of every token issued so far, expired ones
// included, oldest first (tests check that no token leaks into output).
func (s *Simulator) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

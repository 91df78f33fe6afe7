package identity

import (
	"errors"
)

// APIKeyOptions authenticates with a Rackspace API key. It implements
// gophercloud's tokens.AuthOptionsBuilder.
type APIKeyOptions struct {
	Username   string
	APIKey     string
	TenantID   string
	TenantName string
	// AllowReauth lets a 401 from a service re-authenticate.
	AllowReauth bool
}

// ToTokenV2CreateMap builds
// {"auth":{"RAX-KSKEY:apiKeyCredentials":{"username","apiKey"}[,"tenantId"][,"tenantName"]}}.
func (o APIKeyOptions) ToTokenV2CreateMap() (map[string]any, error) {
	if o.Username == "" || o.APIKey == "" {
		return nil, errors.New("identity: API key authentication needs a username and an API key")
	}
	auth := map[string]any{
		"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": o.Username, "apiKey": o.APIKey},
	}
	addTenant(auth, o.TenantID, o.TenantName)
	return map[string]any{"auth": auth}, nil
}

// CanReauth reports AllowReauth.
func (o APIKeyOptions) CanReauth() bool { return o.AllowReauth }

// PasswordOptions authenticates with a password (Keystone style). It
// implements gophercloud's tokens.AuthOptionsBuilder.
type PasswordOptions struct {
	Username    string
	Password    string
	TenantID    string
	TenantName  string
	AllowReauth bool
}

// ToTokenV2CreateMap builds
// {"auth":{"passwordCredentials":{"username","password"}[,"tenantId"][,"tenantName"]}}.
func (o PasswordOptions) ToTokenV2CreateMap() (map[string]any, error) {
	if o.Username == "" || o.Password == "" {
		return nil, errors.New("identity: password authentication needs a username and a password")
	}
	auth := map[string]any{
		"passwordCredentials": map[string]any{"username": o.Username, "password": o.Password},
	}
	addTenant(auth, o.TenantID, o.TenantName)
	return map[string]any{"auth": auth}, nil
}

// CanReauth reports AllowReauth.
func (o PasswordOptions) CanReauth() bool { return o.AllowReauth }

func addTenant(auth map[string]any, id, name string) {
	if id != "" {
		auth["tenantId"] = id
	}
	if name != "" {
		auth["tenantName"] = name
	}
}

// Package identity authenticates to Rackspace Identity v2.0 with gophercloud
// v2 and finds service endpoints in the returned catalog.
//
// gophercloud v2 has nothing Rackspace-specific any more, so this package
// supplies it: APIKeyOptions is a tokens.AuthOptionsBuilder that sends
// {"auth":{"RAX-KSKEY:apiKeyCredentials":{...}}}; PasswordOptions sends
// passwordCredentials. Authenticate posts the token request with
// tokens.Create, falls back from API key to password credentials the way
// pyrax does, installs a ReauthFunc so that a 401 from a service triggers
// one re-authentication, and keeps the catalog and the user's
// RAX-AUTH:defaultRegion.
//
// Resolve reproduces community.general's setup_rax_module: where the
// username, API key, credentials file, region, endpoint and TLS setting come
// from (module parameters, RAX_* and CLOUD_* environment variables,
// ~/.pyrax.cfg and the credentials file), with the same precedence and
// pyrax's failure messages.
//
// Secrets (API key, password, token) never appear in an error of this
// package.
package identity

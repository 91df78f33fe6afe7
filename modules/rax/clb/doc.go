// Package clb is the shared core of goplay's client for the Rackspace Cloud
// Load Balancers (CLB) API v1.0, built on gophercloud v2.
//
// The resource packages below it follow gophercloud's layout (doc.go,
// requests.go, results.go, urls.go, testing/):
//
//	loadbalancers  load balancers, plus the small GETs pyrax makes
//	               (connection logging, content caching, session
//	               persistence, protocols, algorithms, limits)
//	nodes          nodes of one load balancer
//	metadata       load balancer metadata
//	virtualips     virtual IPs of one load balancer
//	stats          connection statistics of one load balancer
//
// This package holds what they share: NewClient builds the
// *gophercloud.ServiceClient from an endpoint; APIError turns the API's
// error bodies ({"message","code","details"} or a fault wrapper such as
// {"overLimit":{...}}) into an error whose text is the API's message; and
// RetryFunc is the gophercloud.RetryFunc that retries a 413 after its
// Retry-After and retries 5xx responses and connection errors of idempotent
// requests with exponential backoff.
package clb

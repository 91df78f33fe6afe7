package clb

import (
	"github.com/gophercloud/gophercloud/v2"
)

// ServiceType is the catalog type of Cloud Load Balancers.
const ServiceType = "rax:load-balancer"

// NewClient returns a service client for the CLB endpoint (the catalog's
// publicURL, for example https://dfw.loadbalancers.api.rackspacecloud.com/v1.0/123456).
// tenantID, when not empty, is sent as X-Auth-Project-Id as pyrax does.
func NewClient(p *gophercloud.ProviderClient, endpoint, tenantID string) *gophercloud.ServiceClient {
	c := &gophercloud.ServiceClient{
		ProviderClient: p,
		Endpoint:       gophercloud.NormalizeURL(endpoint),
		Type:           ServiceType,
	}
	if tenantID != "" {
		c.MoreHeaders = map[string]string{"X-Auth-Project-Id": tenantID}
	}
	return c
}

/*
Package loadbalancers manages Rackspace Cloud Load Balancers (CLB API v1.0,
/loadbalancers) and makes the small GETs that pyrax makes about one load
balancer (connection logging, content caching, session persistence) and
about the service (protocols, algorithms, limits).

List returns one page. The API's marker is inclusive: the page starts at
the load balancer whose id is the marker, so a caller walking the pages
must drop the duplicate (rax_clb's walk relies on exactly this).

Example to create a load balancer and read it back:

	lb, err := loadbalancers.Create(ctx, client, loadbalancers.CreateOpts{
		Name:       "app-lb1",
		Port:       80,
		Protocol:   "HTTP",
		Algorithm:  "LEAST_CONNECTIONS",
		Timeout:    30,
		VirtualIPs: []loadbalancers.VirtualIPOpts{{Type: "PUBLIC", IPVersion: "IPV4"}},
	}).Extract()
	raw, err := loadbalancers.Get(ctx, client, lb.ID).ExtractRaw()

Create, Update and Delete return 202; the load balancer is then in BUILD,
PENDING_UPDATE or PENDING_DELETE until the change is applied.
*/
package loadbalancers

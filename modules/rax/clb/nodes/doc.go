/*
Package nodes manages the nodes of a Cloud Load Balancer (CLB API v1.0,
/loadbalancers/{id}/nodes).

Example to list, update and remove nodes:

	all, err := nodes.List(ctx, client, 2000).Extract()
	err = nodes.Update(ctx, client, 2000, 1041, nodes.UpdateOpts{Condition: nodes.Draining}).ExtractErr()
	err = nodes.Delete(ctx, client, 2000, 1041).ExtractErr()

Every successful change returns 202 and puts the load balancer into
PENDING_UPDATE; a change while it is not ACTIVE gets 422 "... is considered
immutable." (see clb.IsImmutable).
*/
package nodes

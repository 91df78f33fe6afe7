/*
Package virtualips lists and removes the virtual IPs of a Cloud Load
Balancer (CLB API v1.0, /loadbalancers/{id}/virtualips).

Example:

	vips, err := virtualips.List(ctx, client, 2000).Extract()
*/
package virtualips

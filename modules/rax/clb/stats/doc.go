/*
Package stats reads the connection statistics of a Cloud Load Balancer (CLB
API v1.0, /loadbalancers/{id}/stats). CurrentConn is the closest thing the
API has to a "drained" signal for a load balancer.

Example:

	s, err := stats.Get(ctx, client, 2000).Extract()
	fmt.Println(s.CurrentConn)
*/
package stats

/*
Package metadata manages the metadata of a Cloud Load Balancer (CLB API
v1.0, /loadbalancers/{id}/metadata).

Example to replace all metadata, as pyrax's set_metadata does:

	items, err := metadata.List(ctx, client, 2000).Extract()
	ids := make([]int, len(items))
	for i, m := range items {
		ids[i] = m.ID
	}
	err = metadata.Delete(ctx, client, 2000, ids).ExtractErr()
	err = metadata.Create(ctx, client, 2000, metadata.CreateOpts{{Key: "app", Value: "web"}}).ExtractErr()
*/
package metadata

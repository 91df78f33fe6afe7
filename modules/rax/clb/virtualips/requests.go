package virtualips

import (
	"context"
	"encoding/json"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
)

// List returns the virtual IPs of load balancer lbID.
func List(ctx context.Context, c *gophercloud.ServiceClient, lbID int) (r ListResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, rootURL(c, lbID), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// Delete removes one virtual IP (202). A load balancer keeps at least one.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, lbID, vipID int) (r DeleteResult) {
	resp, err := c.Delete(ctx, resourceURL(c, lbID, vipID), &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

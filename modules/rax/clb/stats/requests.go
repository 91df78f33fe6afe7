package stats

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
)

// Get returns the statistics of load balancer lbID.
func Get(ctx context.Context, c *gophercloud.ServiceClient, lbID int) (r GetResult) {
	resp, err := c.Get(ctx, getURL(c, lbID), &r.Body, nil)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

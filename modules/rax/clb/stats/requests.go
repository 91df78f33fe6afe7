package stats

import (
	"context"
	"encoding/json"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
)

// Get returns the statistics of load balancer lbID.
func Get(ctx context.Context, c *gophercloud.ServiceClient, lbID int) (r GetResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, getURL(c, lbID), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

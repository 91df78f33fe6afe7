package metadata

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
)

// List returns the metadata of load balancer lbID.
func List(ctx context.Context, c *gophercloud.ServiceClient, lbID int) (r ListResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, rootURL(c, lbID), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// CreateOptsBuilder builds the body of Create.
type CreateOptsBuilder interface {
	ToMetadataCreateMap() (map[string]any, error)
}

// Item is one key/value pair to add.
type Item struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CreateOpts are the items to add, in order.
type CreateOpts []Item

// ToMetadataCreateMap builds {"metadata":[{"key","value"}...]}.
func (o CreateOpts) ToMetadataCreateMap() (map[string]any, error) {
	list := make([]any, len(o))
	for i, it := range o {
		list[i] = map[string]any{"key": it.Key, "value": it.Value}
	}
	return map[string]any{"metadata": list}, nil
}

// Create adds metadata items (POST; 200 or 202). The response body, if
// any, is not read.
func Create(ctx context.Context, c *gophercloud.ServiceClient, lbID int, opts CreateOptsBuilder) (r CreateResult) {
	b, err := opts.ToMetadataCreateMap()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Post(ctx, rootURL(c, lbID), b, nil, &gophercloud.RequestOpts{OkCodes: []int{200, 201, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// Delete removes the items with the given ids (DELETE ...?id=1&id=2). No ids
// sends nothing.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, lbID int, ids []int) (r DeleteResult) {
	if len(ids) == 0 {
		return
	}
	q := url.Values{}
	for _, id := range ids {
		q.Add("id", strconv.Itoa(id))
	}
	resp, err := c.Delete(ctx, rootURL(c, lbID)+"?"+q.Encode(), &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

package nodes

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
)

// Condition values of a node.
const (
	Enabled  = "ENABLED"
	Disabled = "DISABLED"
	Draining = "DRAINING"
)

// Type values of a node.
const (
	Primary   = "PRIMARY"
	Secondary = "SECONDARY"
)

// List returns the nodes of load balancer lbID.
func List(ctx context.Context, c *gophercloud.ServiceClient, lbID int) (r ListResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, rootURL(c, lbID), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// Get returns one node.
func Get(ctx context.Context, c *gophercloud.ServiceClient, lbID, nodeID int) (r GetResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, resourceURL(c, lbID, nodeID), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// CreateOptsBuilder builds the body of Create.
type CreateOptsBuilder interface {
	ToNodeCreateMap() (map[string]any, error)
}

// CreateOpts is one node to add. Its body is pyrax's Node.to_dict(): the
// keys address, port, condition, type and id are always sent (null when
// unset), and weight only when set (pyrax never sends it; goplay's
// rax_clb_nodes does not either).
type CreateOpts struct {
	Address   string
	Port      int
	Condition string // default ENABLED
	Type      string // "" sends null
	Weight    *int
}

// ToNodeMap returns the JSON object of the node.
func (o CreateOpts) ToNodeMap() (map[string]any, error) {
	if o.Address == "" || o.Port == 0 {
		return nil, errors.New("You must include an address and a port when creating a node.")
	}
	cond := o.Condition
	if cond == "" {
		cond = Enabled
	}
	m := map[string]any{"address": o.Address, "port": o.Port, "condition": cond, "type": nil, "id": nil}
	if o.Type != "" {
		m["type"] = o.Type
	}
	if o.Weight != nil {
		m["weight"] = *o.Weight
	}
	return m, nil
}

// CreateOptsList adds several nodes in one request.
type CreateOptsList []CreateOpts

// ToNodeCreateMap builds {"nodes":[...]}.
func (l CreateOptsList) ToNodeCreateMap() (map[string]any, error) {
	list := make([]any, 0, len(l))
	for _, o := range l {
		m, err := o.ToNodeMap()
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return map[string]any{"nodes": list}, nil
}

// ToNodeCreateMap builds {"nodes":[node]}.
func (o CreateOpts) ToNodeCreateMap() (map[string]any, error) {
	return CreateOptsList{o}.ToNodeCreateMap()
}

// Create adds nodes (POST, 202 with the new nodes in the body).
func Create(ctx context.Context, c *gophercloud.ServiceClient, lbID int, opts CreateOptsBuilder) (r CreateResult) {
	b, err := opts.ToNodeCreateMap()
	if err != nil {
		r.Err = err
		return
	}
	var raw json.RawMessage
	resp, err := c.Post(ctx, rootURL(c, lbID), b, &raw, &gophercloud.RequestOpts{OkCodes: []int{200, 202}})
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// UpdateOptsBuilder builds the body of Update.
type UpdateOptsBuilder interface {
	ToNodeUpdateMap() (map[string]any, error)
}

// UpdateOpts changes a node; only the set fields are sent, and at least one
// must be set.
type UpdateOpts struct {
	Condition string `json:"condition,omitempty"`
	Type      string `json:"type,omitempty"`
	Weight    *int   `json:"weight,omitempty"`
}

// ToNodeUpdateMap builds {"node":{...}}.
func (o UpdateOpts) ToNodeUpdateMap() (map[string]any, error) {
	if o.Condition == "" && o.Type == "" && o.Weight == nil {
		return nil, errors.New("nodes: UpdateOpts needs condition, type or weight")
	}
	return gophercloud.BuildRequestBody(o, "node")
}

// Update changes one node (PUT, 202 without a body; 200 is accepted too).
func Update(ctx context.Context, c *gophercloud.ServiceClient, lbID, nodeID int, opts UpdateOptsBuilder) (r UpdateResult) {
	b, err := opts.ToNodeUpdateMap()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Put(ctx, resourceURL(c, lbID, nodeID), b, nil, &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// Delete removes one node (202).
func Delete(ctx context.Context, c *gophercloud.ServiceClient, lbID, nodeID int) (r DeleteResult) {
	resp, err := c.Delete(ctx, resourceURL(c, lbID, nodeID), &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// BulkDelete removes up to 10 nodes in one request (DELETE ...?id=1&id=2).
func BulkDelete(ctx context.Context, c *gophercloud.ServiceClient, lbID int, nodeIDs []int) (r DeleteResult) {
	if len(nodeIDs) == 0 {
		return
	}
	q := url.Values{}
	for _, id := range nodeIDs {
		q.Add("id", strconv.Itoa(id))
	}
	resp, err := c.Delete(ctx, rootURL(c, lbID)+"?"+q.Encode(), &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

package loadbalancers

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/nodes"
)

// ListOptsBuilder builds the query of List.
type ListOptsBuilder interface {
	ToLoadBalancerListQuery() (string, error)
}

// ListOpts filters and pages List. Zero fields are not sent.
type ListOpts struct {
	// Marker is the id the page starts at (inclusive).
	Marker string `q:"marker"`
	// Limit is the page size (the API caps it at 100).
	Limit        int    `q:"limit"`
	Name         string `q:"name"`
	NodeAddress  string `q:"nodeaddress"`
	Status       string `q:"status"`
	ChangesSince string `q:"changes-since"`
}

// ToLoadBalancerListQuery formats the query string.
func (o ListOpts) ToLoadBalancerListQuery() (string, error) {
	q, err := gophercloud.BuildQueryString(o)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}

// List returns one page of load balancers. opts may be nil: pyrax's first
// request has no query at all.
func List(ctx context.Context, c *gophercloud.ServiceClient, opts ListOptsBuilder) (r ListResult) {
	u := rootURL(c)
	if opts != nil {
		q, err := opts.ToLoadBalancerListQuery()
		if err != nil {
			r.Err = err
			return
		}
		u += q
	}
	var raw json.RawMessage
	resp, err := c.Get(ctx, u, &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// Get returns the details of one load balancer.
func Get(ctx context.Context, c *gophercloud.ServiceClient, id int) (r GetResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, resourceURL(c, id), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// CreateOptsBuilder builds the body of Create.
type CreateOptsBuilder interface {
	ToLoadBalancerCreateMap() (map[string]any, error)
}

// VirtualIPOpts is a virtual IP of a new load balancer: either the ID of an
// existing VIP to share, or a Type (PUBLIC, SERVICENET) and IPVersion (IPV4,
// IPV6; empty means both for PUBLIC).
type VirtualIPOpts struct {
	ID        string
	Type      string
	IPVersion string
}

func (v VirtualIPOpts) toMap() map[string]any {
	if v.ID != "" {
		if n, err := strconv.Atoi(v.ID); err == nil {
			return map[string]any{"id": n}
		}
		return map[string]any{"id": v.ID}
	}
	m := map[string]any{"type": v.Type}
	if v.IPVersion != "" {
		m["ipVersion"] = v.IPVersion
	}
	return m
}

// Meta is one metadata item.
type Meta struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CreateOpts is a new load balancer. The body has pyrax's _create_body
// shape: every optional key is present, with JSON null when unset.
type CreateOpts struct {
	Name       string
	Port       int
	Protocol   string
	Nodes      []nodes.CreateOpts
	VirtualIPs []VirtualIPOpts
	Algorithm  string
	Timeout    int
	Metadata   []Meta
	// The rest are sent as given (nil sends null).
	HalfClosed         *bool
	AccessList         []map[string]any
	ConnectionLogging  map[string]any
	ConnectionThrottle map[string]any
	HealthMonitor      map[string]any
	SessionPersistence map[string]any
	HTTPSRedirect      *bool
}

// ToLoadBalancerCreateMap builds {"loadBalancer":{...}}.
func (o CreateOpts) ToLoadBalancerCreateMap() (map[string]any, error) {
	if o.Name == "" {
		return nil, gophercloud.ErrMissingInput{Argument: "Name"}
	}
	if o.Protocol == "" {
		return nil, gophercloud.ErrMissingInput{Argument: "Protocol"}
	}
	if len(o.VirtualIPs) == 0 {
		return nil, gophercloud.ErrMissingInput{Argument: "VirtualIPs"}
	}
	ns := make([]any, 0, len(o.Nodes))
	for _, n := range o.Nodes {
		m, err := n.ToNodeMap()
		if err != nil {
			return nil, err
		}
		ns = append(ns, m)
	}
	vips := make([]any, 0, len(o.VirtualIPs))
	for _, v := range o.VirtualIPs {
		vips = append(vips, v.toMap())
	}
	md := make([]any, 0, len(o.Metadata))
	for _, m := range o.Metadata {
		md = append(md, map[string]any{"key": m.Key, "value": m.Value})
	}
	lb := map[string]any{
		"name":               o.Name,
		"port":               nilIfZero(o.Port),
		"protocol":           o.Protocol,
		"nodes":              ns,
		"virtualIps":         vips,
		"algorithm":          nilIfEmpty(o.Algorithm),
		"halfClosed":         nilIfNilBool(o.HalfClosed),
		"accessList":         nilIfNilList(o.AccessList),
		"connectionLogging":  nilIfNilMap(o.ConnectionLogging),
		"connectionThrottle": nilIfNilMap(o.ConnectionThrottle),
		"healthMonitor":      nilIfNilMap(o.HealthMonitor),
		"metadata":           md,
		"timeout":            nilIfZero(o.Timeout),
		"sessionPersistence": nilIfNilMap(o.SessionPersistence),
		"httpsRedirect":      nilIfNilBool(o.HTTPSRedirect),
	}
	return map[string]any{"loadBalancer": lb}, nil
}

func nilIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nilIfNilBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func nilIfNilMap(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

func nilIfNilList(l []map[string]any) any {
	if l == nil {
		return nil
	}
	return l
}

// Create creates a load balancer (202 with the new load balancer, status
// BUILD, in the body).
func Create(ctx context.Context, c *gophercloud.ServiceClient, opts CreateOptsBuilder) (r CreateResult) {
	b, err := opts.ToLoadBalancerCreateMap()
	if err != nil {
		r.Err = err
		return
	}
	var raw json.RawMessage
	resp, err := c.Post(ctx, rootURL(c), b, &raw, &gophercloud.RequestOpts{OkCodes: []int{200, 202}})
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// UpdateOptsBuilder builds the body of Update.
type UpdateOptsBuilder interface {
	ToLoadBalancerUpdateMap() (map[string]any, error)
}

// UpdateOpts changes a load balancer's attributes; nil fields are not sent.
type UpdateOpts struct {
	Name          *string `json:"name,omitempty"`
	Algorithm     *string `json:"algorithm,omitempty"`
	Port          *int    `json:"port,omitempty"`
	Protocol      *string `json:"protocol,omitempty"`
	Timeout       *int    `json:"timeout,omitempty"`
	HalfClosed    *bool   `json:"halfClosed,omitempty"`
	HTTPSRedirect *bool   `json:"httpsRedirect,omitempty"`
}

// ToLoadBalancerUpdateMap builds {"loadBalancer":{...}}.
func (o UpdateOpts) ToLoadBalancerUpdateMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(o, "loadBalancer")
}

// Update changes a load balancer (202 without a body).
func Update(ctx context.Context, c *gophercloud.ServiceClient, id int, opts UpdateOptsBuilder) (r UpdateResult) {
	b, err := opts.ToLoadBalancerUpdateMap()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Put(ctx, resourceURL(c, id), b, nil, &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// Delete deletes a load balancer (202).
func Delete(ctx context.Context, c *gophercloud.ServiceClient, id int) (r DeleteResult) {
	resp, err := c.Delete(ctx, resourceURL(c, id), &gophercloud.RequestOpts{OkCodes: []int{200, 202, 204}})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// GetConnectionLogging reads /loadbalancers/{id}/connectionlogging.
func GetConnectionLogging(ctx context.Context, c *gophercloud.ServiceClient, id int) (r ConnectionLoggingResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, subURL(c, id, "connectionlogging"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// GetContentCaching reads /loadbalancers/{id}/contentcaching.
func GetContentCaching(ctx context.Context, c *gophercloud.ServiceClient, id int) (r ContentCachingResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, subURL(c, id, "contentcaching"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// GetSessionPersistence reads /loadbalancers/{id}/sessionpersistence.
func GetSessionPersistence(ctx context.Context, c *gophercloud.ServiceClient, id int) (r SessionPersistenceResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, subURL(c, id, "sessionpersistence"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// ListProtocols reads /loadbalancers/protocols.
func ListProtocols(ctx context.Context, c *gophercloud.ServiceClient) (r ProtocolsResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, c.ServiceURL("loadbalancers", "protocols"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// ListAlgorithms reads /loadbalancers/algorithms.
func ListAlgorithms(ctx context.Context, c *gophercloud.ServiceClient) (r AlgorithmsResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, c.ServiceURL("loadbalancers", "algorithms"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// GetAbsoluteLimits reads /loadbalancers/absolutelimits.
func GetAbsoluteLimits(ctx context.Context, c *gophercloud.ServiceClient) (r AbsoluteLimitsResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, c.ServiceURL("loadbalancers", "absolutelimits"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

// GetLimits reads /limits (rate and absolute limits, as the API sends them).
func GetLimits(ctx context.Context, c *gophercloud.ServiceClient) (r LimitsResult) {
	var raw json.RawMessage
	resp, err := c.Get(ctx, c.ServiceURL("limits"), &raw, nil)
	r.Body = clb.Body(raw)
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, clb.ParseError(err))
	return
}

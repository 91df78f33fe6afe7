package rax

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/loadbalancers"
	"github.com/goplay/goplay/modules/rax/clb/metadata"
	"github.com/goplay/goplay/modules/rax/identity"
)

func init() {
	modules.Register(modules.Info{
		Name:    "rax_clb",
		Aliases: []string{"community.general.rax_clb"},
		New:     func() modules.Module { return new(CLB) },
		Local:   true,
		Short:   "Create / delete a load balancer in Rackspace Public Cloud",
	})
}

// CLB is the rax_clb module: it ensures a Cloud Load Balancer named Name
// exists (creating it, or updating name, algorithm, port, protocol, timeout
// and metadata) or is absent, and returns the balancer as Ansible did.
type CLB struct {
	Algorithm        string         `arg:"algorithm" default:"LEAST_CONNECTIONS" choices:"RANDOM,LEAST_CONNECTIONS,ROUND_ROBIN,WEIGHTED_LEAST_CONNECTIONS,WEIGHTED_ROUND_ROBIN" doc:"Algorithm for the balancer being created (also enforced on an existing one)."`
	Meta             map[string]any `arg:"meta" doc:"A hash of metadata to associate with the balancer."`
	Name             string         `arg:"name,required" doc:"Name of the load balancer (matched against existing names)."`
	Port             int            `arg:"port" default:"80" doc:"Port for the balancer."`
	Protocol         string         `arg:"protocol" default:"HTTP" choices:"DNS_TCP,DNS_UDP,FTP,HTTP,HTTPS,IMAPS,IMAPv4,LDAP,LDAPS,MYSQL,POP3,POP3S,SMTP,TCP,TCP_CLIENT_FIRST,UDP,UDP_STREAM,SFTP" doc:"Protocol for the balancer."`
	State            string         `arg:"state" default:"present" choices:"present,absent" doc:"Desired state of the balancer."`
	Timeout          int            `arg:"timeout" default:"30" doc:"Timeout for communication between the balancer and the node (at least 30)."`
	Type             string         `arg:"type" default:"PUBLIC" choices:"PUBLIC,SERVICENET" doc:"Type of the virtual IP of a new balancer."`
	VipID            string         `arg:"vip_id" doc:"Virtual IP ID to share when creating the balancer."`
	Wait             bool           `arg:"wait" default:"false" doc:"Wait for the balancer to be ACTIVE (or deleted) before returning."`
	WaitTimeout      int            `arg:"wait_timeout" default:"300" doc:"How long to wait, in seconds (polled every 5 s)."`
	RetryOnImmutable bool           `arg:"retry_on_immutable" default:"true" doc:"goplay: when a change gets 422 'considered immutable', wait for ACTIVE and retry within wait_timeout."`

	APIKey        string `arg:"api_key" aliases:"password" doc:"Rackspace API key (overrides credentials)."`
	AuthEndpoint  string `arg:"auth_endpoint" doc:"The identity endpoint (default https://identity.api.rackspacecloud.com/v2.0/)."`
	Credentials   string `arg:"credentials" aliases:"creds_file" doc:"File with [rackspace_cloud] username and api_key."`
	Env           string `arg:"env" doc:"Environment (section) of ~/.pyrax.cfg."`
	IdentityType  string `arg:"identity_type" default:"rackspace" doc:"rackspace or keystone."`
	Region        string `arg:"region" doc:"Region (default RAX_REGION, CLOUD_REGION, ~/.pyrax.cfg, else the account's default region)."`
	TenantID      string `arg:"tenant_id" doc:"Tenant ID to authenticate for."`
	TenantName    string `arg:"tenant_name" doc:"Tenant name to authenticate for."`
	Username      string `arg:"username" doc:"Rackspace username (overrides credentials)."`
	ValidateCerts *bool  `arg:"validate_certs" aliases:"verify_ssl" doc:"Verify TLS certificates."`

	hooks
}

// Validate applies required_together (api_key with username).
func (m *CLB) Validate() error { return requiredTogether(m.APIKey, m.Username) }

func requiredTogether(apiKey, username string) error {
	if (apiKey == "") != (username == "") {
		return &modules.ArgError{Msg: "parameters are required together: api_key, username"}
	}
	return nil
}

func (m *CLB) params() identity.Params {
	return identity.Params{
		APIKey: m.APIKey, AuthEndpoint: m.AuthEndpoint, Credentials: m.Credentials, Env: m.Env,
		IdentityType: m.IdentityType, Region: m.Region, TenantID: m.TenantID, TenantName: m.TenantName,
		Username: m.Username, ValidateCerts: m.ValidateCerts,
	}
}

// buildStatuses are pyrax wait_for_build's desired statuses.
var buildStatuses = map[string]bool{"ACTIVE": true, "ERROR": true, "available": true, "COMPLETED": true}

// Run implements modules.Module.
func (m *CLB) Run(ctx context.Context, req *modules.Request) (res *modules.Result, err error) {
	if req == nil {
		req = &modules.Request{}
	}
	s, req, fail := connect(ctx, req, &m.hooks, m.params())
	defer func() { scrub(res, s.secretsNow()) }()
	if fail != nil {
		return fail, nil
	}
	if m.Timeout < 30 {
		return modules.Failf(`"timeout" must be greater than or equal to 30`), nil
	}
	c := s.client
	if c == nil {
		return modules.Failf("%s", msgNoClient), nil
	}

	// The list walk of rax_clb: GET /loadbalancers, then, while the list is
	// not empty, pop the last one and ask for the page starting at it (the
	// marker is inclusive); stop after a page of fewer than 2.
	list, err := loadbalancers.List(ctx, c, nil).ExtractRaw()
	if err != nil {
		return modules.Failf("%s", errMsg(err)), nil
	}
	for len(list) > 0 {
		last := list[len(list)-1]
		list = list[:len(list)-1]
		page, err := loadbalancers.List(ctx, c, loadbalancers.ListOpts{Marker: fmt.Sprint(last["id"])}).ExtractRaw()
		if err != nil {
			return modules.Failf("%s", errMsg(err)), nil
		}
		list = append(list, page...)
		if len(page) < 2 {
			break
		}
	}
	var matches []map[string]any
	for _, lb := range list {
		if strOf(lb["name"]) == m.Name {
			matches = append(matches, lb)
		}
	}
	if len(matches) > 1 {
		return modules.Failf("Multiple Load Balancers were matched by name, try using the Load Balancer ID instead"), nil
	}

	deadline := time.Now().Add(time.Duration(m.WaitTimeout) * time.Second)
	if m.State == "absent" {
		return m.absent(ctx, req, c, matches, deadline), nil
	}
	return m.present(ctx, req, c, matches, deadline), nil
}

// desiredMeta is the module's metadata list, [{key, value}] in the task's
// key order (meta.items()).
func (m *CLB) desiredMeta() []metadata.Item {
	keys := pyfmt.KeyOrder(m.Meta)
	items := make([]metadata.Item, len(keys))
	for i, k := range keys {
		items[i] = metadata.Item{Key: k, Value: modules.ToString(m.Meta[k])}
	}
	return items
}

func (m *CLB) present(ctx context.Context, req *modules.Request, c clbClient, matches []map[string]any, deadline time.Time) *modules.Result {
	changed := false
	var attrs map[string]any
	desired := m.desiredMeta()

	if len(matches) == 0 {
		vip := loadbalancers.VirtualIPOpts{Type: m.Type, IPVersion: "IPV4"}
		if m.VipID != "" {
			vip = loadbalancers.VirtualIPOpts{ID: m.VipID}
		}
		md := make([]loadbalancers.Meta, len(desired))
		for i, it := range desired {
			md[i] = loadbalancers.Meta{Key: it.Key, Value: it.Value}
		}
		raw, err := loadbalancers.Create(ctx, c, loadbalancers.CreateOpts{
			Name: m.Name, Port: m.Port, Protocol: m.Protocol, Nodes: nil,
			VirtualIPs: []loadbalancers.VirtualIPOpts{vip}, Algorithm: m.Algorithm,
			Timeout: m.Timeout, Metadata: md,
		}).ExtractRaw()
		if err != nil {
			return modules.Failf("%s", errMsg(err))
		}
		attrs = mergeAttrs(nil, raw)
		changed = true
	} else {
		attrs = mergeAttrs(nil, matches[0])
		id, _ := intOf(attrs["id"])
		current, err := metadata.List(ctx, c, id).Extract()
		if err != nil {
			return modules.Failf("%s", errMsg(err))
		}
		mdList := make([]any, len(current))
		for i, it := range current {
			mdList[i] = map[string]any{"key": it.Key, "value": it.Value}
		}
		attrs["metadata"] = mdList

		// Attributes the list did not return are read with a GET, as
		// pyrax's lazy __getattr__ does.
		for _, k := range []string{"name", "algorithm", "port", "protocol", "timeout"} {
			if _, ok := attrs[k]; !ok {
				raw, err := loadbalancers.Get(ctx, c, id).ExtractRaw()
				if err != nil {
					return modules.Failf("%s", errMsg(err))
				}
				mergeAttrs(attrs, raw)
				break
			}
		}
		port, _ := intOf(attrs["port"])
		timeout, _ := intOf(attrs["timeout"])
		if strOf(attrs["name"]) != m.Name || strOf(attrs["algorithm"]) != m.Algorithm || port != m.Port ||
			strOf(attrs["protocol"]) != m.Protocol || timeout != m.Timeout {
			changed = true
		}
		if changed {
			opts := loadbalancers.UpdateOpts{Name: &m.Name, Algorithm: &m.Algorithm, Port: &m.Port, Protocol: &m.Protocol, Timeout: &m.Timeout}
			err := retryImmutable(ctx, req, &m.hooks, c, id, m.RetryOnImmutable, deadline, func() error {
				return loadbalancers.Update(ctx, c, id, opts).ExtractErr()
			})
			if err != nil {
				return modules.Failf("%s", errMsg(err))
			}
		}
		if !sameMeta(current, desired) {
			if err := m.setMeta(ctx, req, c, id, desired, deadline); err != nil {
				return modules.Failf("%s", errMsg(err))
			}
			changed = true
		}
		types := map[string]bool{}
		if vips, ok := attrs["virtualIps"].([]any); ok {
			for _, v := range vips {
				if vm, ok := v.(map[string]any); ok {
					types[fmt.Sprint(vm["type"])] = true
				}
			}
		}
		if len(types) != 1 || !types[m.Type] {
			return modules.Failf("Load balancer Virtual IP type cannot be changed")
		}
	}

	id, _ := intOf(attrs["id"])
	if m.Wait {
		attempts := m.WaitTimeout / 5
		for i := 0; attempts == 0 || i < attempts; i++ {
			lb, err := loadbalancers.Get(ctx, c, id).Extract()
			if err != nil {
				return modules.Failf("%s", errMsg(err))
			}
			if buildStatuses[lb.Status] {
				break
			}
			req.Logf("rax_clb: load balancer %d is %s, waiting", id, lb.Status)
			if err := m.wait(ctx, m.build()); err != nil {
				return modules.Failf("%s", err)
			}
		}
	}

	raw, err := loadbalancers.Get(ctx, c, id).ExtractRaw()
	if err != nil {
		return modules.Failf("%s", errMsg(err))
	}
	mergeAttrs(attrs, raw)
	x, err := extras(ctx, c, id)
	if err != nil {
		return modules.Failf("%s", errMsg(err))
	}
	x.loaded = true
	res := &modules.Result{Changed: changed, Data: map[string]any{"balancer": balancerDict(attrs, x)}}
	status := strOf(attrs["status"])
	switch {
	case status == loadbalancers.StatusError:
		res.Failed, res.Msg = true, fmt.Sprintf("%v failed to build", attrs["id"])
	case m.Wait && status != loadbalancers.StatusActive:
		res.Failed, res.Msg = true, fmt.Sprintf("Timeout waiting on %v", attrs["id"])
	}
	return res
}

// sameMeta compares the stored metadata with the wanted items. goplay
// compares them as key/value sets: a task's meta dict has no order in Go,
// where pyrax compared two lists in order.
func sameMeta(current []metadata.Metadatum, desired []metadata.Item) bool {
	if len(current) != len(desired) {
		return false
	}
	want := map[string]string{}
	for _, it := range desired {
		want[it.Key] = it.Value
	}
	for _, it := range current {
		v, ok := want[it.Key]
		if !ok || v != it.Value {
			return false
		}
	}
	return true
}

// setMeta is pyrax's set_metadata: read the metadata, delete every item,
// then add the wanted ones.
func (m *CLB) setMeta(ctx context.Context, req *modules.Request, c clbClient, id int, desired []metadata.Item, deadline time.Time) error {
	current, err := metadata.List(ctx, c, id).Extract()
	if err != nil {
		return err
	}
	ids := make([]int, len(current))
	for i, it := range current {
		ids[i] = it.ID
	}
	if len(ids) > 0 {
		err = retryImmutable(ctx, req, &m.hooks, c, id, m.RetryOnImmutable, deadline, func() error {
			return metadata.Delete(ctx, c, id, ids).ExtractErr()
		})
		if err != nil {
			return err
		}
	}
	if len(desired) == 0 {
		return nil
	}
	return retryImmutable(ctx, req, &m.hooks, c, id, m.RetryOnImmutable, deadline, func() error {
		return metadata.Create(ctx, c, id, metadata.CreateOpts(desired)).ExtractErr()
	})
}

// extras makes the three GETs of pyrax's connection_logging,
// content_caching and session_persistence properties, in dir() order.
func extras(ctx context.Context, c clbClient, id int) (lbExtras, error) {
	var x lbExtras
	var err error
	if x.connectionLogging, err = loadbalancers.GetConnectionLogging(ctx, c, id).Extract(); err != nil {
		return x, err
	}
	if x.contentCaching, err = loadbalancers.GetContentCaching(ctx, c, id).Extract(); err != nil {
		return x, err
	}
	if x.sessionPersistence, err = loadbalancers.GetSessionPersistence(ctx, c, id).Extract(); err != nil {
		return x, err
	}
	return x, nil
}

func (m *CLB) absent(ctx context.Context, req *modules.Request, c clbClient, matches []map[string]any, deadline time.Time) *modules.Result {
	if len(matches) == 0 {
		return &modules.Result{Data: map[string]any{"balancer": map[string]any{}}}
	}
	attrs := mergeAttrs(nil, matches[0])
	id, _ := intOf(attrs["id"])
	err := retryImmutable(ctx, req, &m.hooks, c, id, m.RetryOnImmutable, deadline, func() error {
		return loadbalancers.Delete(ctx, c, id).ExtractErr()
	})
	if err != nil {
		return modules.Failf("%s", errMsg(err))
	}
	// The dict is built from the listed (not loaded) balancer, after the
	// delete; the extra GETs may fail on a vanishing balancer, which pyrax
	// would not survive either: goplay reports the defaults.
	x, err := extras(ctx, c, id)
	if err != nil {
		req.Logf("rax_clb: reading load balancer %d after delete: %s", id, errMsg(err))
	}
	x.loaded = false
	inst := balancerDict(attrs, x)
	if m.Wait {
		attempts := m.WaitTimeout / 5
		for i := 0; attempts == 0 || i < attempts; i++ {
			lb, err := loadbalancers.Get(ctx, c, id).Extract()
			if clb.IsNotFound(err) || (err == nil && lb.Status == loadbalancers.StatusDeleted) {
				break
			}
			if err != nil {
				req.Logf("rax_clb: polling load balancer %d: %s", id, errMsg(err))
				break
			}
			if err := m.wait(ctx, m.build()); err != nil {
				break
			}
		}
	}
	return &modules.Result{Changed: true, Data: map[string]any{"balancer": inst}}
}

// idString formats a load balancer id for messages.
func idString(v any) string {
	if n, ok := intOf(v); ok {
		return strconv.Itoa(n)
	}
	return fmt.Sprint(v)
}

var _ modules.Validator = (*CLB)(nil)

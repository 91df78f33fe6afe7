package rax

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/loadbalancers"
	"github.com/goplay/goplay/modules/rax/clb/nodes"
	"github.com/goplay/goplay/modules/rax/identity"
)

func init() {
	modules.Register(modules.Info{
		Name:    "rax_clb_nodes",
		Aliases: []string{"community.general.rax_clb_nodes"},
		New:     func() modules.Module { return new(CLBNodes) },
		Local:   true,
		Short:   "Add, modify and remove nodes from a Rackspace Cloud Load Balancer",
	})
}

// CLBNodes is the rax_clb_nodes module: it adds, updates (condition, type,
// weight) or removes one node of a Cloud Load Balancer.
type CLBNodes struct {
	Address          *string `arg:"address" doc:"IP address or domain name of the node."`
	Condition        *string `arg:"condition" choices:"enabled,disabled,draining" doc:"Condition of the node."`
	LoadBalancerID   int     `arg:"load_balancer_id,required" doc:"Load balancer id."`
	NodeID           *int    `arg:"node_id" doc:"Node id."`
	Port             *int    `arg:"port" doc:"Port of the load balanced service on the node."`
	State            string  `arg:"state" default:"present" choices:"present,absent" doc:"Desired state of the node."`
	Type             *string `arg:"type" choices:"primary,secondary" doc:"Type of node."`
	Virtualenv       *string `arg:"virtualenv" doc:"Accepted for compatibility; goplay needs no Python virtualenv."`
	Wait             bool    `arg:"wait" default:"false" doc:"Wait for the load balancer to become ACTIVE after a change."`
	WaitTimeout      int     `arg:"wait_timeout" default:"30" doc:"How many one-second polls to wait."`
	Weight           *int    `arg:"weight" doc:"Weight of node."`
	RetryOnImmutable bool    `arg:"retry_on_immutable" default:"true" doc:"goplay: when a change gets 422 'considered immutable' (another task is changing the balancer), wait for ACTIVE and retry within wait_timeout."`

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
func (m *CLBNodes) Validate() error { return requiredTogether(m.APIKey, m.Username) }

func (m *CLBNodes) params() identity.Params {
	return identity.Params{
		APIKey: m.APIKey, AuthEndpoint: m.AuthEndpoint, Credentials: m.Credentials, Env: m.Env,
		IdentityType: m.IdentityType, Region: m.Region, TenantID: m.TenantID, TenantName: m.TenantName,
		Username: m.Username, ValidateCerts: m.ValidateCerts,
	}
}

func upper(p *string) string {
	if p == nil {
		return ""
	}
	return strings.ToUpper(*p)
}

// findNode is _get_node: the first node where every given field matches.
func findNode(lb map[string]any, nodeID *int, address *string, port *int) map[string]any {
	list, _ := lb["nodes"].([]any)
	for _, e := range list {
		n, ok := e.(map[string]any)
		if !ok {
			continue
		}
		given, all := 0, true
		if nodeID != nil {
			given++
			id, _ := intOf(n["id"])
			all = all && id == *nodeID
		}
		if address != nil {
			given++
			all = all && strOf(n["address"]) == *address
		}
		if port != nil {
			given++
			p, _ := intOf(n["port"])
			all = all && p == *port
		}
		if given > 0 && all {
			return n
		}
	}
	return nil
}

// Run implements modules.Module.
func (m *CLBNodes) Run(ctx context.Context, req *modules.Request) (res *modules.Result, err error) {
	if req == nil {
		req = &modules.Request{}
	}
	waitTimeout := m.WaitTimeout
	if waitTimeout == 0 {
		waitTimeout = 1
	}
	if m.Virtualenv != nil && *m.Virtualenv != "" {
		p := filepath.Join(*m.Virtualenv, "bin", "activate_this.py")
		if _, err := os.Stat(p); err != nil {
			return modules.Failf("Failed to activate virtualenv %s ([Errno 2] No such file or directory: '%s')", *m.Virtualenv, p), nil
		}
	}
	s, req, fail := connect(ctx, req, &m.hooks, m.params())
	defer func() { scrub(res, s.secretsNow()) }()
	if fail != nil {
		return fail, nil
	}
	c := s.client
	if c == nil {
		return modules.Failf("%s", msgNoClient), nil
	}
	lbID := m.LoadBalancerID
	deadline := time.Now().Add(time.Duration(waitTimeout) * time.Second)

	lb, err := loadbalancers.Get(ctx, c, lbID).ExtractRaw()
	if err != nil {
		return modules.Failf("%s", errMsg(err)), nil
	}
	node := findNode(lb, m.NodeID, m.Address, m.Port)
	result := map[string]any{}
	if node != nil {
		result = nodeDict(node)
	}

	if m.State == "absent" {
		if node == nil {
			return &modules.Result{Data: map[string]any{"state": m.State}}, nil
		}
		nodeID, _ := intOf(node["id"])
		err := retryImmutable(ctx, req, &m.hooks, c, lbID, m.RetryOnImmutable, deadline, func() error {
			return nodes.Delete(ctx, c, lbID, nodeID).ExtractErr()
		})
		if clb.IsNotFound(err) {
			return &modules.Result{Data: map[string]any{"state": m.State}}, nil
		}
		if err != nil {
			return modules.Failf("%s", errMsg(err)), nil
		}
		result = map[string]any{}
	} else if node == nil {
		if m.NodeID != nil && *m.NodeID != 0 {
			msg := fmt.Sprintf("Node %d not found", *m.NodeID)
			if list, _ := lb["nodes"].([]any); len(list) > 0 {
				ids := make([]string, 0, len(list))
				for _, e := range list {
					if n, ok := e.(map[string]any); ok {
						ids = append(ids, idString(n["id"]))
					}
				}
				msg += " (available nodes: " + strings.Join(ids, ", ") + ")"
			}
			return modules.Failf("%s", msg), nil
		}
		opts := nodes.CreateOpts{Condition: upper(m.Condition), Type: upper(m.Type)}
		if m.Address != nil {
			opts.Address = *m.Address
		}
		if m.Port != nil {
			opts.Port = *m.Port
		}
		var added []map[string]any
		err := retryImmutable(ctx, req, &m.hooks, c, lbID, m.RetryOnImmutable, deadline, func() error {
			var err error
			added, err = nodes.Create(ctx, c, lbID, opts).ExtractRaw()
			return err
		})
		if err != nil {
			return modules.Failf("%s", errMsg(err)), nil
		}
		if len(added) > 0 {
			// result was {} (no node matched): it becomes the raw API
			// node, in the API's key order (status included).
			result = copyOrdered(added[0])
		}
	} else {
		diff := m.diff(node)
		if len(diff) == 0 {
			return &modules.Result{Data: map[string]any{"state": m.State, "node": result}}, nil
		}
		nodeID, _ := intOf(node["id"])
		tries := 0
		err := retryImmutable(ctx, req, &m.hooks, c, lbID, m.RetryOnImmutable, deadline, func() error {
			d := diff
			if tries++; tries > 1 {
				// Someone else changed the balancer meanwhile: look again.
				fresh, err := loadbalancers.Get(ctx, c, lbID).ExtractRaw()
				if err != nil {
					return err
				}
				n := findNode(fresh, m.NodeID, m.Address, m.Port)
				if n == nil {
					return fmt.Errorf("Node %d not found", nodeID)
				}
				if d = m.diff(n); len(d) == 0 {
					return nil
				}
			}
			return nodes.Update(ctx, c, lbID, nodeID, updateOpts(d)).ExtractErr()
		})
		if err != nil {
			return modules.Failf("%s", errMsg(err)), nil
		}
		for k, v := range diff {
			result[k] = v
		}
	}

	if m.Wait {
		status := strOf(lb["status"])
		for i := 0; i < waitTimeout; i++ {
			cur, err := loadbalancers.Get(ctx, c, lbID).Extract()
			if err != nil {
				return modules.Failf("%s", errMsg(err)), nil
			}
			status = cur.Status
			if status == loadbalancers.StatusActive {
				break
			}
			if err := m.wait(ctx, m.poll()); err != nil {
				break
			}
		}
		if status != loadbalancers.StatusActive {
			return modules.Failf("Load balancer not active after %ds (current status: %s)", waitTimeout, strings.ToLower(status)), nil
		}
	}

	data := map[string]any{"state": m.State}
	if len(result) > 0 {
		data["node"] = result
	}
	return &modules.Result{Changed: true, Data: data}, nil
}

// diff is the module's "mutable" dict: condition, type and weight that are
// given and differ from the node.
func (m *CLBNodes) diff(node map[string]any) map[string]any {
	cur := nodeDict(node)
	d := map[string]any{}
	if c := upper(m.Condition); c != "" && c != cur["condition"] {
		d["condition"] = c
	}
	if t := upper(m.Type); t != "" && t != cur["type"] {
		d["type"] = t
	}
	if m.Weight != nil {
		if w, _ := intOf(cur["weight"]); w != *m.Weight {
			d["weight"] = *m.Weight
		}
	}
	return d
}

func updateOpts(d map[string]any) nodes.UpdateOpts {
	var o nodes.UpdateOpts
	if v, ok := d["condition"].(string); ok {
		o.Condition = v
	}
	if v, ok := d["type"].(string); ok {
		o.Type = v
	}
	if v, ok := d["weight"].(int); ok {
		o.Weight = &v
	}
	return o
}

var _ modules.Validator = (*CLBNodes)(nil)

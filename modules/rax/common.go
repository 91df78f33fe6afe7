package rax

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/loadbalancers"
	"github.com/goplay/goplay/modules/rax/identity"
)

// msgNoClient is setup's failure when the catalog has no CLB endpoint for
// the region.
const msgNoClient = "Failed to instantiate client. This typically indicates an invalid region or an incorrectly capitalized region name."

// hooks are the injectable parts of a module run (tests replace them).
type hooks struct {
	env        identity.LookupEnv
	home       string
	homeSet    bool
	httpClient *http.Client
	// sleep waits between polls; nil uses clb.Sleep.
	sleep func(ctx context.Context, d time.Duration) error
	// buildInterval is rax_clb's poll interval (pyrax: 5s).
	buildInterval time.Duration
	// pollInterval is rax_clb_nodes' poll interval (pyrax: 1s) and the
	// interval of the immutable-retry wait.
	pollInterval time.Duration
	retry        clb.RetryPolicy
}

func (h *hooks) lookupEnv() identity.LookupEnv {
	if h.env != nil {
		return h.env
	}
	return identity.OSEnv
}

func (h *hooks) homeDir() string {
	if h.homeSet {
		return h.home
	}
	if v, ok := h.lookupEnv()("HOME"); ok && v != "" {
		return v
	}
	d, _ := os.UserHomeDir()
	return d
}

func (h *hooks) wait(ctx context.Context, d time.Duration) error {
	if h.sleep != nil {
		return h.sleep(ctx, d)
	}
	return clb.Sleep(ctx, d)
}

func (h *hooks) build() time.Duration {
	if h.buildInterval > 0 {
		return h.buildInterval
	}
	return 5 * time.Second
}

func (h *hooks) poll() time.Duration {
	if h.pollInterval > 0 {
		return h.pollInterval
	}
	return time.Second
}

// session is an authenticated CLB client and the secrets to keep out of the
// output.
type session struct {
	client  *gophercloud.ServiceClient
	region  string
	secrets []string
}

// secretsNow returns the secrets, including the current token (which
// changes on re-authentication).
func (s *session) secretsNow() []string {
	out := append([]string(nil), s.secrets...)
	if s.client != nil {
		if t := s.client.Token(); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// connect is setup_rax_module plus the client check: it resolves the
// settings, authenticates, checks the region and returns the CLB client. A
// non-nil *modules.Result is the failure to return.
//
// The returned request is req with a Log that removes the secrets (API key,
// password, current token) from every line; the module logs through it.
func connect(ctx context.Context, req *modules.Request, h *hooks, p identity.Params) (*session, *modules.Request, *modules.Result) {
	s := &session{}
	for _, v := range []string{p.APIKey} {
		if v != "" {
			s.secrets = append(s.secrets, v)
		}
	}
	req = s.scrubbedRequest(req)
	res, err := identity.Resolve(p, h.lookupEnv(), h.homeDir())
	if err != nil {
		return s, req, &modules.Result{Failed: true, Msg: err.Error()}
	}
	for _, v := range []string{res.Config.APIKey, res.Config.Password} {
		if v != "" {
			s.secrets = append(s.secrets, v)
		}
	}
	cfg := res.Config
	cfg.UserAgent = "goplay"
	cfg.HTTPClient = h.httpClient
	rp := h.retry
	if rp.Logf == nil && req != nil {
		rp.Logf = req.Logf
	}
	cfg.RetryFunc = rp.Func()
	irp := rp
	irp.AllMethods = true
	cfg.IdentityRetryFunc = irp.Func()
	if res.Sandbox {
		if res.Placeholder {
			req.Logf("rax: sandbox mode (%s): no usable credentials, using the sandbox's placeholder credentials", identity.SandboxEnv)
		} else {
			req.Logf("rax: sandbox mode (%s)", identity.SandboxEnv)
		}
	}
	req.Logf("rax: authenticating to %s as %s", cfg.Endpoint, cfg.Username)
	sess, err := identity.Authenticate(ctx, cfg)
	if err != nil {
		return s, req, &modules.Result{Failed: true, Msg: err.Error()}
	}
	region := res.Region
	if region != "" {
		if !sess.HasRegion(region) {
			return s, req, &modules.Result{Failed: true, Msg: fmt.Sprintf("%s is not a valid region, must be one of: %s",
				region, strings.Join(sess.Regions(), ","))}
		}
	} else {
		region = sess.DefaultRegion
		if region == "" {
			region = sess.FirstRegion()
		}
		if req != nil && req.Warn != nil {
			req.Warn(fmt.Sprintf("No region was given (region, RAX_REGION, CLOUD_REGION or ~/.pyrax.cfg); "+
				"using the account's default region %s", region))
		}
	}
	url, err := sess.Endpoint(clb.ServiceType, region)
	if err != nil {
		// pyrax.cloud_loadbalancers is None: each module reports
		// msgNoClient at the point where it checks the client.
		req.Logf("rax: no %s endpoint for region %s in the catalog", clb.ServiceType, region)
		return s, req, nil
	}
	s.region = region
	s.client = clb.NewClient(sess.Provider, url, sess.TenantID)
	req.Logf("rax: region %s, load balancers at %s", region, url)
	return s, req, nil
}

// scrubbedRequest returns a shallow copy of req whose Log removes the
// session's secrets from each line.
func (s *session) scrubbedRequest(req *modules.Request) *modules.Request {
	if req == nil {
		req = &modules.Request{}
	}
	out := *req
	if req.Log != nil {
		log := req.Log
		out.Log = func(format string, args ...any) {
			line := fmt.Sprintf(format, args...)
			var live []string
			for _, x := range s.secretsNow() {
				if len(x) >= 4 {
					live = append(live, x)
				}
			}
			log("%s", scrubString(line, live))
		}
	}
	return &out
}

// errMsg is the failure text of an API error: the API's message (pyrax's
// e.message).
func errMsg(err error) string {
	return clb.ParseError(err).Error()
}

// scrub removes every secret from the result's message and data.
func scrub(r *modules.Result, secrets []string) {
	if r == nil {
		return
	}
	var live []string
	for _, s := range secrets {
		if len(s) >= 4 {
			live = append(live, s)
		}
	}
	if len(live) == 0 {
		return
	}
	r.Msg = scrubString(r.Msg, live)
	for k, v := range r.Data {
		r.Data[k] = scrubValue(v, live)
	}
}

func scrubString(s string, secrets []string) string {
	for _, x := range secrets {
		s = strings.ReplaceAll(s, x, "********")
	}
	return s
}

func scrubValue(v any, secrets []string) any {
	switch x := v.(type) {
	case string:
		return scrubString(x, secrets)
	case map[string]any:
		for k, e := range x {
			x[k] = scrubValue(e, secrets)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = scrubValue(e, secrets)
		}
		return x
	}
	return v
}

// retryImmutable runs op; while it fails with 422 "considered immutable"
// and the deadline allows, it waits for the load balancer to be ACTIVE
// again and runs op once more. The last error is returned. A load balancer
// that leaves the pending states for anything but ACTIVE ends the retries.
func retryImmutable(ctx context.Context, req *modules.Request, h *hooks, c *gophercloud.ServiceClient, lbID int,
	enabled bool, deadline time.Time, op func() error) error {
	err := op()
	for enabled && err != nil && clb.IsImmutable(err) {
		req.Logf("rax: load balancer %d is immutable (%s); waiting for ACTIVE to retry", lbID, errMsg(err))
		active := false
		for time.Now().Before(deadline) {
			if werr := h.wait(ctx, h.poll()); werr != nil {
				return err
			}
			lb, gerr := loadbalancers.Get(ctx, c, lbID).Extract()
			if gerr != nil {
				return err
			}
			if lb.Status == loadbalancers.StatusActive {
				active = true
				break
			}
			if lb.Status != loadbalancers.StatusPendingUpdate && lb.Status != loadbalancers.StatusBuild {
				return err
			}
		}
		if !active {
			return err
		}
		err = op()
	}
	return err
}

// clbClient is the CLB service client.
type clbClient = *gophercloud.ServiceClient

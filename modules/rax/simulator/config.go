package simulator

import (
	"time"
)

// Default values that Start applies to a zero Config field.
const (
	DefaultTenantID          = "123456"
	DefaultRegion            = "DFW"
	DefaultTokenTTL          = 24 * time.Hour
	DefaultBuildTime         = 2 * time.Second
	DefaultPendingUpdate     = 1 * time.Second
	DefaultHealthMonitorUnit = time.Second
	DefaultVIPHost           = "127.0.0.1"
)

// DefaultRegions are the Cloud Load Balancers regions put in the service catalog.
var DefaultRegions = []string{"DFW", "ORD", "IAD", "LON", "SYD", "HKG"}

// Config configures a Simulator. The zero value is usable: it listens on an
// ephemeral port of 127.0.0.1, accepts no credentials unless AcceptAny or
// Accounts say otherwise, and applies the defaults named by the Default*
// constants.
type Config struct {
	// Listen is the API address (identity and CLB). It must be a loopback
	// address. Default "127.0.0.1:0".
	Listen string

	// AcceptAny makes identity accept any username with any API key or
	// password. Such users all get the tenant TenantID.
	AcceptAny bool
	// Accounts are the accounts identity accepts (in addition to AcceptAny).
	Accounts []Account
	// TenantID is the tenant of AcceptAny users and of load balancers that
	// AddLoadBalancer creates without a tenant. Default DefaultTenantID.
	TenantID string
	// DefaultRegion is the user's RAX-AUTH:defaultRegion. Default "DFW".
	DefaultRegion string
	// Regions are the catalog regions; every region's publicURL points at
	// this simulator and all regions share one set of load balancers.
	// Default DefaultRegions.
	Regions []string
	// TokenTTL is the lifetime of an issued token. Default 24h.
	TokenTTL time.Duration

	// BuildTime is how long a new load balancer stays in BUILD.
	// Zero selects DefaultBuildTime; a negative value means no BUILD window.
	BuildTime time.Duration
	// PendingUpdate is how long a load balancer stays in PENDING_UPDATE after
	// each accepted change (and in PENDING_DELETE after a delete).
	// Zero selects DefaultPendingUpdate; negative means no pending window.
	PendingUpdate time.Duration

	// RateLimits are the per-tenant request rate limits of the CLB API.
	// The zero value means no rate limits. See CurrentRateLimits and
	// OlderRateLimits for the two published tables.
	RateLimits RateLimits
	// Limits are the absolute limits. Zero fields take the documented
	// defaults (DefaultAbsoluteLimits).
	Limits AbsoluteLimits

	// Faults are injected into API responses.
	Faults Faults

	// VIPHost is the loopback address that virtual IP listeners bind.
	// Default "127.0.0.1".
	VIPHost string
	// VIPUseLBPort makes a virtual IP listen on VIPHost at the load
	// balancer's own port instead of an ephemeral port.
	VIPUseLBPort bool

	// HealthMonitorUnit is the real duration of one unit of a health
	// monitor's delay and timeout (seconds in the API). Default 1s; tests
	// use a few milliseconds.
	HealthMonitorUnit time.Duration

	// StateFile, if set, is loaded on Start (when it exists) and rewritten
	// after every state change.
	StateFile string

	// Logf, if set, receives diagnostic lines.
	Logf func(format string, args ...any)
}

// Account is one identity account.
type Account struct {
	Username string
	// APIKey is accepted through RAX-KSKEY:apiKeyCredentials.
	APIKey string
	// Password is accepted through passwordCredentials. If empty, the APIKey
	// is accepted as the password.
	Password string
	// TenantID defaults to Config.TenantID.
	TenantID string
	// UserID defaults to a number derived from the username.
	UserID string
	// DefaultRegion defaults to Config.DefaultRegion.
	DefaultRegion string
}

// RateLimit is one method's limits. Zero fields are unlimited.
type RateLimit struct {
	PerSecond int
	PerMinute int
}

// RateLimits holds the limits of each HTTP method, counted per tenant.
type RateLimits struct {
	GET, POST, PUT, DELETE RateLimit
}

// CurrentRateLimits is the table of the current CLB documentation.
var CurrentRateLimits = RateLimits{
	GET:    RateLimit{PerSecond: 10, PerMinute: 600},
	POST:   RateLimit{PerSecond: 5, PerMinute: 300},
	PUT:    RateLimit{PerSecond: 10, PerMinute: 600},
	DELETE: RateLimit{PerSecond: 5, PerMinute: 300},
}

// OlderRateLimits is the table of the older "offerings limits" page.
var OlderRateLimits = RateLimits{
	GET:    RateLimit{PerSecond: 5, PerMinute: 100},
	POST:   RateLimit{PerSecond: 2, PerMinute: 25},
	PUT:    RateLimit{PerSecond: 5, PerMinute: 50},
	DELETE: RateLimit{PerSecond: 2, PerMinute: 50},
}

func (r RateLimits) forMethod(m string) RateLimit {
	switch m {
	case "GET", "HEAD":
		return r.GET
	case "POST":
		return r.POST
	case "PUT":
		return r.PUT
	case "DELETE":
		return r.DELETE
	}
	return RateLimit{}
}

// AbsoluteLimits are the account's absolute limits (section 5.9).
type AbsoluteLimits struct {
	LoadBalancers      int // LOADBALANCER_LIMIT
	Nodes              int // NODE_LIMIT (per load balancer)
	IPv6               int // IPV6_LIMIT
	BatchDelete        int // BATCH_DELETE_LIMIT
	AccessList         int // ACCESS_LIST_LIMIT
	NodeMeta           int // NODE_META_LIMIT
	CertificateMapping int // CERTIFICATE_MAPPING_LIMIT
	LoadBalancerMeta   int // LOADBALANCER_META_LIMIT
}

// DefaultAbsoluteLimits are the documented defaults.
var DefaultAbsoluteLimits = AbsoluteLimits{
	LoadBalancers: 25, Nodes: 25, IPv6: 25, BatchDelete: 10, AccessList: 100,
	NodeMeta: 25, CertificateMapping: 20, LoadBalancerMeta: 25,
}

func (l AbsoluteLimits) withDefaults() AbsoluteLimits {
	d := DefaultAbsoluteLimits
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.LoadBalancers, d.LoadBalancers)
	set(&l.Nodes, d.Nodes)
	set(&l.IPv6, d.IPv6)
	set(&l.BatchDelete, d.BatchDelete)
	set(&l.AccessList, d.AccessList)
	set(&l.NodeMeta, d.NodeMeta)
	set(&l.CertificateMapping, d.CertificateMapping)
	set(&l.LoadBalancerMeta, d.LoadBalancerMeta)
	return l
}

// Faults are per-request fault injection rates for the API, each a
// probability between 0 and 1, drawn independently in this order: drop,
// 5xx, 413, slow. A slow request is delayed by SlowDelay and then served.
type Faults struct {
	// DropRate is the rate of connections closed without a response.
	DropRate float64
	// ErrorRate is the rate of 500 loadBalancerFault / 503 serviceUnavailable.
	ErrorRate float64
	// OverLimitRate is the rate of 413 overLimit responses with Retry-After.
	OverLimitRate float64
	// SlowRate is the rate of delayed responses.
	SlowRate float64
	// SlowDelay is the delay of a slow response. Default 2s when SlowRate > 0.
	SlowDelay time.Duration
	// Identity also applies the faults to POST /v2.0/tokens.
	Identity bool
	// Seed seeds the fault dice; 0 picks a seed from the clock.
	Seed int64
}

func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:0"
	}
	if c.TenantID == "" {
		c.TenantID = DefaultTenantID
	}
	if c.DefaultRegion == "" {
		c.DefaultRegion = DefaultRegion
	}
	if len(c.Regions) == 0 {
		c.Regions = append([]string(nil), DefaultRegions...)
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.BuildTime == 0 {
		c.BuildTime = DefaultBuildTime
	}
	if c.PendingUpdate == 0 {
		c.PendingUpdate = DefaultPendingUpdate
	}
	if c.HealthMonitorUnit <= 0 {
		c.HealthMonitorUnit = DefaultHealthMonitorUnit
	}
	if c.VIPHost == "" {
		c.VIPHost = DefaultVIPHost
	}
	if c.Faults.SlowRate > 0 && c.Faults.SlowDelay <= 0 {
		c.Faults.SlowDelay = 2 * time.Second
	}
	c.Limits = c.Limits.withDefaults()
	return c
}

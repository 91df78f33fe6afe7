package simulator

import (
	"sort"
	"strings"
	"time"
)

// Load balancer statuses (section 5.3).
const (
	StatusActive        = "ACTIVE"
	StatusBuild         = "BUILD"
	StatusPendingUpdate = "PENDING_UPDATE"
	StatusPendingDelete = "PENDING_DELETE"
	StatusSuspended     = "SUSPENDED"
	StatusError         = "ERROR"
	StatusDeleted       = "DELETED"
)

// Node conditions, statuses and types (section 5.4).
const (
	ConditionEnabled  = "ENABLED"
	ConditionDisabled = "DISABLED"
	ConditionDraining = "DRAINING"

	NodeOnline  = "ONLINE"
	NodeOffline = "OFFLINE"

	NodePrimary   = "PRIMARY"
	NodeSecondary = "SECONDARY"
)

// Algorithms (section 5.11).
const (
	AlgorithmRandom                   = "RANDOM"
	AlgorithmRoundRobin               = "ROUND_ROBIN"
	AlgorithmLeastConnections         = "LEAST_CONNECTIONS"
	AlgorithmWeightedRoundRobin       = "WEIGHTED_ROUND_ROBIN"
	AlgorithmWeightedLeastConnections = "WEIGHTED_LEAST_CONNECTIONS"
)

var algorithms = []string{AlgorithmLeastConnections, AlgorithmRandom, AlgorithmRoundRobin,
	AlgorithmWeightedLeastConnections, AlgorithmWeightedRoundRobin}

type protocolInfo struct {
	Name string `json:"name"`
	Port int    `json:"port"`
}

var protocols = []protocolInfo{
	{"DNS_TCP", 53}, {"DNS_UDP", 53}, {"FTP", 21}, {"HTTP", 80}, {"HTTPS", 443},
	{"IMAPS", 993}, {"IMAPv4", 143}, {"LDAP", 389}, {"LDAPS", 636}, {"MYSQL", 3306},
	{"POP3", 110}, {"POP3S", 995}, {"SMTP", 25}, {"TCP", 0}, {"TCP_CLIENT_FIRST", 0},
	{"UDP", 0}, {"UDP_STREAM", 0}, {"SFTP", 22}, {"TCP_STREAM", 0},
}

func protocolPort(name string) (int, bool) {
	for _, p := range protocols {
		if p.Name == name {
			return p.Port, true
		}
	}
	return 0, false
}

func isAlgorithm(a string) bool {
	for _, x := range algorithms {
		if x == a {
			return true
		}
	}
	return false
}

func isWeighted(a string) bool { return strings.HasPrefix(a, "WEIGHTED_") }

// isUDP reports protocols for which no listener is opened.
func isUDP(p string) bool { return p == "UDP" || p == "UDP_STREAM" || p == "DNS_UDP" }

// HealthMonitor is a load balancer's health monitor, in its API JSON form.
// Delay and Timeout are in units of Config.HealthMonitorUnit (seconds by
// default).
type HealthMonitor struct {
	Type                       string `json:"type"`
	Delay                      int    `json:"delay"`
	Timeout                    int    `json:"timeout"`
	AttemptsBeforeDeactivation int    `json:"attemptsBeforeDeactivation"`
	Path                       string `json:"path,omitempty"`
	StatusRegex                string `json:"statusRegex,omitempty"`
	BodyRegex                  string `json:"bodyRegex,omitempty"`
	HostHeader                 string `json:"hostHeader,omitempty"`
}

type vip struct {
	ID        int    `json:"id"`
	Address   string `json:"address"`
	Type      string `json:"type"`
	IPVersion string `json:"ipVersion"`
}

type metaItem struct {
	ID    int    `json:"id"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

type node struct {
	ID        int        `json:"id"`
	Address   string     `json:"address"`
	Port      int        `json:"port"`
	Condition string     `json:"condition"`
	Status    string     `json:"status"`
	Weight    int        `json:"weight"`
	Type      string     `json:"type"`
	Metadata  []metaItem `json:"metadata,omitempty"`
}

type throttle struct {
	MaxConnections    int `json:"maxConnections"`
	MinConnections    int `json:"minConnections"`
	MaxConnectionRate int `json:"maxConnectionRate"`
	RateInterval      int `json:"rateInterval"`
}

type accessItem struct {
	ID      int    `json:"id"`
	Address string `json:"address"`
	Type    string `json:"type"`
}

// lb is the stored state of one load balancer. It is also the persisted form.
type lb struct {
	ID                 int            `json:"id"`
	Tenant             string         `json:"tenant"`
	Name               string         `json:"name"`
	Protocol           string         `json:"protocol"`
	Port               int            `json:"port"`
	Algorithm          string         `json:"algorithm"`
	Status             string         `json:"status"`
	Timeout            int            `json:"timeout"`
	HalfClosed         bool           `json:"halfClosed"`
	HTTPSRedirect      bool           `json:"httpsRedirect"`
	VIPs               []vip          `json:"virtualIps"`
	Nodes              []*node        `json:"nodes"`
	Created            time.Time      `json:"created"`
	Updated            time.Time      `json:"updated"`
	ConnectionLogging  bool           `json:"connectionLogging"`
	ContentCaching     bool           `json:"contentCaching"`
	SessionPersistence string         `json:"sessionPersistence,omitempty"`
	ConnectionThrottle *throttle      `json:"connectionThrottle,omitempty"`
	HealthMonitor      *HealthMonitor `json:"healthMonitor,omitempty"`
	AccessList         []accessItem   `json:"accessList,omitempty"`
	Metadata           []metaItem     `json:"metadata,omitempty"`
	ListenAddr         string         `json:"listenAddr,omitempty"`

	// runtime only
	pendingUntil time.Time
	fwd          *forwarder
	mon          *monitor
}

func (l *lb) node(id int) *node {
	for _, n := range l.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

const timeLayout = "2006-01-02T15:04:05Z"

func timeObj(t time.Time) map[string]string {
	return map[string]string{"time": t.UTC().Format(timeLayout)}
}

// nodeOut is a node in the API's JSON key order (CLB docs: address, id,
// port, status, condition, weight, type).
type nodeOut struct {
	Address   string `json:"address"`
	ID        int    `json:"id"`
	Port      int    `json:"port"`
	Status    string `json:"status"`
	Condition string `json:"condition"`
	Weight    *int   `json:"weight,omitempty"`
	Type      string `json:"type"`
}

// nodeJSON renders a node. weight is only included for the WEIGHTED_*
// algorithms (or always, when forceWeight is set), as the CLB docs show.
func nodeJSON(n *node, algorithm string, forceWeight bool) nodeOut {
	out := nodeOut{Address: n.Address, ID: n.ID, Port: n.Port, Status: n.Status, Condition: n.Condition, Type: n.Type}
	if forceWeight || isWeighted(algorithm) {
		w := n.Weight
		out.Weight = &w
	}
	return out
}

func (l *lb) nodesJSON(forceWeight bool) []nodeOut {
	out := make([]nodeOut, 0, len(l.Nodes))
	for _, n := range l.Nodes {
		out = append(out, nodeJSON(n, l.Algorithm, forceWeight))
	}
	return out
}

func (l *lb) vipsJSON() []vip {
	out := make([]vip, len(l.VIPs))
	copy(out, l.VIPs)
	return out
}

func (l *lb) metadataJSON() []metaItem {
	out := make([]metaItem, len(l.Metadata))
	copy(out, l.Metadata)
	return out
}

// detailJSON is the body of GET /loadbalancers/{id} (section 5.2).
func (l *lb) detailJSON(region string) map[string]any {
	m := map[string]any{
		"id":                l.ID,
		"name":              l.Name,
		"protocol":          l.Protocol,
		"port":              l.Port,
		"algorithm":         l.Algorithm,
		"status":            l.Status,
		"timeout":           l.Timeout,
		"halfClosed":        l.HalfClosed,
		"httpsRedirect":     l.HTTPSRedirect,
		"virtualIps":        l.vipsJSON(),
		"cluster":           map[string]string{"name": "ztm-n01." + strings.ToLower(region) + "1.lbaas.rackspace.net"},
		"created":           timeObj(l.Created),
		"updated":           timeObj(l.Updated),
		"sourceAddresses":   map[string]string{"ipv4Public": "127.0.0.1", "ipv4Servicenet": "127.0.0.1", "ipv6Public": "::1/128"},
		"connectionLogging": map[string]bool{"enabled": l.ConnectionLogging},
		"contentCaching":    map[string]bool{"enabled": l.ContentCaching},
	}
	if len(l.Nodes) > 0 {
		m["nodes"] = l.nodesJSON(false)
	}
	if l.SessionPersistence != "" {
		m["sessionPersistence"] = map[string]string{"persistenceType": l.SessionPersistence}
	}
	if l.ConnectionThrottle != nil {
		m["connectionThrottle"] = *l.ConnectionThrottle
	}
	if l.HealthMonitor != nil {
		m["healthMonitor"] = *l.HealthMonitor
	}
	if len(l.AccessList) > 0 {
		m["accessList"] = l.AccessList
	}
	if len(l.Metadata) > 0 {
		m["metadata"] = l.metadataJSON()
	}
	return m
}

// listJSON is one item of GET /loadbalancers.
func (l *lb) listJSON() map[string]any {
	return map[string]any{
		"name":       l.Name,
		"id":         l.ID,
		"protocol":   l.Protocol,
		"port":       l.Port,
		"algorithm":  l.Algorithm,
		"status":     l.Status,
		"nodeCount":  len(l.Nodes),
		"timeout":    l.Timeout,
		"virtualIps": l.vipsJSON(),
		"created":    timeObj(l.Created),
		"updated":    timeObj(l.Updated),
	}
}

// state is the persisted form of the simulator.
type state struct {
	NextLB   int   `json:"nextLoadBalancerId"`
	NextNode int   `json:"nextNodeId"`
	NextVIP  int   `json:"nextVirtualIpId"`
	NextMeta int   `json:"nextMetadataId"`
	LBs      []*lb `json:"loadBalancers"`
}

func sortedLBs(m map[int]*lb) []*lb {
	out := make([]*lb, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

package loadbalancers

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
	"github.com/goplay/goplay/modules/rax/clb/nodes"
)

// Status values of a load balancer.
const (
	StatusActive        = "ACTIVE"
	StatusBuild         = "BUILD"
	StatusPendingUpdate = "PENDING_UPDATE"
	StatusPendingDelete = "PENDING_DELETE"
	StatusSuspended     = "SUSPENDED"
	StatusError         = "ERROR"
	StatusDeleted       = "DELETED"
)

// VirtualIP is a virtual IP of a load balancer.
type VirtualIP struct {
	ID        int    `json:"id"`
	Address   string `json:"address"`
	Type      string `json:"type"`
	IPVersion string `json:"ipVersion"`
}

// Time is the API's {"time": "..."} object.
type Time struct {
	Time string `json:"time"`
}

// Enabled is the API's {"enabled": bool} object.
type Enabled struct {
	Enabled bool `json:"enabled"`
}

// MetaItem is one metadata item with its id.
type MetaItem struct {
	ID    int    `json:"id"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// LoadBalancer is a load balancer as List (fewer fields) or Get returns it.
type LoadBalancer struct {
	ID            int          `json:"id"`
	Name          string       `json:"name"`
	Protocol      string       `json:"protocol"`
	Port          int          `json:"port"`
	Algorithm     string       `json:"algorithm"`
	Status        string       `json:"status"`
	Timeout       int          `json:"timeout"`
	NodeCount     int          `json:"nodeCount"`
	HalfClosed    bool         `json:"halfClosed"`
	HTTPSRedirect bool         `json:"httpsRedirect"`
	VirtualIPs    []VirtualIP  `json:"virtualIps"`
	Nodes         []nodes.Node `json:"nodes"`
	Cluster       struct {
		Name string `json:"name"`
	} `json:"cluster"`
	Created            Time              `json:"created"`
	Updated            Time              `json:"updated"`
	SourceAddresses    map[string]string `json:"sourceAddresses"`
	ConnectionLogging  *Enabled          `json:"connectionLogging"`
	ContentCaching     *Enabled          `json:"contentCaching"`
	SessionPersistence *struct {
		PersistenceType string `json:"persistenceType"`
	} `json:"sessionPersistence"`
	Metadata []MetaItem `json:"metadata"`
}

// GetResult is the result of Get.
type GetResult struct{ gophercloud.Result }

// Extract returns the load balancer.
func (r GetResult) Extract() (*LoadBalancer, error) { return extractOne(r.Result) }

// ExtractRaw returns the "loadBalancer" object as the API sent it, with
// integers as int (what rax_clb turns into its balancer dict).
func (r GetResult) ExtractRaw() (map[string]any, error) { return extractOneRaw(r.Result) }

// CreateResult is the result of Create.
type CreateResult struct{ gophercloud.Result }

// Extract returns the new load balancer.
func (r CreateResult) Extract() (*LoadBalancer, error) { return extractOne(r.Result) }

// ExtractRaw returns the new load balancer as the API sent it.
func (r CreateResult) ExtractRaw() (map[string]any, error) { return extractOneRaw(r.Result) }

func extractOne(r gophercloud.Result) (*LoadBalancer, error) {
	var s struct {
		LB *LoadBalancer `json:"loadBalancer"`
	}
	err := r.ExtractInto(&s)
	return s.LB, err
}

func extractOneRaw(r gophercloud.Result) (map[string]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	return clb.Object(r.Body, "loadBalancer"), nil
}

// ListResult is one page of List.
type ListResult struct{ gophercloud.Result }

// Extract returns the load balancers of the page.
func (r ListResult) Extract() ([]LoadBalancer, error) {
	var s struct {
		LBs []LoadBalancer `json:"loadBalancers"`
	}
	err := r.ExtractInto(&s)
	return s.LBs, err
}

// ExtractRaw returns the page's load balancers as the API sent them.
func (r ListResult) ExtractRaw() ([]map[string]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	return clb.Array(r.Body, "loadBalancers"), nil
}

// UpdateResult is the result of Update; call ExtractErr.
type UpdateResult struct{ gophercloud.ErrResult }

// DeleteResult is the result of Delete; call ExtractErr.
type DeleteResult struct{ gophercloud.ErrResult }

// ConnectionLoggingResult is the result of GetConnectionLogging.
type ConnectionLoggingResult struct{ gophercloud.Result }

// Extract returns whether connection logging is enabled.
func (r ConnectionLoggingResult) Extract() (bool, error) {
	var s struct {
		CL Enabled `json:"connectionLogging"`
	}
	err := r.ExtractInto(&s)
	return s.CL.Enabled, err
}

// ContentCachingResult is the result of GetContentCaching.
type ContentCachingResult struct{ gophercloud.Result }

// Extract returns whether content caching is enabled.
func (r ContentCachingResult) Extract() (bool, error) {
	var s struct {
		CC Enabled `json:"contentCaching"`
	}
	err := r.ExtractInto(&s)
	return s.CC.Enabled, err
}

// SessionPersistenceResult is the result of GetSessionPersistence.
type SessionPersistenceResult struct{ gophercloud.Result }

// Extract returns the persistence type, "" when none is set.
func (r SessionPersistenceResult) Extract() (string, error) {
	var s struct {
		SP struct {
			PersistenceType string `json:"persistenceType"`
		} `json:"sessionPersistence"`
	}
	err := r.ExtractInto(&s)
	return s.SP.PersistenceType, err
}

// Protocol is a supported protocol and its default port (0: must be given).
type Protocol struct {
	Name string `json:"name"`
	Port int    `json:"port"`
}

// ProtocolsResult is the result of ListProtocols.
type ProtocolsResult struct{ gophercloud.Result }

// Extract returns the protocols.
func (r ProtocolsResult) Extract() ([]Protocol, error) {
	var s struct {
		P []Protocol `json:"protocols"`
	}
	err := r.ExtractInto(&s)
	return s.P, err
}

// Algorithm is a supported balancing algorithm.
type Algorithm struct {
	Name string `json:"name"`
}

// AlgorithmsResult is the result of ListAlgorithms.
type AlgorithmsResult struct{ gophercloud.Result }

// Extract returns the algorithms.
func (r AlgorithmsResult) Extract() ([]Algorithm, error) {
	var s struct {
		A []Algorithm `json:"algorithms"`
	}
	err := r.ExtractInto(&s)
	return s.A, err
}

// AbsoluteLimit is one absolute limit (LOADBALANCER_LIMIT, NODE_LIMIT ...).
type AbsoluteLimit struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

// AbsoluteLimitsResult is the result of GetAbsoluteLimits.
type AbsoluteLimitsResult struct{ gophercloud.Result }

// Extract returns the limits by name.
func (r AbsoluteLimitsResult) Extract() (map[string]int, error) {
	var s struct {
		A []AbsoluteLimit `json:"absolute"`
	}
	if err := r.ExtractInto(&s); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(s.A))
	for _, l := range s.A {
		out[l.Name] = l.Value
	}
	return out, nil
}

// LimitsResult is the result of GetLimits.
type LimitsResult struct{ gophercloud.Result }

// ExtractRaw returns the "limits" object as the API sent it.
func (r LimitsResult) ExtractRaw() (map[string]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	return clb.Object(r.Body, "limits"), nil
}

package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// LoadBalancerSpec describes a load balancer to pre-load with
// AddLoadBalancer. Empty fields take the API's defaults, except Protocol
// (HTTP) and the initial status (ACTIVE unless Build is set).
type LoadBalancerSpec struct {
	Tenant    string     `json:"tenant,omitempty"`    // default Config.TenantID
	Name      string     `json:"name"`                // required
	Protocol  string     `json:"protocol,omitempty"`  // default HTTP
	Port      int        `json:"port,omitempty"`      // default: the protocol's port
	Algorithm string     `json:"algorithm,omitempty"` // default RANDOM
	Timeout   int        `json:"timeout,omitempty"`   // default 30
	VIPType   string     `json:"vipType,omitempty"`   // PUBLIC (default) or SERVICENET
	Nodes     []NodeSpec `json:"nodes,omitempty"`
	// HealthMonitor is validated as the API would.
	HealthMonitor *HealthMonitor `json:"healthMonitor,omitempty"`
	// Metadata is stored in key order.
	Metadata map[string]string `json:"metadata,omitempty"`
	// Listen is the virtual IP listener's loopback host:port. Default:
	// Config.VIPHost with an ephemeral port (or the LB port if
	// Config.VIPUseLBPort).
	Listen string `json:"listen,omitempty"`
	// Build starts the load balancer in BUILD, as an API create does.
	Build bool `json:"build,omitempty"`
}

// NodeSpec is one pre-loaded node.
type NodeSpec struct {
	Address   string `json:"address"`
	Port      int    `json:"port"`
	Condition string `json:"condition,omitempty"` // default ENABLED
	Type      string `json:"type,omitempty"`      // default PRIMARY
	Weight    int    `json:"weight,omitempty"`    // default 1
}

// LoadBalancer is a snapshot of one load balancer.
type LoadBalancer struct {
	ID            int            `json:"id"`
	Tenant        string         `json:"tenant"`
	Name          string         `json:"name"`
	Protocol      string         `json:"protocol"`
	Port          int            `json:"port"`
	Algorithm     string         `json:"algorithm"`
	Status        string         `json:"status"`
	Timeout       int            `json:"timeout"`
	VIP           string         `json:"vip"` // the listener's host:port; empty for UDP protocols or when deleted
	Nodes         []Node         `json:"nodes"`
	HealthMonitor *HealthMonitor `json:"healthMonitor,omitempty"`
}

// Node is a snapshot of one node.
type Node struct {
	ID        int    `json:"id"`
	Address   string `json:"address"`
	Port      int    `json:"port"`
	Condition string `json:"condition"`
	Status    string `json:"status"`
	Type      string `json:"type"`
	Weight    int    `json:"weight"`
}

func (l *lb) snapshot() LoadBalancer {
	out := LoadBalancer{ID: l.ID, Tenant: l.Tenant, Name: l.Name, Protocol: l.Protocol, Port: l.Port,
		Algorithm: l.Algorithm, Status: l.Status, Timeout: l.Timeout}
	if l.fwd != nil {
		out.VIP = l.fwd.Addr()
	}
	if l.HealthMonitor != nil {
		hm := *l.HealthMonitor
		out.HealthMonitor = &hm
	}
	for _, n := range l.Nodes {
		out.Nodes = append(out.Nodes, Node{ID: n.ID, Address: n.Address, Port: n.Port,
			Condition: n.Condition, Status: n.Status, Type: n.Type, Weight: n.Weight})
	}
	return out
}

// AddLoadBalancer creates a load balancer directly (no API call, no rate
// limit, no fault), validated as the API would validate it, and returns it.
func (s *Simulator) AddLoadBalancer(spec LoadBalancerSpec) (LoadBalancer, error) {
	tenant := spec.Tenant
	if tenant == "" {
		tenant = s.cfg.TenantID
	}
	proto := spec.Protocol
	if proto == "" {
		proto = "HTTP"
	}
	vipType := spec.VIPType
	if vipType == "" {
		vipType = "PUBLIC"
	}
	c := &lbCreate{Name: &spec.Name, Protocol: &proto,
		VirtualIps: []vipReq{{Type: &vipType, IPVersion: ptr("IPV4")}}, HealthMonitor: spec.HealthMonitor}
	if spec.Port != 0 {
		c.Port = &spec.Port
	}
	if spec.Algorithm != "" {
		c.Algorithm = &spec.Algorithm
	}
	if spec.Timeout != 0 {
		c.Timeout = &spec.Timeout
	}
	for _, n := range spec.Nodes {
		nr := nodeReq{Address: ptr(n.Address), Port: ptr(n.Port)}
		if n.Condition != "" {
			nr.Condition = ptr(n.Condition)
		}
		if n.Type != "" {
			nr.Type = ptr(n.Type)
		}
		if n.Weight != 0 {
			nr.Weight = ptr(n.Weight)
		}
		c.Nodes = append(c.Nodes, nr)
	}
	keys := make([]string, 0, len(spec.Metadata))
	for k := range spec.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.Metadata = append(c.Metadata, metaReq{Key: ptr(k), Value: ptr(spec.Metadata[k])})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return LoadBalancer{}, errClosed
	}
	l, _, msgs := s.buildLBLocked(tenant, c)
	if len(msgs) > 0 {
		return LoadBalancer{}, fmt.Errorf("simulator: load balancer %q: %s", spec.Name, strings.Join(msgs, " "))
	}
	if err := s.insertLBLocked(l, spec.Listen, spec.Build); err != nil {
		return LoadBalancer{}, err
	}
	s.saveLocked()
	return l.snapshot(), nil
}

func ptr[T any](v T) *T { return &v }

// LoadBalancer returns a snapshot of load balancer id.
func (s *Simulator) LoadBalancer(id int) (LoadBalancer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lbs[id]
	if l == nil {
		return LoadBalancer{}, false
	}
	return l.snapshot(), true
}

// FindLoadBalancer returns the first load balancer named name that is not
// DELETED.
func (s *Simulator) FindLoadBalancer(name string) (LoadBalancer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range sortedLBs(s.lbs) {
		if l.Name == name && l.Status != StatusDeleted {
			return l.snapshot(), true
		}
	}
	return LoadBalancer{}, false
}

// LoadBalancers returns snapshots of every load balancer, by ID.
func (s *Simulator) LoadBalancers() []LoadBalancer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []LoadBalancer
	for _, l := range sortedLBs(s.lbs) {
		out = append(out, l.snapshot())
	}
	return out
}

// VIPAddr is the host:port of load balancer id's virtual IP listener, or ""
// if it has none.
func (s *Simulator) VIPAddr(id int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.lbs[id]; l != nil && l.fwd != nil {
		return l.fwd.Addr()
	}
	return ""
}

// Stats returns the live traffic counters of load balancer id.
func (s *Simulator) Stats(id int) (Stats, bool) {
	s.mu.Lock()
	l := s.lbs[id]
	var f *forwarder
	if l != nil {
		f = l.fwd
	}
	s.mu.Unlock()
	if f == nil {
		return Stats{LoadBalancerID: id}, l != nil
	}
	return f.stats(), true
}

// SetLoadBalancerStatus forces a status, for example ERROR or SUSPENDED, and
// cancels any pending transition. Setting DELETED deletes it.
func (s *Simulator) SetLoadBalancerStatus(id int, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lbs[id]
	if l == nil {
		return errors.New("simulator: no load balancer " + strconv.Itoa(id))
	}
	if pt := s.timers[id]; pt != nil {
		if pt.t.Stop() {
			s.timerWG.Done()
		}
		delete(s.timers, id)
	}
	if status == StatusDeleted {
		s.finishDeleteLocked(l)
	} else {
		s.setStatusLocked(l, status)
	}
	s.saveLocked()
	return nil
}

// IssueToken issues a token for tenant without an identity call, as if
// user "sim" had authenticated. It returns the token ID.
func (s *Simulator) IssueToken(tenant string) string {
	if tenant == "" {
		tenant = s.cfg.TenantID
	}
	t := &token{ID: newTokenID(), Tenant: tenant, User: "sim", Expires: time.Now().Add(s.cfg.TokenTTL)}
	s.mu.Lock()
	s.tokens[t.ID] = t
	s.issued = append(s.issued, t.ID)
	s.mu.Unlock()
	return t.ID
}

// faultsJSON is the /__sim/faults form of Faults (durations as strings).
type faultsJSON struct {
	DropRate      float64 `json:"dropRate"`
	ErrorRate     float64 `json:"errorRate"`
	OverLimitRate float64 `json:"overLimitRate"`
	SlowRate      float64 `json:"slowRate"`
	SlowDelay     string  `json:"slowDelay"`
	Identity      bool    `json:"identity"`
	Seed          int64   `json:"seed"`
}

// serveSim serves the simulator's own control endpoints (no auth):
//
//	GET  /__sim/events[?lb=ID]  event log (with maxNotEnabled/maxOutOfRotation for ?lb)
//	GET  /__sim/loadbalancers   snapshots with VIP addresses and live stats
//	POST /__sim/loadbalancers   AddLoadBalancer with a LoadBalancerSpec body
//	GET  /__sim/faults, PUT /__sim/faults
//	POST /__sim/tokens/expire   expire every token
func (s *Simulator) serveSim(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/__sim/"), "/")
	switch {
	case p == "events" && r.Method == http.MethodGet:
		ev := s.Events()
		if v := r.URL.Query().Get("lb"); v != "" {
			id, _ := strconv.Atoi(v)
			writeJSON(w, 200, map[string]any{"events": EventsFor(ev, id),
				"maxNotEnabled": MaxNotEnabled(ev, id), "maxOutOfRotation": MaxOutOfRotation(ev, id)})
			return
		}
		if ev == nil {
			ev = []Event{}
		}
		writeJSON(w, 200, map[string]any{"events": ev})
	case p == "loadbalancers" && r.Method == http.MethodGet:
		type item struct {
			LoadBalancer
			Stats Stats `json:"stats"`
		}
		out := []item{}
		for _, l := range s.LoadBalancers() {
			st, _ := s.Stats(l.ID)
			out = append(out, item{l, st})
		}
		writeJSON(w, 200, map[string]any{"loadBalancers": out})
	case p == "loadbalancers" && r.Method == http.MethodPost:
		var spec LoadBalancerSpec
		if err := json.NewDecoder(r.Body).Decode(&spec); err != nil {
			errFlat(w, 400, err.Error())
			return
		}
		l, err := s.AddLoadBalancer(spec)
		if err != nil {
			errFlat(w, 400, err.Error())
			return
		}
		writeJSON(w, 201, l)
	case p == "faults" && r.Method == http.MethodGet:
		f := s.currentFaults()
		writeJSON(w, 200, faultsJSON{f.DropRate, f.ErrorRate, f.OverLimitRate, f.SlowRate, f.SlowDelay.String(), f.Identity, f.Seed})
	case p == "faults" && r.Method == http.MethodPut:
		var fj faultsJSON
		if err := json.NewDecoder(r.Body).Decode(&fj); err != nil {
			errFlat(w, 400, err.Error())
			return
		}
		var d time.Duration
		if fj.SlowDelay != "" {
			var err error
			if d, err = time.ParseDuration(fj.SlowDelay); err != nil {
				errFlat(w, 400, err.Error())
				return
			}
		}
		s.SetFaults(Faults{DropRate: fj.DropRate, ErrorRate: fj.ErrorRate, OverLimitRate: fj.OverLimitRate,
			SlowRate: fj.SlowRate, SlowDelay: d, Identity: fj.Identity, Seed: fj.Seed})
		w.WriteHeader(http.StatusNoContent)
	case p == "tokens/expire" && r.Method == http.MethodPost:
		s.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	default:
		errResourceNotFound(w)
	}
}

package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveCLB serves /v1.0/{tenant}/...: authentication, rate limits, routing.
func (s *Simulator) serveCLB(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/")
	segs := strings.Split(rest, "/")
	tenant := segs[0]
	if tenant == "" || !s.authorize(r, tenant) {
		// The CLB API answers 401 with no body.
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if ok, wait := s.limiter.allow(tenant+" "+r.Method, s.cfg.RateLimits.forMethod(r.Method), time.Now()); !ok {
		errOverLimit(w, wait)
		return
	}
	segs = segs[1:]
	if len(segs) == 0 {
		errResourceNotFound(w)
		return
	}
	m := r.Method
	switch {
	case len(segs) == 1 && segs[0] == "limits":
		if m != http.MethodGet {
			errMethod(w)
			return
		}
		s.getLimits(w, tenant)
	case segs[0] != "loadbalancers":
		errResourceNotFound(w)
	case len(segs) == 1:
		switch m {
		case http.MethodGet:
			s.listLBs(w, r, tenant)
		case http.MethodPost:
			s.createLB(w, r, tenant)
		default:
			errMethod(w)
		}
	case len(segs) == 2 && isStaticCollection(segs[1]):
		if m != http.MethodGet {
			errMethod(w)
			return
		}
		s.getStatic(w, segs[1])
	default:
		id, err := strconv.Atoi(segs[1])
		if err != nil {
			errLBNotFound(w)
			return
		}
		s.serveLB(w, r, tenant, id, segs[2:])
	}
}

func isStaticCollection(name string) bool {
	switch name {
	case "absolutelimits", "protocols", "algorithms", "alloweddomains":
		return true
	}
	return false
}

func (s *Simulator) getStatic(w http.ResponseWriter, name string) {
	switch name {
	case "absolutelimits":
		writeJSON(w, 200, map[string]any{"absolute": s.absoluteList()})
	case "protocols":
		writeJSON(w, 200, map[string]any{"protocols": protocols})
	case "algorithms":
		var out []map[string]string
		for _, a := range algorithms {
			out = append(out, map[string]string{"name": a})
		}
		writeJSON(w, 200, map[string]any{"algorithms": out})
	case "alloweddomains":
		writeJSON(w, 200, map[string]any{"allowedDomains": []any{}})
	}
}

func (s *Simulator) absoluteList() []map[string]any {
	l := s.cfg.Limits
	return []map[string]any{
		{"name": "IPV6_LIMIT", "value": l.IPv6},
		{"name": "LOADBALANCER_LIMIT", "value": l.LoadBalancers},
		{"name": "BATCH_DELETE_LIMIT", "value": l.BatchDelete},
		{"name": "ACCESS_LIST_LIMIT", "value": l.AccessList},
		{"name": "NODE_LIMIT", "value": l.Nodes},
		{"name": "NODE_META_LIMIT", "value": l.NodeMeta},
		{"name": "LOADBALANCER_META_LIMIT", "value": l.LoadBalancerMeta},
		{"name": "CERTIFICATE_MAPPING_LIMIT", "value": l.CertificateMapping},
	}
}

func (s *Simulator) getLimits(w http.ResponseWriter, tenant string) {
	now := time.Now()
	var rate []map[string]any
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		rl := s.cfg.RateLimits.forMethod(m)
		if rl.PerMinute > 0 {
			used := s.limiter.used(tenant+" "+m, time.Minute, now)
			rate = append(rate, map[string]any{"verb": m, "value": rl.PerMinute,
				"remaining": max(0, rl.PerMinute-used), "unit": "MINUTE",
				"next-available": now.UTC().Format(timeLayout)})
		}
		if rl.PerSecond > 0 {
			used := s.limiter.used(tenant+" "+m, time.Second, now)
			rate = append(rate, map[string]any{"verb": m, "value": rl.PerSecond,
				"remaining": max(0, rl.PerSecond-used), "unit": "SECOND",
				"next-available": now.UTC().Format(timeLayout)})
		}
	}
	limits := map[string]any{"absolute": s.absoluteList()}
	if len(rate) > 0 {
		limits["rate"] = []map[string]any{{"uri": "/v1.0/*", "regex": "/v1.0/(\\d+)/.+", "limit": rate}}
	} else {
		limits["rate"] = []any{}
	}
	writeJSON(w, 200, map[string]any{"limits": limits})
}

// decodeStrict decodes a JSON request body, rejecting unknown fields.
func decodeStrict(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// lookupLocked returns tenant's load balancer id, or writes 404.
func (s *Simulator) lookupLocked(w http.ResponseWriter, tenant string, id int) *lb {
	l := s.lbs[id]
	if l == nil || l.Tenant != tenant {
		errLBNotFound(w)
		return nil
	}
	return l
}

// mutableLocked reports whether l accepts changes, or writes the 422.
func (s *Simulator) mutableLocked(w http.ResponseWriter, l *lb) bool {
	if l.Status == StatusActive {
		return true
	}
	s.emit(Event{Kind: EventLBImmutable, LoadBalancerID: l.ID, From: l.Status})
	errFlat(w, http.StatusUnprocessableEntity, immutableMessage(l.ID, l.Status))
	return false
}

func (s *Simulator) listLBs(w http.ResponseWriter, r *http.Request, tenant string) {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errValidation(w, "Limit must be a positive integer.")
			return
		}
		if n < 100 {
			limit = n
		}
	}
	marker := 0
	if v := q.Get("marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errValidation(w, "Marker must be an integer.")
			return
		}
		marker = n
	}
	var since time.Time
	if v := q.Get("changes-since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errValidation(w, "changes-since must be an ISO 8601 date.")
			return
		}
		since = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, l := range sortedLBs(s.lbs) {
		if l.Tenant != tenant || l.ID < marker {
			continue
		}
		if st := q.Get("status"); st != "" {
			if l.Status != st {
				continue
			}
		} else if l.Status == StatusDeleted {
			continue
		}
		if n := q.Get("name"); n != "" && l.Name != n {
			continue
		}
		if a := q.Get("nodeaddress"); a != "" {
			found := false
			for _, n := range l.Nodes {
				found = found || n.Address == a
			}
			if !found {
				continue
			}
		}
		if !since.IsZero() && l.Updated.Before(since) {
			continue
		}
		if len(out) >= limit {
			break
		}
		out = append(out, l.listJSON())
	}
	writeJSON(w, 200, map[string]any{"loadBalancers": out})
}

// Request bodies. Pointers tell a missing or null key from a zero value.

type nodeReq struct {
	ID        *int       `json:"id"`
	Address   *string    `json:"address"`
	Port      *int       `json:"port"`
	Condition *string    `json:"condition"`
	Type      *string    `json:"type"`
	Weight    *int       `json:"weight"`
	Status    *string    `json:"status"`
	Metadata  []metaItem `json:"metadata"`
}

type vipReq struct {
	ID        *int    `json:"id"`
	Type      *string `json:"type"`
	IPVersion *string `json:"ipVersion"`
	Address   *string `json:"address"`
}

type enabledReq struct {
	Enabled *bool `json:"enabled"`
}

type spReq struct {
	PersistenceType *string `json:"persistenceType"`
}

type metaReq struct {
	ID    *int    `json:"id"`
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

type accessReq struct {
	ID      *int    `json:"id"`
	Address *string `json:"address"`
	Type    *string `json:"type"`
}

type lbCreate struct {
	Name               *string        `json:"name"`
	Port               *int           `json:"port"`
	Protocol           *string        `json:"protocol"`
	Algorithm          *string        `json:"algorithm"`
	Nodes              []nodeReq      `json:"nodes"`
	VirtualIps         []vipReq       `json:"virtualIps"`
	HalfClosed         *bool          `json:"halfClosed"`
	AccessList         []accessReq    `json:"accessList"`
	ConnectionLogging  *enabledReq    `json:"connectionLogging"`
	ContentCaching     *enabledReq    `json:"contentCaching"`
	ConnectionThrottle *throttle      `json:"connectionThrottle"`
	HealthMonitor      *HealthMonitor `json:"healthMonitor"`
	Metadata           []metaReq      `json:"metadata"`
	Timeout            *int           `json:"timeout"`
	SessionPersistence *spReq         `json:"sessionPersistence"`
	HTTPSRedirect      *bool          `json:"httpsRedirect"`
}

func validName(name *string) []string {
	if name == nil || strings.TrimSpace(*name) == "" {
		return []string{"Must provide a name for the load balancer."}
	}
	if len([]rune(*name)) > 128 {
		return []string{"Load balancer name cannot be longer than 128 characters."}
	}
	return nil
}

func validNodeNew(n nodeReq) []string {
	var msgs []string
	if n.Address == nil || *n.Address == "" {
		msgs = append(msgs, "Node address is required.")
	}
	if n.Port == nil {
		msgs = append(msgs, "Node port is required.")
	} else if *n.Port < 1 || *n.Port > 65535 {
		msgs = append(msgs, "Node port must be between 1 and 65535.")
	}
	if n.Status != nil {
		msgs = append(msgs, "Node status field cannot be modified.")
	}
	return append(msgs, validNodeAttrs(n)...)
}

func validNodeAttrs(n nodeReq) []string {
	var msgs []string
	if n.Condition != nil {
		switch *n.Condition {
		case ConditionEnabled, ConditionDisabled, ConditionDraining:
		default:
			msgs = append(msgs, "Node condition is invalid. Must be one of ENABLED, DISABLED, DRAINING.")
		}
	}
	if n.Type != nil {
		switch *n.Type {
		case NodePrimary, NodeSecondary:
		default:
			msgs = append(msgs, "Node type is invalid. Must be one of PRIMARY, SECONDARY.")
		}
	}
	if n.Weight != nil && (*n.Weight < 1 || *n.Weight > 100) {
		msgs = append(msgs, "Node weight is invalid. Range is 1-100. Please specify a valid weight.")
	}
	return msgs
}

func validHealthMonitor(hm *HealthMonitor) []string {
	var msgs []string
	switch hm.Type {
	case "CONNECT":
	case "HTTP", "HTTPS":
		if hm.Path == "" || !strings.HasPrefix(hm.Path, "/") {
			msgs = append(msgs, "Must provide a valid path for HTTP and HTTPS health monitors.")
		}
		if _, err := regexpCompile(hm.StatusRegex); err != nil {
			msgs = append(msgs, "Must provide a valid statusRegex.")
		}
		if _, err := regexpCompile(hm.BodyRegex); err != nil {
			msgs = append(msgs, "Must provide a valid bodyRegex.")
		}
	default:
		msgs = append(msgs, "Must provide a valid health monitor type: CONNECT, HTTP or HTTPS.")
	}
	if hm.Delay < 1 || hm.Delay > 3600 {
		msgs = append(msgs, "Delay must be between 1 and 3600 seconds.")
	}
	if hm.Timeout < 1 || hm.Timeout > 300 {
		msgs = append(msgs, "Timeout must be between 1 and 300 seconds.")
	}
	if hm.AttemptsBeforeDeactivation < 1 || hm.AttemptsBeforeDeactivation > 10 {
		msgs = append(msgs, "Attempts before deactivation must be between 1 and 10.")
	}
	return msgs
}

func validPersistence(p *string) []string {
	if p == nil {
		return []string{"Must provide a persistenceType."}
	}
	switch *p {
	case "HTTP_COOKIE", "SOURCE_IP", "SSL_ID":
		return nil
	}
	return []string{"Persistence type is invalid. Must be one of HTTP_COOKIE, SOURCE_IP, SSL_ID."}
}

func (s *Simulator) activeLBCountLocked(tenant string) int {
	c := 0
	for _, l := range s.lbs {
		if l.Tenant == tenant && l.Status != StatusDeleted {
			c++
		}
	}
	return c
}

func (s *Simulator) createLB(w http.ResponseWriter, r *http.Request, tenant string) {
	var body struct {
		LoadBalancer *lbCreate `json:"loadBalancer"`
	}
	if err := decodeStrict(r, &body); err != nil || body.LoadBalancer == nil {
		errSchema(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, status, msgs := s.buildLBLocked(tenant, body.LoadBalancer)
	switch {
	case len(msgs) > 0 && status == http.StatusBadRequest:
		errValidation(w, msgs...)
		return
	case len(msgs) > 0:
		errFlat(w, status, msgs[0])
		return
	}
	if err := s.insertLBLocked(l, "", true); err != nil {
		s.logf("raxsim: create load balancer: %v", err)
		errFlat(w, http.StatusInternalServerError, "Out of virtual IPs. Please contact support so they can allocate more virtual IPs.")
		return
	}
	s.saveLocked()
	writeJSON(w, http.StatusAccepted, map[string]any{"loadBalancer": l.detailJSON(s.cfg.DefaultRegion)})
}

// buildLBLocked validates a create request and returns the new load
// balancer (not yet inserted), or an HTTP status and messages.
func (s *Simulator) buildLBLocked(tenant string, c *lbCreate) (*lb, int, []string) {
	msgs := validName(c.Name)
	var proto string
	if c.Protocol == nil {
		msgs = append(msgs, "Must provide a valid protocol.")
	} else if _, ok := protocolPort(*c.Protocol); !ok {
		msgs = append(msgs, "Protocol is invalid. Please specify a valid protocol.")
	} else {
		proto = *c.Protocol
	}
	algorithm := AlgorithmRandom
	if c.Algorithm != nil {
		if !isAlgorithm(*c.Algorithm) {
			msgs = append(msgs, "Algorithm is invalid. Please specify a valid algorithm.")
		} else {
			algorithm = *c.Algorithm
		}
	}
	port := 0
	if c.Port != nil {
		port = *c.Port
		if port < 1 || port > 65535 {
			msgs = append(msgs, "Port must be between 1 and 65535.")
		}
	} else if proto != "" {
		port, _ = protocolPort(proto)
		if port == 0 {
			msgs = append(msgs, "Must provide a port for protocol "+proto+".")
		}
	}
	timeout := 30
	if c.Timeout != nil {
		timeout = *c.Timeout
		if timeout < 1 || timeout > 120 {
			msgs = append(msgs, "Timeout must be between 1 and 120 seconds.")
		}
	}
	if c.HalfClosed != nil && *c.HalfClosed && proto != "" && proto != "TCP" && proto != "TCP_CLIENT_FIRST" {
		msgs = append(msgs, "Half closed is only available for TCP and TCP_CLIENT_FIRST protocols.")
	}
	// Virtual IPs.
	var vips []vip
	if len(c.VirtualIps) == 0 {
		msgs = append(msgs, "Must have at least one virtual ip.")
	}
	for _, v := range c.VirtualIps {
		if v.ID != nil {
			shared := s.findVIPLocked(tenant, *v.ID)
			if shared == nil {
				msgs = append(msgs, "Virtual ip "+strconv.Itoa(*v.ID)+" could not be found.")
				continue
			}
			for _, other := range s.lbs {
				if other.Status == StatusDeleted || other.Port != port {
					continue
				}
				for _, ov := range other.VIPs {
					if ov.ID == *v.ID {
						msgs = append(msgs, "Load balancers sharing a virtual ip must use unique ports.")
					}
				}
			}
			vips = append(vips, *shared)
			continue
		}
		if v.Type == nil || (*v.Type != "PUBLIC" && *v.Type != "SERVICENET") {
			msgs = append(msgs, "Virtual ip type must be PUBLIC or SERVICENET.")
			continue
		}
		ver := ""
		if v.IPVersion != nil {
			ver = *v.IPVersion
			if ver != "IPV4" && ver != "IPV6" {
				msgs = append(msgs, "Virtual ip version must be IPV4 or IPV6.")
				continue
			}
		}
		if *v.Type == "SERVICENET" && ver == "IPV6" {
			msgs = append(msgs, "IPv6 is not supported for SERVICENET virtual ips.")
			continue
		}
		if ver == "" || ver == "IPV4" {
			vips = append(vips, vip{Type: *v.Type, IPVersion: "IPV4", Address: s.cfg.VIPHost})
		}
		if (ver == "" && *v.Type == "PUBLIC") || ver == "IPV6" {
			vips = append(vips, vip{Type: *v.Type, IPVersion: "IPV6", Address: "::1"})
		}
	}
	// Nodes.
	seen := map[string]bool{}
	dup := false
	for _, n := range c.Nodes {
		msgs = append(msgs, validNodeNew(n)...)
		if n.Address != nil && n.Port != nil {
			k := hostPort(*n.Address, *n.Port)
			dup = dup || seen[k]
			seen[k] = true
		}
	}
	if dup {
		msgs = append(msgs, "Duplicate nodes detected. One or more nodes already configured on load balancer.")
	}
	if c.HealthMonitor != nil {
		msgs = append(msgs, validHealthMonitor(c.HealthMonitor)...)
	}
	if c.SessionPersistence != nil {
		msgs = append(msgs, validPersistence(c.SessionPersistence.PersistenceType)...)
	}
	for _, m := range c.Metadata {
		if m.Key == nil || *m.Key == "" || m.Value == nil {
			msgs = append(msgs, "Metadata must have a key and a value.")
			break
		}
	}
	for _, a := range c.AccessList {
		if a.Address == nil || a.Type == nil || (*a.Type != "ALLOW" && *a.Type != "DENY") {
			msgs = append(msgs, "Access list items must have an address and a type of ALLOW or DENY.")
			break
		}
	}
	if len(msgs) > 0 {
		return nil, http.StatusBadRequest, msgs
	}
	if len(c.Nodes) > s.cfg.Limits.Nodes {
		return nil, http.StatusRequestEntityTooLarge, []string{"Nodes must not exceed " + strconv.Itoa(s.cfg.Limits.Nodes) + " per load balancer."}
	}
	if len(c.Metadata) > s.cfg.Limits.LoadBalancerMeta {
		return nil, http.StatusRequestEntityTooLarge, []string{"Metadata must not exceed " + strconv.Itoa(s.cfg.Limits.LoadBalancerMeta) + " per load balancer."}
	}
	if len(c.AccessList) > s.cfg.Limits.AccessList {
		return nil, http.StatusRequestEntityTooLarge, []string{"Access list must not exceed " + strconv.Itoa(s.cfg.Limits.AccessList) + " items per load balancer."}
	}
	if s.activeLBCountLocked(tenant) >= s.cfg.Limits.LoadBalancers {
		return nil, http.StatusRequestEntityTooLarge, []string{"Load balancer limit of " + strconv.Itoa(s.cfg.Limits.LoadBalancers) + " reached for this account."}
	}
	now := time.Now()
	l := &lb{
		Tenant: tenant, Name: *c.Name, Protocol: proto, Port: port, Algorithm: algorithm,
		Timeout: timeout, Created: now, Updated: now, VIPs: vips,
		HalfClosed: c.HalfClosed != nil && *c.HalfClosed, HTTPSRedirect: c.HTTPSRedirect != nil && *c.HTTPSRedirect,
	}
	if c.ConnectionLogging != nil && c.ConnectionLogging.Enabled != nil {
		l.ConnectionLogging = *c.ConnectionLogging.Enabled
	}
	if c.ContentCaching != nil && c.ContentCaching.Enabled != nil {
		l.ContentCaching = *c.ContentCaching.Enabled
	}
	if c.SessionPersistence != nil {
		l.SessionPersistence = *c.SessionPersistence.PersistenceType
	}
	l.ConnectionThrottle = c.ConnectionThrottle
	if c.HealthMonitor != nil {
		hm := *c.HealthMonitor
		l.HealthMonitor = &hm
	}
	for _, m := range c.Metadata {
		l.Metadata = append(l.Metadata, metaItem{Key: *m.Key, Value: *m.Value})
	}
	for _, a := range c.AccessList {
		l.AccessList = append(l.AccessList, accessItem{Address: *a.Address, Type: *a.Type})
	}
	for _, n := range c.Nodes {
		l.Nodes = append(l.Nodes, newNode(n))
	}
	return l, 0, nil
}

func newNode(n nodeReq) *node {
	nd := &node{Address: *n.Address, Port: *n.Port, Condition: ConditionEnabled,
		Status: NodeOnline, Weight: 1, Type: NodePrimary}
	if n.Condition != nil {
		nd.Condition = *n.Condition
	}
	if n.Type != nil {
		nd.Type = *n.Type
	}
	if n.Weight != nil {
		nd.Weight = *n.Weight
	}
	return nd
}

func (s *Simulator) findVIPLocked(tenant string, id int) *vip {
	for _, l := range s.lbs {
		if l.Tenant != tenant || l.Status == StatusDeleted {
			continue
		}
		for i := range l.VIPs {
			if l.VIPs[i].ID == id {
				v := l.VIPs[i]
				return &v
			}
		}
	}
	return nil
}

// insertLBLocked assigns IDs, opens the virtual IP and starts the BUILD
// window of a validated load balancer.
func (s *Simulator) insertLBLocked(l *lb, listen string, build bool) error {
	s.nextLB++
	l.ID = s.nextLB
	nodes := l.Nodes
	l.Nodes = nil
	if err := s.openVIPLocked(l, listen); err != nil {
		s.nextLB--
		l.Nodes = nodes
		return err
	}
	host := s.cfg.VIPHost
	if h, _, err := net.SplitHostPort(l.ListenAddr); err == nil {
		host = h
	}
	for i := range l.VIPs {
		if l.VIPs[i].ID == 0 {
			s.nextVIP++
			l.VIPs[i].ID = s.nextVIP
			if l.VIPs[i].IPVersion == "IPV4" {
				l.VIPs[i].Address = host
			}
		}
	}
	for i := range l.Metadata {
		s.nextMeta++
		l.Metadata[i].ID = s.nextMeta
	}
	for i := range l.AccessList {
		s.nextMeta++
		l.AccessList[i].ID = s.nextMeta
	}
	initial := StatusBuild
	if s.cfg.BuildTime < 0 || !build {
		initial = StatusActive
	}
	l.Status = initial
	s.lbs[l.ID] = l
	s.emit(Event{Kind: EventLBCreated, LoadBalancerID: l.ID, To: initial})
	for _, n := range nodes {
		s.nextNode++
		n.ID = s.nextNode
		s.addNodeLocked(l, n)
	}
	if initial == StatusBuild {
		s.scheduleLocked(l, s.cfg.BuildTime, StatusActive)
	}
	s.syncLocked(l)
	s.startMonitorLocked(l)
	return nil
}

func (s *Simulator) serveLB(w http.ResponseWriter, r *http.Request, tenant string, id int, rest []string) {
	m := r.Method
	if len(rest) == 0 {
		switch m {
		case http.MethodGet:
			s.mu.Lock()
			defer s.mu.Unlock()
			if l := s.lookupLocked(w, tenant, id); l != nil {
				writeJSON(w, 200, map[string]any{"loadBalancer": l.detailJSON(s.cfg.DefaultRegion)})
			}
		case http.MethodPut:
			s.updateLB(w, r, tenant, id)
		case http.MethodDelete:
			s.mu.Lock()
			defer s.mu.Unlock()
			l := s.lookupLocked(w, tenant, id)
			if l == nil || !s.mutableLocked(w, l) {
				return
			}
			s.deleteLBLocked(l)
			w.WriteHeader(http.StatusAccepted)
		default:
			errMethod(w)
		}
		return
	}
	switch rest[0] {
	case "nodes":
		s.serveNodes(w, r, tenant, id, rest[1:])
	case "metadata":
		s.serveMetadata(w, r, tenant, id, rest[1:])
	case "virtualips":
		s.serveVirtualIPs(w, r, tenant, id, rest[1:])
	case "stats":
		s.serveStats(w, r, tenant, id, rest[1:])
	case "connectionlogging", "contentcaching", "sessionpersistence", "healthmonitor",
		"connectionthrottle", "accesslist":
		if len(rest) != 1 {
			errResourceNotFound(w)
			return
		}
		s.serveSetting(w, r, tenant, id, rest[0])
	default:
		errResourceNotFound(w)
	}
}

func (s *Simulator) deleteLBLocked(l *lb) {
	l.Updated = time.Now()
	if s.cfg.PendingUpdate > 0 {
		s.setStatusLocked(l, StatusPendingDelete)
		s.scheduleLocked(l, s.cfg.PendingUpdate, StatusDeleted)
	} else {
		s.finishDeleteLocked(l)
	}
	s.saveLocked()
}

type lbUpdate struct {
	Name          *string          `json:"name"`
	Algorithm     *string          `json:"algorithm"`
	Protocol      *string          `json:"protocol"`
	HalfClosed    *bool            `json:"halfClosed"`
	Port          *int             `json:"port"`
	Timeout       *int             `json:"timeout"`
	HTTPSRedirect *bool            `json:"httpsRedirect"`
	ID            *json.RawMessage `json:"id"`
	Status        *json.RawMessage `json:"status"`
}

func (s *Simulator) updateLB(w http.ResponseWriter, r *http.Request, tenant string, id int) {
	var body struct {
		LoadBalancer *lbUpdate `json:"loadBalancer"`
	}
	if err := decodeStrict(r, &body); err != nil || body.LoadBalancer == nil {
		errSchema(w)
		return
	}
	u := body.LoadBalancer
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	var msgs []string
	if u.ID != nil {
		msgs = append(msgs, "Load balancer id field cannot be modified.")
	}
	if u.Status != nil {
		msgs = append(msgs, "Load balancer status field cannot be modified.")
	}
	if u.Name != nil {
		msgs = append(msgs, validName(u.Name)...)
	}
	if u.Algorithm != nil && !isAlgorithm(*u.Algorithm) {
		msgs = append(msgs, "Algorithm is invalid. Please specify a valid algorithm.")
	}
	proto := l.Protocol
	if u.Protocol != nil {
		if _, ok := protocolPort(*u.Protocol); !ok {
			msgs = append(msgs, "Protocol is invalid. Please specify a valid protocol.")
		} else {
			proto = *u.Protocol
		}
	}
	if u.Port != nil && (*u.Port < 1 || *u.Port > 65535) {
		msgs = append(msgs, "Port must be between 1 and 65535.")
	}
	if u.Timeout != nil && (*u.Timeout < 1 || *u.Timeout > 120) {
		msgs = append(msgs, "Timeout must be between 1 and 120 seconds.")
	}
	if u.HalfClosed != nil && *u.HalfClosed && proto != "TCP" && proto != "TCP_CLIENT_FIRST" {
		msgs = append(msgs, "Half closed is only available for TCP and TCP_CLIENT_FIRST protocols.")
	}
	if u.Name == nil && u.Algorithm == nil && u.Protocol == nil && u.HalfClosed == nil &&
		u.Port == nil && u.Timeout == nil && u.HTTPSRedirect == nil && len(msgs) == 0 {
		msgs = append(msgs, "The load balancer must have at least one attribute to update.")
	}
	if len(msgs) > 0 {
		errValidation(w, msgs...)
		return
	}
	if !s.mutableLocked(w, l) {
		return
	}
	oldProto, oldPort := l.Protocol, l.Port
	if u.Name != nil {
		l.Name = *u.Name
	}
	if u.Algorithm != nil {
		l.Algorithm = *u.Algorithm
	}
	l.Protocol = proto
	if u.Port != nil {
		l.Port = *u.Port
	}
	if u.Timeout != nil {
		l.Timeout = *u.Timeout
	}
	if u.HalfClosed != nil {
		l.HalfClosed = *u.HalfClosed
	}
	if u.HTTPSRedirect != nil {
		l.HTTPSRedirect = *u.HTTPSRedirect
	}
	s.reopenVIPLocked(l, oldProto, oldPort)
	s.changedLocked(l)
	w.WriteHeader(http.StatusAccepted)
}

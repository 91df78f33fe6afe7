package simulator

import (
	"context"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"time"
)

var (
	errNoNode          = errors.New("simulator: no eligible node")
	errKilled          = errors.New("simulator: node disabled or removed")
	errUpstreamTimeout = errors.New("simulator: node response timed out")
)

// backendSpec is what the model tells a forwarder about one node.
type backendSpec struct {
	ID        int
	Addr      string
	Condition string
	Status    string
	Type      string
	Weight    int
}

type backend struct {
	backendSpec // guarded by forwarder.mu
	// id and addr never change; they may be read without the lock.
	id        int
	addr      string
	active    int   // requests (HTTP) or connections (TCP) in flight to the node
	upstream  int   // open TCP connections from the load balancer to the node
	total     int64 // requests or connections ever sent
	cw        int   // smooth weighted round robin state
	inflight  map[uint64]func()
	transport *http.Transport
}

func (b *backend) eligible() bool {
	return b.Condition == ConditionEnabled && b.Status != NodeOffline
}

// forwarder is one load balancer's virtual IP: a listener that forwards
// HTTP requests (protocol HTTP) or TCP connections (other protocols) to the
// eligible nodes.
type forwarder struct {
	lbID     int
	protocol string
	port     string // the listener's port, for X-Forwarded-Port

	mu        sync.Mutex
	algorithm string
	timeout   time.Duration
	backends  map[int]*backend
	order     []int
	rr        int
	rng       *rand.Rand
	nextID    uint64
	closed    bool

	clientConns    int
	maxConn        int
	connectFailure int64
	connectError   int64
	connectTimeOut int64
	dataTimedOut   int64
	tcpClients     map[net.Conn]struct{}

	ln  net.Listener
	srv *http.Server
	wg  sync.WaitGroup
}

func newForwarder(lbID int, protocol string, ln net.Listener) *forwarder {
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	f := &forwarder{
		lbID:       lbID,
		protocol:   protocol,
		port:       port,
		backends:   map[int]*backend{},
		rng:        rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(lbID))),
		tcpClients: map[net.Conn]struct{}{},
		ln:         ln,
		timeout:    30 * time.Second,
	}
	if protocol == "HTTP" {
		rp := &httputil.ReverseProxy{
			Rewrite:      f.rewrite,
			Transport:    f,
			ErrorHandler: f.errorHandler,
			ErrorLog:     log.New(io.Discard, "", 0),
		}
		f.srv = &http.Server{
			Handler:           rp,
			ReadHeaderTimeout: 30 * time.Second,
			IdleTimeout:       90 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0),
			ConnState:         f.connState,
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			_ = f.srv.Serve(ln)
		}()
	} else {
		f.wg.Add(1)
		go f.acceptTCP()
	}
	return f
}

// Addr is the listener's host:port.
func (f *forwarder) Addr() string { return f.ln.Addr().String() }

func (f *forwarder) connState(c net.Conn, st http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch st {
	case http.StateNew:
		f.clientConns++
		if f.clientConns > f.maxConn {
			f.maxConn = f.clientConns
		}
	case http.StateClosed, http.StateHijacked:
		f.clientConns--
	}
}

// update applies the load balancer's current configuration. Nodes that
// become DISABLED or are removed have their connections closed.
func (f *forwarder) update(algorithm string, timeout time.Duration, specs []backendSpec) {
	var kills []func()
	f.mu.Lock()
	f.algorithm = algorithm
	if timeout > 0 {
		f.timeout = timeout
	}
	seen := map[int]bool{}
	f.order = f.order[:0]
	for _, sp := range specs {
		seen[sp.ID] = true
		f.order = append(f.order, sp.ID)
		if sp.Weight <= 0 {
			sp.Weight = 1
		}
		b := f.backends[sp.ID]
		if b == nil {
			b = &backend{backendSpec: sp, id: sp.ID, addr: sp.Addr, inflight: map[uint64]func(){}}
			b.transport = f.newTransport(b)
			f.backends[sp.ID] = b
			continue
		}
		was := b.Condition
		b.backendSpec = sp
		if sp.Condition == ConditionDisabled && was != ConditionDisabled {
			kills = append(kills, f.killLocked(b)...)
		} else if !b.eligible() {
			// a draining (or offline) node keeps its requests in flight
			// but no idle keep-alive connection: its open connections
			// fall to zero as those requests finish
			kills = append(kills, b.transport.CloseIdleConnections)
		}
	}
	for id, b := range f.backends {
		if !seen[id] {
			kills = append(kills, f.killLocked(b)...)
			delete(f.backends, id)
		}
	}
	f.mu.Unlock()
	for _, k := range kills {
		k()
	}
}

// killLocked returns the functions that close everything open to b.
func (f *forwarder) killLocked(b *backend) []func() {
	var out []func()
	for _, k := range b.inflight {
		out = append(out, k)
	}
	out = append(out, b.transport.CloseIdleConnections)
	return out
}

type countedConn struct {
	net.Conn
	once    sync.Once
	onClose func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.onClose)
	return err
}

func (f *forwarder) dialBackend(ctx context.Context, b *backend) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.DialContext(ctx, "tcp", b.addr)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	b.upstream++
	f.mu.Unlock()
	return &countedConn{Conn: c, onClose: func() {
		f.mu.Lock()
		b.upstream--
		f.mu.Unlock()
	}}, nil
}

func (f *forwarder) newTransport(b *backend) *http.Transport {
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return f.dialBackend(ctx, b)
		},
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
}

// pick chooses an eligible node by the algorithm and registers one request
// or connection on it. kill is called if the node is disabled or removed
// while that request is in flight.
func (f *forwarder) pick(tried map[int]bool, kill func()) (*backend, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, 0, errNoNode
	}
	var prim, sec []*backend
	for _, id := range f.order {
		b := f.backends[id]
		if b == nil || tried[id] || !b.eligible() {
			continue
		}
		if b.Type == NodeSecondary {
			sec = append(sec, b)
		} else {
			prim = append(prim, b)
		}
	}
	c := prim
	if len(c) == 0 {
		c = sec
	}
	if len(c) == 0 {
		return nil, 0, errNoNode
	}
	b := f.choose(c)
	f.nextID++
	id := f.nextID
	b.active++
	b.total++
	b.inflight[id] = kill
	return b, id, nil
}

func (f *forwarder) choose(c []*backend) *backend {
	n := len(c)
	start := f.rr % n
	f.rr++
	switch f.algorithm {
	case AlgorithmRandom:
		return c[f.rng.IntN(n)]
	case AlgorithmLeastConnections:
		best := c[start]
		for j := 1; j < n; j++ {
			b := c[(start+j)%n]
			if b.active < best.active {
				best = b
			}
		}
		return best
	case AlgorithmWeightedLeastConnections:
		best := c[start]
		for j := 1; j < n; j++ {
			b := c[(start+j)%n]
			l, r := b.active*best.Weight, best.active*b.Weight
			if l < r || (l == r && b.Weight > best.Weight) {
				best = b
			}
		}
		return best
	case AlgorithmWeightedRoundRobin:
		total := 0
		var best *backend
		for _, b := range c {
			b.cw += b.Weight
			total += b.Weight
			if best == nil || b.cw > best.cw {
				best = b
			}
		}
		best.cw -= total
		return best
	default: // ROUND_ROBIN
		return c[start]
	}
}

func (f *forwarder) release(b *backend, id uint64) {
	f.mu.Lock()
	b.active--
	delete(b.inflight, id)
	idle := !b.eligible()
	f.mu.Unlock()
	if idle {
		// the connection just returned to the pool will not be reused
		b.transport.CloseIdleConnections()
	}
}

func (f *forwarder) count(p *int64) {
	f.mu.Lock()
	*p++
	f.mu.Unlock()
}

// rewrite prepares the outgoing request; RoundTrip chooses the node.
func (f *forwarder) rewrite(pr *httputil.ProxyRequest) {
	pr.Out.URL.Scheme = "http"
	pr.Out.URL.Host = "node.invalid"
	if prior := pr.In.Header["X-Forwarded-For"]; len(prior) > 0 {
		pr.Out.Header["X-Forwarded-For"] = append([]string(nil), prior...)
	}
	pr.SetXForwarded()
	pr.Out.Header.Del("X-Forwarded-Host")
	pr.Out.Header.Set("X-Forwarded-Port", f.port)
	pr.Out.Host = pr.In.Host
}

// RoundTrip sends one request to a node chosen per request. A node that
// refuses the connection is skipped and the next eligible node is tried
// (when the request has no body).
func (f *forwarder) RoundTrip(req *http.Request) (*http.Response, error) {
	tried := map[int]bool{}
	retryable := req.Body == nil || req.Body == http.NoBody
	for {
		ctx, cancel := context.WithCancelCause(req.Context())
		b, id, err := f.pick(tried, func() { cancel(errKilled) })
		if err != nil {
			cancel(nil)
			return nil, err
		}
		out := req.Clone(ctx)
		out.URL.Host = b.addr
		timer := time.AfterFunc(f.currentTimeout(), func() { cancel(errUpstreamTimeout) })
		resp, err := b.transport.RoundTrip(out)
		timer.Stop()
		if err != nil {
			cause := context.Cause(ctx)
			f.release(b, id)
			cancel(nil)
			switch {
			case errors.Is(cause, errKilled):
				return nil, errKilled
			case errors.Is(cause, errUpstreamTimeout):
				f.count(&f.dataTimedOut)
				return nil, errUpstreamTimeout
			}
			var op *net.OpError
			if errors.As(err, &op) && op.Op == "dial" {
				f.count(&f.connectFailure)
				if retryable && req.Context().Err() == nil {
					tried[b.id] = true
					continue
				}
			} else {
				f.count(&f.connectError)
			}
			return nil, err
		}
		resp.Body = &trackedBody{ReadCloser: resp.Body, done: func() {
			f.release(b, id)
			cancel(nil)
		}}
		return resp, nil
	}
}

func (f *forwarder) currentTimeout() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.timeout
}

type trackedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (t *trackedBody) Close() error {
	err := t.ReadCloser.Close()
	t.once.Do(t.done)
	return err
}

func (f *forwarder) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errKilled):
		// The node was disabled: its connections are closed forcibly, the
		// client's included.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, herr := hj.Hijack(); herr == nil {
				_ = c.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>\n")
	case errors.Is(err, errNoNode):
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>\n")
	case errors.Is(err, errUpstreamTimeout):
		w.WriteHeader(http.StatusGatewayTimeout)
		_, _ = io.WriteString(w, "<html><body><h1>504 Gateway Time-out</h1></body></html>\n")
	default:
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>\n")
	}
}

// acceptTCP serves non-HTTP protocols: each client connection is forwarded
// to one node for its lifetime.
func (f *forwarder) acceptTCP() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			c.Close()
			return
		}
		f.tcpClients[c] = struct{}{}
		f.clientConns++
		if f.clientConns > f.maxConn {
			f.maxConn = f.clientConns
		}
		f.wg.Add(1)
		f.mu.Unlock()
		go f.serveTCP(c)
	}
}

func (f *forwarder) serveTCP(c net.Conn) {
	defer f.wg.Done()
	defer func() {
		c.Close()
		f.mu.Lock()
		delete(f.tcpClients, c)
		f.clientConns--
		f.mu.Unlock()
	}()
	tried := map[int]bool{}
	for {
		var (
			umu sync.Mutex
			up  net.Conn
		)
		kill := func() {
			c.Close()
			umu.Lock()
			if up != nil {
				up.Close()
			}
			umu.Unlock()
		}
		b, id, err := f.pick(tried, kill)
		if err != nil {
			return
		}
		u, err := f.dialBackend(context.Background(), b)
		if err != nil {
			f.count(&f.connectFailure)
			f.release(b, id)
			tried[b.id] = true
			continue
		}
		umu.Lock()
		up = u
		umu.Unlock()
		done := make(chan struct{})
		go func() {
			_, _ = io.Copy(u, c)
			if cw, ok := u.(*countedConn).Conn.(*net.TCPConn); ok {
				_ = cw.CloseWrite()
			}
			close(done)
		}()
		_, _ = io.Copy(c, u)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		<-done
		u.Close()
		f.release(b, id)
		return
	}
}

// close stops the listener and closes every connection.
func (f *forwarder) close() {
	var kills []func()
	f.mu.Lock()
	f.closed = true
	for _, b := range f.backends {
		kills = append(kills, f.killLocked(b)...)
	}
	for c := range f.tcpClients {
		kills = append(kills, func() { c.Close() })
	}
	f.mu.Unlock()
	f.ln.Close()
	for _, k := range kills {
		k()
	}
	if f.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = f.srv.Shutdown(ctx)
		cancel()
		_ = f.srv.Close()
	}
	f.wg.Wait()
	var trs []*http.Transport
	f.mu.Lock()
	for _, b := range f.backends {
		trs = append(trs, b.transport)
	}
	f.mu.Unlock()
	for _, t := range trs {
		t.CloseIdleConnections()
	}
}

// Stats are a load balancer's live traffic counters.
type Stats struct {
	LoadBalancerID int
	// VIP is the listener address (host:port).
	VIP string
	// CurrentConn is the number of open client connections on the VIP.
	CurrentConn int
	// MaxConn is the largest CurrentConn seen.
	MaxConn        int
	ConnectFailure int64 // node refused or could not be dialed
	ConnectError   int64 // other errors talking to a node
	ConnectTimeOut int64
	DataTimedOut   int64 // node did not answer within the LB timeout
	Nodes          []NodeStats
}

// NodeStats are one node's live counters.
type NodeStats struct {
	NodeID    int
	Address   string // host:port
	Condition string
	Status    string
	// Active is the number of requests (HTTP) or connections (other
	// protocols) currently forwarded to the node.
	Active int
	// UpstreamConns is the number of open TCP connections to the node,
	// including idle kept-alive ones.
	UpstreamConns int
	// Total is the number of requests or connections ever forwarded.
	Total int64
}

func (f *forwarder) stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := Stats{
		LoadBalancerID: f.lbID,
		VIP:            f.ln.Addr().String(),
		CurrentConn:    f.clientConns,
		MaxConn:        f.maxConn,
		ConnectFailure: f.connectFailure,
		ConnectError:   f.connectError,
		ConnectTimeOut: f.connectTimeOut,
		DataTimedOut:   f.dataTimedOut,
	}
	for _, id := range f.order {
		b := f.backends[id]
		if b == nil {
			continue
		}
		s.Nodes = append(s.Nodes, NodeStats{
			NodeID: b.ID, Address: b.Addr, Condition: b.Condition, Status: b.Status,
			Active: b.active, UpstreamConns: b.upstream, Total: b.total,
		})
	}
	return s
}

func hostPort(addr string, port int) string {
	return net.JoinHostPort(addr, strconv.Itoa(port))
}

package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Simulator is a running Rackspace Identity v2.0 and Cloud Load Balancers
// v1.0 simulator. Create it with Start and stop it with Close.
type Simulator struct {
	cfg Config
	ln  net.Listener
	srv *http.Server
	url string

	done chan struct{}

	mu       sync.Mutex
	closed   bool
	lbs      map[int]*lb
	nextLB   int
	nextNode int
	nextVIP  int
	nextMeta int
	tokens   map[string]*token
	issued   []string
	events   []Event
	seq      int
	timers   map[int]*pendingTimer

	timerWG sync.WaitGroup
	bgWG    sync.WaitGroup
	monWG   sync.WaitGroup

	limiter limiter

	faultMu sync.Mutex
	faults  Faults
	rng     *rand.Rand
}

type pendingTimer struct {
	t  *time.Timer
	to string
}

// Start starts a simulator with the given configuration. Every listener it
// opens is on a loopback address.
func Start(cfg Config) (*Simulator, error) {
	cfg = cfg.withDefaults()
	if err := checkLoopback(cfg.Listen); err != nil {
		return nil, err
	}
	if err := checkLoopback(net.JoinHostPort(cfg.VIPHost, "0")); err != nil {
		return nil, err
	}
	s := &Simulator{
		cfg:      cfg,
		done:     make(chan struct{}),
		lbs:      map[int]*lb{},
		nextLB:   1000,
		nextNode: 10000,
		nextVIP:  100,
		nextMeta: 1,
		tokens:   map[string]*token{},
		timers:   map[int]*pendingTimer{},
		limiter:  limiter{hits: map[string][]time.Time{}},
	}
	s.setFaultsLocked(cfg.Faults)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	if cfg.StateFile != "" {
		if err := s.load(); err != nil {
			ln.Close()
			s.shutdownLBs()
			return nil, err
		}
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	s.bgWG.Add(1)
	go func() {
		defer s.bgWG.Done()
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

func checkLoopback(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("simulator: bad address %q: %v", hostport, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("simulator: address %q is not a loopback address", hostport)
	}
	return nil
}

func (s *Simulator) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// URL is the simulator's base URL, http://127.0.0.1:PORT.
func (s *Simulator) URL() string { return s.url }

// IdentityURL is the identity endpoint to give clients, ending in "/v2.0/".
func (s *Simulator) IdentityURL() string { return s.url + "/v2.0/" }

// ServiceURL is the CLB publicURL of a tenant (all regions share it).
func (s *Simulator) ServiceURL(tenant string) string { return s.url + "/v1.0/" + tenant }

// TenantID is the tenant of AcceptAny users and the default tenant of
// AddLoadBalancer.
func (s *Simulator) TenantID() string { return s.cfg.TenantID }

// Close stops the API server, every virtual IP listener, health monitor and
// timer, and waits for their goroutines.
func (s *Simulator) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	for id, pt := range s.timers {
		if pt.t.Stop() {
			s.timerWG.Done()
		}
		delete(s.timers, id)
	}
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = s.srv.Shutdown(ctx)
	cancel()
	_ = s.srv.Close()
	s.shutdownLBs()
	s.timerWG.Wait()
	s.bgWG.Wait()
	s.monWG.Wait()
	return nil
}

func (s *Simulator) shutdownLBs() {
	s.mu.Lock()
	var fwds []*forwarder
	for _, l := range s.lbs {
		s.stopMonitorLocked(l)
		if l.fwd != nil {
			fwds = append(fwds, l.fwd)
			l.fwd = nil
		}
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, f := range fwds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.close()
		}()
	}
	wg.Wait()
}

// serveHTTP is the top-level router.
func (s *Simulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/__sim/"):
		s.serveSim(w, r)
	case p == "/v2.0" || strings.HasPrefix(p, "/v2.0/"):
		if s.currentFaults().Identity {
			if s.injectFault(w, r) {
				return
			}
		}
		s.serveIdentity(w, r)
	case strings.HasPrefix(p, "/v1.0/"):
		if s.injectFault(w, r) {
			return
		}
		s.serveCLB(w, r)
	default:
		errResourceNotFound(w)
	}
}

// SetFaults replaces the fault injection settings of a running simulator.
func (s *Simulator) SetFaults(f Faults) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.setFaultsLocked(f)
}

func (s *Simulator) setFaultsLocked(f Faults) {
	if f.SlowRate > 0 && f.SlowDelay <= 0 {
		f.SlowDelay = 2 * time.Second
	}
	seed := uint64(f.Seed)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	s.faults = f
	s.rng = rand.New(rand.NewPCG(seed, 0x5eed))
}

func (s *Simulator) currentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults
}

// injectFault rolls the fault dice for one request; it reports whether it
// answered the request.
func (s *Simulator) injectFault(w http.ResponseWriter, r *http.Request) bool {
	s.faultMu.Lock()
	f := s.faults
	drop := f.DropRate > 0 && s.rng.Float64() < f.DropRate
	fail := f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate
	fail503 := s.rng.IntN(2) == 0
	over := f.OverLimitRate > 0 && s.rng.Float64() < f.OverLimitRate
	slow := f.SlowRate > 0 && s.rng.Float64() < f.SlowRate
	s.faultMu.Unlock()
	switch {
	case drop:
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return true
			}
		}
		// No hijackable connection (HTTP/2): a 503 is the closest fault.
		errFlat(w, http.StatusServiceUnavailable, "Service Unavailable")
		return true
	case fail:
		if fail503 {
			errFlat(w, http.StatusServiceUnavailable, "Service Unavailable")
		} else {
			errFlat(w, http.StatusInternalServerError, "Load Balancer Fault")
		}
		return true
	case over:
		errOverLimit(w, 2*time.Second)
		return true
	case slow:
		t := time.NewTimer(f.SlowDelay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		case <-s.done:
			return true
		}
	}
	return false
}

// limiter is a per-key sliding-window request counter.
type limiter struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

// allow records a request for key unless it exceeds rl; when it does, it
// returns how long until a request would be accepted.
func (l *limiter) allow(key string, rl RateLimit, now time.Time) (bool, time.Duration) {
	if rl.PerSecond <= 0 && rl.PerMinute <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hits[key]
	i := 0
	for i < len(h) && now.Sub(h[i]) >= time.Minute {
		i++
	}
	h = h[i:]
	var wait time.Duration
	if rl.PerMinute > 0 && len(h) >= rl.PerMinute {
		wait = h[len(h)-rl.PerMinute].Add(time.Minute).Sub(now)
	}
	if rl.PerSecond > 0 {
		n := 0
		for j := len(h) - 1; j >= 0 && now.Sub(h[j]) < time.Second; j-- {
			n++
		}
		if n >= rl.PerSecond {
			if d := h[len(h)-rl.PerSecond].Add(time.Second).Sub(now); d > wait {
				wait = d
			}
		}
	}
	if wait > 0 {
		l.hits[key] = h
		return false, wait
	}
	l.hits[key] = append(h, now)
	return true, 0
}

func (l *limiter) used(key string, window time.Duration, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, t := range l.hits[key] {
		if now.Sub(t) < window {
			n++
		}
	}
	return n
}

var errClosed = errors.New("simulator: closed")

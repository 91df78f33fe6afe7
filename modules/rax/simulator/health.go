package simulator

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"regexp"
	"sync"
	"time"
)

const defaultStatusRegex = "^[234][0-9][0-9]$"

type healthTarget struct {
	id   int
	addr string
}

// runMonitor checks the nodes of one load balancer every Delay units until
// ctx is cancelled. A node goes OFFLINE after AttemptsBeforeDeactivation
// consecutive failed checks and ONLINE again after one good check. DISABLED
// nodes are not checked.
func (s *Simulator) runMonitor(ctx context.Context, lbID int, m *monitor, hm HealthMonitor) {
	defer s.monWG.Done()
	unit := s.cfg.HealthMonitorUnit
	interval := time.Duration(hm.Delay) * unit
	timeout := time.Duration(hm.Timeout) * unit
	if interval <= 0 {
		interval = unit
	}
	if timeout <= 0 {
		timeout = unit
	}
	statusRE, _ := regexp.Compile(orDefault(hm.StatusRegex, defaultStatusRegex))
	var bodyRE *regexp.Regexp
	if hm.BodyRegex != "" {
		bodyRE, _ = regexp.Compile(hm.BodyRegex)
	}
	tr := &http.Transport{
		Proxy:             nil,
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	check := func(addr string) bool {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if hm.Type == "CONNECT" {
			var d net.Dialer
			c, err := d.DialContext(cctx, "tcp", addr)
			if err != nil {
				return false
			}
			c.Close()
			return true
		}
		scheme := "http"
		if hm.Type == "HTTPS" {
			scheme = "https"
		}
		req, err := http.NewRequestWithContext(cctx, http.MethodGet, scheme+"://"+addr+orDefault(hm.Path, "/"), nil)
		if err != nil {
			return false
		}
		if hm.HostHeader != "" {
			req.Host = hm.HostHeader
		}
		req.Header.Set("User-Agent", "raxsim-health-monitor")
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if statusRE != nil && !statusRE.MatchString(itoa3(resp.StatusCode)) {
			return false
		}
		if bodyRE != nil && !bodyRE.Match(body) {
			return false
		}
		return true
	}

	fails := map[int]int{}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		targets, ok := s.monitorTargets(lbID, m)
		if !ok {
			return
		}
		results := make([]bool, len(targets))
		var wg sync.WaitGroup
		for i, t := range targets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = check(t.addr)
			}()
		}
		wg.Wait()
		if ctx.Err() != nil {
			return
		}
		s.applyHealth(lbID, m, hm.AttemptsBeforeDeactivation, targets, results, fails)
		timer.Reset(interval)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func itoa3(code int) string {
	return string([]byte{byte('0' + code/100%10), byte('0' + code/10%10), byte('0' + code%10)})
}

func (s *Simulator) monitorTargets(lbID int, m *monitor) ([]healthTarget, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lbs[lbID]
	if s.closed || l == nil || l.mon != m {
		return nil, false
	}
	var out []healthTarget
	for _, n := range l.Nodes {
		if n.Condition != ConditionDisabled {
			out = append(out, healthTarget{n.ID, hostPort(n.Address, n.Port)})
		}
	}
	return out, true
}

func (s *Simulator) applyHealth(lbID int, m *monitor, attempts int, targets []healthTarget, results []bool, fails map[int]int) {
	if attempts <= 0 {
		attempts = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lbs[lbID]
	if s.closed || l == nil || l.mon != m {
		return
	}
	changed := false
	for i, t := range targets {
		n := l.node(t.id)
		if n == nil {
			delete(fails, t.id)
			continue
		}
		if results[i] {
			fails[t.id] = 0
			changed = s.setNodeStatusLocked(l, n, NodeOnline) || changed
			continue
		}
		fails[t.id]++
		if fails[t.id] >= attempts {
			changed = s.setNodeStatusLocked(l, n, NodeOffline) || changed
		}
	}
	if changed {
		s.syncLocked(l)
		s.saveLocked()
	}
}

// regexpCompile compiles a non-empty pattern; an empty one is valid.
func regexpCompile(p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, nil
	}
	return regexp.Compile(p)
}

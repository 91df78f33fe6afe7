package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"
)

// Failure causes, as the report names them.
const (
	CauseRefused = "refused"
	CauseReset   = "reset"
	Cause5xx     = "5xx"
	CauseTimeout = "timeout"
	CauseOther   = "other"
)

// Causes lists the failure causes in report order.
var Causes = []string{CauseRefused, CauseReset, Cause5xx, CauseTimeout, CauseOther}

type loadConfig struct {
	url       string
	rate      int
	slowRate  float64
	freshRate float64
	timeout   time.Duration
}

// maxInFlight bounds the load generator's concurrency; when it is reached
// the generator falls behind its rate instead of piling up requests.
const maxInFlight = 512

// loadGen sends an open-loop stream of GET requests to the load balancer:
// keep-alive and fresh connections mixed, some slow (streamed) requests.
type loadGen struct {
	cfg   loadConfig
	keep  *http.Client
	fresh *http.Client
	ctx   context.Context
	halt  context.CancelFunc
	done  chan struct{}
	wg    sync.WaitGroup
	sem   chan struct{}

	mu    sync.Mutex
	stats loadStats
}

// loadStats are the raw results of a load run.
type loadStats struct {
	start, end time.Time
	sent       int
	slow       int
	fresh      int
	failed     map[string]int
	codes      map[int]int // status codes of 5xx failures
	samples    []sample    // first failures
	lat        []time.Duration
	seconds    []second
}

// sample is one failure, described.
type sample struct {
	at   time.Duration // since the start of the load
	text string
}

// second counts the responses of one second of the run by version.
type second struct {
	versions map[string]int
	failed   int
}

func newLoadGen(cfg loadConfig) *loadGen {
	keepTr := &http.Transport{
		Proxy:               nil,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	freshTr := &http.Transport{Proxy: nil, DisableKeepAlives: true, DisableCompression: true}
	ctx, cancel := context.WithCancel(context.Background())
	return &loadGen{
		cfg:   cfg,
		keep:  &http.Client{Transport: keepTr},
		fresh: &http.Client{Transport: freshTr},
		ctx:   ctx,
		halt:  cancel,
		done:  make(chan struct{}),
		sem:   make(chan struct{}, maxInFlight),
		stats: loadStats{failed: map[string]int{}, codes: map[int]int{}},
	}
}

func (g *loadGen) start() {
	g.stats.start = time.Now()
	go g.run()
}

func (g *loadGen) run() {
	defer close(g.done)
	interval := time.Second / time.Duration(g.cfg.rate)
	next := time.Now()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-g.ctx.Done():
			return
		case <-timer.C:
		}
		now := time.Now()
		// Send what is due; after a stall, do not burst more than a
		// second's worth.
		if now.Sub(next) > time.Second {
			next = now.Add(-time.Second)
		}
		for !next.After(now) {
			next = next.Add(interval)
			select {
			case g.sem <- struct{}{}:
			case <-g.ctx.Done():
				return
			}
			slow := rng.Float64() < g.cfg.slowRate
			fresh := rng.Float64() < g.cfg.freshRate
			ms := 200 + rng.IntN(601)
			g.wg.Add(1)
			go func() {
				defer g.wg.Done()
				defer func() { <-g.sem }()
				g.one(slow, fresh, ms)
			}()
		}
		timer.Reset(time.Until(next))
	}
}

// one sends one request and records its outcome.
func (g *loadGen) one(slow, fresh bool, ms int) {
	url := g.cfg.url + "/"
	if slow {
		url = fmt.Sprintf("%s/slow?ms=%d", g.cfg.url, ms)
	}
	client := g.keep
	if fresh {
		client = g.fresh
	}
	// Requests in flight when the run stops are allowed to finish.
	ctx, cancel := context.WithTimeout(context.Background(), g.cfg.timeout)
	defer cancel()
	t0 := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	var (
		version string
		cause   string
		code    int
		msg     string
	)
	resp, err := client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		version = resp.Header.Get("X-App-Version")
		code = resp.StatusCode
	}
	lat := time.Since(t0)
	switch {
	case err != nil:
		cause, msg = classify(err), err.Error()
	case code >= 500:
		cause, msg = Cause5xx, resp.Status
	case code != http.StatusOK:
		cause, msg = CauseOther, resp.Status
	case version == "":
		cause, msg = CauseOther, "response without X-App-Version"
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	st := &g.stats
	st.sent++
	if slow {
		st.slow++
	}
	if fresh {
		st.fresh++
	}
	sec := int(t0.Sub(st.start) / time.Second)
	for len(st.seconds) <= sec {
		st.seconds = append(st.seconds, second{versions: map[string]int{}})
	}
	if cause != "" {
		st.failed[cause]++
		st.seconds[sec].failed++
		if cause == Cause5xx {
			st.codes[code]++
		}
		if len(st.samples) < 5 {
			at := t0.Sub(st.start)
			st.samples = append(st.samples, sample{at, fmt.Sprintf("+%.1fs %s %s: %s", at.Seconds(), cause, req.URL.Path, msg)})
		}
		return
	}
	st.seconds[sec].versions[version]++
	if !slow {
		st.lat = append(st.lat, lat)
	}
}

// classify names the cause of a transport error.
func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return CauseRefused
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return CauseTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return CauseReset
	}
	return CauseOther
}

// stop ends the run, waits for the requests in flight and returns the
// statistics.
func (g *loadGen) stop() *loadStats {
	g.mu.Lock()
	g.stats.end = time.Now()
	g.mu.Unlock()
	g.halt()
	<-g.done
	g.wg.Wait()
	g.keep.CloseIdleConnections()
	g.fresh.CloseIdleConnections()
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.stats
	return &st
}

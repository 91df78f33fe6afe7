package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Files of a node's directory, relative to it. The SSH session of a node
// starts in that directory, so a playbook uses these paths as they are.
const (
	// FileVersion is the version file of a release: releases/<v>/VERSION.
	FileVersion = "VERSION"
	// DirReleases holds one directory per release.
	DirReleases = "releases"
	// LinkCurrent is the symlink to the release being served.
	LinkCurrent = "current"
	// FileRestart is the restart trigger: the app restarts when its
	// modification time changes (touch it), as Passenger's tmp/restart.txt.
	FileRestart = "tmp/restart.txt"
	// FileConnections holds the number of open connections to the app,
	// kept up to date by the app (within about 50ms).
	FileConnections = "run/connections"
	// FileStatus holds "up <version>", "restarting" or "down: <reason>".
	FileStatus = "run/status"
	// FileLog is the app's log.
	FileLog = "log/app.log"
)

// pollInterval is how often the app looks at its restart trigger and
// refreshes its connection counter file.
const pollInterval = 50 * time.Millisecond

// appServer is one node's HTTP application. It serves the version of the
// release that current points to, restarts when tmp/restart.txt is
// touched (closing every connection, like a process restart), and keeps
// run/connections up to date.
type appServer struct {
	index     int
	addr      string // host:port, fixed for the node's life
	dir       string
	downtime  time.Duration
	keepAlive time.Duration

	mu       sync.Mutex
	gen      *generation // nil while down
	version  string
	closed   bool
	restarts int

	logMu sync.Mutex
	logF  *os.File

	stop chan struct{}
	done chan struct{}
}

// generation is one run of the app between restarts.
type generation struct {
	srv   *http.Server
	ln    net.Listener
	conns atomic.Int64
	done  chan struct{}
}

// newAppServer lays out dir (releases/v1, current, tmp, run, log) and
// starts serving on host:port (port 0: any free port).
func newAppServer(index int, host string, port int, dir string, downtime, keepAlive time.Duration) (*appServer, error) {
	for _, d := range []string{filepath.Join(DirReleases, "v1"), "tmp", "run", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, DirReleases, "v1", FileVersion), []byte("v1\n"), 0o644); err != nil {
		return nil, err
	}
	cur := filepath.Join(dir, LinkCurrent)
	_ = os.Remove(cur)
	if err := os.Symlink(filepath.Join(DirReleases, "v1"), cur); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte(nodeReadme), 0o644); err != nil {
		return nil, err
	}
	lf, err := os.OpenFile(filepath.Join(dir, FileLog), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	a := &appServer{index: index, dir: dir, downtime: downtime, keepAlive: keepAlive, logF: lf,
		stop: make(chan struct{}), done: make(chan struct{})}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil && port != 0 {
		ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
	}
	if err != nil {
		lf.Close()
		return nil, err
	}
	a.addr = ln.Addr().String()
	v, err := a.readVersion()
	if err != nil {
		ln.Close()
		lf.Close()
		return nil, err
	}
	a.start(ln, v)
	go a.watch()
	return a, nil
}

const nodeReadme = `A goplay sandbox node: a real HTTP app behind the sandbox's load balancer.

  releases/<version>/VERSION  one directory per release; VERSION holds its name
  current                     symlink to the release being served
  tmp/restart.txt             touch it to restart the app: the app closes every
                              connection, is down for a moment, then serves the
                              release that current points to
  run/connections             number of open connections to the app
  run/status                  "up <version>", "restarting" or "down: <reason>"
  log/app.log                 the app's log

HTTP: GET / (version and node), GET /version (the version only),
GET /slow?ms=N (a response streamed over N ms), GET /healthz.
`

func (a *appServer) logf(format string, args ...any) {
	a.logMu.Lock()
	defer a.logMu.Unlock()
	if a.logF != nil {
		fmt.Fprintf(a.logF, "%s %s\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), fmt.Sprintf(format, args...))
	}
}

func (a *appServer) readVersion() (string, error) {
	b, err := os.ReadFile(filepath.Join(a.dir, LinkCurrent, FileVersion))
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if v == "" || strings.ContainsAny(v, "\r\n") {
		return "", fmt.Errorf("%s: bad version %q", filepath.Join(LinkCurrent, FileVersion), v)
	}
	return v, nil
}

// start serves a new generation on ln.
func (a *appServer) start(ln net.Listener, version string) {
	g := &generation{ln: ln, done: make(chan struct{})}
	g.srv = &http.Server{
		Handler:           a.handler(version),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       a.keepAlive,
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnState: func(_ net.Conn, st http.ConnState) {
			switch st {
			case http.StateNew:
				g.conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				g.conns.Add(-1)
			}
		},
	}
	a.mu.Lock()
	a.gen = g
	a.version = version
	a.mu.Unlock()
	go func() {
		defer close(g.done)
		_ = g.srv.Serve(ln)
	}()
	a.writeStatus("up " + version)
	a.logf("serving %s on %s", version, a.addr)
}

func (a *appServer) handler(version string) http.Handler {
	node := strconv.Itoa(a.index)
	mux := http.NewServeMux()
	hdr := func(w http.ResponseWriter) {
		w.Header().Set("X-App-Version", version)
		w.Header().Set("X-App-Node", node)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		hdr(w)
		_, _ = io.WriteString(w, version)
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		hdr(w)
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		ms = min(max(ms, 0), 60000)
		hdr(w)
		w.WriteHeader(http.StatusOK)
		fl, _ := w.(http.Flusher)
		const parts = 4
		step := time.Duration(ms) * time.Millisecond / parts
		for i := 0; i < parts; i++ {
			fmt.Fprintf(w, "app %s node %s (slow %d/%d)\n", version, node, i+1, parts)
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-time.After(step):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprintf(w, "app %s node %s\n", version, node)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hdr(w)
		fmt.Fprintf(w, "app %s node %s\n", version, node)
	})
	return mux
}

// writeFile replaces name (relative to the node dir) atomically.
func (a *appServer) writeFile(name, content string) {
	p := filepath.Join(a.dir, name)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return
	}
	_ = os.Rename(tmp, p)
}

func (a *appServer) writeStatus(s string) { a.writeFile(FileStatus, s+"\n") }

// watch polls the restart trigger and refreshes run/connections.
func (a *appServer) watch() {
	defer close(a.done)
	trigger := filepath.Join(a.dir, FileRestart)
	var last time.Time
	if st, err := os.Stat(trigger); err == nil {
		last = st.ModTime()
	}
	lastConns := int64(-1)
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		if n := a.Connections(); n != lastConns {
			a.writeFile(FileConnections, strconv.FormatInt(n, 10)+"\n")
			lastConns = n
		}
		select {
		case <-a.stop:
			return
		case <-t.C:
		}
		st, err := os.Stat(trigger)
		if err != nil || st.ModTime().Equal(last) {
			continue
		}
		last = st.ModTime()
		a.restart()
	}
}

// Connections is the number of open connections to the app (0 while down).
func (a *appServer) Connections() int64 {
	a.mu.Lock()
	g := a.gen
	a.mu.Unlock()
	if g == nil {
		return 0
	}
	return max(g.conns.Load(), 0)
}

// Version is the version being served, "" while down.
func (a *appServer) Version() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gen == nil {
		return ""
	}
	return a.version
}

// Restarts counts completed restarts.
func (a *appServer) Restarts() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.restarts
}

// halt closes the listener and every connection, as the end of a process
// does; requests in flight are cut.
func (a *appServer) halt() {
	a.mu.Lock()
	g := a.gen
	a.gen = nil
	a.mu.Unlock()
	if g == nil {
		return
	}
	_ = g.srv.Close()
	<-g.done
}

// restart stops the app, waits the downtime, and starts it again with the
// release current points to. When that release is broken the app stays
// down (run/status says why) until the next trigger.
func (a *appServer) restart() {
	a.logf("restart requested")
	a.writeStatus("restarting")
	a.halt()
	a.writeFile(FileConnections, "0\n")
	select {
	case <-time.After(a.downtime):
	case <-a.stop:
		return
	}
	v, err := a.readVersion()
	if err != nil {
		a.logf("start failed: %v", err)
		a.writeStatus("down: " + err.Error())
		return
	}
	var ln net.Listener
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err = net.Listen("tcp", a.addr)
		if err == nil || time.Now().After(deadline) {
			break
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-a.stop:
			return
		}
	}
	if err != nil {
		a.logf("start failed: %v", err)
		a.writeStatus("down: " + err.Error())
		return
	}
	a.mu.Lock()
	closed := a.closed
	a.restarts++
	a.mu.Unlock()
	if closed {
		ln.Close()
		return
	}
	a.start(ln, v)
}

// Close stops the app for good.
func (a *appServer) Close() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	a.mu.Unlock()
	close(a.stop)
	<-a.done
	a.halt()
	a.logMu.Lock()
	if a.logF != nil {
		a.logF.Close()
		a.logF = nil
	}
	a.logMu.Unlock()
}

// fetchVersion asks a node for its version directly (not through the load
// balancer).
func fetchVersion(ctx context.Context, addr string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/version", nil)
	if err != nil {
		return "", err
	}
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status)
	}
	return strings.TrimSpace(string(b)), nil
}

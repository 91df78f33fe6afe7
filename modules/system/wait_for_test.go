package system

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/connection/local"
)

// banner listens on a free port and greets every client the way
// record_wait_for.sh's server does.
func banner(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("SSH-2.0-Test port=22 user=bob\r\n"))
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// closedPort returns a port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

// TestWaitForRecorded replays the wait_for calls recorded from ansible-core
// 2.14 (testdata/record_wait_for.sh) against real files and listeners
// through the local connection.
func TestWaitForRecorded(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for timeouts")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "conf"), []byte("hello\nport=8080 name=web\n"), 0o644)
	open, closed := banner(t), closedPort(t)
	repl := strings.NewReplacer("/tmp/gp_wait_record", dir, "18766", fmt.Sprint(open), "18767", fmt.Sprint(closed))
	back := strings.NewReplacer(dir, "/tmp/gp_wait_record", fmt.Sprint(open), "18766", fmt.Sprint(closed), "18767")
	recs := readRecords(t, "ansible_wait_for.txt")
	if len(recs) < 20 {
		t.Fatalf("only %d records", len(recs))
	}
	for _, rec := range recs {
		o := runModule(t, local.New(), "wait_for", parseArgs(t, repl.Replace(rec.args)), rec.check)
		if rec.status == "SKIPPED" {
			compare(t, rec, o)
			continue
		}
		for k, v := range o.res {
			if s, ok := v.(string); ok {
				o.res[k] = back.Replace(s)
			}
			if n, ok := v.(int); ok && k == "port" {
				o.res[k] = map[int]int{open: 18766, closed: 18767}[n]
			}
		}
		for _, k := range []string{"uid", "gid", "owner", "group"} {
			if _, ok := rec.result[k]; ok {
				if _, ok := o.res[k]; ok {
					o.res[k] = rec.result[k]
				}
			}
		}
		// Elapsed seconds may run one over Ansible's on a loaded machine.
		if g, ok := o.res["elapsed"].(int); ok {
			if w, ok := rec.result["elapsed"].(float64); ok && g == int(w)+1 {
				o.res["elapsed"] = int(w)
			}
		}
		compare(t, rec, o)
	}
}

// TestWaitForAppears: the file appears, then gets the line searched for;
// the port opens later.
func TestWaitForAppears(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "log")
	go func() {
		time.Sleep(1200 * time.Millisecond)
		os.WriteFile(p, []byte("starting\n"), 0o600)
		time.Sleep(1500 * time.Millisecond)
		os.WriteFile(p, []byte("starting\nready on 8443\n"), 0o600)
	}()
	o := runModule(t, local.New(), "wait_for", map[string]any{"path": p, "search_regex": `ready on (?P<port>\d+)`, "timeout": "20"}, false)
	r := o.res
	if r["failed"] == true || fmt.Sprint(r["match_groups"]) != "[8443]" || fmt.Sprint(r["match_groupdict"]) != "map[port:8443]" {
		t.Fatalf("result %v", r)
	}
	if r["state"] != "file" || r["mode"] != "0600" || r["size"] != int64(len("starting\nready on 8443\n")) {
		t.Errorf("path info %v", r)
	}
	if e := r["elapsed"].(int); e < 2 || e > 5 {
		t.Errorf("elapsed %d", e)
	}

	port := closedPort(t)
	go func() {
		time.Sleep(1500 * time.Millisecond)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return
		}
		t.Cleanup(func() { ln.Close() })
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	o = runModule(t, local.New(), "wait_for", map[string]any{"port": port, "timeout": "20", "delay": "1"}, false)
	if o.res["failed"] == true || o.res["port"] != port || o.res["state"] != "started" {
		t.Fatalf("result %v", o.res)
	}
	if e := o.res["elapsed"].(int); e < 1 || e > 5 {
		t.Errorf("elapsed %d", e)
	}
}

// TestWaitForDrained counts a real established connection from
// /proc/net/tcp, then sees it gone.
func TestWaitForDrained(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv := <-accepted
	args := map[string]any{"port": port, "state": "drained", "timeout": "1", "active_connection_states": []any{"ESTABLISHED"}}
	o := runModule(t, local.New(), "wait_for", args, false)
	if o.res["failed"] != true || o.res["msg"] != fmt.Sprintf("Timeout when waiting for 127.0.0.1:%d to drain", port) {
		t.Fatalf("with a connection: %v", o.res)
	}
	// The client's address excluded, the connection no longer counts.
	args["exclude_hosts"] = []any{"127.0.0.1"}
	if o := runModule(t, local.New(), "wait_for", args, false); o.res["failed"] == true {
		t.Fatalf("excluded: %v", o.res)
	}
	delete(args, "exclude_hosts")
	c.Close()
	srv.Close()
	args["timeout"] = "5"
	o = runModule(t, local.New(), "wait_for", args, false)
	if o.res["failed"] == true || o.res["state"] != "drained" {
		t.Fatalf("after close: %v", o.res)
	}
}

func TestHostHex(t *testing.T) {
	v4, v6, err := hostHex("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(v4) != "[0100007F]" || fmt.Sprint(v6) != "[0000000000000000FFFF00000100007F]" {
		t.Errorf("127.0.0.1 -> %v %v", v4, v6)
	}
	_, v6, _ = hostHex("::1")
	if fmt.Sprint(v6) != "[00000000000000000000000001000000]" {
		t.Errorf("::1 -> %v", v6)
	}
}

// TestWaitForWithoutBash checks the python fallback for ports, on a PATH
// that holds only the tools the scripts need (no bash).
func TestWaitForWithoutBash(t *testing.T) {
	py := ""
	for _, p := range []string{"/usr/bin/python3", "/bin/python3"} {
		if _, err := os.Stat(p); err == nil {
			py = p
		}
	}
	if py == "" {
		t.Skip("no python3")
	}
	bin := t.TempDir()
	for _, tool := range []string{"date", "sleep", "cat", "cksum", "stat", "timeout"} {
		for _, d := range []string{"/usr/bin", "/bin"} {
			if _, err := os.Stat(d + "/" + tool); err == nil {
				os.Symlink(d+"/"+tool, filepath.Join(bin, tool))
				break
			}
		}
	}
	os.Symlink(py, filepath.Join(bin, "python3"))
	conn := &local.Conn{Env: []string{"PATH=" + bin}}
	open := banner(t)
	o := runModule(t, conn, "wait_for", map[string]any{"port": open, "search_regex": `user=(\w+)`, "timeout": "5"}, false)
	if o.res["failed"] == true || o.res["search_regex"] != `user=(\w+)` {
		t.Fatalf("regex on port: %v", o.res)
	}
	o = runModule(t, conn, "wait_for", map[string]any{"port": open, "search_regex": "nomatch", "timeout": "2"}, false)
	if o.res["msg"] != fmt.Sprintf("Timeout when waiting for search string nomatch in 127.0.0.1:%d", open) {
		t.Fatalf("no match on port: %v", o.res)
	}
	o = runModule(t, conn, "wait_for", map[string]any{"port": closedPort(t), "timeout": "1"}, false)
	if o.res["failed"] != true {
		t.Fatalf("closed port: %v", o.res)
	}
	// Nothing to connect with at all.
	os.Remove(filepath.Join(bin, "python3"))
	o = runModule(t, conn, "wait_for", map[string]any{"port": open, "timeout": "2"}, false)
	if o.res["failed"] != true || !strings.Contains(fmt.Sprint(o.res["msg"]), "needs bash, python or nc") {
		t.Fatalf("no tools: %v", o.res)
	}
}

// TestPyRegexpError: messages from python3 -c 're.compile(EXPR, re.M)'.
func TestPyRegexpError(t *testing.T) {
	for expr, want := range map[string]string{
		"(":    "missing ), unterminated subpattern at position 0",
		"(a(b": "missing ), unterminated subpattern at position 2",
		"a)":   "unbalanced parenthesis at position 1",
		"*a":   "nothing to repeat at position 0",
		"a**":  "multiple repeat at position 2",
		"[ab":  "unterminated character set at position 0",
		"x|+":  "nothing to repeat at position 2",
	} {
		_, err := pyRegexp(expr)
		if err == nil {
			t.Errorf("%q compiled", expr)
			continue
		}
		if got := pyRegexpError(expr, err); got != want {
			t.Errorf("%q: %q, want %q", expr, got, want)
		}
	}
	for _, ok := range []string{`a+?b`, `[)(]+`, `\(x\)`, `(?P<n>\d+)`, `[]a]`} {
		if _, err := pyRegexp(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

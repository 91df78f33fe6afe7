package files

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/modules"
)

// countConn counts the round trips a module makes.
type countConn struct {
	modules.Conn
	n int
}

func (c *countConn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	c.n++
	return c.Conn.Exec(ctx, cmd, stdin)
}

func (c *countConn) Put(ctx context.Context, data io.Reader, path string, mode os.FileMode) error {
	c.n++
	return c.Conn.Put(ctx, data, path, mode)
}

func (c *countConn) Fetch(ctx context.Context, path string) ([]byte, error) {
	c.n++
	return c.Conn.Fetch(ctx, path)
}

// TestRoundTrips pins how many times each module reaches the target: one
// script to inspect, one more only when something changes (copy and
// template write in the inspecting script when they can).
func TestRoundTrips(t *testing.T) {
	dir := t.TempDir()
	p := func(s string) string { return filepath.Join(dir, s) }
	os.WriteFile(p("src"), []byte("data\n"), 0o644)
	os.WriteFile(p("script.sh"), []byte("echo hi\n"), 0o755)
	os.MkdirAll(p("tree/sub"), 0o755)
	os.WriteFile(p("tree/a"), []byte("a"), 0o644)
	os.WriteFile(p("tree/sub/b"), []byte("b"), 0o644)
	owner := "root"
	if u, err := user.Current(); err == nil {
		owner = u.Username
	}
	for _, c := range []struct {
		module string
		args   map[string]any
		check  bool
		want   int
	}{
		{"copy", map[string]any{"content": "x", "dest": p("c")}, false, 1},
		{"copy", map[string]any{"content": "x", "dest": p("c")}, false, 1},
		{"copy", map[string]any{"content": "x", "dest": p("c"), "mode": "0600"}, false, 2},
		{"copy", map[string]any{"content": "y", "dest": p("c")}, true, 1},
		{"copy", map[string]any{"src": p("tree"), "dest": p("t2")}, false, 2},
		{"copy", map[string]any{"src": p("tree"), "dest": p("t2")}, false, 1},
		{"template", map[string]any{"src": p("src"), "dest": p("tp")}, false, 1},
		{"copy", map[string]any{"content": "z", "dest": p("c"), "mode": "0640", "owner": owner, "backup": true}, false, 1},
		{"copy", map[string]any{"content": "w", "dest": p("c"), "mode": "u=rw"}, false, 2},
		{"template", map[string]any{"src": p("src"), "dest": p("tp")}, false, 1},
		{"file", map[string]any{"path": p("d/e"), "state": "directory", "mode": "0750"}, false, 1},
		{"file", map[string]any{"path": p("d/f"), "state": "directory", "owner": owner}, false, 1},
		{"file", map[string]any{"path": p("d/g"), "state": "directory", "mode": "u=rwx"}, false, 2},
		{"file", map[string]any{"path": p("d/e"), "state": "directory"}, false, 1},
		{"file", map[string]any{"path": p("c"), "state": "absent"}, false, 1},
		{"file", map[string]any{"path": p("c"), "state": "absent"}, false, 1},
		{"stat", map[string]any{"path": p("src")}, false, 1},
		{"slurp", map[string]any{"src": p("src")}, false, 1},
		{"fetch", map[string]any{"src": p("src"), "dest": p("f"), "flat": true}, false, 2},
		{"fetch", map[string]any{"src": p("src"), "dest": p("f"), "flat": true}, false, 1},
		{"lineinfile", map[string]any{"path": p("src"), "line": "l"}, false, 2},
		{"lineinfile", map[string]any{"path": p("src"), "line": "l"}, false, 1},
		{"blockinfile", map[string]any{"path": p("src"), "block": "b"}, false, 2},
		{"blockinfile", map[string]any{"path": p("src"), "block": "b"}, false, 1},
		{"script", map[string]any{"_raw_params": p("script.sh"), "creates": p("nope")}, false, 1},
	} {
		m, _, err := modules.New(c.module, c.args)
		if err != nil {
			t.Fatal(err)
		}
		conn := &countConn{Conn: local.New()}
		r, err := m.Run(context.Background(), &modules.Request{Args: c.args, Vars: map[string]any{}, Host: "h", Check: c.check, Conn: conn,
			Find: testFind, Render: testRender(nil), Warn: func(string) {}, Log: func(string, ...any) {}, Tmp: dir})
		if err != nil || r.Failed {
			t.Fatalf("%s %v: %v %+v", c.module, c.args, err, r)
		}
		if conn.n != c.want {
			t.Errorf("%s %v check=%v: %d round trips, want %d", c.module, c.args, c.check, conn.n, c.want)
		}
	}
}

// TestLargeFiles streams a file bigger than the inline limits through
// copy, fetch and slurp.
func TestLargeFiles(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 6<<20+3)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	src := filepath.Join(dir, "big")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, _ := sums(data)
	dest := filepath.Join(dir, "copied")
	r, err := runLocal(t, "copy", map[string]any{"src": src, "dest": dest}, false)
	if err != nil || r.Failed || !r.Changed || r.Data["checksum"] != sum {
		t.Fatalf("copy: %v %+v", err, r)
	}
	if b, _ := os.ReadFile(dest); string(b) != string(data) {
		t.Fatal("copied content differs")
	}
	if r, _ := runLocal(t, "copy", map[string]any{"src": src, "dest": dest}, false); r.Changed {
		t.Errorf("second copy changed")
	}
	back := filepath.Join(dir, "back")
	r, err = runLocal(t, "fetch", map[string]any{"src": dest, "dest": back, "flat": true}, false)
	if err != nil || r.Failed || !r.Changed || r.Data["checksum"] != sum {
		t.Fatalf("fetch: %v %+v", err, r)
	}
	r, err = runLocal(t, "slurp", map[string]any{"src": dest}, false)
	if err != nil || r.Failed || r.Data["content"] != b64(data) {
		t.Fatalf("slurp: %v failed=%v", err, r.Failed)
	}
}

// TestCopyTree copies a tree of many files in two round trips and checks
// every byte. Its scripts are too long for one argument.
func TestCopyTree(t *testing.T) { copyTree(t, local.New()) }

func copyTree(t *testing.T, c modules.Conn) {
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	src := filepath.Join(dir, "src")
	want := map[string]string{}
	for i := 0; i < 300; i++ {
		rel := filepath.Join(fmt.Sprintf("d%d", i%7), fmt.Sprintf("f%d", i))
		data := strings.Repeat(fmt.Sprint(i), i)
		os.MkdirAll(filepath.Join(src, filepath.Dir(rel)), 0o755)
		os.WriteFile(filepath.Join(src, rel), []byte(data), 0o644)
		want[rel] = data
	}
	dest := filepath.Join(dir, "dest")
	args := map[string]any{"src": src + "/", "dest": dest}
	m, _, _ := modules.New("copy", args)
	conn := &countConn{Conn: c}
	r, err := m.Run(context.Background(), &modules.Request{Args: args, Vars: map[string]any{}, Conn: conn, Find: testFind,
		Warn: func(string) {}, Log: func(string, ...any) {}})
	if err != nil || r.Failed || !r.Changed || conn.n != 2 {
		t.Fatalf("copy tree: %v %+v, %d round trips", err, r, conn.n)
	}
	for rel, data := range want {
		if b, err := os.ReadFile(filepath.Join(dest, rel)); err != nil || string(b) != data {
			t.Fatalf("%s: %v (%d bytes, want %d)", rel, err, len(b), len(data))
		}
	}
}

func TestSizedReader(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("abc"), 0o644)
	r1 := &sizedReader{src: source{path: p}, size: 5} // the file shrank
	r2 := &sizedReader{src: source{data: []byte("xyz!")}, size: 2}
	b, err := io.ReadAll(io.MultiReader(r1, r2))
	if err != nil || string(b) != "abc\x00\x00xy" {
		t.Fatalf("got %q %v", b, err)
	}
}

package files

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/modules"
)

// stagingConn is a modules.StagingConn over the local connection: Stage
// writes the files into a private directory (or, with refuse, reads the
// data and stages nothing, as when the become user cannot be given the
// files). It counts scripts run with stdin data.
type stagingConn struct {
	modules.Conn
	refuse  bool
	dirs    []string
	stdins  int
	cleaned int
}

func (c *stagingConn) Exec(ctx context.Context, cmd string, stdin io.Reader) ([]byte, []byte, int, error) {
	if stdin != nil {
		c.stdins++
	}
	return c.Conn.Exec(ctx, cmd, stdin)
}

func (c *stagingConn) StagesData() bool { return true }

func (c *stagingConn) Stage(ctx context.Context, data io.Reader, sizes []int64) ([]string, func(), error) {
	if c.refuse {
		_, err := io.Copy(io.Discard, data)
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "ansible-tmp-")
	if err != nil {
		return nil, nil, err
	}
	c.dirs = append(c.dirs, dir)
	var paths []string
	for i, n := range sizes {
		p := filepath.Join(dir, fmt.Sprintf("source%d", i))
		b := make([]byte, n)
		if _, err := io.ReadFull(data, b); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return nil, nil, err
		}
		paths = append(paths, p)
	}
	return paths, func() { c.cleaned++; os.RemoveAll(dir) }, nil
}

func runWith(t *testing.T, conn modules.Conn, name string, args map[string]any) *modules.Result {
	t.Helper()
	m, _, err := modules.New(name, args)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Run(context.Background(), &modules.Request{Args: args, Vars: map[string]any{}, Host: "h", Conn: conn,
		Find: testFind, Render: testRender(nil), Warn: func(string) {}, Log: func(string, ...any) {}, Tmp: t.TempDir()})
	if err != nil || r.Failed {
		t.Fatalf("%s %v: %v %+v", name, args, err, r)
	}
	return r
}

// TestStagedCopy: with a connection that stages data, copy and template
// write what was staged (not stdin), keep a replaced file's mode, give a
// new file 0666 less the umask, replace a symbolic link, copy trees, and
// fall back to stdin when nothing could be staged.
func TestStagedCopy(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		t.Run(fmt.Sprint("refuse=", refuse), func(t *testing.T) {
			dir := t.TempDir()
			conn := &stagingConn{Conn: local.New(), refuse: refuse}
			old := filepath.Join(dir, "old")
			os.WriteFile(old, []byte("old\n"), 0o640)
			os.Chmod(old, 0o640)
			runWith(t, conn, "copy", map[string]any{"content": "new\n", "dest": old})
			if b, _ := os.ReadFile(old); string(b) != "new\n" {
				t.Errorf("old: %q", b)
			}
			if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o640 {
				t.Errorf("old: mode %v", fi.Mode())
			}
			fresh := filepath.Join(dir, "fresh")
			runWith(t, conn, "copy", map[string]any{"content": "fresh\n", "dest": fresh, "validate": "grep -q fresh %s"})
			if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o666&^umask(t) {
				t.Errorf("fresh: mode %v", fi.Mode())
			}
			link := filepath.Join(dir, "link")
			os.Symlink(old, link)
			runWith(t, conn, "template", map[string]any{"src": writeTemp(t, "t.j2", "tpl\n"), "dest": link})
			if fi, _ := os.Lstat(link); !fi.Mode().IsRegular() {
				t.Errorf("link: %v", fi.Mode())
			}
			if b, _ := os.ReadFile(link); string(b) != "tpl\n" {
				t.Errorf("link: %q", b)
			}
			if b, _ := os.ReadFile(old); string(b) != "new\n" {
				t.Errorf("link target: %q", b)
			}
			// Unchanged: nothing staged.
			n := len(conn.dirs)
			if r := runWith(t, conn, "copy", map[string]any{"content": "fresh\n", "dest": fresh}); r.Changed || len(conn.dirs) != n {
				t.Errorf("unchanged copy staged (changed=%v)", r.Changed)
			}
			// A tree, its script too long for one argument (it goes on
			// stdin, ahead of any data).
			src := filepath.Join(t.TempDir(), "src")
			want := map[string]string{}
			for i := 0; i < 300; i++ {
				rel := filepath.Join(fmt.Sprintf("d%d", i%7), fmt.Sprintf("f%d", i))
				os.MkdirAll(filepath.Join(src, filepath.Dir(rel)), 0o755)
				want[rel] = strings.Repeat(fmt.Sprint(i), i)
				os.WriteFile(filepath.Join(src, rel), []byte(want[rel]), 0o644)
			}
			tree := filepath.Join(dir, "tree")
			runWith(t, conn, "copy", map[string]any{"src": src + "/", "dest": tree})
			for rel, data := range want {
				if b, err := os.ReadFile(filepath.Join(tree, rel)); err != nil || string(b) != data {
					t.Fatalf("%s: %v (%d bytes, want %d)", rel, err, len(b), len(data))
				}
			}
			if !refuse {
				if conn.stdins != 1 {
					t.Errorf("%d scripts read stdin, want 1 (the tree's long script)", conn.stdins)
				}
				if conn.cleaned != len(conn.dirs) || len(conn.dirs) != 4 {
					t.Errorf("staged %d times, cleaned %d", len(conn.dirs), conn.cleaned)
				}
				for _, d := range conn.dirs {
					if _, err := os.Stat(d); !os.IsNotExist(err) {
						t.Errorf("%s left behind", d)
					}
				}
			} else if conn.stdins != 4 {
				t.Errorf("%d scripts read stdin, want 4", conn.stdins)
			}
			if m, _ := filepath.Glob(filepath.Join(dir, ".*goplay*")); len(m) > 0 {
				t.Errorf("left behind: %v", m)
			}
		})
	}
}

func umask(t *testing.T) os.FileMode {
	out, _, _, err := local.New().Exec(context.Background(), "umask", nil)
	if err != nil {
		t.Fatal(err)
	}
	var m int
	fmt.Sscanf(strings.TrimSpace(string(out)), "%o", &m)
	return os.FileMode(m)
}

func writeTemp(t *testing.T, name, text string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

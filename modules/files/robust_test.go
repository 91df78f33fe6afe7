package files

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/modules"
)

func runLocal(t *testing.T, name string, args map[string]any, check bool) (*modules.Result, error) {
	t.Helper()
	m, _, err := modules.New(name, args)
	if err != nil {
		return nil, err
	}
	// Relative paths land in a scratch directory, on the target side
	// (the connection's working directory) and the controller side
	// (playbook_dir).
	work := t.TempDir()
	return m.Run(context.Background(), &modules.Request{Args: args, Vars: map[string]any{"playbook_dir": work}, Host: "h", Check: check, Diff: true,
		Conn: &local.Conn{Dir: work}, Find: testFind, Render: testRender(nil), Warn: func(string) {}, Log: func(string, ...any) {}, Tmp: t.TempDir()})
}

// TestOddPaths: names with quotes, spaces, dollars, globs and leading
// dashes reach the target intact.
func TestOddPaths(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{`it's "q" $x`, "-n", "*", "a\\b", "tab\there", "ünï"} {
		p := filepath.Join(dir, name)
		r, err := runLocal(t, "copy", map[string]any{"content": "v\n", "dest": p, "mode": "0600"}, false)
		if err != nil || r.Failed || !r.Changed {
			t.Fatalf("copy %q: %v %+v", name, err, r)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != "v\n" {
			t.Fatalf("copy %q wrote %q %v", name, b, err)
		}
		if r.Data["dest"] != p {
			t.Errorf("dest %q, want %q", r.Data["dest"], p)
		}
		r, err = runLocal(t, "lineinfile", map[string]any{"path": p, "line": "w"}, false)
		if err != nil || r.Failed || !r.Changed {
			t.Fatalf("lineinfile %q: %v %+v", name, err, r)
		}
		r, err = runLocal(t, "stat", map[string]any{"path": p}, false)
		if st, _ := r.Data["stat"].(map[string]any); err != nil || st["path"] != p || st["mode"] != "0600" || st["size"] != int64(4) {
			t.Errorf("stat %q: %v %+v", name, err, r.Data)
		}
		r, err = runLocal(t, "slurp", map[string]any{"src": p}, false)
		if err != nil || r.Data["content"] != "dgp3Cg==" {
			t.Errorf("slurp %q: %v %+v", name, err, r)
		}
		r, err = runLocal(t, "file", map[string]any{"path": p, "state": "absent"}, false)
		if err != nil || !r.Changed {
			t.Errorf("file absent %q: %v %+v", name, err, r)
		}
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%q still there", name)
		}
	}
}

// TestNoPanic feeds odd argument values to every module: they may fail,
// never panic or return an internal error for a bad argument.
func TestNoPanic(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("x\n"), 0o644)
	f := filepath.Join(dir, "f")
	odd := []any{nil, "", 0, -1, 3.5, true, []any{"a", 1}, map[string]any{"k": "v"}, "\x00", "a\nb", "~", "/", "(", "\\", "%s", "{mark}"}
	mods := map[string][]string{
		"copy":        {"content", "src", "dest", "mode", "owner", "group", "backup", "force", "validate", "directory_mode", "remote_src", "checksum", "follow"},
		"template":    {"src", "dest", "mode", "newline_sequence", "state"},
		"file":        {"path", "state", "src", "mode", "owner", "group", "recurse", "force", "modification_time", "access_time", "modification_time_format"},
		"stat":        {"path", "checksum_algorithm", "follow"},
		"lineinfile":  {"path", "line", "regexp", "insertafter", "insertbefore", "search_string", "state", "backrefs", "mode"},
		"blockinfile": {"path", "block", "marker", "insertafter", "insertbefore", "state", "marker_begin"},
		"fetch":       {"src", "dest", "flat"},
		"slurp":       {"src"},
		"script":      {"_raw_params", "creates", "removes", "chdir", "executable"},
	}
	base := map[string]map[string]any{
		"copy":        {"content": "x", "dest": filepath.Join(dir, "c")},
		"template":    {"src": f, "dest": filepath.Join(dir, "t")},
		"file":        {"path": filepath.Join(dir, "g"), "state": "touch"},
		"stat":        {"path": f},
		"lineinfile":  {"path": f, "line": "y"},
		"blockinfile": {"path": f, "block": "b"},
		"fetch":       {"src": f, "dest": filepath.Join(dir, "fe") + "/"},
		"slurp":       {"src": f},
		"script":      {"_raw_params": filepath.Join(dir, "nosuch.sh")},
	}
	for mod, keys := range mods {
		for _, k := range keys {
			for _, v := range odd {
				for _, check := range []bool{false, true} {
					if check && testing.Short() {
						continue
					}
					args := map[string]any{}
					for bk, bv := range base[mod] {
						args[bk] = bv
					}
					args[k] = v
					func() {
						defer func() {
							if p := recover(); p != nil {
								t.Errorf("%s %s=%#v check=%v: panic %v", mod, k, v, check, p)
							}
						}()
						r, err := runLocal(t, mod, args, check)
						if err == nil && r == nil {
							t.Errorf("%s %s=%#v: nil result", mod, k, v)
						}
						if err != nil {
							if _, ok := err.(*modules.ArgError); !ok {
								t.Errorf("%s %s=%#v: internal error %v", mod, k, v, err)
							}
						}
					}()
				}
			}
		}
	}
}

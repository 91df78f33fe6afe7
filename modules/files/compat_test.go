package files

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
	"github.com/goplay/goplay/modules"
)

func TestMain(m *testing.M) {
	// The recordings were made with umask 022.
	syscall.Umask(0o022)
	os.Exit(m.Run())
}

// compatCase is one entry of testdata/cases.json (see testdata/record.py).
type compatCase struct {
	Name  string         `json:"name"`
	Setup string         `json:"setup"`
	Vars  map[string]any `json:"vars"`
	Steps []struct {
		Module string         `json:"module"`
		Args   map[string]any `json:"args"`
		Check  bool           `json:"check"`
		Diff   bool           `json:"diff"`
	} `json:"steps"`
}

func loadCases(t *testing.T) []compatCase {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []compatCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// testFind is Request.Find for tests: names are absolute paths.
func testFind(kind, name string) (string, error) {
	if _, err := os.Stat(name); err != nil {
		return "", fmt.Errorf("Could not find or access '%s' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option", name)
	}
	return name, nil
}

var simpleVar = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// testRender is Request.Render for tests: {{ name }} substitution only.
func testRender(vars map[string]any) func(string, map[string]any) (string, error) {
	return func(text string, extra map[string]any) (string, error) {
		var err error
		out := simpleVar.ReplaceAllStringFunc(text, func(m string) string {
			name := simpleVar.FindStringSubmatch(m)[1]
			if v, ok := extra[name]; ok {
				return fmt.Sprint(v)
			}
			if v, ok := vars[name]; ok {
				return fmt.Sprint(v)
			}
			err = fmt.Errorf("'%s' is undefined", name)
			return ""
		})
		return out, err
	}
}

// runStep runs one module like the engine does and returns its result dict.
func runStep(t *testing.T, conn modules.Conn, name string, args map[string]any, check, diff bool, vars map[string]any, tmp string) map[string]any {
	t.Helper()
	m, info, err := modules.New(name, args)
	if err != nil {
		return map[string]any{"failed": true, "msg": err.Error(), "changed": false}
	}
	if check && !info.CheckMode {
		return map[string]any{"changed": false, "skipped": true}
	}
	var warnings []any
	req := &modules.Request{
		Args: args, Vars: vars, Host: "localhost", Check: check, Diff: diff, Conn: conn,
		Warn:   func(s string) { warnings = append(warnings, s) },
		Log:    func(string, ...any) {},
		Find:   testFind,
		Render: testRender(vars),
		Tmp:    tmp,
	}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("%s %v: internal error %v", name, args, err)
	}
	if res == nil {
		t.Fatalf("%s %v: nil result", name, args)
	}
	out := res.Dict()
	if len(warnings) > 0 {
		out["warnings"] = warnings
	}
	return out
}

var tmpPath = regexp.MustCompile(`ansible-tmp-|ansible-local-|\.goplay-|/gp-tmp/`)

// normalize makes a result comparable: the case directory becomes $T and
// values that differ from run to run are masked.
func normalize(v any, dir string) any {
	b, _ := json.Marshal(v)
	s := strings.ReplaceAll(string(b), dir, "$T")
	var x any
	json.Unmarshal([]byte(s), &x)
	return mask(x)
}

// asRoot tells whether results can be compared with root's recordings;
// otherwise ownership keys are masked and cases that give files to other
// users are skipped.
var asRoot = os.Geteuid() == 0

func mask(v any) any {
	switch x := v.(type) {
	case map[string]any:
		link := x["state"] == "link" || x["islnk"] == true
		for k, e := range x {
			switch k {
			case "uid", "gid", "owner", "group", "pw_name", "gr_name":
				if !asRoot {
					x[k] = "<id>"
					continue
				}
			case "atime", "mtime", "ctime":
				// Times a task set explicitly are whole seconds: keep those.
				if f, ok := e.(float64); !ok || f != float64(int64(f)) {
					x[k] = "<masked>"
				}
				continue
			case "inode", "dev", "version":
				if e != nil {
					x[k] = "<masked>"
				}
				continue
			case "exception":
				x[k] = "<exception>"
				continue
			case "backup_file", "backup":
				if s, ok := e.(string); ok && s != "" {
					x[k] = "<backup>"
				}
				continue
			case "size":
				if link {
					x[k] = "<masked>"
				}
				continue
			}
			if s, ok := e.(string); ok && tmpPath.MatchString(s) {
				x[k] = "<tmp>"
				continue
			}
			x[k] = mask(e)
		}
		delete(x, "module_stderr")
		return x
	case []any:
		for i := range x {
			x[i] = mask(x[i])
		}
	}
	return v
}

func substT(v any, dir string) any {
	b, _ := json.Marshal(v)
	s := strings.ReplaceAll(string(b), "$T", dir)
	var x any
	json.Unmarshal([]byte(s), &x)
	return x
}

// TestAnsibleCompat replays testdata/cases.json through the modules over
// the local connection and compares every result with ansible-core 2.14's
// (testdata/ansible/<case>.json, made by testdata/record.py).
func TestAnsibleCompat(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			conn := local.New()
			runCase(t, c, conn, sameLengthDir(t), func(dir string) {
				cmd := exec.Command("/bin/sh", "-c", c.Setup)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "T="+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("setup: %v: %s", err, out)
				}
			})
		})
	}
}

// sameLengthDir makes a directory whose path is as long as the recording's
// (/tmp/goplay-files-rec), so sizes and checksums of files that hold the
// path compare equal.
func sameLengthDir(t *testing.T) string {
	t.Helper()
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	for i := 0; i < 100; i++ {
		n := nonce()
		suffix := []byte{chars[int(n[0])%36], chars[int(n[1])%36], chars[int(n[2])%36]}
		for j := range suffix {
			suffix[j] = chars[(int(n[2*j])*16+int(n[2*j+1]))%36]
		}
		d := "/tmp/goplay-files-" + string(suffix)
		if d == "/tmp/goplay-files-rec" {
			continue
		}
		if err := os.Mkdir(d, 0o755); err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	t.Fatal("no free /tmp/goplay-files-XXX directory")
	return ""
}

func runCase(t *testing.T, c compatCase, conn modules.Conn, base string, setup func(dir string)) {
	t.Helper()
	wantB, err := os.ReadFile(filepath.Join("testdata", "ansible", c.Name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []any
	if err := json.Unmarshal(wantB, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(c.Steps) {
		t.Fatalf("recording has %d results for %d steps: re-run testdata/record.py", len(want), len(c.Steps))
	}
	dir := filepath.Join(base, c.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o755)
	setup(dir)
	vars := map[string]any{"inventory_hostname": "localhost"}
	for k, v := range c.Vars {
		vars[k] = v
	}
	tmp := filepath.Join(base, "gp-tmp")
	if !asRoot {
		for _, st := range c.Steps {
			for _, k := range []string{"owner", "group"} {
				if v, _ := st.Args[k].(string); v == "nobody" || v == "nogroup" || v == "root" {
					t.Skipf("step changes %s to %s: needs root", k, v)
				}
			}
		}
	}
	for i, st := range c.Steps {
		args, _ := substT(st.Args, dir).(map[string]any)
		got := runStep(t, conn, st.Module, args, st.Check, st.Diff, vars, tmp)
		g := normalize(got, dir)
		w := mask(want[i])
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if string(gb) != string(wb) {
			t.Errorf("step %d %s %v (check=%v diff=%v):\n got: %s\nwant: %s\n%s", i, st.Module, st.Args, st.Check, st.Diff, gb, wb, keyDiff(g, w))
		}
	}
}

// keyDiff lists the top-level keys that differ, for readable failures.
func keyDiff(g, w any) string {
	gm, _ := g.(map[string]any)
	wm, _ := w.(map[string]any)
	var keys []string
	seen := map[string]bool{}
	for k := range gm {
		seen[k] = true
	}
	for k := range wm {
		seen[k] = true
	}
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		gv, gok := gm[k]
		wv, wok := wm[k]
		gj, _ := json.Marshal(gv)
		wj, _ := json.Marshal(wv)
		if gok != wok || string(gj) != string(wj) {
			fmt.Fprintf(&b, "  %s: got %s (present=%v) want %s (present=%v)\n", k, gj, gok, wj, wok)
		}
	}
	return b.String()
}

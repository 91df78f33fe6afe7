package system

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/kv"
	"github.com/goplay/goplay/modules"
)

type recorded struct {
	cmd, module, args string
	check             bool
	status            string
	result            map[string]any
	warnings          []string
	calls             []string
	hasCalls          bool
}

// readRecords parses a testdata file written by record*.sh: a "$ ansible"
// command line, [WARNING] lines, "localhost | STATUS => {json}", and
// "# calls:" followed by "# CALL" lines.
func readRecords(t *testing.T, name string) []recorded {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []recorded
	sc := bufio.NewScanner(f)
	var cur *recorded
	var js strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "$ ansible "):
			rest := strings.TrimPrefix(line, "$ ansible localhost -c local ")
			r := recorded{cmd: line}
			if strings.HasPrefix(rest, "-C ") {
				r.check = true
				rest = rest[3:]
			}
			rest = strings.TrimPrefix(strings.TrimSpace(rest), "-m ")
			r.module, rest, _ = strings.Cut(rest, " ")
			r.args = strings.TrimSuffix(strings.TrimPrefix(rest, "-a '"), "'")
			out = append(out, r)
			cur = &out[len(out)-1]
		case cur == nil:
		case strings.HasPrefix(line, "[WARNING]: "):
			cur.warnings = append(cur.warnings, strings.TrimPrefix(line, "[WARNING]: "))
		case strings.HasPrefix(line, "localhost | "):
			st, _, _ := strings.Cut(strings.TrimPrefix(line, "localhost | "), " ")
			cur.status = st
			js.Reset()
			if strings.HasSuffix(line, "{") {
				js.WriteString("{")
			}
		case js.Len() > 0:
			js.WriteString(line)
			if line == "}" {
				if err := json.Unmarshal([]byte(js.String()), &cur.result); err != nil {
					t.Fatalf("%s: %v", cur.cmd, err)
				}
				js.Reset()
			}
		case line == "# calls:":
			cur.hasCalls = true
		case strings.HasPrefix(line, "# ") && cur.hasCalls:
			cur.calls = append(cur.calls, strings.TrimPrefix(line, "# "))
		}
	}
	return out
}

func parseArgs(t *testing.T, s string) map[string]any {
	t.Helper()
	pairs, _, _, err := kv.ParseKV(s, false)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	for _, p := range pairs {
		m[p.Key] = p.Value
	}
	return m
}

type outcome struct {
	res      map[string]any
	warnings []string
	info     *modules.Info
}

// runModule runs a module as the engine would and returns the result dict
// (failed removed: the recorded output shows it as FAILED!).
func runModule(t *testing.T, conn modules.Conn, name string, args map[string]any, check bool) outcome {
	t.Helper()
	var o outcome
	m, info, err := modules.New(name, args)
	o.info = info
	if err != nil {
		o.res = map[string]any{"failed": true, "msg": err.Error(), "changed": false}
		return o
	}
	if check && !info.CheckMode {
		o.res = map[string]any{"skipped": true}
		return o
	}
	req := &modules.Request{Args: args, Host: "localhost", Check: check, Conn: conn, Tmp: t.TempDir(),
		Vars: map[string]any{}, Warn: func(s string) { o.warnings = append(o.warnings, s) }, Log: func(string, ...any) {}}
	res, err := m.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	o.res = res.Dict()
	return o
}

// jsonNorm round-trips v through JSON so numbers compare as JSON numbers.
func jsonNorm(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

func diffMaps(a, b map[string]any) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var sb strings.Builder
	for _, k := range ks {
		va, oka := a[k]
		vb, okb := b[k]
		if oka != okb || !reflect.DeepEqual(va, vb) {
			fmt.Fprintf(&sb, "  %s: got %#v (present %v), want %#v (present %v)\n", k, va, oka, vb, okb)
		}
	}
	return sb.String()
}

// compare checks a goplay outcome against a recorded ansible one.
func compare(t *testing.T, rec recorded, o outcome) {
	t.Helper()
	if rec.status == "SKIPPED" {
		if o.info != nil && o.info.CheckMode {
			t.Errorf("%s: ansible skips it in check mode, goplay's module claims check mode", rec.cmd)
		}
		return
	}
	got := jsonNorm(t, o.res)
	gotFailed := got["failed"] == true
	delete(got, "failed")
	if d := diffMaps(got, jsonNorm(t, rec.result)); d != "" {
		t.Errorf("%s:\n%s", rec.cmd, d)
	}
	if gotFailed != (rec.status == "FAILED!") {
		t.Errorf("%s: failed=%v, ansible said %s", rec.cmd, gotFailed, rec.status)
	}
	if !reflect.DeepEqual(o.warnings, rec.warnings) && (len(o.warnings) > 0 || len(rec.warnings) > 0) {
		t.Errorf("%s: warnings %q, ansible %q", rec.cmd, o.warnings, rec.warnings)
	}
}

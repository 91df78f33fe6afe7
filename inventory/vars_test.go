package inventory

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// pyJSON is json.dumps(v, sort_keys=True) for the test comparisons.
func pyJSON(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int:
		return strconv.Itoa(x)
	case float64:
		return pyFloatRepr(x)
	case string:
		var sb strings.Builder
		sb.WriteByte('"')
		for _, r := range x {
			switch {
			case r == '"':
				sb.WriteString(`\"`)
			case r == '\\':
				sb.WriteString(`\\`)
			case r == '\n':
				sb.WriteString(`\n`)
			case r == '\r':
				sb.WriteString(`\r`)
			case r == '\t':
				sb.WriteString(`\t`)
			case r == '\b':
				sb.WriteString(`\b`)
			case r == '\f':
				sb.WriteString(`\f`)
			case r < 0x20 || (r > 0x7e && r < 0x10000):
				fmt.Fprintf(&sb, `\u%04x`, r)
			case r >= 0x10000:
				r -= 0x10000
				fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				sb.WriteRune(r)
			}
		}
		sb.WriteByte('"')
		return sb.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyJSON(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyJSON(k) + ": " + pyJSON(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("<%T>", v)
}

func pyType(v any) string {
	return strings.TrimSuffix(strings.TrimPrefix(pyTypeName(v), "<class '"), "'>")
}

// ansible-inventory --list leaves these out of hostvars.
var internalVars = map[string]bool{
	"inventory_dir": true, "inventory_file": true, "inventory_hostname": true,
	"inventory_hostname_short": true, "group_names": true, "groups": true,
}

// knownDiffs are documented deviations (see doc.go).
var knownDiffs = map[string]bool{
	"typing.ini h2 big": true, // ints beyond int64 stay strings
}

// TestVarsGolden compares HostVars with ansible-inventory --list
// (testdata/gen_vars.sh wrote vars.golden): INI literal_eval typing, YAML
// 1.1 typing, and group_vars/host_vars precedence.
func TestVarsGolden(t *testing.T) {
	f, err := os.Open("testdata/vars.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type key struct{ src, host string }
	want := map[key]map[string][2]string{}
	var order []key
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.SplitN(sc.Text(), "\t", 5)
		k := key{fl[0], fl[1]}
		if want[k] == nil {
			want[k] = map[string][2]string{}
			order = append(order, k)
		}
		want[k][fl[2]] = [2]string{fl[3], fl[4]}
	}
	if len(order) < 13 {
		t.Fatalf("only %d hosts in vars.golden", len(order))
	}
	invs := map[string]*Inventory{}
	for _, k := range order {
		inv := invs[k.src]
		if inv == nil {
			var warns []string
			inv, warns, err = Load([]string{filepath.Join("testdata", k.src)})
			if err != nil {
				t.Fatal(err)
			}
			_ = warns
			invs[k.src] = inv
		}
		got := inv.HostVars(k.host)
		if got == nil {
			t.Errorf("%s: no host %s", k.src, k.host)
			continue
		}
		for name, tv := range want[k] {
			if knownDiffs[k.src+" "+k.host+" "+name] {
				continue
			}
			v, ok := got[name]
			if !ok {
				t.Errorf("%s %s: missing %s (want %s %s)", k.src, k.host, name, tv[0], tv[1])
				continue
			}
			if pyType(v) != tv[0] || pyJSON(v) != tv[1] {
				t.Errorf("%s %s: %s = %s %s, want %s %s", k.src, k.host, name, pyType(v), pyJSON(v), tv[0], tv[1])
			}
		}
		for name := range got {
			if _, ok := want[k][name]; !ok && !internalVars[name] {
				t.Errorf("%s %s: extra var %s = %s", k.src, k.host, name, pyJSON(got[name]))
			}
		}
	}
}

func TestPlaybookVarsDir(t *testing.T) {
	pb := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(pb+"/group_vars", 0o755))
	must(os.MkdirAll(pb+"/host_vars", 0o755))
	must(os.WriteFile(pb+"/group_vars/all.yml", []byte("layer: pb_all\npb_only: 1\n"), 0o644))
	must(os.WriteFile(pb+"/group_vars/web.yml", []byte("layer: pb_web\n"), 0o644))
	must(os.WriteFile(pb+"/host_vars/web2.yml", []byte("layer: pb_host\n"), 0o644))
	inv := mustLoad(t, "testdata/precedence/hosts")
	must(inv.LoadVarsDir(pb))
	v := inv.HostVars("web1")
	// inventory host_vars/web1.json beats playbook group_vars
	if v["layer"] != "web1_host_vars" || v["pb_only"] != 1 {
		t.Errorf("web1: layer=%v pb_only=%v", v["layer"], v["pb_only"])
	}
	// playbook group_vars/web beats inventory group_vars/web
	v = inv.HostVars("web2")
	if v["layer"] != "pb_host" {
		t.Errorf("web2 layer = %v", v["layer"])
	}
	must(os.Remove(pb + "/host_vars/web2.yml"))
	inv = mustLoad(t, "testdata/precedence/hosts")
	must(inv.LoadVarsDir(pb))
	if v := inv.HostVars("web2"); v["layer"] != "pb_web" {
		t.Errorf("web2 layer = %v, want pb_web", v["layer"])
	}
	// a fresh map each time
	v1 := inv.HostVars("web2")
	v1["layer"] = "changed"
	if inv.HostVars("web2")["layer"] != "pb_web" {
		t.Error("HostVars returned a shared map")
	}
	// a broken vars file is an error
	must(os.WriteFile(pb+"/group_vars/prod.yml", []byte("- a list\n"), 0o644))
	inv = mustLoad(t, "testdata/precedence/hosts")
	if err := inv.LoadVarsDir(pb); err == nil {
		t.Error("LoadVarsDir accepted a list vars file")
	}
}

func TestMagicVars(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	v := inv.HostVars("web01.example.com")
	if v["inventory_hostname_short"] != "web01" {
		t.Errorf("short = %v", v["inventory_hostname_short"])
	}
	if !reflect.DeepEqual(v["group_names"], []any{"app", "prod", "staging", "web"}) {
		t.Errorf("group_names = %v", v["group_names"])
	}
	abs, _ := filepath.Abs("testdata/realistic.ini")
	if f, ok := inv.InventoryFile("web01.example.com"); !ok || f != abs {
		t.Errorf("inventory_file = %q", f)
	}
	if d, ok := inv.InventoryDir("web01.example.com"); !ok || d != filepath.Dir(abs) {
		t.Errorf("inventory_dir = %q", d)
	}
	if v := inv.HostVars("10.0.0.5"); v["inventory_hostname_short"] != "10.0.0.5" || v["ansible_port"] != 2222 {
		t.Errorf("10.0.0.5: %v", v)
	}
	if got := inv.GroupNames("bastion.example.com"); !reflect.DeepEqual(got, []string{"ungrouped"}) {
		t.Errorf("group_names(bastion) = %v", got)
	}
	g := inv.Groups()
	if !reflect.DeepEqual(g["ungrouped"], []string{"bastion.example.com", "10.0.0.5"}) || len(g["all"]) != 16 || len(g) != 9 {
		t.Errorf("groups = %v", g)
	}
	// ntp_servers from [prod:vars] is a list
	if v := inv.HostVars("db-a"); !reflect.DeepEqual(v["ntp_servers"], []any{"0.pool", "1.pool"}) || v["backup"] != "yes" || v["ansible_port"] != 5433 {
		t.Errorf("db-a: %v", v)
	}
}

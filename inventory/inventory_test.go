package inventory

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestExpandHostnameRange(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"web[01:04]", []string{"web01", "web02", "web03", "web04"}, ""},
		{"db-[a:c]", []string{"db-a", "db-b", "db-c"}, ""},
		{"n[1:10:2]", []string{"n1", "n3", "n5", "n7", "n9"}, ""},
		{"x[0:1]y[a:b]", []string{"x0ya", "x0yb", "x1ya", "x1yb"}, ""},
		{"z[:2]", []string{"z0", "z1", "z2"}, ""},
		{"q[8:10]", []string{"q8", "q9", "q10"}, ""},
		{"u[A:C]", []string{"uA", "uB", "uC"}, ""},
		{"m[y:B]", []string{"my", "mz", "mA", "mB"}, ""},
		{"neg[1:5:-1]", nil, ""},
		{"plain", []string{"plain"}, ""},
		{"web[1:]", nil, "host range must specify end value"},
		{"web[a:1]", nil, "invalid literal for int() with base 10: 'a'"},
		{"web[05:1]", nil, "host range must specify equal-length begin and end formats"},
		{"web[b:a]", nil, "host range must have begin <= end"},
		{"web[1]", nil, "host range must be begin:end or begin:end:step"},
		{"[web:vars", nil, "not enough values to unpack (expected 3, got 2)"},
		{"a|b[1:2]", nil, "too many values to unpack (expected 3)"},
		{"w[0:999999999]", nil, "host range w[0:999999999] expands to too many hosts"},
	}
	for _, tt := range tests {
		got, err := ExpandHostnameRange(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ExpandHostnameRange(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ExpandHostnameRange(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in   string
		host string
		port int
		ok   bool
	}{
		{"h1:22", "h1", 22, true},
		{"web[1:3].example.com:80", "web[1:3].example.com", 80, true},
		{"[::1]:2200", "::1", 2200, true},
		{"fe80::1", "fe80::1", 0, true},
		{"10.1.1.1:80", "10.1.1.1", 80, true},
		{"node-c:2200", "node-c", 2200, true},
		{"web_1", "web_1", 0, true},
		{"web-", "", 0, false},
		{"web*", "", 0, false},
		{"h1:", "", 0, false},
	}
	for _, tt := range tests {
		h, p, err := ParseAddress(tt.in, true)
		if (err == nil) != tt.ok || h != tt.host || p != tt.port {
			t.Errorf("ParseAddress(%q) = %q %d %v", tt.in, h, p, err)
		}
	}
	if _, _, err := ParseAddress("web[1:2]", false); err == nil {
		t.Error("range accepted without allowRanges")
	}
}

func TestINIStructure(t *testing.T) {
	src := `
u1
[web]
web[1:2] http_port=80
# comment
; also a comment
web1:2222 extra='x'

[db]
db1
web1

[prod:children]
web
db
late

[late]
l1

[prod:vars]
env = prod

[web:vars]
env=web
`
	inv, err := ParseINI("hosts", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := inv.Groups()
	want := map[string][]string{
		"all":       {"u1", "web1", "web2", "db1", "l1"},
		"ungrouped": {"u1"},
		"web":       {"web1", "web2"},
		"db":        {"db1", "web1"},
		"prod":      {"web1", "web2", "db1", "l1"},
		"late":      {"l1"},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("groups = %v\nwant %v", g, want)
	}
	v := inv.HostVars("web1")
	// web (depth 2) beats prod (depth 1); a port on a later line of an
	// existing host is ignored, as in Ansible
	if _, hasPort := v["ansible_port"]; v["env"] != "web" || v["http_port"] != 80 || v["extra"] != "x" || hasPort {
		t.Errorf("web1 vars %v", v)
	}
	if v := inv.HostVars("db1"); v["env"] != "prod" {
		t.Errorf("db1 env = %v", v["env"])
	}
	if got := inv.GroupNames("web1"); !reflect.DeepEqual(got, []string{"db", "prod", "web"}) {
		t.Errorf("group_names(web1) = %v", got)
	}
}

func TestINIErrors(t *testing.T) {
	tests := []struct{ src, err string }{
		{"[web]\nh1\n[web:foo]\n", "hosts:3: Section [web:foo] has unknown type: foo"},
		{"[web]\nh1 novalue\n", "hosts:2: Expected key=value host variable assignment, got: novalue"},
		{"[web:children]\nnosuch\n", "hosts:2: Section [web:children] includes undefined group: nosuch"},
		{"[g:vars]\nx=1\n", "hosts:1: Section [g:vars] not valid for undefined group: g"},
		{"[web]\nh1 a=\"unterminated\n", "hosts:2: Error parsing host definition 'h1 a=\"unterminated': No closing quotation"},
		{"[web]\nh1 a=b\\\n", "hosts:2: Error parsing host definition 'h1 a=b\\': No escaped character"},
		{"[web]\nh1:\n", "hosts:2: Invalid host pattern 'h1:' supplied, ending in ':' is not allowed, this character is reserved to provide a port."},
		{"[web]\n\nweb[1:]\n", "hosts:3: host range must specify end value"},
		{"[g:vars]\nnoeq\n", "hosts:2: Expected key=value, got: noeq"},
		{"[a b]\n", "hosts:1: Invalid section entry: '[a b]'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters"},
		{"[a]\n[a:children]\na\n", "hosts:3: can't add group to itself"},
		{"[a:children]\nb\n[b:children]\na\n[a]\n[b]\n", "hosts:4: Adding group 'a' as child to 'b' creates a recursive dependency loop."},
		{"[web]\nh1\n[web:vars]\nansible_group_priority=abc\n", "hosts:4: invalid literal for int() with base 10: 'abc'"},
		{"[web]\n---\n", "hosts:2: Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file."},
		{"[web]\nh1 x=\"{[1]: 2}\"\n", "hosts:2: unhashable type: 'list'"},
		{"[web]\n\"\"\n", "hosts:2: Invalid empty host name provided: "},
		{"[web]\n# ok\nh1\n\xff\n", "hosts:4: 'utf-8' codec can't decode the line: invalid UTF-8"},
		{"[web:children]\na b\n", "hosts:2: Expected group name, got: a b"},
	}
	for _, tt := range tests {
		_, err := ParseINI("hosts", []byte(tt.src))
		if err == nil || err.Error() != tt.err {
			t.Errorf("ParseINI(%q)\n got %v\nwant %s", tt.src, err, tt.err)
		}
	}
	// non-UTF-8 bytes in comment lines are fine
	if _, err := ParseINI("hosts", []byte("# caf\xe9\n[web]\nh1\n")); err != nil {
		t.Error(err)
	}
}

func TestINIValues(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"1", 1}, {"-3", -3}, {"+5", 5}, {"1_000", 1000}, {"0x10", 16}, {"0o17", 15}, {"0b101", 5},
		{"01", "01"}, {"00", 0}, {"1.5", 1.5}, {"1.", 1.0}, {".5", 0.5}, {"1e3", 1000.0}, {"10l", "10l"},
		{"yes", "yes"}, {"true", "true"}, {"True", true}, {"None", nil}, {"inf", "inf"},
		{"'a' 'b'", "ab"}, {`u'x\n'`, "x\n"}, {`r'\d'`, `\d`}, {`b'x'`, "x"}, {`'\x41\101\u00e9'`, "AAé"},
		{"[1, 'a', {'z': None}]", []any{1, "a", map[string]any{"z": nil}}},
		{"(1,)", []any{1}}, {"(1)", 1}, {"()", []any{}}, {"{1, 2}", []any{1, 2}}, {"set()", []any{}},
		{"{'a': 1, 2: 'b', None: 0, True: 1}", map[string]any{"a": 1, "2": "b", "null": 0, "true": 1}},
		{"1 # comment", 1}, {"hello # comment", "hello # comment"}, {"1+2j", "1+2j"}, {"- 4", -4},
		{"--4", "--4"}, {"-True", "-True"}, {"f'x'", "f'x'"}, {"'unterminated", "'unterminated"},
		{"[1, 2", "[1, 2"}, {"[1,]", []any{1}}, {"{'a':1,}", map[string]any{"a": 1}}, {"", ""},
		{"   7", 7}, {"'''tri'ple'''", "tri'ple"}, {"1 2", "1 2"}, {"a=b", "a=b"},
	}
	for _, tt := range tests {
		got, err := parseINIValue(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseINIValue(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
}

func TestShlexSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`h1 a=1 b="x y"`, []string{"h1", "a=1", "b=x y"}},
		{`h1 a='it''s'`, []string{"h1", "a=its"}},
		{`h1 a="q\"q" b=\x c="\n"`, []string{"h1", `a=q"q`, "b=x", `c=\n`}},
		{`h1 a=b#c d=e`, []string{"h1", "a=b"}},
		{`h1 # comment`, []string{"h1"}},
		{`h1 ""`, []string{"h1", ""}},
		{`h1 "" # c`, []string{"h1", ""}},
	}
	for _, tt := range tests {
		got, err := shlexSplit(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("shlexSplit(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestYAMLInventory(t *testing.T) {
	inv := mustLoad(t, "testdata/typing.yml")
	g := inv.Groups()
	want := map[string][]string{
		"all":         {"alpha", "beta", "web1", "web2", "web3", "db1", "db2", "db3"},
		"ungrouped":   {"alpha", "beta"},
		"web":         {"web1", "web2", "web3"},
		"db":          {"db1", "db2", "db3"},
		"db_replicas": {"db2", "db3"},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("groups = %v\nwant %v", g, want)
	}
	if v := inv.HostVars("web2"); v["http_port"] != 80 || v["role"] != "web" || v["y_bool_yes"] != true {
		t.Errorf("web2 vars %v", v)
	}
	if got := inv.GroupNames("db3"); !reflect.DeepEqual(got, []string{"db", "db_replicas"}) {
		t.Errorf("group_names(db3) = %v", got)
	}
}

func TestYAMLErrorsAndWarnings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("bad.yml", "all:\n  hosts: [a, b]\n")
	_, warns, err := Load([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(warns, "\n")
	for _, w := range []string{
		"\n* Failed to parse " + p + " with yaml plugin: Invalid \"hosts\" entry for \"all\" group, requires a dictionary, found \"<class 'list'>\" instead.",
		"Unable to parse " + p + " as an inventory source",
		"No inventory was parsed, only implicit localhost is available",
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("missing warning %q in %q", w, warns)
		}
	}
	p = write("odd.yaml", "all:\n  hosts:\n    h1:\n  bogus: {}\nweb: [x]\n")
	inv, warns, err := Load([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	wantW := []string{
		"Skipping unexpected key (bogus) in group (all), only \"vars\", \"children\" and \"hosts\" are valid",
		"Skipping 'web' as this is not a valid group definition",
	}
	if !reflect.DeepEqual(warns, wantW) {
		t.Errorf("warnings %q\nwant %q", warns, wantW)
	}
	if hs, _, _ := inv.Hosts("all"); len(hs) != 1 {
		t.Errorf("hosts %v", hostNames(hs))
	}
	p = write("num.yml", "all:\n  hosts:\n    1:\n")
	if _, warns, _ = Load([]string{p}); !strings.Contains(strings.Join(warns, "\n"), "Host pattern 1 must be a string. Enclose integers/floats in quotation marks.") {
		t.Errorf("warnings %q", warns)
	}
}

func TestLoadSources(t *testing.T) {
	// non-existent source
	_, warns, err := Load([]string{"/nonexistent/inv"})
	want := []string{"Unable to parse /nonexistent/inv as an inventory source", "No inventory was parsed, only implicit localhost is available"}
	if err != nil || !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings %q, %v", warns, err)
	}
	// the default source is silent when missing
	_, warns, _ = Load([]string{DefaultSource + ".goplay-missing"})
	if len(warns) != 2 {
		t.Errorf("warnings %q", warns)
	}
	if _, warns, _ = Load(nil); !reflect.DeepEqual(warns, want[1:]) {
		t.Errorf("Load(nil) warnings %q", warns)
	}
	// fatal options
	if _, _, err := LoadWith([]string{"/nonexistent"}, Options{AnyUnparsedIsFailed: true}); err == nil || err.Error() != "Completely failed to parse inventory source /nonexistent" {
		t.Errorf("AnyUnparsedIsFailed: %v", err)
	}
	if _, _, err := LoadWith(nil, Options{UnparsedIsFailed: true}); err == nil {
		t.Error("UnparsedIsFailed did not fail")
	}
	// host list
	inv, warns, err := Load([]string{"h1, h2:2222,[::1]:22,web[1:2],"})
	if err != nil || len(warns) != 0 {
		t.Fatal(warns, err)
	}
	if got := inv.HostNames(); !reflect.DeepEqual(got, []string{"h1", "h2", "::1", "web[1:2]"}) {
		t.Errorf("host list hosts %v", got)
	}
	if v := inv.HostVars("h2"); v["ansible_port"] != 2222 || v["inventory_file"] != "h1, h2:2222,[::1]:22,web[1:2]," || v["inventory_dir"] != nil {
		t.Errorf("h2 vars %v", v)
	}
	// a broken INI file: the yaml and ini failures, with file:line
	bad := writeTemp(t, "hosts", "[web]\nh1\n[web:foo]\n")
	_, warns, _ = Load([]string{bad})
	if len(warns) != 4 || !strings.HasPrefix(warns[0], "\n* Failed to parse "+bad+" with yaml plugin: ") ||
		warns[1] != "\n* Failed to parse "+bad+" with ini plugin: "+bad+":3: Section [web:foo] has unknown type: foo" {
		t.Errorf("warnings %q", warns)
	}
}

func TestDirectorySource(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"01-static":             "[web]\nw1\n",
		"02-more.yml":           "all:\n  children:\n    db:\n      hosts:\n        d1:\n",
		"skipped.ini":           "[skipped]\ns1\n",
		"notes.txt":             "n1\n",
		"backup~":               "b1\n",
		".hidden":               "h1\n",
		"sub/03-nested":         "[nested]\nn1\n",
		"group_vars/web.yml":    "gv: 1\n",
		"host_vars/d1.yml":      "hv: 2\n",
		"group_vars/all/a.yaml": "ga: 3\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv, warns, err := Load([]string{dir})
	if err != nil || len(warns) != 0 {
		t.Fatal(warns, err)
	}
	if got := inv.HostNames(); !reflect.DeepEqual(got, []string{"w1", "d1", "n1"}) {
		t.Errorf("hosts %v", got)
	}
	// db was added to all by the YAML file, web and nested by reconcile
	if got := inv.GroupChildren("all"); !reflect.DeepEqual(got, []string{"ungrouped", "db", "web", "nested"}) {
		t.Errorf("all children %v", got)
	}
	if v := inv.HostVars("w1"); v["gv"] != 1 || v["ga"] != 3 || v["inventory_file"] != filepath.Join(dir, "01-static") || v["inventory_dir"] != dir {
		t.Errorf("w1 vars %v", v)
	}
	if v := inv.HostVars("d1"); v["hv"] != 2 {
		t.Errorf("d1 vars %v", v)
	}
}

func TestAddHost(t *testing.T) {
	// the sequence of ref 14 (ansible-ref/14-add-host)
	inv := mustLoad(t, "../../shared/ansible-ref/14-add-host/inventory")
	if _, err := os.Stat("../../shared/ansible-ref/14-add-host/inventory"); err != nil {
		inv = mustLoad(t, writeTemp(t, "inventory", "[seed]\nseed1\nseed2\n"))
	}
	step := func(name string, port int, groups []string, vars map[string]any, want bool) {
		t.Helper()
		changed, err := inv.AddHost(name, port, groups, vars)
		if err != nil || changed != want {
			t.Errorf("AddHost(%s) = %v, %v; want changed=%v", name, changed, err, want)
		}
	}
	art := func() map[string]any {
		return map[string]any{"ansible_ssh_user": "root", "lb_id": "42", "ansible_connection": "local"}
	}
	nb := art()
	nb["ansible_ssh_host"] = "127.0.0.12"
	na := art()
	na["ansible_ssh_host"] = "127.0.0.11"
	step("node-b", 0, []string{"web"}, nb, true)
	step("node-a", 0, []string{"web"}, na, true)
	step("node-a", 0, []string{"web"}, nil, false)
	step("node-a", 0, []string{"web"}, map[string]any{"lb_id": "42"}, false)
	step("node-c", 2200, []string{"web", "extra"}, map[string]any{"color": "blue"}, true)
	step("node-d", 0, []string{"other"}, map[string]any{"host": "node-d", "group": "other"}, true)
	step("node-e", 0, []string{"web", "extra"}, nil, true)
	step("from-seed1", 0, []string{"other"}, nil, true)
	step("node-e", 0, nil, map[string]any{"lb_id": "43"}, true)

	hs, _, _ := inv.Hosts("web")
	if got := hostNames(hs); !reflect.DeepEqual(got, []string{"node-b", "node-a", "node-c", "node-e"}) {
		t.Errorf("web = %v", got)
	}
	hs, _, _ = inv.Hosts("other")
	if got := hostNames(hs); !reflect.DeepEqual(got, []string{"node-d", "from-seed1"}) {
		t.Errorf("other = %v", got)
	}
	// add_host puts hosts directly in all, so all lists them first
	hs, _, _ = inv.Hosts("all")
	if got := hostNames(hs); !reflect.DeepEqual(got, []string{"node-b", "node-a", "node-c", "node-d", "node-e", "from-seed1", "seed1", "seed2"}) {
		t.Errorf("all = %v", got)
	}
	v := inv.HostVars("node-c")
	if v["ansible_ssh_port"] != 2200 || v["color"] != "blue" || v["inventory_file"] != nil {
		t.Errorf("node-c vars %v", v)
	}
	if _, ok := v["inventory_file"]; !ok {
		t.Error("node-c lacks inventory_file: None")
	}
	if got := inv.GroupNames("node-c"); !reflect.DeepEqual(got, []string{"extra", "web"}) {
		t.Errorf("group_names(node-c) = %v", got)
	}
	if got := inv.GroupChildren("all"); !reflect.DeepEqual(got, []string{"ungrouped", "seed", "web", "extra", "other"}) {
		t.Errorf("all children %v", got)
	}
	if _, err := inv.AddHost("x", 0, []string{"a", ""}, nil); err == nil {
		t.Error("empty group name accepted")
	}
	// a host added with no group is ungrouped
	step("lonely", 0, nil, nil, true)
	if got := inv.Groups()["ungrouped"]; !reflect.DeepEqual(got, []string{"lonely"}) {
		t.Errorf("ungrouped = %v", got)
	}
}

func TestAddHostOrderINI(t *testing.T) {
	// matches ansible-playbook: add_host hosts lead `all`, join groups at the end
	inv := mustLoad(t, writeTemp(t, "inv14", "[seed]\nseed1\nseed2\n[web]\n"))
	if inv.HasHosts() == false {
		t.Fatal("no hosts")
	}
	for _, a := range []struct {
		name   string
		groups []string
	}{{"new1", []string{"seed"}}, {"new2", nil}, {"new0", []string{"web"}}} {
		if _, err := inv.AddHost(a.name, 0, a.groups, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{
		"all":       {"new1", "new2", "new0", "seed1", "seed2"},
		"seed":      {"seed1", "seed2", "new1"},
		"ungrouped": {"new2"},
		"web":       {"new0"},
	}
	if got := inv.Groups(); !reflect.DeepEqual(got, want) {
		t.Errorf("groups %v\nwant %v", got, want)
	}
}

func TestGroupBy(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	changed, err := inv.GroupBy("web01.example.com", "os Debian", nil)
	if err != nil || !changed {
		t.Fatal(changed, err)
	}
	if changed, _ := inv.GroupBy("web01.example.com", "os Debian", nil); changed {
		t.Error("second group_by changed")
	}
	if got := inv.Groups()["os-Debian"]; !reflect.DeepEqual(got, []string{"web01.example.com"}) {
		t.Errorf("os-Debian = %v", got)
	}
	if changed, err := inv.GroupBy("db-a", "kind_db", []string{"kinds"}); err != nil || !changed {
		t.Fatal(changed, err)
	}
	if got := inv.GroupChildren("kinds"); !reflect.DeepEqual(got, []string{"kind_db"}) {
		t.Errorf("kinds children %v", got)
	}
	if got := inv.GroupNames("db-a"); !reflect.DeepEqual(got, []string{"db", "kind_db", "kinds", "monitoring", "prod"}) && !reflect.DeepEqual(got, []string{"db", "kind_db", "kinds", "prod"}) {
		t.Errorf("group_names(db-a) = %v", got)
	}
	if _, err := inv.GroupBy("nosuch", "g", nil); err == nil || err.Error() != "nosuch cannot be matched in inventory" {
		t.Errorf("unknown host: %v", err)
	}
	// the implicit localhost can join groups but stays out of all
	inv.Host("localhost")
	if _, err := inv.GroupBy("localhost", "locals", nil); err != nil {
		t.Fatal(err)
	}
	if got := inv.Groups()["locals"]; !reflect.DeepEqual(got, []string{"localhost"}) {
		t.Errorf("locals = %v", got)
	}
	if contains(inv.Groups()["all"], "localhost") {
		t.Error("implicit localhost in all")
	}
	if changed, err := inv.AddGroup("empty", "all"); err != nil || !changed {
		t.Error(changed, err)
	}
	if hs, w, _ := inv.Hosts("empty"); len(hs) != 0 || len(w) != 0 {
		t.Errorf("empty group: %v %q", hs, w)
	}
}

func TestGroupPriority(t *testing.T) {
	inv := mustLoad(t, "testdata/precedence/hosts")
	// high has ansible_group_priority=10, so it beats low (same depth)
	if v := inv.HostVars("web2"); v["prio"] != "high" {
		t.Errorf("prio = %v", v["prio"])
	}
	if _, ok := inv.HostVars("web2")["ansible_group_priority"]; ok {
		t.Error("ansible_group_priority kept as a var")
	}
}

func TestOrderHosts(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	hs, _, _ := inv.Hosts("lb:db")
	got, _ := OrderHosts(hs, "reverse_sorted")
	if names := hostNames(got); !reflect.DeepEqual(names, []string{"lb2", "lb1", "db-c", "db-b", "db-a"}) {
		t.Errorf("reverse_sorted %v", names)
	}
	if _, err := OrderHosts(hs, "bogus"); err == nil {
		t.Error("bogus order accepted")
	}
}

func TestConcurrentReads(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func(i int) {
			for j := 0; j < 50; j++ {
				_, _, _ = inv.Hosts("prod:!db")
				_ = inv.HostVars("web01.example.com")
				_ = inv.Groups()
				if i == 0 {
					_, _ = inv.AddHost("dyn", 0, []string{"dyn"}, map[string]any{"n": j})
					_, _ = inv.GroupBy("lb1", "g", nil)
				}
			}
			done <- true
		}(i)
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}

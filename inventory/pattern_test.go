package inventory

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func hostNames(hs []*Host) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

func mustLoad(t testing.TB, sources ...string) *Inventory {
	t.Helper()
	inv, _, err := Load(sources)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestPatternsGolden compares Hosts with `ansible -i realistic.ini PATTERN
// --list-hosts` (testdata/gen_patterns.sh wrote patterns.golden).
func TestPatternsGolden(t *testing.T) {
	f, err := os.Open("testdata/patterns.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("bad golden line %q", sc.Text())
		}
		pattern := fields[0]
		want := []string{}
		if fields[1] != "" {
			want = strings.Split(fields[1], ",")
		}
		wantWarn := []string{}
		if fields[2] != "" {
			wantWarn = strings.Split(fields[2], "|")
		}
		n++
		t.Run(pattern, func(t *testing.T) {
			inv := mustLoad(t, "testdata/realistic.ini")
			hs, warns, err := inv.Hosts(pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := hostNames(hs); !reflect.DeepEqual(got, want) {
				t.Errorf("Hosts(%q)\n got %v\nwant %v", pattern, got, want)
			}
			if warns == nil {
				warns = []string{}
			}
			if !reflect.DeepEqual(warns, wantWarn) {
				t.Errorf("Hosts(%q) warnings %q, want %q", pattern, warns, wantWarn)
			}
		})
	}
	if n < 30 {
		t.Fatalf("only %d golden patterns", n)
	}
}

func TestSplitPattern(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"all", []string{"all"}},
		{"a,b[1], c[2:3] , d", []string{"a", "b[1]", "c[2:3]", "d"}},
		{"web:db", []string{"web", "db"}},
		{"web:&db:!lb", []string{"web", "&db", "!lb"}},
		{"web[0:1]", []string{"web[0:1]"}},
		{"web[0:1]:db", []string{"web[0:1]", "db"}},
		{"::1", []string{"::1"}},
		{"fe80::1", []string{"fe80::1"}},
		{"10.0.0.1:22", []string{"10.0.0.1:22"}},
		{"a b", []string{"a", "b"}},
		{"web*:db?", []string{"web*", "db?"}},
		{"~web.*:db", []string{"~web.*", "db"}},
		{"", []string{}},
		{" , ,", []string{}},
		{"[abc", []string{"abc"}},
		{"a]b", []string{"a", "b"}},
		{"web[1]:db[2:3]", []string{"web[1]", "db[2:3]"}},
	}
	for _, tt := range tests {
		if got := SplitPattern(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitPattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestImplicitLocalhost(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	hs, warns, err := inv.Hosts("localhost")
	if err != nil || len(warns) != 0 || len(hs) != 1 {
		t.Fatalf("Hosts(localhost) = %v %v %v", hs, warns, err)
	}
	lh := hs[0]
	if !lh.Implicit() || lh.Vars()["ansible_connection"] != "local" || lh.Vars()["ansible_python_interpreter"] != "/usr/bin/python3" {
		t.Errorf("implicit localhost vars %v", lh.Vars())
	}
	all, _, _ := inv.Hosts("all")
	for _, h := range all {
		if h == lh {
			t.Error("implicit localhost in all")
		}
	}
	if g := inv.Groups(); contains(g["all"], "localhost") || contains(g["ungrouped"], "localhost") {
		t.Error("implicit localhost in groups")
	}
	if n := inv.GroupNames("localhost"); len(n) != 0 {
		t.Errorf("group_names = %v", n)
	}
	// all-group vars apply; inventory_file is undefined
	v := inv.HostVars("localhost")
	if v["timeout"] != 30 || v["inventory_hostname"] != "localhost" {
		t.Errorf("HostVars(localhost) = %v", v)
	}
	if _, ok := v["inventory_file"]; ok {
		t.Error("implicit localhost has inventory_file")
	}
	// the same host object answers 127.0.0.1 afterwards, as in Ansible
	h2, ok := inv.Host("127.0.0.1")
	if !ok || h2 != lh {
		t.Error("Host(127.0.0.1) is not the implicit localhost")
	}
	// "localhost*" is a glob, not a localhost name
	if hs, warns, _ := inv.Hosts("localhost*"); len(hs) != 0 || len(warns) != 1 {
		t.Errorf("localhost* = %v %v", hs, warns)
	}
	// -l web excludes the implicit localhost
	if err := inv.Limit("web"); err != nil {
		t.Fatal(err)
	}
	if hs, _, _ := inv.Hosts("localhost"); len(hs) != 0 {
		t.Errorf("localhost with limit web = %v", hostNames(hs))
	}
}

func TestExplicitLocalhost(t *testing.T) {
	inv, w, err := Load([]string{"localhost,web1"})
	if err != nil || len(w) != 0 {
		t.Fatal(w, err)
	}
	hs, _, _ := inv.Hosts("all")
	if got := hostNames(hs); !reflect.DeepEqual(got, []string{"localhost", "web1"}) {
		t.Errorf("all = %v", got)
	}
	if hs[0].Implicit() {
		t.Error("explicit localhost is implicit")
	}
	// 127.0.0.1 resolves to the explicit localhost (Ansible's get_host)
	hs, _, _ = inv.Hosts("127.0.0.1")
	if len(hs) != 1 || hs[0].Name != "localhost" {
		t.Errorf("127.0.0.1 = %v", hostNames(hs))
	}
}

func TestEmptyGroupNoWarning(t *testing.T) {
	inv, w, err := LoadWith([]string{writeTemp(t, "inv", "[web]\n[db]\ndb1\n")}, Options{})
	if err != nil || len(w) != 0 {
		t.Fatal(w, err)
	}
	hs, warns, err := inv.Hosts("web")
	if err != nil || len(hs) != 0 || len(warns) != 0 {
		t.Errorf("Hosts(web) = %v %q %v", hs, warns, err)
	}
	if !inv.HasHosts() {
		t.Error("HasHosts false")
	}
	inv2, _, _ := LoadWith([]string{writeTemp(t, "inv", "[web]\n")}, Options{})
	if inv2.HasHosts() {
		t.Error("HasHosts true for an empty inventory")
	}
}

func TestPatternErrors(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	if _, _, err := inv.Hosts("web[9]"); err == nil || err.Error() != "No hosts matched the subscripted pattern 'web[9]'" {
		t.Errorf("web[9]: %v", err)
	}
	if _, _, err := inv.Hosts("~web("); err == nil || !strings.HasPrefix(err.Error(), "Invalid host list pattern") {
		t.Errorf("bad regex: %v", err)
	}
	inv2, _, _ := LoadWith([]string{"testdata/realistic.ini"}, Options{HostPatternMismatch: "error"})
	if _, _, err := inv2.Hosts("nosuch"); err == nil {
		t.Error("HostPatternMismatch=error did not fail")
	}
}

func TestLimit(t *testing.T) {
	inv := mustLoad(t, "testdata/realistic.ini")
	if err := inv.Limit("web:!web-canary"); err != nil {
		t.Fatal(err)
	}
	hs, _, _ := inv.Hosts("prod")
	want := []string{"web01.example.com", "web02.example.com", "web03.example.com", "web04.example.com"}
	if got := hostNames(hs); !reflect.DeepEqual(got, want) {
		t.Errorf("prod limited = %v", got)
	}
	hs, _, _ = inv.HostsIgnoreLimit("lb")
	if len(hs) != 2 {
		t.Errorf("HostsIgnoreLimit(lb) = %v", hostNames(hs))
	}
	file := writeTemp(t, "limit", "lb1\n db-a \n")
	if err := inv.Limit("@" + file + ",nosuch"); err != nil {
		t.Fatal(err)
	}
	hs, warns, _ := inv.Hosts("all")
	if got := hostNames(hs); !reflect.DeepEqual(got, []string{"db-a", "lb1"}) {
		t.Errorf("@file limit = %v", got)
	}
	if !reflect.DeepEqual(warns, []string{"Could not match supplied host pattern, ignoring: nosuch"}) {
		t.Errorf("warnings %q", warns)
	}
	if err := inv.Limit("@/nonexistent/file"); err == nil || err.Error() != "Unable to find limit file b'/nonexistent/file'" {
		t.Errorf("missing limit file: %v", err)
	}
	_ = inv.Limit("")
	if hs, _, _ := inv.Hosts("all"); len(hs) != 16 {
		t.Errorf("after removing limit: %d hosts", len(hs))
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"web*", "web1", true},
		{"web*", "db1", false},
		{"*", "", true},
		{"w?b", "web", true},
		{"w?b", "wb", false},
		{"db[12]", "db1", true},
		{"db[12]", "db3", false},
		{"db[!12]", "db3", true},
		{"db[!12]", "db1", false},
		{"db[a-c]x", "dbbx", true},
		{"db[z-a]", "dbz", false},
		{"db[", "db[", true},
		{"[]]", "]", true},
		{"[!]]", "a", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"*.example.com", "web.example.com", true},
		{"web[-]", "web-", true},
	}
	for _, tt := range tests {
		if got := fnmatch([]rune(tt.pat), []rune(tt.s)); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v", tt.pat, tt.s, got)
		}
	}
}

func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	p := dir + "/" + name
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func BenchmarkHosts200(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[web]\nweb[001:100].example.com\n[db]\ndb[001:080]\n[lb]\nlb[01:20]\n[prod:children]\nweb\ndb\n")
	inv, _, err := Load([]string{writeTemp(b, "inv", sb.String())})
	if err != nil {
		b.Fatal(err)
	}
	patterns := []string{"all", "web", "prod:!db", "web*:&prod", "~db0[0-4].*", "web[10:50]", "db050,lb07,web099.example.com"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range patterns {
			hs, _, err := inv.Hosts(p)
			if err != nil || len(hs) == 0 {
				b.Fatal(p, err)
			}
		}
	}
	_ = fmt.Sprint()
}

package inventory

import (
	"regexp"
	"strings"
	"testing"
)

var reErrPos = regexp.MustCompile(`^inventory/hosts:[0-9]+: `)

// FuzzParseINI: the INI parser never panics, and every error names
// file:line.
func FuzzParseINI(f *testing.F) {
	for _, s := range []string{
		"[web]\nweb[01:04].example.com ansible_port=22\n",
		"h1 a=1 b=yes c=\"x y\" d=[1,2] e='{\"k\": [1, None]}'\n[g:vars]\nx = {'a': (1, 2)}\n",
		"[a:children]\nb\n[b]\nh:2222\n[a:vars]\nansible_group_priority=3\n",
		"[web]\nh1:\n",
		"[x:children]\nx\n",
		"db-[a:c]\nn[1:10:2]\n[::1]:22\n",
		"[g:vars]\nnoeq\n",
		"h1 a='''b'''\n; comment\n# comment\n[web:foo]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ParseINI("inventory/hosts", data)
		if err != nil {
			if !reErrPos.MatchString(err.Error()) {
				t.Fatalf("error without file:line: %q", err)
			}
			return
		}
		// the result must be usable
		_ = inv.Groups()
		for _, h := range inv.HostNames() {
			_ = inv.HostVars(h)
		}
	})
}

// FuzzPattern: pattern evaluation never panics.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{
		"all", "web*:&prod:!db", "~(lb|db)", "web[0:1]", "web[-1]", "prod[3]", "a,b,,c",
		"[::1]:22", "localhost", "web[", "db-[!a]", "*.example.com", "&", "!", "~[", "web[1-2]",
	} {
		f.Add(s)
	}
	inv, _, err := Load([]string{"testdata/realistic.ini"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		_ = SplitPattern(pattern)
		hs, _, err := inv.Hosts(pattern)
		if err == nil {
			seen := map[*Host]bool{}
			for _, h := range hs {
				if seen[h] {
					t.Fatalf("duplicate host %s for %q", h.Name, pattern)
				}
				seen[h] = true
			}
		}
		_ = inv.Limit(pattern)
		_, _, _ = inv.Hosts("all")
		_ = inv.Limit("")
	})
}

// FuzzParseYAML: the YAML inventory parser never panics, every error has a
// message (Ansible's texts; the loader adds the source's path to them), and
// a parsed inventory is usable.
func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{
		"all:\n  hosts:\n    h1:\n      ansible_port: 2222\n  children:\n    web:\n      hosts:\n        web[01:03]:\n      vars: {x: 1}\n",
		"web:\n  hosts: {a: null, b: {k: [1, 2]}}\ndb:\n  children: {web: {}}\n",
		"plugin: constructed\n",
		"all:\n  hosts: [a, b]\n",
		"all:\n  vars: [1]\n",
		"g:\n  children:\n    g:\n",
		"all:\n  hosts:\n    \"[::1]:22\":\n    h[a:c]:\n",
		"- a\n- b\n",
		"x: !!binary aGVsbG8=\n",
		"all: &a\n  children:\n    b: *a\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ParseYAML("inventory/hosts.yml", data)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("error without a message")
			}
			return
		}
		_ = inv.Groups()
		for _, h := range inv.HostNames() {
			_ = inv.HostVars(h)
		}
	})
}

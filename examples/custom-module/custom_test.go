package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestCustomBuild builds this directory's goplay (the stock build plus the
// healthcheck module) and runs a playbook that registers the module's
// result and retries on it with until, against a local HTTP server.
func TestCustomBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a goplay binary")
	}
	var health, flaky atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			// Not ready for the first two requests.
			n := health.Add(1)
			w.Header().Set("Content-Type", "application/json")
			if n <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, `{"ready": false, "checks": %d}`, n)
				return
			}
			fmt.Fprintf(w, `{"ready": true, "version": "1.2.3", "checks": %d}`, n)
		case "/flaky":
			// Fails twice, then answers: the module's own retries cover it.
			if flaky.Add(1) <= 2 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			fmt.Fprint(w, "all good")
		case "/header":
			fmt.Fprint(w, "token="+r.Header.Get("X-Token"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	dir := t.TempDir()
	bin := filepath.Join(dir, "goplay-custom")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	playbook := `- name: health check
  hosts: localhost
  gather_facts: no
  tasks:
    - name: wait until the service is ready
      healthcheck:
        url: "{{ base }}/health"
        retries: 0
        status: [200, 503]
      register: hc
      until: hc.json.ready
      retries: 5
      delay: 0

    - debug:
        # until's own count replaces the module's attempts, as in Ansible.
        msg: "status={{ hc.status }} version={{ hc.json.version }} checks={{ hc.json.checks }} tries={{ hc.attempts }} ok={{ hc is succeeded }}"

    - name: the module's own retries
      acme.web.healthcheck:
        url: "{{ base }}/flaky"
        retries: 3
        delay: 0.01
        body_contains: good
      register: fl

    - debug:
        msg: "flaky: status={{ fl.status }} attempts={{ fl.attempts }} body={{ fl.body }} elapsed_is_float={{ fl.elapsed is float }}"

    - name: headers
      healthcheck:
        url: "{{ base }}/header"
        headers:
          X-Token: s3cret
      register: hd

    - debug:
        var: hd.body

    - name: a wrong status fails
      healthcheck:
        url: "{{ base }}/missing"
        retries: 1
        delay: 0
      register: bad
      ignore_errors: yes

    - assert:
        that:
          - bad is failed
          - bad.status == 404
          - bad.attempts == 2
          - "'not [200]' in bad.msg"
`
	pb := filepath.Join(dir, "playbook.yml")
	if err := os.WriteFile(pb, []byte(playbook), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		rc := 0
		if ee, ok := err.(*exec.ExitError); ok {
			rc = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), rc
	}

	out, errs, rc := run("-e", "base="+srv.URL, "playbook.yml")
	if rc != 0 {
		t.Fatalf("exit code %d\n%s\n%s", rc, out, errs)
	}
	for _, want := range []string{
		"FAILED - RETRYING: [localhost]: wait until the service is ready (5 retries left).",
		"FAILED - RETRYING: [localhost]: wait until the service is ready (4 retries left).",
		`"msg": "status=200 version=1.2.3 checks=3 tries=3 ok=True"`,
		`"msg": "flaky: status=200 attempts=3 body=all good elapsed_is_float=True"`,
		`"hd.body": "token=s3cret"`,
		"fatal: [localhost]: FAILED!",
		"...ignoring",
		"localhost                  : ok=8    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, out, errs)
		}
	}

	// Bad arguments fail the task with the module's own message…
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("- hosts: localhost\n  gather_facts: no\n  tasks:\n    - healthcheck:\n        url: ftp://example.com\n"), 0o644)
	const badMsg = "url must start with http:// or https://, got: ftp://example.com"
	out, errs, rc = run("bad.yml")
	if rc != 2 || !strings.Contains(out, `"msg": "`+badMsg+`"`) {
		t.Errorf("bad arguments: rc %d\n%s\n%s", rc, out, errs)
	}
	// … --syntax-check passes them as ansible-playbook does …
	if out, errs, rc = run("--syntax-check", "bad.yml"); rc != 0 {
		t.Errorf("--syntax-check without GOPLAY_SYNTAX_CHECK_ARGS: rc %d\n%s\n%s", rc, out, errs)
	}
	// … and with GOPLAY_SYNTAX_CHECK_ARGS=1 finds them before anything
	// runs, at the task's line (modules.Validator), with the parse-error
	// exit code.
	os.Setenv("GOPLAY_SYNTAX_CHECK_ARGS", "1")
	defer os.Unsetenv("GOPLAY_SYNTAX_CHECK_ARGS")
	out, errs, rc = run("--syntax-check", "bad.yml")
	if rc != 4 || !strings.Contains(out+errs, badMsg) || !strings.Contains(out+errs, "line 4") {
		t.Errorf("--syntax-check: rc %d\n%s\n%s", rc, out, errs)
	}
}

// TestOneImportLine checks the claim the README makes: this main.go is the
// stock one plus one import.
func TestOneImportLine(t *testing.T) {
	stock, err := os.ReadFile("../../main.go")
	if err != nil {
		t.Skip(err)
	}
	custom, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	code := func(b []byte) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l != "" && !strings.HasPrefix(l, "//") {
				m[l] = true
			}
		}
		return m
	}
	s, c := code(stock), code(custom)
	var added, removed []string
	for l := range c {
		if !s[l] {
			added = append(added, l)
		}
	}
	for l := range s {
		if !c[l] {
			removed = append(removed, l)
		}
	}
	if len(removed) != 0 || len(added) != 1 || added[0] != `_ "github.com/goplay/goplay/examples/custom-module/healthcheck"` {
		t.Errorf("main.go should be the stock main.go plus one import; added %q, removed %q", added, removed)
	}
}

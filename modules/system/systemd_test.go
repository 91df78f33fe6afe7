package system

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
)

// fakeSystemd gives a local connection whose PATH starts with
// testdata/fake-systemctl as systemctl. CI containers run no systemd, so
// the tests drive this stand-in, which keeps unit state in files and logs
// every call; testdata/ansible_systemd.txt holds what ansible-core 2.14
// returned and called against the same stand-in (see record.sh).
func fakeSystemd(t *testing.T) (*local.Conn, string) {
	t.Helper()
	dir := t.TempDir()
	fake, err := filepath.Abs("testdata/fake-systemctl")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	units := filepath.Join(dir, "state", "units")
	for _, d := range []string{bin, units} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(fake, filepath.Join(bin, "systemctl")); err != nil {
		t.Fatal(err)
	}
	// The units record.sh starts every call with.
	for name, st := range map[string]string{
		"web.service":    "active=inactive\nenabled=disabled\n",
		"db.service":     "active=active\nenabled=enabled\n",
		"hidden.service": "active=inactive\nenabled=masked\n",
	} {
		os.WriteFile(filepath.Join(units, name), []byte(st), 0o644)
	}
	state := filepath.Join(dir, "state")
	os.WriteFile(filepath.Join(state, "calls"), nil, 0o644)
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "PATH=") && !strings.HasPrefix(e, "FAKE_SYSTEMCTL_DIR=") && !strings.HasPrefix(e, "XDG_RUNTIME_DIR=") {
			env = append(env, e)
		}
	}
	env = append(env, "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_SYSTEMCTL_DIR="+state)
	return &local.Conn{Env: env}, state
}

func readCalls(t *testing.T, state string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(state, "calls"))
	if err != nil {
		t.Fatal(err)
	}
	return splitLines(string(b))
}

var readOnlyVerbs = map[string]bool{"show": true, "is-enabled": true, "is-active": true, "list-unit-files": true}

// mutating keeps the calls that change something, in order.
func mutating(calls []string) []string {
	var out []string
	for _, c := range calls {
		f := strings.Fields(c)
		for len(f) > 0 && strings.HasPrefix(f[0], "--") {
			f = f[1:]
		}
		if len(f) > 0 && !readOnlyVerbs[f[0]] {
			out = append(out, c)
		}
	}
	return out
}

// TestSystemdRecorded replays every systemd and service call recorded from
// ansible-core 2.14: same result dict, same warnings, the same changing
// systemctl calls in the same order, and at least the queries Ansible made.
func TestSystemdRecorded(t *testing.T) {
	recs := readRecords(t, "ansible_systemd.txt")
	if len(recs) < 20 {
		t.Fatalf("only %d records", len(recs))
	}
	for _, rec := range recs {
		conn, state := fakeSystemd(t)
		o := runModule(t, conn, rec.module, parseArgs(t, rec.args), rec.check)
		compare(t, rec, o)
		calls := readCalls(t, state)
		if got, want := mutating(calls), mutating(rec.calls); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: changing calls %q, ansible %q", rec.cmd, got, want)
		}
		have := map[string]bool{}
		for _, c := range calls {
			have[c] = true
		}
		for _, c := range rec.calls {
			if !have[c] {
				t.Errorf("%s: ansible called systemctl %s, goplay did not (goplay: %q)", rec.cmd, c, calls)
			}
		}
	}
}

func TestParseShowMultiline(t *testing.T) {
	out := "Id=x.service\nExecStart={ path=/bin/a ; argv[]=/bin/a\n  --more ; status=0/0 }\nDescription={ not closed\nExecReload={ one line }\nEmpty=\n"
	got := parseShow(out)
	want := map[string]string{
		"Id":          "x.service",
		"ExecStart":   "{ path=/bin/a ; argv[]=/bin/a\n  --more ; status=0/0 }",
		"Description": "{ not closed",
		"ExecReload":  "{ one line }",
		"Empty":       "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseShow = %#v, want %#v", got, want)
	}
}

// fakeRoot points the service manager probe at a directory holding
// proc/1/comm with comm and, when booted, systemd's run/systemd/system/.
func fakeRoot(t *testing.T, comm string, booted bool) {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "proc", "1"), 0o755)
	os.WriteFile(filepath.Join(dir, "proc", "1", "comm"), []byte(comm+"\n"), 0o644)
	if booted {
		os.MkdirAll(filepath.Join(dir, "run", "systemd", "system"), 0o755)
	}
	old := rootDir
	rootDir = dir
	t.Cleanup(func() { rootDir = old })
}

// TestServiceDetectsSystemd: without facts or use=, service works out the
// service_mgr fact on the target (here systemd booted the fake root, PID 1
// is "init") and acts as systemd, with the systemctl stand-in.
func TestServiceDetectsSystemd(t *testing.T) {
	conn, state := fakeSystemd(t)
	fakeRoot(t, "init", true)
	o := runModule(t, conn, "service", map[string]any{"name": "web", "state": "started"}, false)
	if o.res["changed"] != true || o.res["state"] != "started" || o.res["status"] == nil {
		t.Fatalf("result %v", o.res)
	}
	if calls := mutating(readCalls(t, state)); !reflect.DeepEqual(calls, []string{"start web"}) {
		t.Errorf("calls %q", calls)
	}
}

// TestServiceNotBootedWithSystemd: systemctl is installed, but PID 1 is
// not systemd (a container): service_mgr is PID 1's name, the service
// action runs the service module, which does not call systemctl and finds
// no init script.
func TestServiceNotBootedWithSystemd(t *testing.T) {
	conn, state := fakeSystemd(t)
	fakeRoot(t, "process_api", false)
	if _, err := os.Stat("/etc/init.d/web"); err == nil {
		t.Skip("host has an init script named web")
	}
	o := runModule(t, conn, "service", map[string]any{"name": "web", "state": "started"}, false)
	if o.res["failed"] != true || o.res["msg"] != "Could not find the requested service web: host" {
		t.Errorf("result %v", o.res)
	}
	if calls := readCalls(t, state); len(calls) != 0 {
		t.Errorf("systemctl called: %q", calls)
	}
	// Neither PID 1 nor the canaries tell: /sbin/init is not a link to
	// systemd in the fake root, no init.d there: the generic service.
	fakeRoot(t, "sh", false)
	o = runModule(t, conn, "service", map[string]any{"name": "web", "state": "started"}, false)
	if o.res["msg"] != "Could not find the requested service web: host" {
		t.Errorf("result %v", o.res)
	}
	if calls := readCalls(t, state); len(calls) != 0 {
		t.Errorf("systemctl called: %q", calls)
	}
}

// TestSystemdShowFails follows the module's workaround for systemctl show
// failing with "Failed to parse bus message" (ansible issue 71528):
// list-unit-files and is-active stand in for it.
func TestSystemdShowFails(t *testing.T) {
	conn, state := fakeSystemd(t)
	conn.Env = append(conn.Env, "FAKE_SYSTEMCTL_SHOW_FAIL=1")
	o := runModule(t, conn, "systemd", map[string]any{"name": "web", "state": "started"}, false)
	want := map[string]any{"name": "web", "changed": true, "state": "started", "status": map[string]any{"ActiveState": "inactive"}}
	if !reflect.DeepEqual(o.res, want) {
		t.Errorf("result %#v, want %#v", o.res, want)
	}
	if got := readCalls(t, state); !reflect.DeepEqual(got, []string{"show web", "list-unit-files web*", "is-active web", "start web"}) {
		t.Errorf("calls %q", got)
	}
}

// TestSystemdNoBus: show fails otherwise; is-enabled still knows the unit,
// but its state is unknown (not a chroot, systemd not offline).
func TestSystemdNoBus(t *testing.T) {
	conn, state := fakeSystemd(t)
	conn.Env = append(conn.Env, "FAKE_SYSTEMCTL_SHOW_FAIL=2", "SYSTEMD_OFFLINE=0", "debian_chroot=")
	o := runModule(t, conn, "systemd", map[string]any{"name": "web", "state": "started"}, false)
	if o.res["msg"] != "Service is in unknown state" || o.res["failed"] != true || !reflect.DeepEqual(o.res["status"], map[string]any{}) {
		t.Errorf("result %#v", o.res)
	}
	if got := readCalls(t, state); !reflect.DeepEqual(got, []string{"show web", "is-enabled web"}) {
		t.Errorf("calls %q", got)
	}
	// Offline systemd: a warning instead.
	conn, _ = fakeSystemd(t)
	conn.Env = append(conn.Env, "FAKE_SYSTEMCTL_SHOW_FAIL=2", "SYSTEMD_OFFLINE=1")
	o = runModule(t, conn, "systemd", map[string]any{"name": "web", "state": "started"}, false)
	if o.res["failed"] == true || len(o.warnings) != 1 || !strings.HasPrefix(o.warnings[0], "Target is a chroot or systemd is offline.") {
		t.Errorf("offline: %#v %q", o.res, o.warnings)
	}
}

package system

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goplay/goplay/engine/connection/local"
)

// fakeSysV builds an /etc with init.d/fakesvc and rc?.d, and `service`
// and `update-rc.d` stand-ins first on PATH, all logging to calls. The
// expectations below follow ansible's LinuxService code paths for SysV
// hosts (no recording: that would need a real /etc/init.d script).
func fakeSysV(t *testing.T, running bool) (*local.Conn, string) {
	t.Helper()
	dir := t.TempDir()
	etc := filepath.Join(dir, "etc")
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{etc + "/init.d", etc + "/rc0.d", etc + "/rc2.d", bin} {
		os.MkdirAll(d, 0o755)
	}
	calls := filepath.Join(dir, "calls")
	state := filepath.Join(dir, "running")
	if running {
		os.WriteFile(state, nil, 0o644)
	}
	script := `#!/bin/sh
echo "init $*" >>` + calls + `
case $1 in
status) if [ -e ` + state + ` ]; then echo "fakesvc is running"; exit 0; fi; echo "fakesvc is not running"; exit 3 ;;
start) touch ` + state + ` ;;
stop) rm -f ` + state + ` ;;
reload) ;;
*) echo "Usage: fakesvc {start|stop|status}" >&2; exit 2 ;;
esac
`
	os.WriteFile(filepath.Join(etc, "init.d", "fakesvc"), []byte(script), 0o755)
	os.WriteFile(filepath.Join(bin, "service"), []byte("#!/bin/sh\necho \"service $*\" >>"+calls+"\nn=$1; shift; exec "+etc+"/init.d/$n \"$@\"\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "update-rc.d"), []byte(`#!/bin/sh
echo "update-rc.d $*" >>`+calls+`
case $2 in
defaults) ln -sf ../init.d/$1 `+etc+`/rc0.d/K01$1 ;;
enable) rm -f `+etc+`/rc2.d/K01$1; ln -sf ../init.d/$1 `+etc+`/rc2.d/S01$1 ;;
disable) rm -f `+etc+`/rc2.d/S01$1; ln -sf ../init.d/$1 `+etc+`/rc2.d/K01$1 ;;
esac
`), 0o755)
	old := etcDir
	etcDir = etc
	t.Cleanup(func() { etcDir = old })
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "PATH=") {
			env = append(env, e)
		}
	}
	env = append(env, "PATH="+bin+":"+os.Getenv("PATH"))
	return &local.Conn{Env: env}, calls
}

func callsOf(t *testing.T, path string) []string {
	b, _ := os.ReadFile(path)
	var out []string
	for _, l := range splitLines(string(b)) {
		if strings.HasPrefix(l, "service ") || strings.HasPrefix(l, "update-rc.d ") {
			out = append(out, l)
		}
	}
	return out
}

func TestServiceSysV(t *testing.T) {
	cases := []struct {
		name    string
		running bool
		args    map[string]any
		check   bool
		want    map[string]any
		calls   []string
	}{
		{"start", false, map[string]any{"state": "started"}, false,
			map[string]any{"name": "fakesvc", "state": "started", "changed": true},
			[]string{"service fakesvc status", "service fakesvc start"}},
		{"already running", true, map[string]any{"state": "started"}, false,
			map[string]any{"name": "fakesvc", "state": "started", "changed": false},
			[]string{"service fakesvc status"}},
		{"stop", true, map[string]any{"state": "stopped"}, false,
			map[string]any{"name": "fakesvc", "state": "stopped", "changed": true},
			[]string{"service fakesvc status", "service fakesvc stop"}},
		{"restart", true, map[string]any{"state": "restarted"}, false,
			map[string]any{"name": "fakesvc", "state": "started", "changed": true},
			[]string{"service fakesvc status", "service fakesvc stop", "service fakesvc start"}},
		{"check", false, map[string]any{"state": "started"}, true,
			map[string]any{"changed": true, "msg": "service state changed"},
			[]string{"service fakesvc status"}},
		{"enable", false, map[string]any{"enabled": "yes"}, false,
			map[string]any{"name": "fakesvc", "enabled": true, "changed": true},
			[]string{"update-rc.d fakesvc defaults", "update-rc.d fakesvc enable"}},
		{"disable when off", false, map[string]any{"enabled": "no"}, false,
			map[string]any{"name": "fakesvc", "enabled": false, "changed": false}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, calls := fakeSysV(t, c.running)
			args := map[string]any{"name": "fakesvc", "use": "service"}
			for k, v := range c.args {
				args[k] = v
			}
			o := runModule(t, conn, "service", args, c.check)
			if !reflect.DeepEqual(o.res, c.want) {
				t.Errorf("result %v, want %v", o.res, c.want)
			}
			if got := callsOf(t, calls); !reflect.DeepEqual(got, c.calls) {
				t.Errorf("calls %q, want %q", got, c.calls)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		conn, _ := fakeSysV(t, false)
		o := runModule(t, conn, "service", map[string]any{"name": "nosuch", "state": "started", "use": "service"}, false)
		if o.res["failed"] != true || o.res["msg"] != "Could not find the requested service nosuch: host" {
			t.Errorf("result %v", o.res)
		}
	})
}

// TestServiceMgrProbe checks the probe against ServiceMgrFactCollector's
// rules on fake roots (PATH holds a systemctl stand-in).
func TestServiceMgrProbe(t *testing.T) {
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "systemctl"), []byte("#!/bin/sh\nexit 0\n"), 0o755)
	cases := []struct {
		name  string
		comm  string
		setup func(root string)
		want  string
	}{
		{"pid 1 named", "process_api", nil, "process_api"},
		{"pid 1 mapped", "runit-init", nil, "runit"},
		{"procd", "procd", nil, "openwrt_init"},
		{"systemd", "systemd", nil, "systemd"},
		{"init and booted", "init", func(r string) { os.MkdirAll(r+"/run/systemd/system", 0o755) }, "systemd"},
		{"shell, init.d", "bash", func(r string) { os.MkdirAll(r+"/etc/init.d", 0o755) }, "sysvinit"},
		{"init links to systemd offline", "init", func(r string) {
			os.MkdirAll(r+"/sbin", 0o755)
			os.MkdirAll(r+"/etc/init.d", 0o755)
			os.Symlink("/lib/systemd/systemd", r+"/sbin/init")
		}, "systemd"},
		{"openrc", "init", func(r string) { os.MkdirAll(r+"/sbin", 0o755); os.WriteFile(r+"/sbin/openrc", nil, 0o755) }, "openrc"},
		{"nothing", "sh", nil, "service"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			os.MkdirAll(root+"/proc/1", 0o755)
			os.WriteFile(root+"/proc/1/comm", []byte(c.comm+"\n"), 0o644)
			if c.setup != nil {
				c.setup(root)
			}
			old := rootDir
			rootDir = root
			defer func() { rootDir = old }()
			cmd := exec.Command("/bin/sh", "-c", serviceMgrProbe())
			cmd.Env = append(os.Environ(), "PATH="+bin+":/usr/bin:/bin")
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(string(out)); got != c.want {
				t.Errorf("service_mgr %q, want %q", got, c.want)
			}
		})
	}
}

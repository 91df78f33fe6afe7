package system

import (
	"os"
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

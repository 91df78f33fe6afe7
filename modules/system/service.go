package system

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "service",
		Aliases:   []string{"ansible.builtin.service"},
		New:       func() modules.Module { return new(Service) },
		CheckMode: true,
		Short:     "Manage services",
	})
}

// Service manages a service as ansible.builtin.service does: on a systemd
// host it is the systemd module (Ansible's service action picks it from the
// service_mgr fact); elsewhere it drives the SysV init script or the
// `service` tool.
type Service struct {
	Name      string  `arg:"name,required" doc:"The service."`
	State     *string `arg:"state" choices:"started,stopped,reloaded,restarted" doc:"The service's wanted state."`
	Sleep     *int    `arg:"sleep" doc:"Seconds between stop and start on restart (SysV)."`
	Pattern   *string `arg:"pattern" doc:"A ps pattern that tells the service runs (SysV)."`
	Enabled   *bool   `arg:"enabled" doc:"Whether the service starts on boot."`
	Runlevel  string  `arg:"runlevel" default:"default" doc:"The runlevel (OpenRC)."`
	Arguments *string `arg:"arguments" aliases:"args" doc:"Extra arguments for the service command."`
	Use       string  `arg:"use" default:"auto" doc:"The service manager module: auto, systemd, service, sysvinit."`
}

// Run manages the service.
func (s *Service) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	mgr := strings.ToLower(s.Use)
	if mgr == "auto" || mgr == "" {
		mgr = factServiceMgr(req.Vars)
	}
	if mgr == "" || mgr == "auto" {
		// No facts: the service action runs setup for the service_mgr
		// fact, which serviceMgrProbe computes on the target.
		out, _, _, err := req.Conn.Exec(ctx, serviceMgrProbe(), nil)
		if err != nil {
			return nil, err
		}
		mgr = strings.TrimSpace(string(out))
	}
	if mgr == "systemd" {
		for _, p := range []struct {
			key string
			set bool
		}{{"pattern", s.Pattern != nil}, {"runlevel", hasArg(req.Args, "runlevel")}, {"sleep", s.Sleep != nil}, {"arguments", hasArg(req.Args, "arguments")}, {"args", hasArg(req.Args, "args")}} {
			if p.set {
				req.Warn(fmt.Sprintf("Ignoring \"%s\" as it is not used in \"%s\"", p.key, "systemd"))
			}
		}
		name := s.Name
		sd := &Systemd{Name: &name, State: s.State, Enabled: s.Enabled, Scope: "system"}
		if err := sd.Validate(); err != nil {
			return modules.Failf("%s", err.Error()), nil
		}
		return runSystemd(ctx, req, sd)
	}
	if s.State == nil && s.Enabled == nil {
		return modules.Failf("one of the following is required: state, enabled"), nil
	}
	return s.runSysV(ctx, req)
}

func hasArg(args map[string]any, k string) bool {
	_, ok := args[k]
	return ok
}

// serviceMgrProbe is a script that prints the service_mgr fact as Ansible's
// ServiceMgrFactCollector computes it on Linux (module_utils/facts/system/
// service_mgr.py): PID 1's name (/proc/1/comm, else ps, else the
// /sbin/init link) unless it is "init" or a shell; else systemd when
// systemctl is installed and systemd booted the host (sd_booted's
// canaries), upstart, openrc, systemd when /sbin/init links to systemd
// (offline), sysvinit when /etc/init.d exists; else service. systemctl in
// a container not booted with systemd is not enough, so the service action
// then runs the service module, which does not call systemctl.
func serviceMgrProbe() string {
	return fmt.Sprintf(`PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
p1=
if [ -r %[1]s/proc/1/comm ]; then p1=$(sed 's/^[[:space:]]*//;s/[[:space:]]*$//' %[1]s/proc/1/comm 2>/dev/null); fi
if [ -z "$p1" ]; then
  p1=$(ps -p 1 -o comm 2>/dev/null | tail -n 1)
  if [ -z "$(printf '%%s' "$p1" | tr -d '[:space:]')" ] || printf '%%s\n' "$p1" | grep -Eq '^ *[0-9]+ ' || [ "$p1" = COMMAND ]; then p1=; fi
fi
if [ -z "$p1" ] && [ -h %[1]s/sbin/init ]; then p1=$(readlink %[1]s/sbin/init); fi
if [ -n "$p1" ]; then
  p1=$(basename -- "$p1" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')
  case $p1 in init|*sh) p1= ;; esac
fi
if [ -n "$p1" ]; then
  case $p1 in
  procd) echo openwrt_init ;;
  runit-init) echo runit ;;
  svscan) echo svc ;;
  openrc-init) echo openrc ;;
  *) printf '%%s\n' "$p1" ;;
  esac
  exit 0
fi
[ "$(uname -s)" = Linux ] || { echo service; exit 0; }
if command -v systemctl >/dev/null 2>&1; then
  for c in %[1]s/run/systemd/system/ %[1]s/dev/.run/systemd/ %[1]s/dev/.systemd/; do [ -e "$c" ] && echo systemd && exit 0; done
fi
if command -v initctl >/dev/null 2>&1 && [ -e %[1]s/etc/init/ ]; then echo upstart; exit 0; fi
if [ -e %[1]s/sbin/openrc ]; then echo openrc; exit 0; fi
if command -v systemctl >/dev/null 2>&1 && [ -h %[1]s/sbin/init ] && [ "$(basename -- "$(readlink %[1]s/sbin/init)")" = systemd ]; then echo systemd; exit 0; fi
if [ -e %[1]s/etc/init.d/ ]; then echo sysvinit; exit 0; fi
echo service`, shq(rootDir))
}

// rootDir prefixes the paths serviceMgrProbe looks at; tests point it
// elsewhere.
var rootDir = ""

// factServiceMgr reads the service_mgr fact when facts were gathered.
func factServiceMgr(vars map[string]any) string {
	if f, ok := vars["ansible_facts"].(map[string]any); ok {
		if s, ok := f["service_mgr"].(string); ok {
			return s
		}
	}
	if s, ok := vars["ansible_service_mgr"].(string); ok {
		return s
	}
	return ""
}

// runSysV is the service module's LinuxService for SysV init scripts and
// the `service` tool.
func (s *Service) runSysV(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	name := s.Name
	args := ""
	if s.Arguments != nil {
		args = *s.Arguments
	}
	b := newBatch()
	b.raw(`PATH=$PATH:/sbin:/usr/sbin:/bin:/usr/bin`)
	script := sysvScript(name)
	b.flag("initscript", "[ -f "+shq(script)+" ]")
	for _, t := range []string{"service", "update-rc.d", "insserv", "chkconfig"} {
		b.flag("has-"+t, "command -v "+t+" >/dev/null 2>&1")
	}
	b.flag("sysvon", sysvEnabledTest(name))
	// The status command, run when it can be: service NAME status, or the script.
	statusCmd := fmt.Sprintf(`if command -v service >/dev/null 2>&1; then service %s status %s; else %s status %s; fi`, shq(name), args, shq(script), args)
	if s.State != nil {
		if s.Pattern != nil {
			b.run("ps", "ps auxww")
		} else {
			b.raw(fmt.Sprintf(`if [ -f %s ] || command -v service >/dev/null 2>&1; then`, shq(script)))
			b.run("status", "sh -c "+shq(statusCmd))
			b.raw("fi")
		}
	}
	out, _, _, err := req.Conn.Exec(ctx, b.String(), nil)
	if err != nil {
		return nil, err
	}
	r := b.parse(out)
	hasInit := hasKey(r, "initscript")
	enableCmd := ""
	if hasInit {
		for _, t := range []string{"update-rc.d", "insserv", "chkconfig"} {
			if hasKey(r, "has-"+t) {
				enableCmd = t
				break
			}
		}
	}
	if enableCmd == "" {
		return modules.Failf("Could not find the requested service %s: host", name), nil
	}
	svcCmd := ""
	if hasKey(r, "has-service") {
		svcCmd = "service"
	}
	if svcCmd == "" && !hasInit {
		return modules.Failf("cannot find 'service' binary or init script for service,  possible typo in service name?, aborting"), nil
	}
	result := map[string]any{"name": name}
	res := &modules.Result{Data: result}
	var cmds []string // run in order in one round trip

	changed := false
	if s.Enabled != nil {
		on := hasKey(r, "sysvon")
		if on != *s.Enabled {
			changed = true
			var c string
			switch enableCmd {
			case "update-rc.d":
				verb := "disable"
				if *s.Enabled {
					verb = "enable"
				}
				c = fmt.Sprintf("update-rc.d %s %s", shq(name), verb)
				if *s.Enabled {
					// update-rc.d NAME defaults first when no stop links exist.
					c = fmt.Sprintf("sh -c %s", shq(fmt.Sprintf(`for f in %s"/rc?.d/K??"%s; do [ -e "$f" ] && break; done; if [ ! -e "$f" ]; then update-rc.d %s defaults || exit; fi; update-rc.d %s enable`, shq(etcDir), shq(name), shq(name), shq(name))))
				}
			case "insserv":
				if *s.Enabled {
					c = "insserv " + shq(name)
				} else {
					c = "insserv -r " + shq(name)
				}
			default:
				verb := "off"
				if *s.Enabled {
					verb = "on"
				}
				c = "chkconfig " + shq(name) + " " + verb
			}
			cmds = append(cmds, "enable", c)
		}
		result["enabled"] = *s.Enabled
	}
	if s.State == nil {
		res.Changed = changed
		return s.finishSysV(ctx, req, res, cmds)
	}
	result["state"] = *s.State

	var running *bool
	t, f := true, false
	if s.Pattern != nil {
		running = &f
		for _, line := range strings.Split(r["ps"].Out, "\n") {
			if strings.Contains(line, *s.Pattern) && !strings.Contains(line, "pattern="+*s.Pattern) {
				running = &t
				break
			}
		}
	} else if st, ok := r["status"]; ok {
		running = sysvRunning(name, st)
	}
	if running == nil {
		return modules.Failf("failed determining service state, possible typo of service name?"), nil
	}
	svcChange := false
	switch {
	case !*running && (*s.State == "reloaded" || *s.State == "started"):
		svcChange = true
	case *running && (*s.State == "reloaded" || *s.State == "stopped"):
		svcChange = true
	case *s.State == "restarted":
		svcChange = true
	}
	if req.Check && svcChange {
		return &modules.Result{Changed: true, Msg: "service state changed"}, nil
	}
	if svcChange {
		action := ""
		switch {
		case *s.State == "started", !*running && *s.State == "reloaded":
			action = "start"
		case *s.State == "stopped":
			action = "stop"
		case *s.State == "reloaded":
			action = "reload"
		case *s.State == "restarted":
			action = "restart"
		}
		ctl := func(a string) string {
			if svcCmd != "" {
				return fmt.Sprintf("service %s %s %s", shq(name), a, args)
			}
			return fmt.Sprintf("%s %s %s", shq(script), a, args)
		}
		if action == "restart" {
			sleep := ""
			if s.Sleep != nil && *s.Sleep > 0 {
				sleep = fmt.Sprintf("sleep %d; ", *s.Sleep)
			}
			cmds = append(cmds, "state", fmt.Sprintf("sh -c %s", shq(fmt.Sprintf(`%s; r1=$?; %s%s; r2=$?; if [ $r1 -ne 0 ] && [ $r2 -eq 0 ]; then exit 0; fi; exit $((r1+r2))`, ctl("stop"), sleep, ctl("start")))))
		} else {
			cmds = append(cmds, "state", "sh -c "+shq(ctl(action)))
		}
	}
	res.Changed = changed || svcChange
	if *s.State == "stopped" {
		result["state"] = "stopped"
	} else {
		result["state"] = "started"
	}
	return s.finishSysV(ctx, req, res, cmds)
}

// finishSysV runs the enable and state commands (none in check mode).
func (s *Service) finishSysV(ctx context.Context, req *modules.Request, res *modules.Result, cmds []string) (*modules.Result, error) {
	if req.Check || len(cmds) == 0 {
		return res, nil
	}
	b := newBatch()
	b.raw(`PATH=$PATH:/sbin:/usr/sbin:/bin:/usr/bin`)
	for i := 0; i < len(cmds); i += 2 {
		b.run(cmds[i], cmds[i+1]+" || exit 0")
	}
	start := time.Now()
	out, _, _, err := req.Conn.Exec(ctx, b.String(), nil)
	req.Logf("service: ran %d commands in %s", len(cmds)/2, time.Since(start))
	if err != nil {
		return nil, err
	}
	r := b.parse(out)
	if x, ok := r["enable"]; ok && x.RC != 0 {
		if x.Err != "" {
			return modules.Failf("%s", x.Err), nil
		}
		return modules.Failf("%s", x.Out), nil
	}
	if x, ok := r["state"]; ok && x.RC != 0 {
		if x.Err != "" && strings.Contains(x.Err, "Job is already running") {
			return res, nil
		}
		if x.Err != "" {
			return modules.Failf("%s", x.Err), nil
		}
		return modules.Failf("%s", x.Out), nil
	}
	return res, nil
}

// sysvRunning is LinuxService.get_service_status's reading of a status
// command: the LSB exit codes, then keywords of a one-line output.
func sysvRunning(name string, st cmdResult) *bool {
	t, f := true, false
	switch st.RC {
	case 1, 2, 3, 4, 69:
		return &f
	}
	if strings.Count(st.Out, "\n") <= 1 {
		clean := strings.ReplaceAll(strings.ToLower(st.Out), strings.ToLower(name), "")
		switch {
		case strings.Contains(clean, "stop"):
			return &f
		case strings.Contains(clean, "run"):
			v := !strings.Contains(clean, "not ")
			return &v
		case strings.Contains(clean, "start") && !strings.Contains(clean, "not "):
			return &t
		case strings.Contains(clean, "could not access pid file"),
			strings.Contains(clean, "is dead and pid file exists"),
			strings.Contains(clean, "dead but subsys locked"),
			strings.Contains(clean, "dead but pid file exists"):
			return &f
		}
	}
	if st.RC == 0 {
		return &t
	}
	if name == "iptables" && strings.Contains(st.Out, "ACCEPT") {
		return &t
	}
	return nil
}

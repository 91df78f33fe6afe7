package system

import (
	"context"
	"fmt"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "systemd",
		Aliases:   []string{"ansible.builtin.systemd", "systemd_service", "ansible.builtin.systemd_service"},
		New:       func() modules.Module { return new(Systemd) },
		CheckMode: true,
		Short:     "Manage systemd units",
	})
}

// Systemd controls systemd units as ansible.builtin.systemd does, through
// systemctl on the target.
type Systemd struct {
	Name         *string `arg:"name" aliases:"service,unit" doc:"The unit (.service is implied)."`
	State        *string `arg:"state" choices:"reloaded,restarted,started,stopped" doc:"The unit's wanted state."`
	Enabled      *bool   `arg:"enabled" doc:"Whether the unit starts on boot."`
	Force        *bool   `arg:"force" doc:"Pass --force to systemctl."`
	Masked       *bool   `arg:"masked" doc:"Whether the unit is masked."`
	DaemonReload bool    `arg:"daemon_reload" aliases:"daemon-reload" doc:"Run daemon-reload first."`
	DaemonReexec bool    `arg:"daemon_reexec" aliases:"daemon-reexec" doc:"Run daemon-reexec first."`
	Scope        string  `arg:"scope" default:"system" choices:"system,user,global" doc:"The systemd manager to talk to."`
	NoBlock      bool    `arg:"no_block" doc:"Do not wait for jobs to finish."`
}

// Validate applies the module's required_by rules. (Its required_one_of
// never fires in Ansible: daemon_reload and daemon_reexec have defaults,
// which count as given.)
func (s *Systemd) Validate() error {
	if s.Name == nil {
		for _, p := range []struct {
			set  bool
			name string
		}{{s.State != nil, "state"}, {s.Enabled != nil, "enabled"}, {s.Masked != nil, "masked"}} {
			if p.set {
				return &modules.ArgError{Msg: fmt.Sprintf("missing parameter(s) required by '%s': name", p.name)}
			}
		}
	}
	return nil
}

// Run brings the unit to the wanted state.
func (s *Systemd) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if err := s.Validate(); err != nil {
		return modules.Failf("%s", err.Error()), nil
	}
	return runSystemd(ctx, req, s)
}

var validEnabledStates = map[string]bool{
	"enabled": true, "enabled-runtime": true, "linked": true, "linked-runtime": true,
	"masked": true, "masked-runtime": true, "static": true, "indirect": true,
	"disabled": true, "generated": true, "transient": true,
}

// systemctlPrelude finds systemctl and sets what the module sets.
const systemctlPrelude = `__gp_sc=$(command -v systemctl 2>/dev/null || { for d in /usr/local/sbin /usr/sbin /sbin; do [ -x "$d/systemctl" ] && echo "$d/systemctl" && break; done; })
if [ -z "$__gp_sc" ]; then __gp_p=$PATH; for d in /sbin /usr/sbin /usr/local/sbin; do case ":$__gp_p:" in *":$d:"*) ;; *) __gp_p=$__gp_p:$d ;; esac; done; printf '%s\n' "$__gp_p" >&2; exit 127; fi
[ -n "$XDG_RUNTIME_DIR" ] || export XDG_RUNTIME_DIR=/run/user/$(id -u)
`

func runSystemd(ctx context.Context, req *modules.Request, s *Systemd) (*modules.Result, error) {
	unit := ""
	if s.Name != nil {
		unit = *s.Name
		for _, g := range []string{"*", "?", "["} {
			if strings.Contains(unit, g) {
				return modules.Failf("This module does not currently support using glob patterns, found '%s' in service name: %s", g, unit), nil
			}
		}
	}
	sc := `"$__gp_sc"`
	if s.Scope != "system" && s.Scope != "" {
		sc += " --" + s.Scope
	}
	if s.NoBlock {
		sc += " --no-block"
	}
	if s.Force != nil && *s.Force {
		sc += " --force"
	}
	q := shq(unit)

	// Round trip 1: reload, then everything there is to know about the unit.
	b := newBatch()
	b.raw(systemctlPrelude)
	if s.DaemonReload && !req.Check {
		b.run("reload", sc+" daemon-reload || exit 0")
	}
	if s.DaemonReexec && !req.Check {
		b.run("reexec", sc+" daemon-reexec || exit 0")
	}
	if unit != "" {
		b.run("show", sc+" show "+q)
		b.flag("initd", "[ -e "+shq(sysvScript(unit))+" ]")
		b.flag("sysvon", sysvEnabledTest(unit))
		if s.Masked != nil {
			b.run("isen", sc+" is-enabled "+q)
		}
		if s.Enabled != nil {
			b.run("isenl", sc+" is-enabled "+q+" -l")
		}
		if s.State != nil {
			b.flag("chroot", `[ -n "$debian_chroot" ] || { __gp_r=$(stat -c %d:%i / 2>/dev/null); __gp_p=$(stat -c %d:%i /proc/1/root/. 2>/dev/null) && [ "$__gp_r" != "$__gp_p" ]; } || { [ -z "$__gp_p" ] && [ "${__gp_r#*:}" != 2 ]; }`)
			b.flag("offline", `[ "$SYSTEMD_OFFLINE" = 1 ]`)
		}
	}
	stdout, stderr, rc, err := req.Conn.Exec(ctx, b.String(), nil)
	if err != nil {
		return nil, err
	}
	if rc == 127 && !strings.Contains(string(stdout), b.n) {
		return modules.Failf("Failed to find required executable \"systemctl\" in paths: %s", strings.TrimSpace(string(stderr))), nil
	}
	r := b.parse(stdout)
	if x, ok := r["reload"]; ok && x.RC != 0 {
		return modules.Failf("failure %d during daemon-reload: %s", x.RC, x.Err), nil
	}
	if x, ok := r["reexec"]; ok && x.RC != 0 {
		return modules.Failf("failure %d during daemon-reexec: %s", x.RC, x.Err), nil
	}

	status := map[string]any{}
	result := map[string]any{"name": nil, "status": status}
	if s.Name != nil {
		result["name"] = unit
	}
	res := &modules.Result{Data: result}
	if unit == "" {
		return res, nil
	}

	isInitd := r["initd"].RC == 0 && hasKey(r, "initd")
	isSystemd := false
	show := r["show"]
	var fallback []string // extra commands Ansible would run
	switch {
	case show.RC == 0 && !requestIgnored(show.Out) && !requestIgnored(show.Err):
		if show.Out != "" {
			for k, v := range parseShow(show.Out) {
				status[k] = v
			}
			ls, hasLS := status["LoadState"]
			isSystemd = hasLS && ls != "not-found"
			isMasked := hasLS && ls == "masked"
			if le, ok := status["LoadError"]; ok && isSystemd && !isMasked {
				return modules.Failf("Error loading unit file '%s': %v", unit, le), nil
			}
		}
	case show.Err != "" && show.RC == 1 && strings.Contains(show.Err, "Failed to parse bus message"):
		for k, v := range parseShow(show.Out) {
			status[k] = v
		}
		base, sep, _ := strings.Cut(unit, "@")
		search := base
		if sep != "" {
			search += "@"
		}
		fallback = []string{"luf", sc + " list-unit-files " + shq(search+"*"), "isact", sc + " is-active " + q}
	default:
		fallback = []string{"isen0", sc + " is-enabled " + q}
	}
	if fallback != nil {
		// Rare: show did not answer. One more round trip, as Ansible's
		// fallbacks need show's outcome.
		fb := newBatch()
		fb.raw(systemctlPrelude)
		for i := 0; i < len(fallback); i += 2 {
			fb.run(fallback[i], fallback[i+1])
		}
		if fallback[0] == "isen0" {
			fb.raw(fmt.Sprintf(`case $(cat "$__gp_t/o" 2>/dev/null | tr -d ' \n') in %s) ;; *) __gp_run luf0 %s list-unit-files %s || __gp_run bare %s ;; esac`,
				strings.Join(enabledStateList(), "|"), sc, q, sc))
			fb.run("scpath", `printf '%s' "$__gp_sc"`)
		}
		out, _, _, err := req.Conn.Exec(ctx, fb.String(), nil)
		if err != nil {
			return nil, err
		}
		fr := fb.parse(out)
		if x, ok := fr["luf"]; ok {
			isSystemd = strings.Contains(x.Out, search(unit))
			status["ActiveState"] = strings.TrimRight(fr["isact"].Out, "\n")
		}
		if x, ok := fr["isen0"]; ok {
			if validEnabledStates[strings.TrimSpace(x.Out)] {
				isSystemd = true
			} else if l, ok := fr["luf0"]; ok && l.RC == 0 {
				isSystemd = true
			} else if bare, ok := fr["bare"]; ok && bare.RC != 0 {
				// run_command(systemctl, check_rc=True): cmd is the path
				// get_bin_path found, msg stderr without trailing space;
				// the action plugin adds the *_lines.
				cmd := fr["scpath"].Out
				if cmd == "" {
					cmd = "systemctl"
				}
				return &modules.Result{Failed: true, Msg: strings.TrimRight(bare.Err, " \t\r\n\f\v"), Data: map[string]any{
					"cmd": cmd, "rc": bare.RC, "stdout": bare.Out, "stderr": bare.Err,
					"stdout_lines": pyLines(bare.Out), "stderr_lines": pyLines(bare.Err)}}, nil
			}
		}
	}

	found := isSystemd || isInitd
	if isInitd && !isSystemd {
		req.Warn(fmt.Sprintf("The service (%s) is actually an init script but the system is managed by systemd", unit))
	}
	missing := func() *modules.Result {
		return modules.Failf("Could not find the requested service %s: %s", unit, "host")
	}

	// Work out every action from what round trip 1 learnt, then run them
	// all in round trip 2.
	type action struct{ label, verb string }
	var actions []action
	if s.Masked != nil {
		masked := strings.TrimSpace(r["isen"].Out) == "masked"
		if masked != *s.Masked {
			res.Changed = true
			verb := "unmask"
			if *s.Masked {
				verb = "mask"
			}
			actions = append(actions, action{"mask", verb})
		}
	}
	enableIdx := -1
	if s.Enabled != nil {
		if !found {
			return missing(), nil
		}
		enableIdx = len(actions)
		enabled := enabledFrom(r["isenl"], s.Scope, isInitd, hasKey(r, "sysvon"))
		result["enabled"] = enabled
		if enabled != *s.Enabled {
			res.Changed = true
			verb := "disable"
			if *s.Enabled {
				verb = "enable"
			}
			actions = append(actions, action{"enable", verb})
			result["enabled"] = !enabled
		}
	}
	if s.State != nil {
		if !found {
			return missing(), nil
		}
		result["state"] = *s.State
		if as, ok := status["ActiveState"].(string); ok {
			running := as == "active" || as == "activating"
			verb := ""
			switch *s.State {
			case "started":
				if !running {
					verb = "start"
				}
			case "stopped":
				if running || as == "deactivating" {
					verb = "stop"
				}
			default:
				verb = strings.TrimSuffix(*s.State, "ed")
				if !running {
					verb = "start"
				}
				result["state"] = "started"
			}
			if verb != "" {
				res.Changed = true
				actions = append(actions, action{"state", verb})
			}
		} else if hasKey(r, "chroot") || hasKey(r, "offline") {
			req.Warn("Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working.")
		} else {
			return &modules.Result{Failed: true, Msg: "Service is in unknown state", Data: map[string]any{"status": status}}, nil
		}
	}
	if req.Check || len(actions) == 0 {
		return res, nil
	}

	// With both masked and enabled given, Ansible asks is-enabled after
	// (un)masking: redo that part once the mask action has run.
	if s.Enabled != nil && len(actions) > 0 && actions[0].label == "mask" {
		actions = actions[:1]
		enableIdx = -2
	}
	ab := newBatch()
	ab.raw(systemctlPrelude)
	for _, a := range actions {
		stop := " || exit 0"
		if a.label == "mask" {
			stop = ""
		}
		ab.run(a.label, sc+" "+a.verb+" "+q+stop)
	}
	out, _, _, err := req.Conn.Exec(ctx, ab.String(), nil)
	if err != nil {
		return nil, err
	}
	ar := ab.parse(out)
	if x, ok := ar["mask"]; ok && x.RC != 0 && !found {
		return missing(), nil
	}
	if x, ok := ar["enable"]; ok && x.RC != 0 {
		return modules.Failf("Unable to %s service %s: %s", actions[enableIdx].verb, unit, x.Out+x.Err), nil
	}
	if x, ok := ar["state"]; ok && x.RC != 0 {
		return modules.Failf("Unable to %s service %s: %s", actions[len(actions)-1].verb, unit, x.Err), nil
	}
	if enableIdx == -2 {
		// Finish enabled and state after the (un)mask.
		s2 := *s
		s2.Masked = nil
		s2.DaemonReload, s2.DaemonReexec = false, false
		rest, err := runSystemd(ctx, req, &s2)
		if err != nil || rest.Failed {
			return rest, err
		}
		rest.Changed = true
		rest.Data["status"] = status // what Ansible's single show saw
		return rest, nil
	}
	return res, nil
}

func hasKey(r map[string]cmdResult, k string) bool {
	_, ok := r[k]
	return ok
}

func search(unit string) string {
	base, sep, _ := strings.Cut(unit, "@")
	return base + sep
}

func enabledStateList() []string {
	out := make([]string, 0, len(validEnabledStates))
	for k := range validEnabledStates {
		out = append(out, k)
	}
	return out
}

// enabledFrom reads `systemctl is-enabled UNIT -l` as the module does.
func enabledFrom(x cmdResult, scope string, isInitd, sysvOn bool) bool {
	switch x.RC {
	case 0:
		lines := splitLines(x.Out)
		if len(lines) == 1 && (lines[0] == "indirect" || lines[0] == "alias") {
			return false
		}
		return true
	case 1:
		if scope == "system" && isInitd && !strings.HasSuffix(strings.TrimSpace(x.Out), "disabled") && sysvOn {
			return true
		}
	}
	return false
}

// pyLines is str.splitlines() as a result list ([] when empty).
func pyLines(s string) []any {
	out := []any{}
	for _, l := range splitLines(s) {
		out = append(out, l)
	}
	return out
}

// splitLines is Python's str.splitlines for \n and \r\n text.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func requestIgnored(out string) bool {
	return !strings.Contains(out, "=") && (strings.Contains(out, "ignoring request") || strings.Contains(out, "ignoring command"))
}

// etcDir is where init scripts (init.d) and runlevel links (rc?.d) live;
// tests point it elsewhere.
var etcDir = "/etc"

func sysvScript(name string) string {
	if strings.HasPrefix(name, "/") {
		return name
	}
	return etcDir + "/init.d/" + name
}

// sysvEnabledTest is shell text that succeeds when a start link for name
// exists in a runlevel directory (module_utils.service.sysv_is_enabled).
func sysvEnabledTest(name string) string {
	return fmt.Sprintf(`if [ -d %[1]s/rc0.d/ ]; then __gp_g=%[1]s"/rc?.d/S??"%[2]s; else __gp_g=%[1]s"/init.d/rc?.d/S??"%[2]s; fi; for f in $__gp_g; do [ -e "$f" ] && break; done; [ -e "$f" ]`, shq(etcDir), shq(name))
}

// parseShow is the module's parse_systemctl_show: KEY=VALUE lines, where
// Exec* values in braces may span lines.
func parseShow(out string) map[string]string {
	parsed := map[string]string{}
	var multi []string
	key := ""
	inMulti := false
	for _, line := range strings.Split(out, "\n") {
		if !inMulti {
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			if strings.HasPrefix(k, "Exec") && strings.HasPrefix(strings.TrimLeft(v, " \t\n\r\f\v"), "{") &&
				!strings.HasSuffix(strings.TrimRight(v, " \t\n\r\f\v"), "}") {
				multi = append(multi, v)
				key, inMulti = k, true
				continue
			}
			parsed[k] = strings.TrimSpace(v)
			continue
		}
		multi = append(multi, line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\n\r\f\v"), "}") {
			parsed[key] = strings.TrimSpace(strings.Join(multi, "\n"))
			multi, inMulti = nil, false
		}
	}
	return parsed
}

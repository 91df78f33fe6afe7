package builtin

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:           "add_host",
		Aliases:        []string{"ansible.builtin.add_host"},
		New:            func() modules.Module { return new(AddHost) },
		CheckMode:      true,
		RawParams:      true,
		BypassHostLoop: true,
		Local:          true,
		Short:          "Add a host (and alternatively a group) to the ansible-playbook in-memory inventory",
	})
}

// AddHost adds a host to the in-memory inventory, as ansible.builtin.add_host
// does. It runs once per batch; the engine applies the AddHost effect and
// decides "changed" from what the inventory did.
type AddHost struct {
	Args map[string]any `arg:"_args,remain" doc:"name (or hostname, host), groups (or groupname, group), and host variables."`
}

// Run computes the host, its groups and its variables.
func (a *AddHost) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	args := map[string]any{}
	for k, v := range a.Args {
		args[k] = v
	}
	if raw, ok := args["_raw_params"]; ok {
		delete(args, "_raw_params")
		m, isMap := raw.(map[string]any)
		if !isMap {
			return actionFail("Invalid raw parameters passed, requires a dictonary/mapping got a  " + pyType(raw)), nil
		}
		merged := map[string]any{}
		for k, v := range m {
			merged[k] = v
		}
		for k, v := range args {
			merged[k] = v
		}
		args = merged
	}
	var newName any
	for _, k := range []string{"name", "hostname", "host"} {
		if v, ok := args[k]; ok {
			newName = v
			break
		}
	}
	if newName == nil {
		return actionFail("name, host or hostname needs to be provided"), nil
	}
	nameStr := modules.ToString(newName)
	name, port, ok := parseAddress(nameStr)
	if !ok {
		name, port = nameStr, 0
	}
	if port != 0 {
		args["ansible_ssh_port"] = port
	}

	var groupsArg any = ""
	for _, k := range []string{"groupname", "groups", "group"} {
		if v, ok := args[k]; ok {
			groupsArg = v
			break
		}
	}
	newGroups := []string{}
	if truthy(groupsArg) {
		var list []string
		switch g := groupsArg.(type) {
		case []any:
			for _, x := range g {
				list = append(list, modules.ToString(x))
			}
		case []string:
			list = g
		case string:
			list = strings.Split(g, ",")
		default:
			return actionFail("Groups must be specified as a list."), nil
		}
		for _, g := range list {
			// Ansible checks the unstripped name but appends it stripped.
			if !containsStr(newGroups, g) {
				newGroups = append(newGroups, strings.TrimSpace(g))
			}
		}
	}

	hostVars := map[string]any{}
	for k, v := range args {
		switch k {
		case "name", "hostname", "groupname", "groups":
			continue
		}
		hostVars[k] = v
	}
	groupsOut := make([]any, len(newGroups))
	for i, g := range newGroups {
		groupsOut[i] = g
	}
	return &modules.Result{
		Data: map[string]any{"add_host": map[string]any{
			"host_name": name,
			"groups":    groupsOut,
			"host_vars": hostVars,
		}},
		Effects: []modules.Effect{modules.AddHost{
			Name:     name,
			Port:     port,
			Groups:   newGroups,
			Vars:     hostVars,
			VarOrder: sortedKeys(hostVars),
		}},
	}, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	bracketedHostPort = lazyRegexp(`^\[(.+)\]:([0-9]+)$`)
	hostPort          = lazyRegexp(`^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$`)
	ipv4Re            = lazyRegexp(`^(?:(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])\.){3}(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])$`)
	ipv6Re            = sync.OnceValue(func() *regexp.Regexp {
		c := `[0-9a-fA-F]{1,4}`
		i4 := `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])`
		alts := []string{
			`(?:` + c + `:){7}` + c,
			`(?:` + c + `:){1,6}:`,
			`(?:` + c + `:)(?::` + c + `){1,6}`,
			`(?:` + c + `:){2}(?::` + c + `){1,5}`,
			`(?:` + c + `:){3}(?::` + c + `){1,4}`,
			`(?:` + c + `:){4}(?::` + c + `){1,3}`,
			`(?:` + c + `:){5}(?::` + c + `){1,2}`,
			`(?:` + c + `:){6}(?::` + c + `)`,
			`:(?::` + c + `){1,6}`,
			c + `?::`,
			`(?:0:){6}(?:` + i4 + `\.){3}` + i4,
			`::(?:ffff:)?(?:` + i4 + `\.){3}` + i4,
			`(?:0:){5}ffff:(?:` + i4 + `\.){3}` + i4,
		}
		// Python's pattern anchors only the last alternative with $; the
		// others need only match a prefix (re.match).
		last := len(alts) - 1
		return regexp.MustCompile(`(?i)^(?:` + strings.Join(alts[:last], "|") + `|` + alts[last] + `$)`)
	})
	hostnameLabel = lazyRegexp(`^[\p{L}\p{N}_][\p{L}\p{N}_-]*$`)
)

// parseAddress is ansible.parsing.utils.addresses.parse_address with
// allow_ranges=False: "host:port" and "[host]:port" give the port; ok is
// false when the host is not a valid IPv4 address, IPv6 address or host name.
func parseAddress(address string) (host string, port int, ok bool) {
	if m := bracketedHostPort().FindStringSubmatch(address); m != nil {
		address = m[1]
		port, _ = strconv.Atoi(m[2])
	}
	if m := hostPort().FindStringSubmatch(address); m != nil {
		address = m[1]
		port, _ = strconv.Atoi(m[2])
	}
	valid := ipv4Re().MatchString(address) || ipv6Re().MatchString(address) || isHostname(address)
	if !valid || strings.Contains(address, "[") {
		return "", 0, false
	}
	return address, port, true
}

func isHostname(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if !hostnameLabel().MatchString(label) || strings.HasSuffix(label, "-") || strings.HasSuffix(label, "_") {
			return false
		}
	}
	return true
}

var _ modules.Module = (*AddHost)(nil)

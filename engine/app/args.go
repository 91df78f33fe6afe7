package app

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/kv"
	"github.com/goplay/goplay/engine/playbook"
)

// parseArgs reads ansible-playbook's command line. done reports that the
// program should exit with code (help, version, or an argument error).
func parseArgs(args []string, cfg *config.Config, stdout, stderr io.Writer) (*cliOptions, int, bool) {
	o := &cliOptions{}
	usageErr := func(msg string) (*cliOptions, int, bool) {
		fmt.Fprintf(stderr, "usage: ansible-playbook [-h] [--version] [-v] ... playbook [playbook ...]\nansible-playbook: error: %s\n", msg)
		return nil, 2, true
	}
	need := func(i *int, name string) (string, bool) {
		if *i+1 >= len(args) {
			return "", false
		}
		*i++
		return args[*i], true
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := ""
		hasVal := false
		if strings.HasPrefix(a, "--") && strings.Contains(a, "=") {
			a, val, hasVal = strings.Cut(a, "=")
		}
		get := func() (string, bool) {
			if hasVal {
				return val, true
			}
			return need(&i, a)
		}
		switch {
		case a == "-i" || a == "--inventory" || a == "--inventory-file":
			v, ok := get()
			if !ok {
				return usageErr("argument -i/--inventory/--inventory-file: expected one argument")
			}
			o.Inventory = append(o.Inventory, v)
		case a == "-e" || a == "--extra-vars":
			v, ok := get()
			if !ok {
				return usageErr("argument -e/--extra-vars: expected one argument")
			}
			o.ExtraVars = append(o.ExtraVars, v)
		case a == "-l" || a == "--limit":
			v, _ := get()
			o.Limit = v
		case a == "-f" || a == "--forks":
			v, _ := get()
			n, err := strconv.Atoi(v)
			if err != nil {
				return usageErr(fmt.Sprintf("argument -f/--forks: invalid int value: '%s'", v))
			}
			if n < 1 {
				return usageErr("argument -f/--forks: The number of forks must be >= 1")
			}
			o.Forks = n
		case a == "-t" || a == "--tags":
			v, _ := get()
			o.Tags = append(o.Tags, splitComma(v)...)
		case a == "--skip-tags":
			v, _ := get()
			o.SkipTags = append(o.SkipTags, splitComma(v)...)
		case a == "--start-at-task":
			o.StartAt, _ = get()
		case a == "-u" || a == "--user":
			o.User, _ = get()
		case a == "-c" || a == "--connection":
			o.Connection, _ = get()
		case a == "--private-key" || a == "--key-file":
			o.PrivateKey, _ = get()
		case a == "-T" || a == "--timeout":
			v, _ := get()
			o.Timeout, _ = strconv.Atoi(v)
		case a == "--become-user":
			o.BecomeUser, _ = get()
		case a == "--become-method":
			o.BecomeMeth, _ = get()
		case a == "-b" || a == "--become":
			o.Become = true
		case a == "-C" || a == "--check":
			o.Check = true
		case a == "-D" || a == "--diff":
			o.Diff = true
		case a == "--syntax-check":
			o.SyntaxCheck = true
		case a == "--list-hosts":
			o.ListHosts = true
		case a == "--list-tasks":
			o.ListTasks = true
		case a == "--list-tags":
			o.ListTags = true
		case a == "--version":
			fmt.Fprintln(stdout, "goplay [core 2.14.18]")
			return nil, 0, true
		case a == "-h" || a == "--help":
			fmt.Fprintln(stdout, "usage: goplay [options] playbook [playbook ...]")
			return nil, 0, true
		case strings.HasPrefix(a, "-v") && strings.Trim(a[1:], "v") == "":
			o.Verbosity += len(a) - 1
		case a == "--verbose":
			o.Verbosity++
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return usageErr("unrecognized arguments: " + a)
		default:
			o.Playbooks = append(o.Playbooks, a)
		}
	}
	if len(o.Playbooks) == 0 {
		return usageErr("the following arguments are required: playbook")
	}
	for _, p := range o.Playbooks {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			fmt.Fprintf(stderr, "ERROR! the playbook: %s could not be found\n", p)
			return nil, 1, true
		}
	}
	return o, 0, false
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseExtraVars reads -e values: k=v pairs, YAML/JSON text, or @file.
func parseExtraVars(list []string) (map[string]any, error) {
	out := map[string]any{}
	for _, e := range list {
		e = strings.TrimSpace(e)
		switch {
		case strings.HasPrefix(e, "@"):
			m, err := playbook.LoadVarsFile(e[1:])
			if err != nil {
				return nil, err
			}
			for k, v := range m {
				out[k] = v
			}
		case strings.HasPrefix(e, "{") || strings.HasPrefix(e, "["):
			doc, err := playbook.ParseYAML("<extra vars>", []byte(e))
			if err != nil {
				return nil, err
			}
			v, err := playbook.Value("<extra vars>", doc)
			if err != nil {
				return nil, err
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("Invalid extra vars data supplied. '%s' could not be made into a dictionary", e)
			}
			for k, x := range m {
				out[k] = x
			}
		default:
			pairs, _, hasRaw, err := kv.ParseKV(e, false)
			if err != nil {
				return nil, err
			}
			if hasRaw {
				return nil, fmt.Errorf("Invalid extra vars data supplied. '%s' could not be made into a dictionary", e)
			}
			for _, p := range pairs {
				out[p.Key] = p.Value
			}
		}
	}
	return out, nil
}

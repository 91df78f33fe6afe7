package app

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/goplay/goplay/engine/cli"
	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
)

// parseArgs reads ansible-playbook's command line with engine/cli. done
// reports that the program should exit with code (help, version, or an
// argument error), after printing what Ansible prints.
func parseArgs(args []string, cfg *config.Config, stdout, stderr io.Writer) (*cli.Options, *cli.Parser, int, bool) {
	p := &cli.Parser{Config: cfg}
	o, err := p.Parse(args)
	if err != nil {
		var x *cli.Exit
		if errors.As(err, &x) {
			io.WriteString(stdout, x.Stdout)
			io.WriteString(stderr, x.Stderr)
			return nil, p, x.Code, true
		}
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return nil, p, 1, true
	}
	return o, p, 0, false
}

// checkPlaybooks is ansible-playbook's check that every playbook exists
// and is a file.
func checkPlaybooks(o *cli.Options, stderr io.Writer) (int, bool) {
	for _, pb := range o.Playbooks {
		st, err := os.Stat(pb)
		if err != nil {
			fmt.Fprintf(stderr, "ERROR! the playbook: %s could not be found\n", pb)
			return 1, false
		}
		if !st.Mode().IsRegular() {
			fmt.Fprintf(stderr, "ERROR! the playbook: %s does not appear to be a file\n", pb)
			return 1, false
		}
	}
	return 0, true
}

// yamlLoader loads -e @file and -e '{…}' data with goplay's YAML 1.1
// loader, so that yes/no and key order behave as in Ansible.
func yamlLoader(text []byte, source string) (any, error) {
	doc, err := playbook.ParseYAML(source, text)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, nil
	}
	return playbook.Value(source, doc)
}

// loadExtraVars reads the -e values into one dict, and names the variables
// that came from YAML (cli.LoadExtraVarsOrigin).
func loadExtraVars(values []string, merge bool) (map[string]any, map[string]bool, error) {
	om, fromYAML, err := cli.LoadExtraVarsOrigin(values, merge, yamlLoader)
	if err != nil {
		return nil, nil, err
	}
	m, _ := plain(om).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, fromYAML, nil
}

// plain turns ordered maps into Go maps that remember their key order.
func plain(v any) any {
	switch x := v.(type) {
	case *pyfmt.OrderedMap:
		m := make(map[string]any, x.Len())
		keys := x.Keys()
		for _, k := range keys {
			e, _ := x.Get(k)
			m[k] = plain(e)
		}
		pyfmt.SetOrder(m, keys)
		return m
	}
	return v
}

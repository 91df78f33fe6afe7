package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goplay/goplay/engine/cli"
	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/sandbox"
)

func init() {
	for _, e := range []cli.Extra{
		{Name: "--sandbox-nodes", Metavar: "N", Help: "goplay: number of app nodes behind app-lb1 under --sandbox (default 4)"},
		{Name: "--sandbox-rate", Metavar: "N", Help: "goplay: requests per second of the load generator under --sandbox (default 200; 0 turns it off)"},
		{Name: "--sandbox-faults", Metavar: "SPEC", Help: "goplay: CLB API faults under --sandbox, e.g. 10% or 5xx=0.1,413=5%,slow=0.1,drop=0.01"},
		{Name: "--sandbox-pending-update", Metavar: "DURATION", Help: "goplay: how long a changed load balancer stays PENDING_UPDATE under --sandbox (default 1s)"},
		{Name: "--sandbox-dir", Metavar: "DIR", Help: "goplay: keep the sandbox's node directories and logs in DIR"},
		{Name: "--aef-unreachable-aborts", Help: "goplay: with any_errors_fatal, an unreachable host ends the play like a failed one (ansible-core 2.14 only ends the current serial batch); also GOPLAY_AEF_UNREACHABLE_ABORTS=1"},
	} {
		cli.RegisterExtra(e)
	}
}

// sandboxConfig reads the --sandbox-* options.
func sandboxConfig(o *cli.Options) (sandbox.Config, error) {
	var cfg sandbox.Config
	str := func(k string) string { s, _ := o.Extra[k].(string); return s }
	if s := str("sandbox-nodes"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("--sandbox-nodes: invalid node count '%s'", s)
		}
		cfg.Nodes = n
	}
	if s := str("sandbox-rate"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("--sandbox-rate: invalid rate '%s'", s)
		}
		if n == 0 {
			n = -1
		}
		cfg.Rate = n
	}
	if s := str("sandbox-faults"); s != "" {
		f, err := sandbox.ParseFaults(s)
		if err != nil {
			return cfg, fmt.Errorf("--sandbox-faults: %v", err)
		}
		cfg.Faults = f
	}
	if s := str("sandbox-pending-update"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return cfg, fmt.Errorf("--sandbox-pending-update: %v", err)
		}
		cfg.PendingUpdate = d
	}
	cfg.Dir = str("sandbox-dir")
	return cfg, nil
}

// startSandbox starts the simulated cloud, its nodes and the load
// generator, and points the rax modules and SSH at them. The returned stop
// function prints the report after the recap and returns the exit code.
func startSandbox(o *cli.Options, d *output.Display, sc *sshConnector) (func(rc int, pbs []*playbook.Playbook, stdout io.Writer) int, error) {
	cfg, err := sandboxConfig(o)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sb, err := SandboxStart(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %v", err)
	}
	for _, kv := range sb.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			os.Setenv(k, v)
		}
	}
	sc.sandbox = sb.SSHConfigFile()
	sb.StartLoad()
	return func(rc int, pbs []*playbook.Playbook, stdout io.Writer) int {
		rep, err := sb.Stop()
		if err != nil {
			d.Error("sandbox: " + err.Error())
			if rc == 0 {
				rc = 1
			}
			return rc
		}
		rep.Format(stdout, maxSerial(pbs))
		if rc == 0 && rep.Failed() > 0 {
			rc = ExitSandboxFailedRequests
		}
		return rc
	}, nil
}

// SandboxStart starts the sandbox of --sandbox, once the --sandbox-*
// options are read. The end-to-end tests (engine/sandbox) replace it to
// serve the nodes with real sshd (Config.SSH) and to watch the run.
var SandboxStart = sandbox.Start

// ExitSandboxFailedRequests is goplay's exit code when the playbook
// succeeded under --sandbox but the load generator saw failed requests.
const ExitSandboxFailedRequests = 6

// maxSerial is the largest integer serial of the plays (0 when none).
func maxSerial(pbs []*playbook.Playbook) int {
	m := 0
	for _, pb := range pbs {
		for _, p := range pb.Plays {
			for _, s := range p.Serial {
				var n int
				switch x := s.(type) {
				case int:
					n = x
				case string:
					n, _ = strconv.Atoi(x)
				}
				if n > m {
					m = n
				}
			}
		}
	}
	return m
}

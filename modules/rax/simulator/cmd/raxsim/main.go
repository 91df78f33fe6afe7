// Command raxsim runs the Rackspace Identity v2.0 and Cloud Load Balancers
// v1.0 simulator on loopback until interrupted.
//
//	go run ./modules/rax/simulator/cmd/raxsim -listen 127.0.0.1:8900 \
//	    -lb 'name=app-lb1,algorithm=ROUND_ROBIN,node=127.0.0.2:8080,node=127.0.0.3:8080'
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/goplay/goplay/modules/rax/simulator"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, " ") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "raxsim:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("raxsim", flag.ContinueOnError)
	var cfg simulator.Config
	var accounts, lbs multi
	var rates string
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8900", "API listen address (loopback only)")
	fs.BoolVar(&cfg.AcceptAny, "accept-any", true, "accept any username with any API key or password")
	fs.Var(&accounts, "account", "account USER:APIKEY[:TENANT] (repeatable)")
	fs.StringVar(&cfg.TenantID, "tenant", simulator.DefaultTenantID, "tenant of -accept-any users and of -lb load balancers")
	fs.StringVar(&cfg.DefaultRegion, "region", simulator.DefaultRegion, "the users' RAX-AUTH:defaultRegion")
	fs.DurationVar(&cfg.TokenTTL, "token-ttl", simulator.DefaultTokenTTL, "token lifetime")
	fs.DurationVar(&cfg.BuildTime, "build-time", simulator.DefaultBuildTime, "time a created load balancer stays in BUILD (negative: none)")
	fs.DurationVar(&cfg.PendingUpdate, "pending-update", simulator.DefaultPendingUpdate, "time a changed load balancer stays in PENDING_UPDATE (negative: none)")
	fs.StringVar(&rates, "rate-limits", "current", "rate limit table: none, current or older")
	fs.Float64Var(&cfg.Faults.DropRate, "fault-drop", 0, "rate of API connections dropped without a response")
	fs.Float64Var(&cfg.Faults.ErrorRate, "fault-5xx", 0, "rate of API 500/503 responses")
	fs.Float64Var(&cfg.Faults.OverLimitRate, "fault-413", 0, "rate of API 413 overLimit responses")
	fs.Float64Var(&cfg.Faults.SlowRate, "fault-slow", 0, "rate of slow API responses")
	fs.DurationVar(&cfg.Faults.SlowDelay, "fault-slow-delay", 0, "delay of a slow API response (default 2s)")
	fs.BoolVar(&cfg.Faults.Identity, "fault-identity", false, "apply the faults to identity too")
	fs.Int64Var(&cfg.Faults.Seed, "seed", 0, "fault dice seed (0: from the clock)")
	fs.StringVar(&cfg.VIPHost, "vip-host", simulator.DefaultVIPHost, "loopback address for virtual IP listeners")
	fs.BoolVar(&cfg.VIPUseLBPort, "vip-lb-port", false, "listen on each load balancer's own port instead of an ephemeral one")
	fs.DurationVar(&cfg.HealthMonitorUnit, "health-unit", simulator.DefaultHealthMonitorUnit, "real duration of one health monitor delay/timeout unit")
	fs.StringVar(&cfg.StateFile, "state", "", "JSON state file (loaded on start, saved on change)")
	fs.Var(&lbs, "lb", "pre-load a load balancer: name=N[,port=P][,protocol=HTTP][,algorithm=A][,listen=HOST:PORT]"+
		"[,health=CONNECT|HTTP:/path][,node=ADDR:PORT[*WEIGHT][/CONDITION]]... (repeatable)")
	verbose := fs.Bool("v", false, "log diagnostics")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch rates {
	case "none":
	case "current":
		cfg.RateLimits = simulator.CurrentRateLimits
	case "older":
		cfg.RateLimits = simulator.OlderRateLimits
	default:
		return fmt.Errorf("-rate-limits: want none, current or older, got %q", rates)
	}
	for _, a := range accounts {
		p := strings.Split(a, ":")
		if len(p) < 2 || len(p) > 3 {
			return fmt.Errorf("-account %q: want USER:APIKEY[:TENANT]", a)
		}
		acct := simulator.Account{Username: p[0], APIKey: p[1]}
		if len(p) == 3 {
			acct.TenantID = p[2]
		}
		cfg.Accounts = append(cfg.Accounts, acct)
	}
	if *verbose {
		cfg.Logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
	}
	specs := make([]simulator.LoadBalancerSpec, 0, len(lbs))
	for _, v := range lbs {
		spec, err := parseLB(v)
		if err != nil {
			return err
		}
		specs = append(specs, spec)
	}
	sim, err := simulator.Start(cfg)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Printf("identity: %s\n", sim.IdentityURL())
	fmt.Printf("clb:      %s\n", sim.ServiceURL(sim.TenantID()))
	fmt.Printf("goplay:   GOPLAY_RAX_SANDBOX=%s\n", sim.IdentityURL())
	for _, spec := range specs {
		if _, ok := sim.FindLoadBalancer(spec.Name); ok && cfg.StateFile != "" {
			continue // already restored from the state file
		}
		if _, err := sim.AddLoadBalancer(spec); err != nil {
			return err
		}
	}
	for _, l := range sim.LoadBalancers() {
		fmt.Printf("lb %d %q %s vip=%s nodes=%d\n", l.ID, l.Name, l.Status, l.VIP, len(l.Nodes))
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}

func parseLB(v string) (simulator.LoadBalancerSpec, error) {
	var spec simulator.LoadBalancerSpec
	for _, kv := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return spec, fmt.Errorf("-lb %q: %q is not key=value", v, kv)
		}
		var err error
		switch k {
		case "name":
			spec.Name = val
		case "port":
			spec.Port, err = strconv.Atoi(val)
		case "protocol":
			spec.Protocol = val
		case "algorithm":
			spec.Algorithm = val
		case "listen":
			spec.Listen = val
		case "timeout":
			spec.Timeout, err = strconv.Atoi(val)
		case "health":
			typ, path, _ := strings.Cut(val, ":")
			spec.HealthMonitor = &simulator.HealthMonitor{Type: typ, Path: path, Delay: 1, Timeout: 1, AttemptsBeforeDeactivation: 2}
		case "node":
			var n simulator.NodeSpec
			if rest, cond, ok := strings.Cut(val, "/"); ok {
				val, n.Condition = rest, strings.ToUpper(cond)
			}
			if rest, w, ok := strings.Cut(val, "*"); ok {
				val = rest
				if n.Weight, err = strconv.Atoi(w); err != nil {
					break
				}
			}
			host, port, ok := strings.Cut(val, ":")
			if !ok {
				return spec, fmt.Errorf("-lb %q: node %q is not ADDR:PORT", v, val)
			}
			n.Address = host
			n.Port, err = strconv.Atoi(port)
			spec.Nodes = append(spec.Nodes, n)
		default:
			return spec, fmt.Errorf("-lb %q: unknown key %q", v, k)
		}
		if err != nil {
			return spec, fmt.Errorf("-lb %q: %v", v, err)
		}
	}
	if spec.Name == "" {
		return spec, fmt.Errorf("-lb %q: name is required", v)
	}
	return spec, nil
}

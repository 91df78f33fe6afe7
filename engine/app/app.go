package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/goplay/goplay/engine/cli"
	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/runner"
	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/inventory"
)

// Hooks let other packages extend the command without the engine
// importing them (the SSH connector, the sandbox).
var (
	// NewConnector returns the connector for non-local hosts.
	NewConnector func(opt *runner.Options) runner.Connector
)

// Main runs goplay with args (without the program name) and returns the
// exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	getenv := func(k string) (string, bool) { return os.LookupEnv(k) }
	cwd, _ := os.Getwd()
	cfg, cfgWarns, err := config.Load(cwd, getenv)
	d := output.NewDisplay(stdout, stderr)
	if err != nil {
		d.Error(err.Error())
		return 1
	}
	opts, parser, code, done := parseArgs(args, cfg, stdout, stderr)
	if done {
		return code
	}
	if opts.Doc != "" {
		return showDoc(opts.Doc, stdout, stderr)
	}
	if code, ok := checkPlaybooks(opts, stderr); !ok {
		return code
	}
	d.Verbosity = opts.Verbosity
	d.DeprecationWarnings = cfg.DeprecationWarnings
	d.Color = colorEnabled(cfg, stdout)
	if f, ok := stdout.(*os.File); ok && d.Color {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w-1 > 79 {
			d.Columns = w - 1
		}
	}
	for _, w := range cfgWarns {
		d.Warning(w)
	}
	if opts.Verbosity > 1 {
		d.Print(strings.TrimRight(parser.VersionText(cfg), "\n"), output.ColorVerbose)
	}
	if opts.Verbosity > 0 {
		if cfg.File() != "" {
			d.Print("Using "+cfg.File()+" as config file", output.ColorVerbose)
		} else {
			d.Print("No config file found; using defaults", output.ColorVerbose)
		}
	}
	// settings that 2.14 deprecates, when set (CLI.run)
	for _, name := range []string{"DEFAULT_FACT_PATH", "DEFAULT_GATHER_SUBSET", "DEFAULT_GATHER_TIMEOUT"} {
		if o := cfg.Origin(name); o != "" && o != "default" {
			d.DeprecatedIn(name+" option, the module_defaults keyword is a more generic version and can apply to all calls to the M(ansible.builtin.gather_facts) or M(ansible.builtin.setup) actions, use module_defaults instead", "2.18", "ansible.builtin")
		}
	}
	if opts.Verbosity > 1 {
		if cfg.StdoutCallback == "json" {
			// ansible.builtin.json is a redirect to ansible.posix.json,
			// resolved (and announced) twice
			for i := 0; i < 2; i++ {
				d.Print("redirecting (type: callback) ansible.builtin.json to ansible.posix.json", output.ColorVerbose)
			}
		}
		for _, cb := range []string{"default", "minimal", "oneline"} {
			d.Print("Skipping callback '"+cb+"', as we already have a stdout callback.", output.ColorVerbose)
		}
	}
	return run(opts, parser, cfg, d, stdin)
}

func colorEnabled(cfg *config.Config, stdout io.Writer) bool {
	if cfg.ForceColor {
		return true
	}
	if cfg.NoColor {
		return false
	}
	if f, ok := stdout.(*os.File); ok {
		return term.IsTerminal(int(f.Fd()))
	}
	return false
}

func run(o *cli.Options, parser *cli.Parser, cfg *config.Config, d *output.Display, stdin io.Reader) (rc int) {
	if err := vaultSecrets(o, cfg, d, stdin); err != nil {
		d.Error(err.Error())
		return 1
	}
	invSources := o.Inventory
	inv, warns, err := inventory.Load(invSources)
	if err != nil {
		d.Error(err.Error())
		return 1
	}
	for _, w := range warns {
		d.Warning(w)
	}
	extra, extraYAML, err := loadExtraVars(o.ExtraVars, cfg.HashBehaviour == "merge")
	if err != nil {
		var oe *cli.OptionsError
		if errors.As(err, &oe) {
			x := parser.OptionsError(oe.Msg)
			d.Raw(x.Stdout, x.Stderr)
			return x.Code
		}
		var pe *playbook.Error
		if errors.As(err, &pe) {
			d.Error(pe.Error())
			return pe.ExitCode()
		}
		d.Error(err.Error())
		return 1
	}
	if !inv.HasHosts() && cfg.LocalhostWarning {
		d.Warning("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'")
	}
	if o.Subset != "" && inv.HasHosts() && !o.SyntaxCheck {
		// CLI.get_host_list: a --limit that leaves no host is an error.
		all, _, _ := inv.Hosts("all")
		lim, warns, err := inv.Hosts(o.Subset)
		if err == nil {
			in := map[string]bool{}
			for _, h := range all {
				in[h.Name] = true
			}
			n := 0
			for _, h := range lim {
				if in[h.Name] {
					n++
				}
			}
			if n == 0 {
				for _, w := range warns {
					d.Warning(w)
				}
				d.Error("Specified inventory, host pattern and/or --limit leaves us with no hosts to target.")
				return 1
			}
		}
	}
	var pbs []*playbook.Playbook
	for _, p := range o.Playbooks {
		pb, err := playbook.Load(p, playbook.Options{RolesPath: cfg.RolesPath, Warn: d.Warning, LibraryDirs: cfg.ModulePath})
		if err != nil {
			var pe *playbook.Error
			if errors.As(err, &pe) {
				d.Error(pe.Error())
				return pe.ExitCode()
			}
			d.Error(err.Error())
			return 1
		}
		if err := inv.LoadVarsDir(pb.Dir); err != nil {
			d.Error(err.Error())
			return 1
		}
		pbs = append(pbs, pb)
	}
	if o.SyntaxCheck {
		for _, pb := range pbs {
			if os.Getenv("GOPLAY_SYNTAX_CHECK_ARGS") != "1" {
				// ansible-playbook --syntax-check does not look at module
				// arguments; checking them is goplay's opt-in addition
				break
			}
			if err := pb.ValidateArgs(); err != nil {
				var pe *playbook.Error
				if errors.As(err, &pe) {
					d.Error(pe.Error())
					return pe.ExitCode()
				}
				d.Error(err.Error())
				return 4
			}
		}
		for _, p := range o.Playbooks {
			d.Print("\nplaybook: "+p, "")
		}
		return 0
	}
	listing := o.ListHosts || o.ListTasks || o.ListTags
	tpl := template.New(template.Options{Warn: d.Warning})
	var cb output.Callback
	switch cfg.StdoutCallback {
	case "json", "ansible.posix.json":
		cb = output.NewJSON(d)
	default:
		dc := output.NewDefault(d)
		dc.ShowSkip = cfg.DisplaySkippedHosts
		dc.ShowOK = cfg.DisplayOkHosts
		dc.CheckMark = cfg.CheckModeMarkers
		dc.ShowTaskPath = cfg.ShowTaskPathOnFailure
		dc.Check = o.Check
		cb = dc
	}
	ropt := runner.Options{
		Verbosity: o.Verbosity, Check: o.Check, Diff: o.Diff, Forks: o.Forks,
		ExtraVars: extra, ExtraVarsYAML: extraYAML, Tags: o.Tags, SkipTags: o.SkipTags, StartAtTask: o.StartAtTask,
		Limit: o.Subset, RolesPath: cfg.RolesPath, Connection: o.Connection,
		RemoteUser: firstNonEmpty(o.RemoteUser, cfg.RemoteUser), RemotePort: cfg.RemotePort, RemoteTmp: cfg.RemoteTmp,
		PrivateKey: firstNonEmpty(o.PrivateKeyFile, cfg.PrivateKeyFile), Timeout: cfg.Timeout,
		HostKeyChecking: cfg.HostKeyChecking, Become: o.Become || cfg.Become,
		BecomeUser: firstNonEmpty(o.BecomeUser, cfg.BecomeUser), BecomeMethod: firstNonEmpty(o.BecomeMethod, cfg.BecomeMethod),
		BecomeFlags: cfg.BecomeFlags, Gathering: cfg.Gathering,
		PollInterval: cfg.PollInterval,
		GatherSubset: cfg.GatherSubset, GatherTimeout: cfg.GatherTimeout, FactPath: cfg.FactPath, AnyErrorsFatal: cfg.AnyErrorsFatal,
		ConfigFile: cfg.File(), InventorySources: invSources, LegacyBareVars: true,
		Callback: cb, Display: d, Stdin: stdin,
	}
	if o.Timeout > 0 {
		ropt.Timeout = o.Timeout
	}
	if v, ok := o.Extra["aef-unreachable-aborts"].(bool); ok && v {
		ropt.AEFUnreachableAborts = true
	}
	if v := os.Getenv("GOPLAY_AEF_UNREACHABLE_ABORTS"); v == "1" || v == "true" || v == "yes" {
		ropt.AEFUnreachableAborts = true
	}
	ropt.DisplayArgs = cfg.DisplayArgsToStdout
	ropt.SSHArgs = cfg.SSHArgs
	ropt.SSHCommonArgs = firstNonEmpty(o.SSHCommonArgs, cfg.SSHCommonArgs)
	ropt.SSHExtraArgs = firstNonEmpty(o.SSHExtraArgs, cfg.SSHExtraArgs)
	ropt.ForceHandlers = o.ForceHandlers || cfg.ForceHandlers
	if code, ok := passwords(o, &ropt, d, stdin); !ok {
		return code
	}
	if ropt.Forks <= 0 {
		ropt.Forks = cfg.Forks
	}
	var finishSandbox func(rc int, pbs []*playbook.Playbook, stdout io.Writer) int
	if NewConnector != nil {
		ropt.Connector = NewConnector(&ropt)
	} else {
		sc := newSSHConnector()
		defer sc.Close()
		ropt.Connector = sc
		if o.Sandbox && !o.ListHosts && !o.ListTasks && !o.ListTags {
			f, err := startSandbox(o, d, sc)
			if err != nil {
				d.Error(err.Error())
				return 1
			}
			finishSandbox = f
		}
	}
	if finishSandbox != nil {
		defer func() { rc = finishSandbox(rc, pbs, d.Stdout) }()
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	rc = 0
	if listing {
		for i, pb := range pbs {
			if rc = runner.New(inv, tpl, ropt).List(pb, o.Playbooks[i], o.ListHosts, o.ListTasks, o.ListTags); rc != 0 {
				return rc
			}
		}
		return 0
	}
	for i, pb := range pbs {
		if dc, ok := cb.(*output.Default); ok {
			dc.PlaysLine = fmt.Sprintf("%d plays in %s", len(pb.Plays), o.Playbooks[i])
		} else if o.Verbosity > 1 {
			// the playbook executor's display.vv line (the default
			// callback prints it after its PLAYBOOK banner)
			d.Print(fmt.Sprintf("%d plays in %s", len(pb.Plays), o.Playbooks[i]), "")
		}
		r := runner.New(inv, tpl, ropt)
		rc = r.Run(ctx, pb)
		if r.Interrupted() {
			d.PrintErr(" [ERROR]: User interrupted execution", output.ColorError)
			return rc
		}
		if rc != 0 {
			break
		}
	}
	return rc
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// abs returns an absolute path.
func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

var _ = strings.TrimSpace
var _ = fmt.Sprint

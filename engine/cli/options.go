package cli

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/pyfmt"
)

// Prog is the program name in usage and error messages. ansible-playbook
// fixes it (it does not come from argv[0]), and goplay keeps it whatever
// the binary is called, so that its messages are byte-identical.
const Prog = "ansible-playbook"

// AnsibleVersion is the ansible-core version goplay reproduces.
const AnsibleVersion = "2.14.18"

// GoplayVersion is goplay's own version, shown by --version. Builds may
// override it with -ldflags "-X github.com/goplay/goplay/engine/cli.GoplayVersion=...".
var GoplayVersion = "0.0.0-dev"

// Exit asks the caller to end the program: write Stdout and Stderr (in
// that order) and exit with Code. Parse returns it for --help and
// --version (Code 0), for command-line errors (Code 2), and OptionsError
// builds the Code 5 variant.
type Exit struct {
	Code   int
	Stdout string
	Stderr string
}

func (e *Exit) Error() string {
	if e.Stderr != "" {
		lines := strings.Split(strings.TrimRight(e.Stderr, "\n"), "\n")
		for _, l := range lines {
			if strings.HasPrefix(l, Prog+": error: ") || strings.HasPrefix(l, "ERROR! ") {
				return l
			}
		}
		return lines[0]
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// ExitCode returns e.Code.
func (e *Exit) ExitCode() int { return e.Code }

// Extra describes a goplay-specific command-line option. Other packages
// register theirs with RegisterExtra from an init function; Parse then
// accepts them and stores their values in Options.Extra. They are listed
// in --help in a "goplay options" group after Ansible's text, never in
// the usage line, and they only match exactly (--name or --name=value):
// they take no part in the abbreviation of Ansible's long options, so
// every abbreviation ansible-playbook accepts still means the same thing.
type Extra struct {
	// Name is the long option, e.g. "--sandbox". It must start with "--"
	// and must not clash with an Ansible option or another extra.
	Name string
	// Aliases are more long option strings for the same option.
	Aliases []string
	// Metavar, when not empty, makes the option take one value (shown as
	// "--name METAVAR"); otherwise it is a flag.
	Metavar string
	// Help is the description for --help.
	Help string
	// Repeat collects every value of a valued option into a []string
	// (otherwise the last one wins and the value is a string).
	Repeat bool
	// Standalone options make the playbook argument optional (like
	// --doc MODULE, which runs no playbook).
	Standalone bool
	// Hidden options are accepted but not listed in --help.
	Hidden bool
}

// Key is the Options.Extra key of the option: Name without the leading
// dashes ("--doc" -> "doc").
func (e *Extra) Key() string { return strings.TrimPrefix(e.Name, "--") }

var (
	extrasMu sync.Mutex
	extras   []*Extra
)

// RegisterExtra adds a goplay-specific option. It panics on an invalid or
// duplicate option string (a programming error).
func RegisterExtra(e Extra) {
	extrasMu.Lock()
	defer extrasMu.Unlock()
	names := append([]string{e.Name}, e.Aliases...)
	for _, n := range names {
		if !strings.HasPrefix(n, "--") || len(n) < 3 || strings.ContainsAny(n, "= ") {
			panic("cli: invalid extra option name " + pyfmt.Repr(n))
		}
		if ansibleOptionStrings[n] {
			panic("cli: extra option " + n + " clashes with an ansible-playbook option")
		}
		for _, x := range extras {
			for _, m := range append([]string{x.Name}, x.Aliases...) {
				if m == n {
					panic("cli: extra option " + n + " registered twice")
				}
			}
		}
	}
	c := e
	c.Aliases = append([]string(nil), e.Aliases...)
	extras = append(extras, &c)
}

// Extras returns the registered goplay options, sorted by name.
func Extras() []Extra {
	extrasMu.Lock()
	defer extrasMu.Unlock()
	out := make([]Extra, len(extras))
	for i, e := range extras {
		out[i] = *e
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func init() {
	RegisterExtra(Extra{
		Name: "--sandbox",
		Help: "goplay: run the playbook in goplay's sandbox mode",
	})
	RegisterExtra(Extra{
		Name:       "--doc",
		Metavar:    "MODULE",
		Help:       "goplay: show the documentation of a goplay module and exit; no playbook is needed",
		Standalone: true,
	})
}

// Options is the parsed command line, after ansible-playbook's
// post-processing (tags split on commas, inventory paths made absolute,
// defaults taken from the configuration). A None value of Ansible is the
// zero value here; CLIArgs keeps the exact Python-typed values.
type Options struct {
	Playbooks []string // positional "playbook" arguments (at least one unless a Standalone extra is given)

	Verbosity int // -v count, added to DEFAULT_VERBOSITY

	PrivateKeyFile         string // --private-key/--key-file (absolute, symlinks resolved; "-" kept)
	RemoteUser             string // -u/--user ("" = None)
	Connection             string // -c/--connection
	Timeout                int    // -T/--timeout
	SSHCommonArgs          string // --ssh-common-args
	SFTPExtraArgs          string // --sftp-extra-args
	SCPExtraArgs           string // --scp-extra-args
	SSHExtraArgs           string // --ssh-extra-args
	AskPass                bool   // -k/--ask-pass
	ConnectionPasswordFile string // --connection-password-file/--conn-pass-file

	ForceHandlers bool // --force-handlers
	FlushCache    bool // --flush-cache

	Become             bool   // -b/--become
	BecomeMethod       string // --become-method
	BecomeUser         string // --become-user ("" = None: use the configured DEFAULT_BECOME_USER)
	BecomeAskPass      bool   // -K/--ask-become-pass
	BecomePasswordFile string // --become-password-file/--become-pass-file

	Tags     []string // -t/--tags, split on ",", stripped, de-duplicated; ["all"] when none
	SkipTags []string // --skip-tags, likewise; empty when none

	Check bool // -C/--check
	Diff  bool // -D/--diff

	Inventory []string // -i (absolute paths, "a,b" host lists kept); DEFAULT_HOST_LIST when none
	ListHosts bool     // --list-hosts
	Subset    string   // -l/--limit ("" = None)

	ExtraVars []string // -e/--extra-vars, raw, in order ("@file" made "@/abs/file"); see LoadExtraVars

	VaultIDs           []string // --vault-id (label@source)
	AskVaultPass       bool     // --ask-vault-password/--ask-vault-pass
	VaultPasswordFiles []string // --vault-password-file/--vault-pass-file

	Forks      int      // -f/--forks (>= 1)
	ModulePath []string // -M/--module-path (nil = None; later options first)

	SyntaxCheck bool   // --syntax-check
	ListTasks   bool   // --list-tasks
	ListTags    bool   // --list-tags
	Step        bool   // --step
	StartAtTask string // --start-at-task

	// goplay options
	Sandbox bool   // --sandbox
	Doc     string // --doc MODULE
	// Extra holds the value of every goplay option given, by Extra.Key():
	// true for flags, a string for valued options, []string for Repeat ones.
	Extra map[string]any

	// CLIArgs is ansible's context.CLIARGS: ansible's dest names mapped to
	// Python-typed values (nil for None, []any for lists).
	CLIArgs map[string]any
}

// OptionVars returns the variables ansible derives from the command line
// (utils/vars.py load_options_vars, without ansible_version): for every
// option that is not None, ansible_check_mode, ansible_diff_mode,
// ansible_forks, ansible_inventory_sources, ansible_skip_tags,
// ansible_limit, ansible_run_tags and ansible_verbosity.
func (o *Options) OptionVars() map[string]any {
	out := map[string]any{}
	for attr, alias := range map[string]string{"check": "check_mode", "diff": "diff_mode", "forks": "forks", "inventory": "inventory_sources", "skip_tags": "skip_tags", "subset": "limit", "tags": "run_tags", "verbosity": "verbosity"} {
		if v, ok := o.CLIArgs[attr]; ok && v != nil {
			out["ansible_"+alias] = v
		}
	}
	return out
}

// Parser parses ansible-playbook's command line. The zero value works
// (it uses the process environment and default configuration).
type Parser struct {
	// Config supplies the defaults (forks, remote user, tags ...) and the
	// "(default=...)" values of the help text. nil: config.Default.
	Config *config.Config
	// Columns is the terminal width Python's shutil.get_terminal_size()
	// would report; 0 detects it the same way ($COLUMNS, then the size of
	// the terminal on stdout, then 80).
	Columns int
	// Cwd resolves relative paths; "" means the process working directory.
	Cwd string
	// Getenv expands ~ and $VARS in paths; nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// Executable is shown by --version; "" means os.Args[0].
	Executable string
}

func (p *Parser) env() config.Getenv {
	if p.Getenv != nil {
		return p.Getenv
	}
	return os.LookupEnv
}

func (p *Parser) cwd() string {
	if p.Cwd != "" {
		return p.Cwd
	}
	wd, _ := os.Getwd()
	return wd
}

func (p *Parser) cfg() *config.Config {
	if p.Config != nil {
		return p.Config
	}
	return config.Default(p.cwd(), p.env())
}

func (p *Parser) formatter() *formatter {
	cols := p.Columns
	if cols <= 0 {
		cols = TerminalColumns(p.env())
	}
	return newFormatter(cols)
}

func (p *Parser) build() *argParser {
	return newAnsibleParser(p.cfg(), p.cwd(), p.env())
}

// Usage is the usage text ("usage: ansible-playbook [-h] ...\n"), as
// printed before argparse errors.
func (p *Parser) Usage() string { return p.formatter().printUsage(p.build()) }

// AnsibleHelp is exactly ansible-playbook's help text.
func (p *Parser) AnsibleHelp() string {
	return p.formatter().formatHelp(p.build())
}

// Help is what --help prints: AnsibleHelp followed by the "goplay
// options" group.
func (p *Parser) Help() string {
	f := p.formatter()
	ap := p.build()
	h := f.formatHelp(ap)
	if x := f.formatExtraHelp(ap); x != "" {
		h += "\n" + x
	}
	return h
}

// OptionsError is ansible's AnsibleOptionsError report: the help text on
// stdout, "ERROR! msg" on stderr, exit status 5. (The help is Ansible's
// text only, so that the output matches ansible-playbook's.)
func (p *Parser) OptionsError(msg string) *Exit {
	return &Exit{Code: 5, Stdout: p.AnsibleHelp(), Stderr: "ERROR! " + msg + "\n"}
}

// Parse is (&Parser{Config: cfg}).Parse(args).
func Parse(args []string, cfg *config.Config) (*Options, error) {
	return (&Parser{Config: cfg}).Parse(args)
}

// Parse parses the arguments (without the program name) exactly like
// ansible-playbook 2.14. On error it returns an *Exit:
//
//   - argparse errors (unknown or ambiguous option, missing or invalid
//     value, missing playbook, conflicting options): Code 2, Stderr is the
//     usage, "ansible-playbook: error: MSG", a line with one space, and
//     the full help text again;
//   - --forks below 1: Code 2, Stderr is the usage and the error only;
//   - -h/--help: Code 0, Stdout is Help(); --version: Code 0, Stdout is
//     VersionText().
func (p *Parser) Parse(args []string) (*Options, error) {
	cfg := p.cfg()
	cwd, env := p.cwd(), p.env()
	ap := newAnsibleParser(cfg, cwd, env)
	ns := namespace{}
	seen := map[*argAction]bool{}
	err := ap.parseArgs(args, ns, seen)
	if err != nil {
		f := p.formatter()
		switch e := err.(type) {
		case *exitRequest:
			if e.action.kind == actHelp {
				return nil, &Exit{Code: 0, Stdout: p.Help()}
			}
			return nil, &Exit{Code: 0, Stdout: p.VersionText(cfg) + "\n"}
		default:
			usage := f.printUsage(ap)
			return nil, &Exit{Code: 2, Stderr: usage + Prog + ": error: " + err.Error() + "\n" + " \n" + f.formatHelp(ap)}
		}
	}
	// argparse converts string defaults with the option's type when the
	// option was not given.
	for _, a := range ap.actions {
		if !seen[a] && a.convert != nil {
			if s, ok := a.def.(string); ok && ns[a.dest] == a.def {
				if v, msg := a.convert(s); msg == "" {
					ns[a.dest] = v
				}
			}
		}
	}
	o := &Options{Extra: map[string]any{}}
	postProcess(ns, cfg, cwd, env)
	fill(o, ns)
	for _, a := range ap.actions {
		if a.extra == nil || !seen[a] {
			continue
		}
		if a.extra.Repeat {
			o.Extra[a.extra.Key()] = strs(ns[a.dest])
		} else {
			o.Extra[a.extra.Key()] = ns[a.dest]
		}
	}
	delete(ns, "")
	for k := range ns {
		if strings.HasPrefix(k, "goplay:") {
			delete(ns, k)
		}
	}
	o.CLIArgs = ns
	if v, ok := o.Extra["sandbox"].(bool); ok {
		o.Sandbox = v
	}
	if v, ok := o.Extra["doc"].(string); ok {
		o.Doc = v
	}
	if o.Forks < 1 {
		f := p.formatter()
		return nil, &Exit{Code: 2, Stderr: f.printUsage(ap) + Prog + ": error: The number of processes (--forks) must be >= 1\n"}
	}
	return o, nil
}

// splitTags is the tag post-processing of CLI.post_process_args: every
// value split on "," and stripped; duplicates removed (ansible uses a set,
// so its order is arbitrary; goplay keeps the first occurrence's order).
func splitTags(values []any) []any {
	seen := map[string]bool{}
	out := []any{}
	for _, v := range values {
		s, _ := v.(string)
		for _, t := range strings.Split(s, ",") {
			t = config.PyStrip(t)
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func toAnyList(v any) []any {
	switch l := v.(type) {
	case []any:
		return l
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	}
	return nil
}

func postProcess(ns namespace, cfg *config.Config, cwd string, env config.Getenv) {
	tags := toAnyList(ns["tags"])
	if len(tags) == 0 {
		tags = []any{"all"}
	}
	ns["tags"] = splitTags(tags)
	if skip := toAnyList(ns["skip_tags"]); len(skip) > 0 {
		ns["skip_tags"] = splitTags(skip)
	} else {
		ns["skip_tags"] = skip
		if ns["skip_tags"] == nil {
			ns["skip_tags"] = []any{}
		}
	}
	if inv := toAnyList(ns["inventory"]); len(inv) > 0 {
		out := make([]any, len(inv))
		for i, x := range inv {
			s := x.(string)
			if !strings.Contains(s, ",") {
				s = config.UnfrackPath(s, false, "", cwd, env)
			}
			out[i] = s
		}
		ns["inventory"] = out
	} else {
		ns["inventory"] = toAnyList(cfg.Inventory)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	l := toAnyList(v)
	if l == nil {
		return nil
	}
	out := make([]string, len(l))
	for i, x := range l {
		out[i], _ = x.(string)
	}
	return out
}

func fill(o *Options, ns namespace) {
	b := func(k string) bool { v, _ := ns[k].(bool); return v }
	n := func(k string) int { v, _ := ns[k].(int); return v }
	o.Playbooks = strs(ns["args"])
	o.Verbosity = n("verbosity")
	o.PrivateKeyFile = str(ns["private_key_file"])
	o.RemoteUser = str(ns["remote_user"])
	o.Connection = str(ns["connection"])
	o.Timeout = n("timeout")
	o.SSHCommonArgs = str(ns["ssh_common_args"])
	o.SFTPExtraArgs = str(ns["sftp_extra_args"])
	o.SCPExtraArgs = str(ns["scp_extra_args"])
	o.SSHExtraArgs = str(ns["ssh_extra_args"])
	o.AskPass = b("ask_pass")
	o.ConnectionPasswordFile = str(ns["connection_password_file"])
	o.ForceHandlers = b("force_handlers")
	o.FlushCache = b("flush_cache")
	o.Become = b("become")
	o.BecomeMethod = str(ns["become_method"])
	o.BecomeUser = str(ns["become_user"])
	o.BecomeAskPass = b("become_ask_pass")
	o.BecomePasswordFile = str(ns["become_password_file"])
	o.Tags = strs(ns["tags"])
	o.SkipTags = strs(ns["skip_tags"])
	if o.SkipTags == nil {
		o.SkipTags = []string{}
	}
	o.Check = b("check")
	o.Diff = b("diff")
	o.Inventory = strs(ns["inventory"])
	o.ListHosts = b("listhosts")
	o.Subset = str(ns["subset"])
	o.ExtraVars = strs(ns["extra_vars"])
	if o.ExtraVars == nil {
		o.ExtraVars = []string{}
	}
	o.VaultIDs = strs(ns["vault_ids"])
	o.AskVaultPass = b("ask_vault_pass")
	o.VaultPasswordFiles = strs(ns["vault_password_files"])
	o.Forks = n("forks")
	o.ModulePath = strs(ns["module_path"])
	o.SyntaxCheck = b("syntax")
	o.ListTasks = b("listtasks")
	o.ListTags = b("listtags")
	o.Step = b("step")
	o.StartAtTask = str(ns["start_at_task"])
}

package cli

import (
	"strings"

	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/pyfmt"
)

// The option table of ansible-playbook 2.14 (cli/playbook.py init_parser and
// cli/arguments/option_helpers.py), in argparse insertion order, which is
// the order of the usage line and of abbreviation candidates.

const description = "Runs Ansible playbooks, executing the defined tasks on the targeted hosts."

const versionHelp = "show program's version number, config file location, configured module search path, module location, executable location and exit"

const verboseHelp = "Causes Ansible to print more debug messages. Adding multiple -v will increase the verbosity, the builtin plugins currently evaluate up to -vvvvvv. A reasonable level to start is -vvv, connection debugging might require -vvvv."

// pyIntType is argparse's type=int.
func pyIntType(s string) (any, string) {
	n, err := config.PyInt(s)
	if err != nil {
		return nil, "invalid int value: " + pyfmt.Repr(s)
	}
	return n, ""
}

// ansibleOptionStrings is the set of ansible-playbook's option strings.
var ansibleOptionStrings = func() map[string]bool {
	m := map[string]bool{}
	for o := range buildParser(nil, "", nil, nil).optionMap {
		m[o] = true
	}
	return m
}()

func newAnsibleParser(cfg *config.Config, cwd string, env config.Getenv) *argParser {
	extrasMu.Lock()
	ex := append([]*Extra(nil), extras...)
	extrasMu.Unlock()
	return buildParser(cfg, cwd, env, ex)
}

func buildParser(cfg *config.Config, cwd string, env config.Getenv, ex []*Extra) *argParser {
	if cfg == nil {
		cfg = &config.Config{}
	}
	val := func(name string) any {
		v, _ := cfg.Value(name)
		return v
	}
	pstr := func(name string) string { return pyfmt.Str(val(name)) }
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	unfrack := func(s string) (any, string) {
		if s == "-" {
			return s, ""
		}
		return config.UnfrackPath(s, true, "", cwd, env), ""
	}
	unfrackNoFollow := func(s string) (any, string) {
		if s == "-" {
			return s, ""
		}
		return config.UnfrackPath(s, false, "", cwd, env), ""
	}
	unfrackPathsep := func(s string) (any, string) {
		out := []any{}
		for _, x := range strings.Split(s, ":") {
			if x != "" {
				out = append(out, config.UnfrackPath(x, true, "", cwd, env))
			}
		}
		return out, ""
	}
	maybeUnfrackAt := func(s string) (any, string) {
		if strings.HasPrefix(s, "@") {
			return "@" + config.UnfrackPath(s[1:], true, "", cwd, env), ""
		}
		return s, ""
	}
	listDefault := func(v []string) []any {
		out := []any{}
		for _, s := range v {
			out = append(out, s)
		}
		return out
	}
	p := &argParser{
		prog:        Prog,
		description: description,
		groups: []helpGroup{
			{title: "positional arguments"},
			{title: "options"},
			{title: "Connection Options", description: "control as whom and how to connect to hosts"},
			{title: "Privilege Escalation Options", description: "control how and which user you become as on target hosts"},
			{title: "goplay options"},
		},
	}
	opt := func(a *argAction) *argAction {
		if a.group == 0 {
			a.group = grpOptions
		}
		if a.dest == "" {
			a.dest = strings.ReplaceAll(strings.TrimLeft(a.opts[len(a.opts)-1], "-"), "-", "_")
		}
		if a.metavar == "" && a.nargs == nargsOne {
			a.metavar = strings.ToUpper(a.dest)
		}
		return p.add(a)
	}
	opt(&argAction{opts: []string{"-h", "--help"}, dest: "help", nargs: nargsZero, kind: actHelp, help: "show this help message and exit"})
	opt(&argAction{opts: []string{"--version"}, dest: "version", nargs: nargsZero, kind: actVersion, help: versionHelp})
	opt(&argAction{opts: []string{"-v", "--verbose"}, dest: "verbosity", nargs: nargsZero, kind: actCount, def: val("DEFAULT_VERBOSITY"), help: verboseHelp})

	// add_connect_options
	opt(&argAction{opts: []string{"--private-key", "--key-file"}, dest: "private_key_file", def: val("DEFAULT_PRIVATE_KEY_FILE"), convert: unfrack, group: grpConnection, help: "use this file to authenticate the connection"})
	opt(&argAction{opts: []string{"-u", "--user"}, dest: "remote_user", def: val("DEFAULT_REMOTE_USER"), group: grpConnection, help: "connect as this user (default=" + pstr("DEFAULT_REMOTE_USER") + ")"})
	opt(&argAction{opts: []string{"-c", "--connection"}, dest: "connection", def: val("DEFAULT_TRANSPORT"), group: grpConnection, help: "connection type to use (default=" + pstr("DEFAULT_TRANSPORT") + ")"})
	opt(&argAction{opts: []string{"-T", "--timeout"}, dest: "timeout", def: val("DEFAULT_TIMEOUT"), convert: pyIntType, group: grpConnection, help: "override the connection timeout in seconds (default=" + pstr("DEFAULT_TIMEOUT") + ")"})
	opt(&argAction{opts: []string{"--ssh-common-args"}, dest: "ssh_common_args", group: grpConnection, help: "specify common arguments to pass to sftp/scp/ssh (e.g. ProxyCommand)"})
	opt(&argAction{opts: []string{"--sftp-extra-args"}, dest: "sftp_extra_args", group: grpConnection, help: "specify extra arguments to pass to sftp only (e.g. -f, -l)"})
	opt(&argAction{opts: []string{"--scp-extra-args"}, dest: "scp_extra_args", group: grpConnection, help: "specify extra arguments to pass to scp only (e.g. -l)"})
	opt(&argAction{opts: []string{"--ssh-extra-args"}, dest: "ssh_extra_args", group: grpConnection, help: "specify extra arguments to pass to ssh only (e.g. -R)"})
	k := opt(&argAction{opts: []string{"-k", "--ask-pass"}, dest: "ask_pass", nargs: nargsZero, kind: actStoreTrue, def: val("DEFAULT_ASK_PASS"), help: "ask for connection password"})
	cpf := opt(&argAction{opts: []string{"--connection-password-file", "--conn-pass-file"}, dest: "connection_password_file", def: val("CONNECTION_PASSWORD_FILE"), convert: unfrack, help: "Connection password file"})
	p.mutex = append(p.mutex, []*argAction{k, cpf})

	// add_meta_options
	opt(&argAction{opts: []string{"--force-handlers"}, dest: "force_handlers", nargs: nargsZero, kind: actStoreTrue, def: val("DEFAULT_FORCE_HANDLERS"), help: "run handlers even if a task fails"})
	opt(&argAction{opts: []string{"--flush-cache"}, dest: "flush_cache", nargs: nargsZero, kind: actStoreTrue, def: false, help: "clear the fact cache for every host in inventory"})

	// add_runas_options
	opt(&argAction{opts: []string{"-b", "--become"}, dest: "become", nargs: nargsZero, kind: actStoreTrue, def: val("DEFAULT_BECOME"), group: grpPrivilege, help: "run operations with become (does not imply password prompting)"})
	opt(&argAction{opts: []string{"--become-method"}, dest: "become_method", def: val("DEFAULT_BECOME_METHOD"), group: grpPrivilege, help: "privilege escalation method to use (default=" + pstr("DEFAULT_BECOME_METHOD") + "), use `ansible-doc -t become -l` to list valid choices."})
	opt(&argAction{opts: []string{"--become-user"}, dest: "become_user", group: grpPrivilege, help: "run operations as this user (default=" + pstr("DEFAULT_BECOME_USER") + ")"})
	kk := opt(&argAction{opts: []string{"-K", "--ask-become-pass"}, dest: "become_ask_pass", nargs: nargsZero, kind: actStoreTrue, def: val("DEFAULT_BECOME_ASK_PASS"), help: "ask for privilege escalation password"})
	bpf := opt(&argAction{opts: []string{"--become-password-file", "--become-pass-file"}, dest: "become_password_file", def: val("BECOME_PASSWORD_FILE"), convert: unfrack, help: "Become password file"})
	p.mutex = append(p.mutex, []*argAction{kk, bpf})

	// add_subset_options
	opt(&argAction{opts: []string{"-t", "--tags"}, dest: "tags", kind: actAppend, def: listDefault(cfg.TagsRun), help: "only run plays and tasks tagged with these values"})
	opt(&argAction{opts: []string{"--skip-tags"}, dest: "skip_tags", kind: actAppend, def: listDefault(cfg.TagsSkip), help: "only run plays and tasks whose tags do not match these values"})

	// add_check_options
	opt(&argAction{opts: []string{"-C", "--check"}, dest: "check", nargs: nargsZero, kind: actStoreTrue, def: false, help: "don't make any changes; instead, try to predict some of the changes that may occur"})
	opt(&argAction{opts: []string{"-D", "--diff"}, dest: "diff", nargs: nargsZero, kind: actStoreTrue, def: val("DIFF_ALWAYS"), help: "when changing (small) files and templates, show the differences in those files; works great with --check"})

	// add_inventory_options
	opt(&argAction{opts: []string{"-i", "--inventory", "--inventory-file"}, dest: "inventory", kind: actAppend, help: "specify inventory host path or comma separated host list. --inventory-file is deprecated"})
	opt(&argAction{opts: []string{"--list-hosts"}, dest: "listhosts", nargs: nargsZero, kind: actStoreTrue, def: false, help: "outputs a list of matching hosts; does not execute anything else"})
	opt(&argAction{opts: []string{"-l", "--limit"}, dest: "subset", help: "further limit selected hosts to an additional pattern"})

	// add_runtask_options
	opt(&argAction{opts: []string{"-e", "--extra-vars"}, dest: "extra_vars", kind: actAppend, def: []any{}, convert: maybeUnfrackAt, help: "set additional variables as key=value or YAML/JSON, if filename prepend with @"})

	// add_vault_options
	opt(&argAction{opts: []string{"--vault-id"}, dest: "vault_ids", kind: actAppend, def: []any{}, help: "the vault identity to use"})
	avp := opt(&argAction{opts: []string{"--ask-vault-password", "--ask-vault-pass"}, dest: "ask_vault_pass", nargs: nargsZero, kind: actStoreTrue, def: val("DEFAULT_ASK_VAULT_PASS"), help: "ask for vault password"})
	vpf := opt(&argAction{opts: []string{"--vault-password-file", "--vault-pass-file"}, dest: "vault_password_files", kind: actAppend, def: []any{}, convert: unfrackNoFollow, help: "vault password file"})
	p.mutex = append(p.mutex, []*argAction{avp, vpf})

	// add_fork_options
	opt(&argAction{opts: []string{"-f", "--forks"}, dest: "forks", def: val("DEFAULT_FORKS"), convert: pyIntType, help: "specify number of parallel processes to use (default=" + pstr("DEFAULT_FORKS") + ")"})

	// add_module_options
	opt(&argAction{opts: []string{"-M", "--module-path"}, dest: "module_path", kind: actPrepend, convert: unfrackPathsep, help: "prepend colon-separated path(s) to module library (default=" + config.DefaultModulePathTemplate + ")"})

	// playbook options
	opt(&argAction{opts: []string{"--syntax-check"}, dest: "syntax", nargs: nargsZero, kind: actStoreTrue, def: false, help: "perform a syntax check on the playbook, but do not execute it"})
	opt(&argAction{opts: []string{"--list-tasks"}, dest: "listtasks", nargs: nargsZero, kind: actStoreTrue, def: false, help: "list all tasks that would be executed"})
	opt(&argAction{opts: []string{"--list-tags"}, dest: "listtags", nargs: nargsZero, kind: actStoreTrue, def: false, help: "list all available tags"})
	opt(&argAction{opts: []string{"--step"}, dest: "step", nargs: nargsZero, kind: actStoreTrue, def: false, help: "one-step-at-a-time: confirm each task before running"})
	opt(&argAction{opts: []string{"--start-at-task"}, dest: "start_at_task", help: "start the playbook at the task matching this name"})
	p.add(&argAction{dest: "args", metavar: "playbook", nargs: nargsOneOrMore, kind: actStore, required: true, group: grpPositional, help: "Playbook(s)"})

	for _, e := range ex {
		a := &argAction{opts: append([]string{e.Name}, e.Aliases...), dest: "goplay:" + e.Key(), help: e.Help, group: grpGoplay, extra: e}
		switch {
		case e.Metavar == "":
			a.nargs, a.kind = nargsZero, actStoreTrue
		case e.Repeat:
			a.kind, a.metavar, a.def = actAppend, e.Metavar, []any{}
		default:
			a.kind, a.metavar = actStore, e.Metavar
		}
		p.add(a)
	}
	return p
}

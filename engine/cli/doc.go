// Package cli parses ansible-playbook's command line exactly like
// ansible-core 2.14.18 does with Python 3.11's argparse, and produces its
// messages byte for byte.
//
//	p := &cli.Parser{Config: cfg}          // cfg from config.Load
//	opts, err := p.Parse(os.Args[1:])
//	if x, ok := err.(*cli.Exit); ok {       // --help, --version, usage errors
//		os.Stdout.WriteString(x.Stdout)
//		os.Stderr.WriteString(x.Stderr)
//		os.Exit(x.Code)
//	}
//	vars, err := cli.LoadExtraVars(opts.ExtraVars, cfg.HashBehaviour == "merge", nil)
//	if oe, ok := err.(*cli.OptionsError); ok {
//		x := p.OptionsError(oe.Msg)         // help on stdout, "ERROR! ..." on stderr, exit 5
//		...
//	}
//
// What is reproduced: every option of ansible-playbook --help with its
// defaults taken from the configuration; short-option bundling (-vvv,
// -Ci inv, -f5), --opt=value and -o=value, unique-prefix abbreviations of
// long options (including argparse 3.11's "ambiguous option" for aliases
// of one option such as --inv), "--", negative-number arguments,
// mutually exclusive groups, argparse's interleaving of positionals and
// options (a second group of playbooks after an option is "unrecognized"),
// the type conversions (Python int(), ansible's unfrack_path family), and
// the post-processing (tags split on commas, inventory paths made
// absolute, --forks >= 1). The help text is generated from the option
// table with argparse's HelpFormatter and textwrap algorithms at the width
// Python would use ($COLUMNS, else the terminal on stdout, else 80).
//
// Error output: an argparse error prints, on stderr, the usage,
// "ansible-playbook: error: MSG", a line holding one space, and the whole
// help again, exit 2; --forks 0 prints only the usage and the error, exit
// 2. The program name is always "ansible-playbook": Ansible fixes it too,
// and goplay keeps it so that its messages are identical whatever the
// binary is called.
//
// goplay options: --sandbox and --doc MODULE, and any option another
// package adds with RegisterExtra (the extension hook). They are parsed
// into Options.Sandbox, Options.Doc and Options.Extra, listed in --help in
// a "goplay options" group after Ansible's text (so the Ansible part stays
// identical), never in the usage line, and matched only exactly, so every
// abbreviation Ansible accepts keeps its meaning. Error and
// AnsibleOptionsError outputs include Ansible's help text only.
//
// --version follows Ansible's nine-line layout; see Parser.VersionText for
// the lines that describe goplay instead of a Python installation.
//
// Differences: ansible stores tags in a Python set (arbitrary order);
// goplay keeps first-seen order. Python's int() accepts integers of any
// size; goplay saturates at the platform int. A "%" in a configured default
// shown in the help (e.g. a remote_user containing "%") makes Python's
// argparse crash; goplay prints it literally. DefaultYAMLLoader is YAML 1.2
// (pass an Ansible-compatible loader to LoadExtraVars where yes/no matter).
package cli

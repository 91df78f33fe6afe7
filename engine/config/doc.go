// Package config is goplay's ansible.cfg / ANSIBLE_* layer: it finds the
// configuration file exactly as ansible-core 2.14 does, parses it like
// Python's configparser, and resolves every setting goplay supports with
// Ansible's precedence, types, names and error messages.
//
// # Finding the file (FindConfigFile)
//
// The first existing, readable candidate is used; files are never merged:
// $ANSIBLE_CONFIG (a file, or DIR/ansible.cfg), ./ansible.cfg (skipped when
// the working directory is world-writable, with WorldWritableWarning),
// ~/.ansible.cfg, /etc/ansible/ansible.cfg. Only the .cfg and .ini
// extensions are accepted, as in Ansible.
//
// # Parsing (ParseINI)
//
// configparser.ConfigParser(inline_comment_prefixes=(';',)) semantics:
// "key = value" or "key: value", lower-cased keys, "#"/";" whole-line
// comments, ";" inline comments after whitespace ("#" after a value is
// part of it), indented continuation lines, [DEFAULT] inherited by existing
// sections, strict duplicate detection, no interpolation. Errors carry
// configparser's messages.
//
// # Resolving (Load)
//
//	cfg, warnings, err := config.Load(cwd, os.LookupEnv)
//	if err != nil { // *config.Error
//		os.Stderr.WriteString(err.(*config.Error).Report()) // "ERROR: ...", exit 5
//	}
//	if cfg.File() != "" { ... "Using " + cfg.File() + " as config file" }
//
// Each setting of Definitions is: the last set of its ANSIBLE_* variables,
// else the last present of its ini entries, else its default; then typed
// like ansible's ensure_type (Bool, Int, Float, List, Path, PathList,
// PathSpec, String with one pair of quotes removed). Relative paths from
// the file resolve against the file's directory, others against cwd. An
// empty environment variable of a non-string type that fails to convert
// means the default. Invalid values of base settings are errors (Ansible
// reports them at start-up, exit 5); invalid plugin options (ssh, default
// callback) are deferred to Config.SettingError, as Ansible only reads them
// when the plugin loads.
//
// The typed fields of Config cover goplay's needs; Value and Origin give
// the Python-typed value and the origin ("default", "env: NAME", or the
// file) by Ansible setting name.
//
// Not modelled: settings outside Definitions (unknown ini keys are ignored,
// as in Ansible, but an invalid value of a base.yml setting goplay does not
// list is not reported), deprecation warnings for deprecated setting names
// (e.g. callback_whitelist), templated defaults other than ANSIBLE_HOME,
// DEFAULT_LOCAL_TMP (a tmppath Ansible creates), and the non-ini (YAML)
// configuration files that Ansible itself rejects. COMMAND_WARNINGS does
// not exist in ansible-core 2.14 and max_fail_percentage is a play keyword,
// not a setting; neither is here.
package config

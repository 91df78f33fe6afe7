package config

// Type is the value type of a setting, with ansible's ensure_type semantics.
type Type int

const (
	// String: the value is unquoted (one pair of matching outer quotes
	// removed). Untyped and "raw" settings of base.yml behave the same.
	String Type = iota
	// Bool: ansible's non-strict boolean(): y/yes/on/1/true/t (any case)
	// is true, anything else false. Never an error.
	Bool
	// Int: Python int().
	Int
	// Float: Python float().
	Float
	// List: split on ",", each item stripped and unquoted.
	List
	// Path: ~ and $VARS expanded, made absolute (relative to the config
	// file's directory when the value comes from it, else to the CWD),
	// normalised. Not unquoted.
	Path
	// PathList: split on ",", each item stripped and resolved as a Path.
	PathList
	// PathSpec: split on ":", each item resolved as a Path (not stripped).
	PathSpec
)

// IniKey names one ini entry: [Section] Key.
type IniKey struct{ Section, Key string }

// Definition describes one setting: its ansible name (base.yml key, or the
// plugin option name prefixed by the plugin), type, sources and default.
type Definition struct {
	Name string
	Type Type
	// Default is the Python-typed default: nil (None), bool, int, float64,
	// string or []string. DefaultFunc, when set, computes it instead (the
	// base.yml defaults templated with ANSIBLE_HOME).
	Default     any
	DefaultFunc func(c *Config) any
	// Env and Ini are tried in order; within each, the last one set wins.
	Env []string
	Ini []IniKey
	// Choices restricts the (typed) value when it is not None.
	Choices []string
	// Plugin is "" for settings of ansible's base.yml, which ansible
	// validates at start-up (an invalid value is a start-up error, exit 5);
	// otherwise the plugin owning the option ("ssh", "callback"), whose
	// options ansible only reads when the plugin is loaded: an invalid
	// value does not fail Load but is reported by Config.SettingError.
	Plugin string
	// field returns a pointer to the typed Config field.
	field func(c *Config) any
}

func env(names ...string) []string { return names }
func ini(pairs ...string) []IniKey {
	var out []IniKey
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, IniKey{pairs[i], pairs[i+1]})
	}
	return out
}
func dflt(key string) []IniKey { return ini("defaults", key) }

func homeDefault(suffix string) func(c *Config) any {
	return func(c *Config) any { return c.AnsibleHome + suffix }
}

var colorChoices = []string{"black", "bright gray", "blue", "white", "green", "bright blue", "cyan", "bright green", "red", "bright cyan", "purple", "bright red", "yellow", "bright purple", "dark gray", "bright yellow", "magenta", "bright magenta", "normal"}

// DefaultModulePathTemplate is the unrendered base.yml default of
// DEFAULT_MODULE_PATH, which ansible-playbook --help prints verbatim.
const DefaultModulePathTemplate = `{{ ANSIBLE_HOME ~ "/plugins/modules:/usr/share/ansible/plugins/modules" }}`

// Definitions lists every setting goplay reads, in resolution order
// (ANSIBLE_HOME first: other defaults are templated with it). Names, types,
// sources and defaults are those of ansible-core 2.14's config/base.yml and
// of the ssh connection and default callback plugin documentation.
var Definitions = []Definition{
	{Name: "ANSIBLE_HOME", Type: Path, Default: "~/.ansible", Env: env("ANSIBLE_HOME"), Ini: dflt("home"), field: func(c *Config) any { return &c.AnsibleHome }},

	// inventory and targets
	{Name: "DEFAULT_HOST_LIST", Type: PathList, Default: "/etc/ansible/hosts", Env: env("ANSIBLE_INVENTORY"), Ini: dflt("inventory"), field: func(c *Config) any { return &c.Inventory }},
	{Name: "DEFAULT_REMOTE_USER", Type: String, Env: env("ANSIBLE_REMOTE_USER"), Ini: dflt("remote_user"), field: func(c *Config) any { return &c.RemoteUser }},
	{Name: "REMOTE_TMP", Type: String, Default: "~/.ansible/tmp", Env: env("ANSIBLE_REMOTE_TEMP", "ANSIBLE_REMOTE_TMP"), Ini: dflt("remote_tmp"), field: func(c *Config) any { return &c.RemoteTmp }},
	{Name: "DEFAULT_REMOTE_PORT", Type: Int, Env: env("ANSIBLE_REMOTE_PORT"), Ini: dflt("remote_port"), field: func(c *Config) any { return &c.RemotePort }},
	{Name: "DEFAULT_PRIVATE_KEY_FILE", Type: Path, Env: env("ANSIBLE_PRIVATE_KEY_FILE"), Ini: dflt("private_key_file"), field: func(c *Config) any { return &c.PrivateKeyFile }},
	{Name: "DEFAULT_TRANSPORT", Type: String, Default: "smart", Env: env("ANSIBLE_TRANSPORT"), Ini: dflt("transport"), field: func(c *Config) any { return &c.Transport }},
	{Name: "DEFAULT_FORKS", Type: Int, Default: 5, Env: env("ANSIBLE_FORKS"), Ini: dflt("forks"), field: func(c *Config) any { return &c.Forks }},
	{Name: "DEFAULT_TIMEOUT", Type: Int, Default: 10, Env: env("ANSIBLE_TIMEOUT"), Ini: dflt("timeout"), field: func(c *Config) any { return &c.Timeout }},
	{Name: "DEFAULT_POLL_INTERVAL", Type: Int, Default: 15, Env: env("ANSIBLE_POLL_INTERVAL"), Ini: dflt("poll_interval"), field: func(c *Config) any { return &c.PollInterval }},
	{Name: "TASK_TIMEOUT", Type: Int, Default: 0, Env: env("ANSIBLE_TASK_TIMEOUT"), Ini: dflt("task_timeout"), field: func(c *Config) any { return &c.TaskTimeout }},
	{Name: "DEFAULT_ASK_PASS", Type: Bool, Default: false, Env: env("ANSIBLE_ASK_PASS"), Ini: dflt("ask_pass"), field: func(c *Config) any { return &c.AskPass }},
	{Name: "CONNECTION_PASSWORD_FILE", Type: Path, Env: env("ANSIBLE_CONNECTION_PASSWORD_FILE"), Ini: dflt("connection_password_file"), field: func(c *Config) any { return &c.ConnectionPasswordFile }},
	{Name: "HOST_PATTERN_MISMATCH", Type: String, Default: "warning", Env: env("ANSIBLE_HOST_PATTERN_MISMATCH"), Ini: ini("inventory", "host_pattern_mismatch"), Choices: []string{"error", "warning", "ignore"}, field: func(c *Config) any { return &c.HostPatternMismatch }},
	{Name: "LOCALHOST_WARNING", Type: Bool, Default: true, Env: env("ANSIBLE_LOCALHOST_WARNING"), Ini: dflt("localhost_warning"), field: func(c *Config) any { return &c.LocalhostWarning }},
	{Name: "INVENTORY_ENABLED", Type: List, Default: []string{"host_list", "script", "auto", "yaml", "ini", "toml"}, Env: env("ANSIBLE_INVENTORY_ENABLED"), Ini: ini("inventory", "enable_plugins"), field: func(c *Config) any { return &c.InventoryEnabled }},
	{Name: "INVENTORY_UNPARSED_IS_FAILED", Type: Bool, Default: false, Env: env("ANSIBLE_INVENTORY_UNPARSED_FAILED"), Ini: ini("inventory", "unparsed_is_failed"), field: func(c *Config) any { return &c.InventoryUnparsedIsFailed }},
	{Name: "INVENTORY_ANY_UNPARSED_IS_FAILED", Type: Bool, Default: false, Env: env("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED"), Ini: ini("inventory", "any_unparsed_is_failed"), field: func(c *Config) any { return &c.InventoryAnyUnparsedIsFailed }},
	{Name: "INVENTORY_IGNORE_EXTS", Type: List, Default: []string{".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".ini", ".cfg", ".retry"}, Env: env("ANSIBLE_INVENTORY_IGNORE"), Ini: ini("defaults", "inventory_ignore_extensions", "inventory", "ignore_extensions"), field: func(c *Config) any { return &c.InventoryIgnoreExts }},
	{Name: "INVENTORY_IGNORE_PATTERNS", Type: List, Default: []string{}, Env: env("ANSIBLE_INVENTORY_IGNORE_REGEX"), Ini: ini("defaults", "inventory_ignore_patterns", "inventory", "ignore_patterns"), field: func(c *Config) any { return &c.InventoryIgnorePatterns }},
	{Name: "TRANSFORM_INVALID_GROUP_CHARS", Type: String, Default: "never", Env: env("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS"), Ini: dflt("force_valid_group_names"), Choices: []string{"always", "never", "ignore", "silently"}, field: func(c *Config) any { return &c.TransformInvalidGroupChars }},

	// privilege escalation
	{Name: "DEFAULT_BECOME", Type: Bool, Default: false, Env: env("ANSIBLE_BECOME"), Ini: ini("privilege_escalation", "become"), field: func(c *Config) any { return &c.Become }},
	{Name: "DEFAULT_BECOME_USER", Type: String, Default: "root", Env: env("ANSIBLE_BECOME_USER"), Ini: ini("privilege_escalation", "become_user"), field: func(c *Config) any { return &c.BecomeUser }},
	{Name: "DEFAULT_BECOME_METHOD", Type: String, Default: "sudo", Env: env("ANSIBLE_BECOME_METHOD"), Ini: ini("privilege_escalation", "become_method"), field: func(c *Config) any { return &c.BecomeMethod }},
	{Name: "DEFAULT_BECOME_EXE", Type: String, Env: env("ANSIBLE_BECOME_EXE"), Ini: ini("privilege_escalation", "become_exe"), field: func(c *Config) any { return &c.BecomeExe }},
	{Name: "DEFAULT_BECOME_FLAGS", Type: String, Env: env("ANSIBLE_BECOME_FLAGS"), Ini: ini("privilege_escalation", "become_flags"), field: func(c *Config) any { return &c.BecomeFlags }},
	{Name: "DEFAULT_BECOME_ASK_PASS", Type: Bool, Default: false, Env: env("ANSIBLE_BECOME_ASK_PASS"), Ini: ini("privilege_escalation", "become_ask_pass"), field: func(c *Config) any { return &c.BecomeAskPass }},
	{Name: "BECOME_PASSWORD_FILE", Type: Path, Env: env("ANSIBLE_BECOME_PASSWORD_FILE"), Ini: dflt("become_password_file"), field: func(c *Config) any { return &c.BecomePasswordFile }},
	{Name: "BECOME_ALLOW_SAME_USER", Type: Bool, Default: false, Env: env("ANSIBLE_BECOME_ALLOW_SAME_USER"), Ini: ini("privilege_escalation", "become_allow_same_user"), field: func(c *Config) any { return &c.BecomeAllowSameUser }},
	{Name: "AGNOSTIC_BECOME_PROMPT", Type: Bool, Default: true, Env: env("ANSIBLE_AGNOSTIC_BECOME_PROMPT"), Ini: ini("privilege_escalation", "agnostic_become_prompt"), field: func(c *Config) any { return &c.AgnosticBecomePrompt }},

	// facts
	{Name: "DEFAULT_GATHERING", Type: String, Default: "implicit", Env: env("ANSIBLE_GATHERING"), Ini: dflt("gathering"), Choices: []string{"implicit", "explicit", "smart"}, field: func(c *Config) any { return &c.Gathering }},
	{Name: "DEFAULT_GATHER_SUBSET", Type: List, Env: env("ANSIBLE_GATHER_SUBSET"), Ini: dflt("gather_subset"), field: func(c *Config) any { return &c.GatherSubset }},
	{Name: "DEFAULT_GATHER_TIMEOUT", Type: Int, Env: env("ANSIBLE_GATHER_TIMEOUT"), Ini: dflt("gather_timeout"), field: func(c *Config) any { return &c.GatherTimeout }},
	{Name: "FACTS_MODULES", Type: List, Default: []string{"smart"}, Env: env("ANSIBLE_FACTS_MODULES"), Ini: dflt("facts_modules"), field: func(c *Config) any { return &c.FactsModules }},
	{Name: "INJECT_FACTS_AS_VARS", Type: Bool, Default: true, Env: env("ANSIBLE_INJECT_FACT_VARS"), Ini: dflt("inject_facts_as_vars"), field: func(c *Config) any { return &c.InjectFactsAsVars }},
	{Name: "CACHE_PLUGIN", Type: String, Default: "memory", Env: env("ANSIBLE_CACHE_PLUGIN"), Ini: dflt("fact_caching"), field: func(c *Config) any { return &c.CachePlugin }},
	{Name: "CACHE_PLUGIN_CONNECTION", Type: String, Env: env("ANSIBLE_CACHE_PLUGIN_CONNECTION"), Ini: dflt("fact_caching_connection"), field: func(c *Config) any { return &c.CachePluginConnection }},
	{Name: "CACHE_PLUGIN_TIMEOUT", Type: Int, Default: 86400, Env: env("ANSIBLE_CACHE_PLUGIN_TIMEOUT"), Ini: dflt("fact_caching_timeout"), field: func(c *Config) any { return &c.CachePluginTimeout }},
	{Name: "DEFAULT_FACT_PATH", Type: String, Env: env("ANSIBLE_FACT_PATH"), Ini: dflt("fact_path"), field: func(c *Config) any { return &c.FactPath }},

	// output
	{Name: "ANSIBLE_NOCOLOR", Type: Bool, Default: false, Env: env("ANSIBLE_NOCOLOR", "NO_COLOR"), Ini: dflt("nocolor"), field: func(c *Config) any { return &c.NoColor }},
	{Name: "ANSIBLE_FORCE_COLOR", Type: Bool, Default: false, Env: env("ANSIBLE_FORCE_COLOR"), Ini: dflt("force_color"), field: func(c *Config) any { return &c.ForceColor }},
	{Name: "DEFAULT_STDOUT_CALLBACK", Type: String, Default: "default", Env: env("ANSIBLE_STDOUT_CALLBACK"), Ini: dflt("stdout_callback"), field: func(c *Config) any { return &c.StdoutCallback }},
	{Name: "CALLBACKS_ENABLED", Type: List, Default: []string{}, Env: env("ANSIBLE_CALLBACK_WHITELIST", "ANSIBLE_CALLBACKS_ENABLED"), Ini: ini("defaults", "callback_whitelist", "defaults", "callbacks_enabled"), field: func(c *Config) any { return &c.CallbacksEnabled }},
	{Name: "DEFAULT_LOAD_CALLBACK_PLUGINS", Type: Bool, Default: false, Env: env("ANSIBLE_LOAD_CALLBACK_PLUGINS"), Ini: dflt("bin_ansible_callbacks"), field: func(c *Config) any { return &c.LoadCallbackPlugins }},
	{Name: "DISPLAY_SKIPPED_HOSTS", Type: Bool, Default: true, Env: env("ANSIBLE_DISPLAY_SKIPPED_HOSTS"), Ini: dflt("display_skipped_hosts"), field: func(c *Config) any { return &c.DisplaySkippedHosts }},
	{Name: "SHOW_CUSTOM_STATS", Type: Bool, Default: false, Env: env("ANSIBLE_SHOW_CUSTOM_STATS"), Ini: dflt("show_custom_stats"), field: func(c *Config) any { return &c.ShowCustomStats }},
	{Name: "DISPLAY_ARGS_TO_STDOUT", Type: Bool, Default: false, Env: env("ANSIBLE_DISPLAY_ARGS_TO_STDOUT"), Ini: dflt("display_args_to_stdout"), field: func(c *Config) any { return &c.DisplayArgsToStdout }},
	{Name: "DEPRECATION_WARNINGS", Type: Bool, Default: true, Env: env("ANSIBLE_DEPRECATION_WARNINGS"), Ini: dflt("deprecation_warnings"), field: func(c *Config) any { return &c.DeprecationWarnings }},
	{Name: "SYSTEM_WARNINGS", Type: Bool, Default: true, Env: env("ANSIBLE_SYSTEM_WARNINGS"), Ini: dflt("system_warnings"), field: func(c *Config) any { return &c.SystemWarnings }},
	{Name: "DEFAULT_VERBOSITY", Type: Int, Default: 0, Env: env("ANSIBLE_VERBOSITY"), Ini: dflt("verbosity"), field: func(c *Config) any { return &c.Verbosity }},
	{Name: "DEFAULT_LOG_PATH", Type: Path, Env: env("ANSIBLE_LOG_PATH"), Ini: dflt("log_path"), field: func(c *Config) any { return &c.LogPath }},
	{Name: "DEFAULT_LOG_FILTER", Type: List, Default: []string{}, Env: env("ANSIBLE_LOG_FILTER"), Ini: dflt("log_filter"), field: func(c *Config) any { return &c.LogFilter }},
	{Name: "DEFAULT_DEBUG", Type: Bool, Default: false, Env: env("ANSIBLE_DEBUG"), Ini: dflt("debug"), field: func(c *Config) any { return &c.Debug }},
	{Name: "DEFAULT_NO_LOG", Type: Bool, Default: false, Env: env("ANSIBLE_NO_LOG"), Ini: dflt("no_log"), field: func(c *Config) any { return &c.NoLog }},
	{Name: "DEFAULT_NO_TARGET_SYSLOG", Type: Bool, Default: false, Env: env("ANSIBLE_NO_TARGET_SYSLOG"), Ini: dflt("no_target_syslog"), field: func(c *Config) any { return &c.NoTargetSyslog }},
	{Name: "DIFF_ALWAYS", Type: Bool, Default: false, Env: env("ANSIBLE_DIFF_ALWAYS"), Ini: ini("diff", "always"), field: func(c *Config) any { return &c.DiffAlways }},
	{Name: "DIFF_CONTEXT", Type: Int, Default: 3, Env: env("ANSIBLE_DIFF_CONTEXT"), Ini: ini("diff", "context"), field: func(c *Config) any { return &c.DiffContext }},
	{Name: "MAX_FILE_SIZE_FOR_DIFF", Type: Int, Default: 104448, Env: env("ANSIBLE_MAX_DIFF_SIZE"), Ini: dflt("max_diff_size"), field: func(c *Config) any { return &c.MaxFileSizeForDiff }},
	{Name: "COLOR_OK", Type: String, Default: "green", Env: env("ANSIBLE_COLOR_OK"), Ini: ini("colors", "ok"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.OK }},
	{Name: "COLOR_CHANGED", Type: String, Default: "yellow", Env: env("ANSIBLE_COLOR_CHANGED"), Ini: ini("colors", "changed"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Changed }},
	{Name: "COLOR_ERROR", Type: String, Default: "red", Env: env("ANSIBLE_COLOR_ERROR"), Ini: ini("colors", "error"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Error }},
	{Name: "COLOR_SKIP", Type: String, Default: "cyan", Env: env("ANSIBLE_COLOR_SKIP"), Ini: ini("colors", "skip"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Skip }},
	{Name: "COLOR_UNREACHABLE", Type: String, Default: "bright red", Env: env("ANSIBLE_COLOR_UNREACHABLE"), Ini: ini("colors", "unreachable"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Unreachable }},
	{Name: "COLOR_WARN", Type: String, Default: "bright purple", Env: env("ANSIBLE_COLOR_WARN"), Ini: ini("colors", "warn"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Warn }},
	{Name: "COLOR_DEBUG", Type: String, Default: "dark gray", Env: env("ANSIBLE_COLOR_DEBUG"), Ini: ini("colors", "debug"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Debug }},
	{Name: "COLOR_DEPRECATE", Type: String, Default: "purple", Env: env("ANSIBLE_COLOR_DEPRECATE"), Ini: ini("colors", "deprecate"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Deprecate }},
	{Name: "COLOR_HIGHLIGHT", Type: String, Default: "white", Env: env("ANSIBLE_COLOR_HIGHLIGHT"), Ini: ini("colors", "highlight"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Highlight }},
	{Name: "COLOR_VERBOSE", Type: String, Default: "blue", Env: env("ANSIBLE_COLOR_VERBOSE"), Ini: ini("colors", "verbose"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.Verbose }},
	{Name: "COLOR_DIFF_ADD", Type: String, Default: "green", Env: env("ANSIBLE_COLOR_DIFF_ADD"), Ini: ini("colors", "diff_add"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.DiffAdd }},
	{Name: "COLOR_DIFF_REMOVE", Type: String, Default: "red", Env: env("ANSIBLE_COLOR_DIFF_REMOVE"), Ini: ini("colors", "diff_remove"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.DiffRemove }},
	{Name: "COLOR_DIFF_LINES", Type: String, Default: "cyan", Env: env("ANSIBLE_COLOR_DIFF_LINES"), Ini: ini("colors", "diff_lines"), Choices: colorChoices, field: func(c *Config) any { return &c.Colors.DiffLines }},

	// paths
	{Name: "DEFAULT_ROLES_PATH", Type: PathSpec, DefaultFunc: homeDefault("/roles:/usr/share/ansible/roles:/etc/ansible/roles"), Env: env("ANSIBLE_ROLES_PATH"), Ini: dflt("roles_path"), field: func(c *Config) any { return &c.RolesPath }},
	{Name: "DEFAULT_MODULE_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/modules:/usr/share/ansible/plugins/modules"), Env: env("ANSIBLE_LIBRARY"), Ini: dflt("library"), field: func(c *Config) any { return &c.ModulePath }},
	{Name: "DEFAULT_MODULE_UTILS_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/module_utils:/usr/share/ansible/plugins/module_utils"), Env: env("ANSIBLE_MODULE_UTILS"), Ini: dflt("module_utils"), field: func(c *Config) any { return &c.ModuleUtilsPath }},
	{Name: "COLLECTIONS_PATHS", Type: PathSpec, DefaultFunc: homeDefault("/collections:/usr/share/ansible/collections"), Env: env("ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_COLLECTIONS_PATH"), Ini: ini("defaults", "collections_paths", "defaults", "collections_path"), field: func(c *Config) any { return &c.CollectionsPaths }},
	{Name: "DEFAULT_CALLBACK_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/callback:/usr/share/ansible/plugins/callback"), Env: env("ANSIBLE_CALLBACK_PLUGINS"), Ini: dflt("callback_plugins"), field: func(c *Config) any { return &c.CallbackPluginPath }},
	{Name: "DEFAULT_ACTION_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/action:/usr/share/ansible/plugins/action"), Env: env("ANSIBLE_ACTION_PLUGINS"), Ini: dflt("action_plugins"), field: func(c *Config) any { return &c.ActionPluginPath }},
	{Name: "DEFAULT_FILTER_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/filter:/usr/share/ansible/plugins/filter"), Env: env("ANSIBLE_FILTER_PLUGINS"), Ini: dflt("filter_plugins"), field: func(c *Config) any { return &c.FilterPluginPath }},
	{Name: "DEFAULT_TEST_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/test:/usr/share/ansible/plugins/test"), Env: env("ANSIBLE_TEST_PLUGINS"), Ini: dflt("test_plugins"), field: func(c *Config) any { return &c.TestPluginPath }},
	{Name: "DEFAULT_LOOKUP_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/lookup:/usr/share/ansible/plugins/lookup"), Env: env("ANSIBLE_LOOKUP_PLUGINS"), Ini: dflt("lookup_plugins"), field: func(c *Config) any { return &c.LookupPluginPath }},
	{Name: "DEFAULT_INVENTORY_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/inventory:/usr/share/ansible/plugins/inventory"), Env: env("ANSIBLE_INVENTORY_PLUGINS"), Ini: dflt("inventory_plugins"), field: func(c *Config) any { return &c.InventoryPluginPath }},
	{Name: "DEFAULT_VARS_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/vars:/usr/share/ansible/plugins/vars"), Env: env("ANSIBLE_VARS_PLUGINS"), Ini: dflt("vars_plugins"), field: func(c *Config) any { return &c.VarsPluginPath }},
	{Name: "DEFAULT_CONNECTION_PLUGIN_PATH", Type: PathSpec, DefaultFunc: homeDefault("/plugins/connection:/usr/share/ansible/plugins/connection"), Env: env("ANSIBLE_CONNECTION_PLUGINS"), Ini: dflt("connection_plugins"), field: func(c *Config) any { return &c.ConnectionPluginPath }},
	{Name: "PLAYBOOK_DIR", Type: Path, Env: env("ANSIBLE_PLAYBOOK_DIR"), Ini: dflt("playbook_dir"), field: func(c *Config) any { return &c.PlaybookDir }},
	{Name: "PLAYBOOK_VARS_ROOT", Type: String, Default: "top", Env: env("ANSIBLE_PLAYBOOK_VARS_ROOT"), Ini: dflt("playbook_vars_root"), Choices: []string{"top", "bottom", "all"}, field: func(c *Config) any { return &c.PlaybookVarsRoot }},

	// execution
	{Name: "DEFAULT_STRATEGY", Type: String, Default: "linear", Env: env("ANSIBLE_STRATEGY"), Ini: dflt("strategy"), field: func(c *Config) any { return &c.Strategy }},
	{Name: "ANY_ERRORS_FATAL", Type: Bool, Default: false, Env: env("ANSIBLE_ANY_ERRORS_FATAL"), Ini: dflt("any_errors_fatal"), field: func(c *Config) any { return &c.AnyErrorsFatal }},
	{Name: "DEFAULT_FORCE_HANDLERS", Type: Bool, Default: false, Env: env("ANSIBLE_FORCE_HANDLERS"), Ini: dflt("force_handlers"), field: func(c *Config) any { return &c.ForceHandlers }},
	{Name: "ERROR_ON_MISSING_HANDLER", Type: Bool, Default: true, Env: env("ANSIBLE_ERROR_ON_MISSING_HANDLER"), Ini: dflt("error_on_missing_handler"), field: func(c *Config) any { return &c.ErrorOnMissingHandler }},
	{Name: "TAGS_RUN", Type: List, Default: []string{}, Env: env("ANSIBLE_RUN_TAGS"), Ini: ini("tags", "run"), field: func(c *Config) any { return &c.TagsRun }},
	{Name: "TAGS_SKIP", Type: List, Default: []string{}, Env: env("ANSIBLE_SKIP_TAGS"), Ini: ini("tags", "skip"), field: func(c *Config) any { return &c.TagsSkip }},
	{Name: "RETRY_FILES_ENABLED", Type: Bool, Default: false, Env: env("ANSIBLE_RETRY_FILES_ENABLED"), Ini: dflt("retry_files_enabled"), field: func(c *Config) any { return &c.RetryFilesEnabled }},
	{Name: "RETRY_FILES_SAVE_PATH", Type: Path, Env: env("ANSIBLE_RETRY_FILES_SAVE_PATH"), Ini: dflt("retry_files_save_path"), field: func(c *Config) any { return &c.RetryFilesSavePath }},
	{Name: "DEFAULT_KEEP_REMOTE_FILES", Type: Bool, Default: false, Env: env("ANSIBLE_KEEP_REMOTE_FILES"), Ini: dflt("keep_remote_files"), field: func(c *Config) any { return &c.KeepRemoteFiles }},
	{Name: "DEFAULT_EXECUTABLE", Type: String, Default: "/bin/sh", Env: env("ANSIBLE_EXECUTABLE"), Ini: dflt("executable"), field: func(c *Config) any { return &c.Executable }},
	{Name: "DEFAULT_MODULE_NAME", Type: String, Default: "command", Ini: dflt("module_name"), field: func(c *Config) any { return &c.ModuleName }},
	{Name: "INTERPRETER_PYTHON", Type: String, Default: "auto", Env: env("ANSIBLE_PYTHON_INTERPRETER"), Ini: dflt("interpreter_python"), field: func(c *Config) any { return &c.InterpreterPython }},
	{Name: "ANSIBLE_PIPELINING", Type: Bool, Default: false, Env: env("ANSIBLE_PIPELINING"), Ini: ini("defaults", "pipelining", "connection", "pipelining"), field: func(c *Config) any { return &c.Pipelining }},
	{Name: "INVALID_TASK_ATTRIBUTE_FAILED", Type: Bool, Default: true, Env: env("ANSIBLE_INVALID_TASK_ATTRIBUTE_FAILED"), Ini: dflt("invalid_task_attribute_failed"), field: func(c *Config) any { return &c.InvalidTaskAttributeFailed }},

	// variables and templating
	{Name: "VARIABLE_PLUGINS_ENABLED", Type: List, Default: []string{"host_group_vars"}, Env: env("ANSIBLE_VARS_ENABLED"), Ini: dflt("vars_plugins_enabled"), field: func(c *Config) any { return &c.VarsPluginsEnabled }},
	{Name: "RUN_VARS_PLUGINS", Type: String, Default: "demand", Env: env("ANSIBLE_RUN_VARS_PLUGINS"), Ini: dflt("run_vars_plugins"), Choices: []string{"demand", "start"}, field: func(c *Config) any { return &c.RunVarsPlugins }},
	{Name: "DEFAULT_HASH_BEHAVIOUR", Type: String, Default: "replace", Env: env("ANSIBLE_HASH_BEHAVIOUR"), Ini: dflt("hash_behaviour"), Choices: []string{"replace", "merge"}, field: func(c *Config) any { return &c.HashBehaviour }},
	{Name: "DEFAULT_PRIVATE_ROLE_VARS", Type: Bool, Default: false, Env: env("ANSIBLE_PRIVATE_ROLE_VARS"), Ini: dflt("private_role_vars"), field: func(c *Config) any { return &c.PrivateRoleVars }},
	{Name: "DEFAULT_UNDEFINED_VAR_BEHAVIOR", Type: Bool, Default: true, Env: env("ANSIBLE_ERROR_ON_UNDEFINED_VARS"), Ini: dflt("error_on_undefined_vars"), field: func(c *Config) any { return &c.ErrorOnUndefinedVars }},
	{Name: "DEFAULT_JINJA2_NATIVE", Type: Bool, Default: false, Env: env("ANSIBLE_JINJA2_NATIVE"), Ini: dflt("jinja2_native"), field: func(c *Config) any { return &c.Jinja2Native }},
	{Name: "DEFAULT_ALLOW_UNSAFE_LOOKUPS", Type: Bool, Default: false, Ini: dflt("allow_unsafe_lookups"), field: func(c *Config) any { return &c.AllowUnsafeLookups }},
	{Name: "DEFAULT_MANAGED_STR", Type: String, Default: "Ansible managed", Ini: dflt("ansible_managed"), field: func(c *Config) any { return &c.ManagedStr }},
	{Name: "DEFAULT_NULL_REPRESENTATION", Type: String, Env: env("ANSIBLE_NULL_REPRESENTATION"), Ini: dflt("null_representation"), field: func(c *Config) any { return &c.NullRepresentation }},
	{Name: "DUPLICATE_YAML_DICT_KEY", Type: String, Default: "warn", Env: env("ANSIBLE_DUPLICATE_YAML_DICT_KEY"), Ini: dflt("duplicate_dict_key"), Choices: []string{"warn", "error", "ignore"}, field: func(c *Config) any { return &c.DuplicateDictKey }},

	// vault (engine/app/vaultsecrets.go)
	{Name: "DEFAULT_ASK_VAULT_PASS", Type: Bool, Default: false, Env: env("ANSIBLE_ASK_VAULT_PASS"), Ini: dflt("ask_vault_pass"), field: func(c *Config) any { return &c.AskVaultPass }},
	{Name: "DEFAULT_VAULT_PASSWORD_FILE", Type: Path, Env: env("ANSIBLE_VAULT_PASSWORD_FILE"), Ini: dflt("vault_password_file"), field: func(c *Config) any { return &c.VaultPasswordFile }},
	{Name: "DEFAULT_VAULT_IDENTITY_LIST", Type: List, Default: []string{}, Env: env("ANSIBLE_VAULT_IDENTITY_LIST"), Ini: dflt("vault_identity_list"), field: func(c *Config) any { return &c.VaultIdentityList }},

	// ssh connection plugin options (ansible reads these when the plugin
	// loads; precedence there is vars > keywords > CLI > env > ini > default,
	// and only env > ini > default is resolved here)
	{Name: "ssh.host_key_checking", Plugin: "ssh", Type: Bool, Default: true, Env: env("ANSIBLE_HOST_KEY_CHECKING", "ANSIBLE_SSH_HOST_KEY_CHECKING"), Ini: ini("defaults", "host_key_checking", "ssh_connection", "host_key_checking"), field: func(c *Config) any { return &c.HostKeyChecking }},
	{Name: "ssh.ssh_args", Plugin: "ssh", Type: String, Default: "-C -o ControlMaster=auto -o ControlPersist=60s", Env: env("ANSIBLE_SSH_ARGS"), Ini: ini("ssh_connection", "ssh_args"), field: func(c *Config) any { return &c.SSHArgs }},
	{Name: "ssh.ssh_common_args", Plugin: "ssh", Type: String, Default: "", Env: env("ANSIBLE_SSH_COMMON_ARGS"), Ini: ini("ssh_connection", "ssh_common_args"), field: func(c *Config) any { return &c.SSHCommonArgs }},
	{Name: "ssh.ssh_extra_args", Plugin: "ssh", Type: String, Default: "", Env: env("ANSIBLE_SSH_EXTRA_ARGS"), Ini: ini("ssh_connection", "ssh_extra_args"), field: func(c *Config) any { return &c.SSHExtraArgs }},
	{Name: "ssh.sftp_extra_args", Plugin: "ssh", Type: String, Default: "", Env: env("ANSIBLE_SFTP_EXTRA_ARGS"), Ini: ini("ssh_connection", "sftp_extra_args"), field: func(c *Config) any { return &c.SFTPExtraArgs }},
	{Name: "ssh.scp_extra_args", Plugin: "ssh", Type: String, Default: "", Env: env("ANSIBLE_SCP_EXTRA_ARGS"), Ini: ini("ssh_connection", "scp_extra_args"), field: func(c *Config) any { return &c.SCPExtraArgs }},
	{Name: "ssh.ssh_executable", Plugin: "ssh", Type: String, Default: "ssh", Env: env("ANSIBLE_SSH_EXECUTABLE"), Ini: ini("ssh_connection", "ssh_executable"), field: func(c *Config) any { return &c.SSHExecutable }},
	{Name: "ssh.sftp_executable", Plugin: "ssh", Type: String, Default: "sftp", Env: env("ANSIBLE_SFTP_EXECUTABLE"), Ini: ini("ssh_connection", "sftp_executable"), field: func(c *Config) any { return &c.SFTPExecutable }},
	{Name: "ssh.scp_executable", Plugin: "ssh", Type: String, Default: "scp", Env: env("ANSIBLE_SCP_EXECUTABLE"), Ini: ini("ssh_connection", "scp_executable"), field: func(c *Config) any { return &c.SCPExecutable }},
	{Name: "ssh.control_path", Plugin: "ssh", Type: String, Env: env("ANSIBLE_SSH_CONTROL_PATH"), Ini: ini("ssh_connection", "control_path"), field: func(c *Config) any { return &c.ControlPath }},
	{Name: "ssh.control_path_dir", Plugin: "ssh", Type: String, Default: "~/.ansible/cp", Env: env("ANSIBLE_SSH_CONTROL_PATH_DIR"), Ini: ini("ssh_connection", "control_path_dir"), field: func(c *Config) any { return &c.ControlPathDir }},
	{Name: "ssh.pipelining", Plugin: "ssh", Type: Bool, Default: false, Env: env("ANSIBLE_PIPELINING", "ANSIBLE_SSH_PIPELINING"), Ini: ini("defaults", "pipelining", "connection", "pipelining", "ssh_connection", "pipelining"), field: func(c *Config) any { return &c.SSHPipelining }},
	{Name: "ssh.reconnection_retries", Plugin: "ssh", Type: Int, Default: 0, Env: env("ANSIBLE_SSH_RETRIES"), Ini: ini("connection", "retries", "ssh_connection", "retries"), field: func(c *Config) any { return &c.SSHRetries }},
	{Name: "ssh.timeout", Plugin: "ssh", Type: Int, Default: 10, Env: env("ANSIBLE_TIMEOUT", "ANSIBLE_SSH_TIMEOUT"), Ini: ini("defaults", "timeout", "ssh_connection", "timeout"), field: func(c *Config) any { return &c.SSHTimeout }},
	{Name: "ssh.ssh_transfer_method", Plugin: "ssh", Type: String, Env: env("ANSIBLE_SSH_TRANSFER_METHOD"), Ini: ini("ssh_connection", "transfer_method"), field: func(c *Config) any { return &c.SSHTransferMethod }},
	{Name: "ssh.scp_if_ssh", Plugin: "ssh", Type: String, Default: "smart", Env: env("ANSIBLE_SCP_IF_SSH"), Ini: ini("ssh_connection", "scp_if_ssh"), field: func(c *Config) any { return &c.SCPIfSSH }},
	{Name: "ssh.sftp_batch_mode", Plugin: "ssh", Type: Bool, Default: true, Env: env("ANSIBLE_SFTP_BATCH_MODE"), Ini: ini("ssh_connection", "sftp_batch_mode"), field: func(c *Config) any { return &c.SFTPBatchMode }},
	{Name: "ssh.use_tty", Plugin: "ssh", Type: Bool, Default: true, Env: env("ANSIBLE_SSH_USETTY"), Ini: ini("ssh_connection", "usetty"), field: func(c *Config) any { return &c.SSHUseTTY }},
	{Name: "ssh.sshpass_prompt", Plugin: "ssh", Type: String, Default: "", Env: env("ANSIBLE_SSHPASS_PROMPT"), Ini: ini("ssh_connection", "sshpass_prompt"), field: func(c *Config) any { return &c.SSHPassPrompt }},

	// default stdout callback options
	{Name: "callback.display_ok_hosts", Plugin: "callback", Type: Bool, Default: true, Env: env("ANSIBLE_DISPLAY_OK_HOSTS"), Ini: dflt("display_ok_hosts"), field: func(c *Config) any { return &c.DisplayOkHosts }},
	{Name: "callback.display_failed_stderr", Plugin: "callback", Type: Bool, Default: false, Env: env("ANSIBLE_DISPLAY_FAILED_STDERR"), Ini: dflt("display_failed_stderr"), field: func(c *Config) any { return &c.DisplayFailedStderr }},
	{Name: "callback.show_per_host_start", Plugin: "callback", Type: Bool, Default: false, Env: env("ANSIBLE_SHOW_PER_HOST_START"), Ini: dflt("show_per_host_start"), field: func(c *Config) any { return &c.ShowPerHostStart }},
	{Name: "callback.check_mode_markers", Plugin: "callback", Type: Bool, Default: false, Env: env("ANSIBLE_CHECK_MODE_MARKERS"), Ini: dflt("check_mode_markers"), field: func(c *Config) any { return &c.CheckModeMarkers }},
	{Name: "callback.show_task_path_on_failure", Plugin: "callback", Type: Bool, Default: false, Env: env("ANSIBLE_SHOW_TASK_PATH_ON_FAILURE"), Ini: dflt("show_task_path_on_failure"), field: func(c *Config) any { return &c.ShowTaskPathOnFailure }},
	{Name: "callback.result_format", Plugin: "callback", Type: String, Default: "json", Env: env("ANSIBLE_CALLBACK_RESULT_FORMAT"), Ini: dflt("callback_result_format"), Choices: []string{"json", "yaml"}, field: func(c *Config) any { return &c.CallbackResultFormat }},
	{Name: "callback.pretty_results", Plugin: "callback", Type: Bool, Env: env("ANSIBLE_CALLBACK_FORMAT_PRETTY"), Ini: dflt("callback_format_pretty"), field: func(c *Config) any { return &c.CallbackFormatPretty }},
}

// Colors are the COLOR_* settings (ansible colour names).
type Colors struct {
	OK, Changed, Error, Skip, Unreachable, Warn, Debug, Deprecate,
	Highlight, Verbose, DiffAdd, DiffRemove, DiffLines string
}

// Config is the resolved configuration. Every exported field is one
// setting of Definitions (the comment gives its ansible name); a setting
// whose value is None has the zero value here (Value returns nil).
type Config struct {
	file    string
	ini     *INI
	values  map[string]any
	origins map[string]string
	errs    map[string]error

	AnsibleHome string // ANSIBLE_HOME

	Inventory                    []string // DEFAULT_HOST_LIST (pathlist)
	RemoteUser                   string   // DEFAULT_REMOTE_USER ("" = None)
	RemotePort                   int      // DEFAULT_REMOTE_PORT (0 = None)
	RemoteTmp                    string   // the shell plugins' remote_tmp
	PrivateKeyFile               string   // DEFAULT_PRIVATE_KEY_FILE
	Transport                    string   // DEFAULT_TRANSPORT
	Forks                        int      // DEFAULT_FORKS
	Timeout                      int      // DEFAULT_TIMEOUT
	PollInterval                 int      // DEFAULT_POLL_INTERVAL
	TaskTimeout                  int      // TASK_TIMEOUT
	AskPass                      bool     // DEFAULT_ASK_PASS
	ConnectionPasswordFile       string   // CONNECTION_PASSWORD_FILE
	HostPatternMismatch          string   // HOST_PATTERN_MISMATCH: error|warning|ignore
	LocalhostWarning             bool     // LOCALHOST_WARNING
	InventoryEnabled             []string // INVENTORY_ENABLED
	InventoryUnparsedIsFailed    bool     // INVENTORY_UNPARSED_IS_FAILED
	InventoryAnyUnparsedIsFailed bool     // INVENTORY_ANY_UNPARSED_IS_FAILED
	InventoryIgnoreExts          []string // INVENTORY_IGNORE_EXTS
	InventoryIgnorePatterns      []string // INVENTORY_IGNORE_PATTERNS
	TransformInvalidGroupChars   string   // TRANSFORM_INVALID_GROUP_CHARS

	Become               bool   // DEFAULT_BECOME
	BecomeUser           string // DEFAULT_BECOME_USER
	BecomeMethod         string // DEFAULT_BECOME_METHOD
	BecomeExe            string // DEFAULT_BECOME_EXE
	BecomeFlags          string // DEFAULT_BECOME_FLAGS
	BecomeAskPass        bool   // DEFAULT_BECOME_ASK_PASS
	BecomePasswordFile   string // BECOME_PASSWORD_FILE
	BecomeAllowSameUser  bool   // BECOME_ALLOW_SAME_USER
	AgnosticBecomePrompt bool   // AGNOSTIC_BECOME_PROMPT

	Gathering             string   // DEFAULT_GATHERING: implicit|explicit|smart
	GatherSubset          []string // DEFAULT_GATHER_SUBSET (nil = None)
	GatherTimeout         int      // DEFAULT_GATHER_TIMEOUT (0 = None)
	FactsModules          []string // FACTS_MODULES
	InjectFactsAsVars     bool     // INJECT_FACTS_AS_VARS
	CachePlugin           string   // CACHE_PLUGIN
	CachePluginConnection string   // CACHE_PLUGIN_CONNECTION
	CachePluginTimeout    int      // CACHE_PLUGIN_TIMEOUT
	FactPath              string   // DEFAULT_FACT_PATH

	NoColor             bool     // ANSIBLE_NOCOLOR (env ANSIBLE_NOCOLOR, NO_COLOR)
	ForceColor          bool     // ANSIBLE_FORCE_COLOR
	StdoutCallback      string   // DEFAULT_STDOUT_CALLBACK
	CallbacksEnabled    []string // CALLBACKS_ENABLED
	LoadCallbackPlugins bool     // DEFAULT_LOAD_CALLBACK_PLUGINS
	DisplaySkippedHosts bool     // DISPLAY_SKIPPED_HOSTS
	ShowCustomStats     bool     // SHOW_CUSTOM_STATS
	DisplayArgsToStdout bool     // DISPLAY_ARGS_TO_STDOUT
	DeprecationWarnings bool     // DEPRECATION_WARNINGS
	SystemWarnings      bool     // SYSTEM_WARNINGS
	Verbosity           int      // DEFAULT_VERBOSITY
	LogPath             string   // DEFAULT_LOG_PATH
	LogFilter           []string // DEFAULT_LOG_FILTER
	Debug               bool     // DEFAULT_DEBUG
	NoLog               bool     // DEFAULT_NO_LOG
	NoTargetSyslog      bool     // DEFAULT_NO_TARGET_SYSLOG
	DiffAlways          bool     // DIFF_ALWAYS
	DiffContext         int      // DIFF_CONTEXT
	MaxFileSizeForDiff  int      // MAX_FILE_SIZE_FOR_DIFF
	Colors              Colors   // COLOR_*

	RolesPath            []string // DEFAULT_ROLES_PATH
	ModulePath           []string // DEFAULT_MODULE_PATH (env ANSIBLE_LIBRARY, ini library)
	ModuleUtilsPath      []string // DEFAULT_MODULE_UTILS_PATH
	CollectionsPaths     []string // COLLECTIONS_PATHS
	CallbackPluginPath   []string // DEFAULT_CALLBACK_PLUGIN_PATH
	ActionPluginPath     []string // DEFAULT_ACTION_PLUGIN_PATH
	FilterPluginPath     []string // DEFAULT_FILTER_PLUGIN_PATH
	TestPluginPath       []string // DEFAULT_TEST_PLUGIN_PATH
	LookupPluginPath     []string // DEFAULT_LOOKUP_PLUGIN_PATH
	InventoryPluginPath  []string // DEFAULT_INVENTORY_PLUGIN_PATH
	VarsPluginPath       []string // DEFAULT_VARS_PLUGIN_PATH
	ConnectionPluginPath []string // DEFAULT_CONNECTION_PLUGIN_PATH
	PlaybookDir          string   // PLAYBOOK_DIR
	PlaybookVarsRoot     string   // PLAYBOOK_VARS_ROOT

	Strategy                   string   // DEFAULT_STRATEGY
	AnyErrorsFatal             bool     // ANY_ERRORS_FATAL
	ForceHandlers              bool     // DEFAULT_FORCE_HANDLERS
	ErrorOnMissingHandler      bool     // ERROR_ON_MISSING_HANDLER
	TagsRun                    []string // TAGS_RUN
	TagsSkip                   []string // TAGS_SKIP
	RetryFilesEnabled          bool     // RETRY_FILES_ENABLED
	RetryFilesSavePath         string   // RETRY_FILES_SAVE_PATH
	KeepRemoteFiles            bool     // DEFAULT_KEEP_REMOTE_FILES
	Executable                 string   // DEFAULT_EXECUTABLE
	ModuleName                 string   // DEFAULT_MODULE_NAME
	InterpreterPython          string   // INTERPRETER_PYTHON
	Pipelining                 bool     // ANSIBLE_PIPELINING
	InvalidTaskAttributeFailed bool     // INVALID_TASK_ATTRIBUTE_FAILED

	VarsPluginsEnabled   []string // VARIABLE_PLUGINS_ENABLED (recorded; goplay runs no vars plugins)
	RunVarsPlugins       string   // RUN_VARS_PLUGINS
	HashBehaviour        string   // DEFAULT_HASH_BEHAVIOUR: replace|merge
	PrivateRoleVars      bool     // DEFAULT_PRIVATE_ROLE_VARS
	ErrorOnUndefinedVars bool     // DEFAULT_UNDEFINED_VAR_BEHAVIOR
	Jinja2Native         bool     // DEFAULT_JINJA2_NATIVE (recorded; default False)
	AllowUnsafeLookups   bool     // DEFAULT_ALLOW_UNSAFE_LOOKUPS
	ManagedStr           string   // DEFAULT_MANAGED_STR
	NullRepresentation   string   // DEFAULT_NULL_REPRESENTATION
	DuplicateDictKey     string   // DUPLICATE_YAML_DICT_KEY: warn|error|ignore

	AskVaultPass      bool     // DEFAULT_ASK_VAULT_PASS
	VaultPasswordFile string   // DEFAULT_VAULT_PASSWORD_FILE
	VaultIdentityList []string // DEFAULT_VAULT_IDENTITY_LIST

	// ssh connection plugin options.
	HostKeyChecking   bool   // ssh host_key_checking (env ANSIBLE_HOST_KEY_CHECKING, ANSIBLE_SSH_HOST_KEY_CHECKING; [defaults] and [ssh_connection] host_key_checking)
	SSHArgs           string // ssh ssh_args
	SSHCommonArgs     string // ssh ssh_common_args
	SSHExtraArgs      string // ssh ssh_extra_args
	SFTPExtraArgs     string // ssh sftp_extra_args
	SCPExtraArgs      string // ssh scp_extra_args
	SSHExecutable     string // ssh ssh_executable
	SFTPExecutable    string // ssh sftp_executable
	SCPExecutable     string // ssh scp_executable
	ControlPath       string // ssh control_path
	ControlPathDir    string // ssh control_path_dir (untyped: "~" is not expanded here)
	SSHPipelining     bool   // ssh pipelining
	SSHRetries        int    // ssh reconnection_retries
	SSHTimeout        int    // ssh timeout (note: ansible feeds it -T/DEFAULT_TIMEOUT through the CLI, which outranks env/ini)
	SSHTransferMethod string // ssh ssh_transfer_method
	SCPIfSSH          string // ssh scp_if_ssh
	SFTPBatchMode     bool   // ssh sftp_batch_mode
	SSHUseTTY         bool   // ssh use_tty
	SSHPassPrompt     string // ssh sshpass_prompt

	// default stdout callback options.
	DisplayOkHosts        bool   // display_ok_hosts
	DisplayFailedStderr   bool   // display_failed_stderr
	ShowPerHostStart      bool   // show_per_host_start
	CheckModeMarkers      bool   // check_mode_markers
	ShowTaskPathOnFailure bool   // show_task_path_on_failure
	CallbackResultFormat  string // result_format: json|yaml
	CallbackFormatPretty  *bool  // pretty_results (nil = None)
}

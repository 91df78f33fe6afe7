// Package inventory is goplay's Ansible inventory: it loads inventory
// sources the way ansible-core 2.14 does, answers host patterns, and holds
// the hosts and groups that add_host and group_by change during a run.
//
// # Loading
//
//	inv, warnings, err := inventory.Load([]string{"hosts.ini", "inv.d/", "h1,h2,"})
//
// A source is an INI or YAML file, a directory of them (entries sorted;
// hidden files, group_vars, host_vars, vars_plugins and names ending in
// .pyc .pyo .swp .bak ~ .rpm .md .txt .rst .orig .ini .cfg .retry are
// skipped, as Ansible's INVENTORY_IGNORE_EXTS does — so hosts.ini inside a
// directory source is ignored, like in Ansible), or a comma separated host
// list ("h1,h2," — a source with a comma that is not an existing path).
// Like Ansible, a file with no extension or .yml/.yaml/.json is tried as
// YAML first and then as INI; any other file only as INI. Paths are made
// absolute ($VARS and ~ expanded) against Options.Cwd.
//
// Warnings are returned, in order, as the text Ansible passes to
// display.warning (the caller prints "[WARNING]: " + text, wrapped and
// de-duplicated the way Display does), e.g. "Unable to parse /x as an
// inventory source", "No inventory was parsed, only implicit localhost is
// available", "\n* Failed to parse F with ini plugin: F:3: ...", "Invalid
// characters were found in group names but not replaced, use -vvvv to see
// details". A source that fails leaves whatever it defined before the
// error in the inventory, as in Ansible. err is non-nil only for
// Options.UnparsedIsFailed / AnyUnparsedIsFailed and for group_vars /
// host_vars files that do not load. ParseINI and ParseYAML parse text
// directly; INI errors are *ParseError and always name file:line (Ansible
// omits the position for some of them).
//
// INI values are typed like Ansible's ini plugin: host-line tokens are
// split with shlex rules ('#' starts a comment even inside a word) and
// every value, there and in [group:vars], goes through a
// Python ast.literal_eval equivalent: a=1 is an int, b=yes stays "yes",
// c="x y" is "x y", d=[1,2] a list, True/False/None are bool/nil, 1.5 a
// float, 0x10 16, 01 the string "01". Tuples and sets become lists, bytes
// become strings, non-string dict keys are rendered as json.dumps renders
// them. YAML values follow YAML 1.1 as PyYAML resolves them (yes/on are
// true, 0755 is octal, 1e3 is a string, 1:30 is 90).
//
// Values use goplay's conventions: map[string]any, []any, int, float64,
// bool, nil, string.
//
// # Model
//
// Groups and hosts follow InventoryData: all and ungrouped always exist;
// after loading (and after every add_host/group_by change) groups without a
// parent become children of all, and hosts in no group but all go to
// ungrouped. A group's hosts are its own, then its descendants' (breadth
// first), without duplicates. Hosts added by AddHost join all directly, so
// `all` lists them before the inventory's hosts, exactly as ansible-playbook
// does; `hosts: somegroup` lists them after the group's inventory hosts in
// order of addition. A host keeps the port of its first definition
// (a later "h1:23" line does not change ansible_port). ansible_* variables
// are kept as given; aliases (ansible_ssh_host ...) are the engine's job.
// ansible_group_priority sets the group's priority instead of a variable.
//
// # Patterns
//
// Hosts(pattern) implements InventoryManager.get_hosts: SplitPattern, plain
// terms first, then "&" intersections, then "!" exclusions; each term is a
// host name, or an fnmatch glob / "~regex" matched against group names
// (giving their hosts) and, when no group matched or the term has . ? * [ or
// ~, against host names; an optional [i], [-i], [i:j], [i:] subscript
// selects from the result. A localhost name that matches nothing yields the
// implicit localhost (ansible_connection=local, ansible_python_interpreter
// from Options), which is in no group, never in all, and excluded by any
// Limit. A term that matches nothing warns "Could not match supplied host
// pattern, ignoring: x" (an existing empty group does not). Limit sets the
// --limit subset (with @file support).
//
// # Variables
//
// HostVars merges, as VariableManager does with the default precedence:
// all-group vars < other group vars (sorted by depth, priority, name) <
// group_vars/all (inventory dirs, then playbook dirs) < group_vars/<group>
// (inventory dirs, then playbook dirs) < host vars and the magic
// inventory_hostname, inventory_hostname_short, group_names < host_vars/
// (inventory dirs, then playbook dirs). Inventory dirs are the directory
// of each file source (or the directory source itself); playbook dirs come
// from LoadVarsDir. Top-level keys replace (hash_behaviour=replace). The
// `groups` magic var is Groups(); group_names (GroupNames) includes
// "ungrouped" for ungrouped hosts, as in Ansible.
//
// # Dynamic changes
//
// AddHost implements add_dynamic_host (changed if the host is new, its vars
// changed, a group was created, or it joined a group; port > 0 sets
// ansible_ssh_port; the engine parses "host:port" with ParseAddress).
// GroupBy implements add_dynamic_group; AddGroup creates a group.
//
// # Concurrency
//
// All methods may be called concurrently; readers share an RWMutex and the
// mutating methods take it exclusively. *Host values stay valid; read their
// data through Vars/Groups or the Inventory methods.
//
// # Known differences from Ansible
//
//   - Inventory scripts, inventory plugin configs (plugin: ...), TOML
//     inventories and vaulted values are not supported; such sources fail
//     with a message and the usual "Unable to parse" warning.
//   - "~regex" patterns use Go RE2 syntax (no look-around or
//     back-references); an invalid one errors "Invalid host list pattern".
//   - Ints beyond int64 and complex numbers in INI values stay strings; YAML
//     timestamps stay strings; \N{...} escapes leave the value a string.
//   - A group's descendants are visited breadth first in child order;
//     Ansible walks each level in Python set order, so with grandchildren
//     under several children its order of `all` can differ (and is not
//     stable between Ansible runs either).
//   - One host range expands to at most 100000 names (an error beyond).
//   - "Found group_vars that is not a directory" and group-name warnings
//     from AddHost/GroupBy are not reported.
package inventory

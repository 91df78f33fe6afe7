// Package external runs Ansible's external modules: executables in any
// language, found in library directories, that read their arguments from a
// file and print a JSON result. It is how the modules a team already has for
// Ansible keep working under goplay.
//
// Find locates a module file by name in the library directories (library/
// beside the playbook, each role's library/, then ANSIBLE_LIBRARY or
// ansible.cfg's library =, as SplitPath splits them). Info (or New) makes a
// goplay module of it; its Run, given the task's request, does on the target
// (through Request.Conn) what Ansible's "normal" action plugin does:
//
//   - it reads the file on the controller and tells its style as
//     module_common.py does: WANT_JSON in the text (a JSON arguments file),
//     <<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>> (the JSON substituted into the
//     module), a binary (JSON arguments file, run directly), or else
//     old-style (a key=value arguments file, values str()'d and shell-quoted),
//     or a new-style Python module (it imports ansible.module_utils), which
//     runs inside a wrapper that carries it and the controller's
//     ansible.module_utils as a zip (ansiballz.go; the arguments travel in
//     the wrapper); PowerShell modules are refused with an error;
//   - CoreModule finds the ansible.builtin modules of the ansible-core
//     installed on the controller, which the engine runs this way when goplay
//     has no Go code for them (user, apt, git, replace, find, getent …),
//     and, behind goplay's versions of their action plugins, package (it
//     picks the host's package manager module), unarchive (Source and
//     SourceArg send the controller's archive along) and assemble (fragments
//     on the target); not those whose action plugin does other
//     controller-side work (yum, reboot, wait_for_connection …);
//   - the interpreter is the shebang's, replaced by ansible_<name>_interpreter;
//     a "python" shebang takes ansible_python_interpreter, else the
//     discovered_interpreter_python fact, else Python is discovered on the
//     target and reported back as that fact (ansible_facts), as Ansible does;
//   - the arguments are the task's, in the task's order, followed by the
//     _ansible_* arguments in Ansible's order (_ansible_check_mode,
//     _ansible_no_log, _ansible_debug, _ansible_diff, _ansible_verbosity,
//     _ansible_version, _ansible_module_name, _ansible_syslog_facility,
//     _ansible_selinux_special_fs, _ansible_string_conversion_action,
//     _ansible_socket, _ansible_shell_executable, _ansible_keep_remote_files,
//     _ansible_tmpdir, _ansible_remote_tmp). Values the Request does not carry
//     come from _ansible_* keys in Request.Args when the engine puts them
//     there (task no_log, task-level diff, the name the task used, config);
//   - one command creates ~/.ansible/tmp/ansible-tmp-TIME-PID-RANDOM (umask
//     77, remote_tmp expanded by the target's shell, ansible_remote_tmp or
//     _ansible_remote_tmp overriding it) and, when needed, looks for Python;
//     a second one writes AnsiballZ_NAME (sent on stdin) and args, runs
//     "INTERPRETER AnsiballZ_NAME args" with stdin from /dev/null, and removes
//     the directory (unless _ansible_keep_remote_files);
//   - stdout is parsed as Ansible parses it: junk lines before the JSON
//     object are dropped, junk after it gives a warning, _ansible_* keys are
//     removed with a warning, stdout_lines/stderr_lines are added, rc != 0
//     without "failed" means failed, ansible_facts become a SetFacts effect.
//     Output that is not JSON gives the "MODULE FAILURE" result with
//     module_stdout, module_stderr, rc (and exception for tracebacks).
package external

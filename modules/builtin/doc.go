// Package builtin holds goplay's built-in modules, the ansible.builtin
// actions a playbook uses most: command, shell, raw, debug, fail, assert,
// set_fact, add_host, group_by, pause, meta, ping and setup.
//
// Each module reproduces ansible-core 2.14's parameters, result keys,
// messages and check-mode behaviour. Modules that run on the target reach it
// only through modules.Conn, so they work over any connection: command and
// shell build one /bin/sh script per task that checks chdir, creates/removes
// and the executable the way Python's subprocess would, then execs the
// command; setup gathers its facts in one shell round trip.
//
// Helpers that mimic Python are here too: Split and Quote are shlex.split
// and shlex.quote, and the result formatting uses str(datetime),
// str(timedelta) and str.splitlines.
package builtin

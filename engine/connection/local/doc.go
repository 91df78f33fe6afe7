// Package local is the connection to the controller itself: Ansible's
// "local" connection plugin. Commands run under /bin/sh -c in their own
// process group, so cancelling the context kills everything they started;
// files are written atomically (temporary file, chmod, rename).
//
// goplay's own helper scripts (the file modules' and the command module's,
// see modules.ScriptConn) can also run in-process with ExecScript: a
// dash-compatible interpretation of the script (mvdan.cc/sh) whose calls to
// GNU coreutils run as Go code on their success path, falling back to the
// real programs for anything else, so that results are byte-for-byte those
// of Exec. Scripts that use shell features the interpreter does not share
// with dash go to Exec. GOPLAY_NO_INPROCESS_SH=1 turns it off.
package local

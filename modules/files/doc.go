// Package files holds the file modules: copy, template, file, stat,
// lineinfile, blockinfile, fetch, slurp and script, registered under their
// short names and ansible.builtin.* names.
//
// Each module is Ansible's action plugin and module in one: it takes the
// same arguments and returns the same result keys, values and messages as
// ansible-core 2.14 (testdata/cases.json replays 229 calls, over the local
// connection and over sshd, against results recorded from
// ansible-playbook; see testdata/record.py).
//
// # Reaching the target
//
// Modules touch the target only through modules.Conn. Every inspection or
// change is one POSIX sh script run with Conn.Exec, built from GNU
// coreutils (stat -c, sha1sum, chmod, chown, mv, ln, mkdir, rm, cat, head,
// base64, readlink, find) and nothing else (no Python). A script reports
// on stdout with one "TAG value" line per fact, binary data base64
// encoded. File contents travel on the script's standard input (head -c
// for each file), never through Conn.Put: so under become the whole write
// runs as the become user (the Conn wraps the script), the file is staged
// next to its destination and renamed into place (atomic, keeping the
// replaced file's owner and mode as Ansible's atomic_move does), and no
// extra round trip is spent on the transfer. The exception is copy and
// template with become to an unprivileged user other than the login user
// over a connection that implements modules.StagingConn (ssh): there, as
// Ansible's copy action does, the login user first uploads the data to a
// private /var/tmp/ansible-tmp-… directory handed to the become user (ACL,
// else chown of the owner only from a root login), the write script moves
// that file into place, and the login user removes the directory; a
// replaced file the become user cannot give its owner and group back then
// keeps the upload's group (root), as Ansible's does (2 more round trips,
// and no writing from the inspecting script).
//
// A module costs one Exec to inspect and, only when something must
// change, one more to change it (TestRoundTrips pins this). copy and
// template send files up to 256 KiB along with the inspecting script,
// which writes them itself when the target shows they differ and nothing
// needs the controller's judgement (no symbolic mode, no link at dest):
// then a changed file is 1 round trip too. file with state=absent, and
// with state=directory for a missing directory whose mode is octal, act in
// their inspecting script as well. A whole directory tree is 2,
// stat/slurp/script 1, lineinfile/blockinfile 1 or 2. fetch and slurp read
// files above 4 MiB with Conn.Fetch. Scripts longer than 64 KiB (big
// directory trees) travel on stdin ahead of the data.
//
// # Differences from Ansible
//
//   - Regular expressions (lineinfile, blockinfile) use Go's RE2: Python
//     syntax without look-around or backreferences in the pattern. $ also
//     matches before a line's newline, as in Python; \Z works.
//   - SELinux arguments and attributes (chattr) are accepted and ignored;
//     decrypt (vault) is accepted, sources are read as they are.
//   - copy with remote_src and a directory source copies with cp -R and
//     compares trees by checksum; Ansible's per-file bookkeeping is not
//     reproduced beyond changed/dest/src.
//   - Results carry Ansible's "diff" value (a dict or a list of dicts,
//     with before/after as strings or dicts) in Result.Data["diff"];
//     Result.Diff is not used.
//   - template: trim_blocks, lstrip_blocks and the *_string delimiters are
//     accepted; rendering is Request.Render's (the engine's template
//     settings). newline_sequence is applied to the rendered text.
package files

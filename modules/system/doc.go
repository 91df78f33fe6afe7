// Package system holds the modules that manage the target system:
// wait_for, service and systemd.
//
// They reach the target only through Request.Conn, with as few round trips
// as Ansible's results allow:
//
//   - wait_for runs its whole waiting loop on the target in one shell
//     script (files with test/cksum, ports with bash's /dev/tcp, else python,
//     else nc; drained reads /proc/net/tcp*). Only a search_regex brings data
//     back: the script returns when the file changes or a connection gives
//     data, and the controller matches it (Go's RE2 for Python's re).
//   - systemd asks systemctl everything it needs (show, is-enabled, the SysV
//     checks) in one script, then runs every change (mask, enable, start…)
//     in a second one; nothing changes, nothing more runs.
//   - service is systemd on a systemd host (the service_mgr fact, use=, or
//     systemctl found on the target); elsewhere it drives the init script
//     and the service, update-rc.d, insserv or chkconfig tools.
package system

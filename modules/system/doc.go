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
//     that fact worked out on the target as Ansible's collector does: PID
//     1's name, then systemd's boot canaries; systemctl alone is not
//     enough); elsewhere it drives the init script and the service,
//     update-rc.d, insserv or chkconfig tools.
package system

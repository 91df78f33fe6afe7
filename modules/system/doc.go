// Package system holds the modules that manage the target system:
// wait_for, service and systemd.
package system

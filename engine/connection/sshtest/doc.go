// Package sshtest starts real OpenSSH sshd processes on loopback addresses
// for tests of the ssh connection layer.
//
// Start(t, Options{Servers: 3}) generates throw-away host keys and a client
// key pair in t.TempDir(), starts one /usr/sbin/sshd per address
// (127.0.0.21, 127.0.0.22, … on a free port each), writes a known_hosts file
// with their keys ("[addr]:port key" lines) and stops everything it started
// with t.Cleanup.
//
// The login user: when the test runs as root, a dedicated account
// (goplay-sshtest, shell /bin/sh, home under os.TempDir(), a fixed known
// password so password and su tests can run) is created with useradd if it
// does not exist; root may log in too, with the key only. Otherwise the
// current user is used and root login is not available.
//
// When sshd is missing the test is skipped, or fails when the CI environment
// variable is set (.ci/run installs openssh-server).
package sshtest

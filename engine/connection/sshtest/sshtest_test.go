package sshtest

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestStartWithOpenSSHClient checks the servers with the real ssh client.
func TestStartWithOpenSSHClient(t *testing.T) {
	env := Start(t, Options{Servers: 2})
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh client not installed")
	}
	for _, s := range env.Servers {
		out, err := exec.Command("ssh", "-F", "none", "-o", "BatchMode=yes",
			"-o", "UserKnownHostsFile="+env.KnownHosts, "-o", "StrictHostKeyChecking=yes",
			"-o", "IdentitiesOnly=yes", "-i", env.KeyFile, "-p", strconv.Itoa(s.Port),
			"-l", env.User, s.Addr, "echo ok $(id -un)").CombinedOutput()
		if err != nil {
			t.Fatalf("ssh %s: %v: %s\nsshd log:\n%s", s.HostPort(), err, out, s.Log())
		}
		if got, want := strings.TrimSpace(string(out)), "ok "+env.User; got != want {
			t.Errorf("ssh %s: got %q, want %q", s.HostPort(), got, want)
		}
		if s.Accepted() != 1 {
			t.Errorf("Accepted() = %d, want 1; log:\n%s", s.Accepted(), s.Log())
		}
	}
}

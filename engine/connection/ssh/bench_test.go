package ssh

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/goplay/goplay/engine/connection/sshtest"
)

// BenchmarkExec compares one command over the pooled connection with the
// same command through OpenSSH's ssh client multiplexed on a ControlMaster
// (what Ansible does: the physical floor of a fork+exec of ssh per
// command).
func BenchmarkExec(b *testing.B) {
	env := sshtest.Start(b, sshtest.Options{})
	s := env.Servers[0]

	b.Run("pool", func(b *testing.B) {
		p := newPool(b)
		cfg := testConfig(b, env, 0)
		c := mustGet(b, p, cfg)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			c, err := p.Get(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, rc, err := c.Exec(context.Background(), "true", nil); err != nil || rc != 0 {
				b.Fatalf("rc=%d err=%v", rc, err)
			}
		}
		_ = c
	})

	b.Run("openssh-controlmaster", func(b *testing.B) {
		if _, err := exec.LookPath("ssh"); err != nil {
			b.Skip("ssh client not installed")
		}
		dir, err := os.MkdirTemp("", "cm")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		cp := filepath.Join(dir, "cp")
		args := []string{"-F", "none", "-o", "BatchMode=yes", "-o", "ControlMaster=auto",
			"-o", "ControlPersist=60s", "-o", "ControlPath=" + cp,
			"-o", "UserKnownHostsFile=" + env.KnownHosts, "-o", "StrictHostKeyChecking=yes",
			"-o", "IdentitiesOnly=yes", "-i", env.KeyFile, "-p", strconv.Itoa(s.Port),
			"-l", env.User}
		run := func(cmd ...string) {
			if out, err := exec.Command("ssh", append(append(append([]string(nil), args...), s.Addr), cmd...)...).CombinedOutput(); err != nil {
				b.Fatalf("ssh: %v: %s", err, out)
			}
		}
		run("true") // starts the master
		defer exec.Command("ssh", append(append([]string(nil), args...), "-O", "exit", s.Addr)...).Run()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			run("/bin/sh -c true")
		}
	})
}

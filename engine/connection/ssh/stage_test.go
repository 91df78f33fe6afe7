package ssh

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/goplay/goplay/engine/connection/sshtest"
	"github.com/goplay/goplay/modules"
)

// TestStagesData: data is staged only with become to an unprivileged user
// other than the login user (Ansible's _is_become_unprivileged).
func TestStagesData(t *testing.T) {
	for _, c := range []struct {
		login string
		b     *Become
		want  bool
	}{
		{"root", nil, false},
		{"root", &Become{}, false},
		{"root", &Become{User: "root"}, false},
		{"root", &Become{User: "toor"}, false},
		{"root", &Become{User: "alice"}, true},
		{"alice", &Become{User: "alice"}, false},
		{"alice", &Become{User: "bob"}, true},
	} {
		conn := &Conn{r: &resolved{cfg: Config{Become: c.b}, user: c.login}}
		if got := conn.StagesData(); got != c.want {
			t.Errorf("login %s become %+v: %v", c.login, c.b, got)
		}
		if got := modules.Stager(conn) != nil; got != c.want {
			t.Errorf("Stager: login %s become %+v: %v", c.login, c.b, got)
		}
	}
}

// TestStage: from a root login, the files are written by root in a new
// 0700 /var/tmp/ansible-tmp-… directory whose owner (only) becomes the
// become user, so the become user can move them; cleanup removes it.
func TestStage(t *testing.T) {
	env := sshtest.Start(t, sshtest.Options{})
	if !env.RootLogin || env.User == "root" {
		t.Skip("needs root login and a separate login user")
	}
	if _, err := os.Stat("/usr/bin/sudo"); err != nil {
		t.Skip("sudo is not installed on the test host")
	}
	u, err := user.Lookup(env.User)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	ctx := context.Background()
	cfg := testConfig(t, env, 0)
	cfg.User = "root"
	cfg.Become = &Become{User: env.User}
	c := mustGet(t, newPool(t), cfg)
	paths, cleanup, err := c.Stage(ctx, strings.NewReader("onetwo!"), []int64{3, 4})
	if err != nil || len(paths) != 2 {
		t.Fatalf("Stage: %v %v", paths, err)
	}
	dir := filepath.Dir(paths[0])
	if !regexp.MustCompile(`^/var/tmp/ansible-tmp-[0-9.]+-[0-9]+-[0-9]+$`).MatchString(dir) ||
		paths[0] != dir+"/source" || paths[1] != dir+"/source1" {
		t.Fatalf("paths %q", paths)
	}
	for i, want := range []string{"one", "two!"} {
		b, err := os.ReadFile(paths[i])
		if err != nil || string(b) != want {
			t.Errorf("%s: %q %v", paths[i], b, err)
		}
	}
	for _, p := range []string{dir, paths[0]} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if int(st.Uid) != uid || st.Gid != 0 || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: %v %d:%d", p, fi.Mode(), st.Uid, st.Gid)
		}
	}
	// The become user can move the staged file (as atomic_move renames it).
	out, _, rc, err := c.Exec(ctx, "mv -- "+ShellQuote(paths[0])+" "+ShellQuote(dir+"/moved")+" && stat -c %U:%G "+ShellQuote(dir+"/moved"), nil)
	if err != nil || rc != 0 || string(out) != env.User+":root\n" {
		t.Errorf("mv as %s: %q rc=%d %v", env.User, out, rc, err)
	}
	cleanup()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s left behind (%v)", dir, err)
	}
}

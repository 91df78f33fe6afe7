package files

import (
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/connection/ssh"
	"github.com/goplay/goplay/engine/connection/sshtest"
	"github.com/goplay/goplay/modules"
)

// sshConn starts sshd (engine/connection/sshtest) and returns a connection
// logged in as root. It skips when not root: the recordings were made as
// root and the harness only offers root login then. sshtest itself skips
// when sshd is missing, or fails when $CI is set.
func sshConn(t *testing.T, become *ssh.Become) (*ssh.Conn, *sshtest.Env) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the recorded results are root's and sshtest allows root login only when run as root")
	}
	env := sshtest.Start(t, sshtest.Options{})
	if !env.RootLogin {
		t.Skip("sshtest offers no root login")
	}
	s := env.Servers[0]
	pool := ssh.NewPool()
	t.Cleanup(func() { pool.Close() })
	c, err := pool.Get(context.Background(), ssh.Config{
		Host: s.Addr, Port: s.Port, User: "root",
		PrivateKeyFiles: []string{env.KeyFile}, HostKeyChecking: true,
		KnownHostsFiles: []string{env.KnownHosts}, SSHConfigFile: "none", Agent: "none",
		HomeDir: t.TempDir(), Timeout: 5 * time.Second, Become: become,
	})
	if err != nil {
		t.Fatalf("ssh: %v", err)
	}
	return c, env
}

// TestAnsibleCompatSSH replays the recorded cases over a real sshd (a
// subset with -short).
func TestAnsibleCompatSSH(t *testing.T) {
	conn, _ := sshConn(t, nil)
	short := map[string]bool{"copy_content": true, "lineinfile": true, "fetch_slurp": true}
	for _, c := range loadCases(t) {
		if testing.Short() && !short[c.Name] {
			continue
		}
		if c.Name == "script" {
			// Over ssh the script runs on a terminal, as Ansible's does
			// (stderr merged into stdout, CRLF): the local recordings do not
			// apply. testdata/compat-ssh/28-script compares it with
			// ansible-playbook over ssh instead.
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			runCase(t, c, conn, sameLengthDir(t), func(dir string) {
				cmd := exec.Command("/bin/sh", "-c", c.Setup)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "T="+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("setup: %v: %s", err, out)
				}
			})
		})
	}
}

// TestCopyTreeSSH sends a long script and many files over ssh.
func TestCopyTreeSSH(t *testing.T) {
	conn, _ := sshConn(t, nil)
	copyTree(t, conn)
}

// TestBecome runs modules through sudo to an unprivileged user: files are
// created by and owned by the become user, as with Ansible's become.
func TestBecome(t *testing.T) {
	conn, env := sshConn(t, &ssh.Become{Method: "sudo", User: sshtest.TestUser})
	if env.User != sshtest.TestUser {
		t.Skip("no dedicated test user")
	}
	u, err := user.Lookup(sshtest.TestUser)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chown(dir, uid, gid)
	ctx := context.Background()
	do := func(name string, args map[string]any) *modules.Result {
		t.Helper()
		m, _, err := modules.New(name, args)
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Run(ctx, &modules.Request{Args: args, Host: "h", Vars: map[string]any{}, Conn: conn,
			Warn: func(string) {}, Log: func(string, ...any) {}, Find: testFind, Tmp: dir})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Failed {
			t.Fatalf("%s %v failed: %s %v", name, args, r.Msg, r.Data)
		}
		return r
	}
	owned := func(p string) {
		t.Helper()
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != uid {
			t.Errorf("%s owned by %d, want %d (the become user)", p, st.Uid, uid)
		}
	}
	f := filepath.Join(dir, "c")
	r := do("copy", map[string]any{"content": "x\n", "dest": f, "mode": "0640"})
	if !r.Changed || r.Data["owner"] != sshtest.TestUser || r.Data["mode"] != "0640" {
		t.Errorf("copy: %+v", r)
	}
	owned(f)
	if r := do("copy", map[string]any{"content": "x\n", "dest": f, "mode": "0640"}); r.Changed {
		t.Errorf("copy again changed: %+v", r)
	}
	r = do("lineinfile", map[string]any{"path": f, "line": "y"})
	if b, _ := os.ReadFile(f); string(b) != "x\ny\n" || !r.Changed {
		t.Errorf("lineinfile: %q %+v", b, r)
	}
	owned(f)
	d := filepath.Join(dir, "a", "b")
	do("file", map[string]any{"path": d, "state": "directory"})
	owned(d)
	r = do("stat", map[string]any{"path": f})
	if st := r.Data["stat"].(map[string]any); st["pw_name"] != sshtest.TestUser || st["checksum"] != "a08bad768ec43befe49b97938f4318c450d1f7c4" {
		t.Errorf("stat: %v", st)
	}
	// A tree big enough that its script travels on stdin, through sudo.
	tree := t.TempDir()
	for i := 0; i < 300; i++ {
		os.WriteFile(filepath.Join(tree, "f"+strconv.Itoa(i)), []byte(strconv.Itoa(i)), 0o644)
	}
	if r := do("copy", map[string]any{"src": tree + "/", "dest": filepath.Join(dir, "tree")}); !r.Changed {
		t.Errorf("tree copy: %+v", r)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "tree", "f299")); err != nil || string(b) != "299" {
		t.Errorf("tree copy: %q %v", b, err)
	}
	owned(filepath.Join(dir, "tree", "f7"))
	// Without the become user's rights the write fails cleanly.
	r2, _, _ := modules.New("copy", map[string]any{"content": "x", "dest": "/root/goplay-denied"})
	res, err := r2.Run(ctx, &modules.Request{Args: map[string]any{}, Conn: conn, Host: "h", Vars: map[string]any{}, Warn: func(string) {}, Log: func(string, ...any) {}})
	if err != nil || !res.Failed {
		t.Errorf("copy into /root as %s: %+v %v", sshtest.TestUser, res, err)
	}
}

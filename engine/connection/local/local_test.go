package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExec(t *testing.T) {
	c := New()
	out, errb, rc, err := c.Exec(context.Background(), "echo out; echo err >&2; exit 3", nil)
	if err != nil || string(out) != "out\n" || string(errb) != "err\n" || rc != 3 {
		t.Fatalf("got %q %q %d %v", out, errb, rc, err)
	}
	out, _, rc, err = c.Exec(context.Background(), "cat", strings.NewReader("in"))
	if err != nil || string(out) != "in" || rc != 0 {
		t.Fatalf("stdin: %q %d %v", out, rc, err)
	}
	_, _, rc, err = c.Exec(context.Background(), "kill -TERM $$", nil)
	if err != nil || rc != -15 {
		t.Fatalf("signal rc = %d, %v", rc, err)
	}
}

func TestExecCancelKillsGroup(t *testing.T) {
	c := &Conn{Grace: 200 * time.Millisecond}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	// A background child keeps the pipes open; cancelling must not hang.
	_, _, _, err := c.Exec(ctx, "sleep 30 & echo $! > "+dir+"/pid; sleep 30", nil)
	if err != context.DeadlineExceeded {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "pid"))
	pid := strings.TrimSpace(string(b))
	time.Sleep(100 * time.Millisecond)
	if _, err := os.Stat("/proc/" + pid); err == nil {
		st, _ := os.ReadFile("/proc/" + pid + "/stat")
		if !strings.Contains(string(st), ") Z ") {
			t.Errorf("background child %s survived", pid)
		}
	}
}

func TestExecWaitsForBackgroundOutput(t *testing.T) {
	out, _, rc, err := New().Exec(context.Background(), "(sleep 0.2; echo late) & echo early", nil)
	if err != nil || rc != 0 || string(out) != "early\nlate\n" {
		t.Fatalf("got %q %d %v", out, rc, err)
	}
}

func TestExecArgvDir(t *testing.T) {
	out, _, rc, err := New().ExecArgv(context.Background(), []string{"pwd"}, "/usr", nil)
	if err != nil || rc != 0 || string(out) != "/usr\n" {
		t.Fatalf("got %q %d %v", out, rc, err)
	}
	if _, _, _, err := New().ExecArgv(context.Background(), []string{"/no/such/bin"}, "", nil); err == nil {
		t.Fatal("want an error for a missing program")
	}
}

func TestPutFetch(t *testing.T) {
	c := New()
	p := filepath.Join(t.TempDir(), "f")
	ctx := context.Background()
	if err := c.Put(ctx, strings.NewReader("one"), p, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := c.Put(ctx, strings.NewReader("two"), p, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := c.Fetch(ctx, p)
	if err != nil || string(b) != "two" {
		t.Fatalf("fetch %q %v", b, err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	ents, _ := os.ReadDir(filepath.Dir(p))
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if _, err := c.Fetch(ctx, p+".missing"); err == nil {
		t.Error("fetch of a missing file succeeded")
	}
}

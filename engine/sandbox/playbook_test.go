package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/app"
	gossh "github.com/goplay/goplay/engine/connection/ssh"
	"github.com/goplay/goplay/engine/connection/sshtest"
	"github.com/goplay/goplay/engine/runner"
	"github.com/goplay/goplay/engine/sandbox"
	"github.com/goplay/goplay/modules"
	_ "github.com/goplay/goplay/modules/all"
)

// sandboxConnector is engine/app's SSH connector with the sandbox's
// ssh_config, what `goplay --sandbox` wires.
type sandboxConnector struct {
	pool *gossh.Pool
	cfg  string
}

type unreachable struct{ msg string }

func (u *unreachable) Error() string       { return "Failed to connect to the host via ssh: " + u.msg }
func (u *unreachable) Unreachable() string { return u.msg }

func (c *sandboxConnector) Connect(ctx context.Context, kind string, spec *runner.ConnSpec) (modules.Conn, error) {
	conn, err := c.pool.Get(ctx, gossh.Config{
		Host: spec.Address, Port: spec.Port, User: spec.User, PrivateKeyFiles: spec.PrivateKeyFiles,
		Timeout: time.Duration(spec.Timeout) * time.Second, HostKeyChecking: spec.HostKeyChecking,
		CommonArgs: spec.CommonArgs, SSHConfigFile: c.cfg, Agent: "none",
	})
	if err != nil {
		var ue *gossh.UnreachableError
		if errors.As(err, &ue) {
			return nil, &unreachable{msg: ue.Msg}
		}
		return nil, &unreachable{msg: err.Error()}
	}
	return conn, nil
}

// runPlaybook runs a playbook under a sandbox, as `goplay --sandbox` does.
func runPlaybook(t *testing.T, playbook string, cfg sandbox.Config) (int, string, *sandbox.Report) {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	sb, err := sandbox.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	pool := gossh.NewPool()
	defer pool.Close()
	app.NewConnector = func(*runner.Options) runner.Connector {
		return &sandboxConnector{pool: pool, cfg: sb.SSHConfigFile()}
	}
	defer func() { app.NewConnector = nil }()
	var out bytes.Buffer
	sb.StartLoad()
	rc := app.Main([]string{playbook}, strings.NewReader(""), &out, &out)
	r, err := sb.Stop()
	if err != nil {
		t.Fatal(err)
	}
	r.Format(&out, 2)
	return rc, out.String(), r
}

// The examples under the sandbox, end to end with the embedded SSH
// endpoints. Slow (a minute): set GOPLAY_SANDBOX_PLAYBOOKS=1.
func TestPlaybooks(t *testing.T) {
	if os.Getenv("GOPLAY_SANDBOX_PLAYBOOKS") == "" {
		t.Skip("set GOPLAY_SANDBOX_PLAYBOOKS=1 to run the examples under the sandbox")
	}
	examples, _ := filepath.Abs("../../examples")
	for _, tc := range []struct {
		file       string
		sshd       bool
		faults     string
		wantFailed bool
		version    string
	}{
		{"app-deploy.yaml", false, "", false, "v1"},
		{"app-deploy-real.yaml", false, "", false, "v2"},
		{"app-deploy-no-drain.yaml", false, "", true, "v2"},
		{"app-deploy-real.yaml", true, "", false, "v2"},
		{"app-deploy.yaml", false, "5xx=10%,413=10%,slow=10%,slow-delay=500ms", false, "v1"},
	} {
		name := tc.file
		if tc.sshd {
			name += "/sshd"
		}
		if tc.faults != "" {
			name += "/faults"
		}
		t.Run(name, func(t *testing.T) {
			f, err := sandbox.ParseFaults(tc.faults)
			if err != nil {
				t.Fatal(err)
			}
			cfg := sandbox.Config{Faults: f}
			if tc.sshd {
				if os.Geteuid() != 0 {
					t.Skip("needs root")
				}
				cfg.Dir = t.TempDir()
				addrs := []string{"127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24"}
				env := sshtest.Start(t, sshtest.Options{Servers: 4, Addrs: addrs, ExtraConfig: sandbox.SSHDConfig(cfg.Dir, addrs)})
				for _, s := range env.Servers {
					cfg.SSH = append(cfg.SSH, sandbox.SSHEndpoint{Host: s.Addr, Port: s.Port, HostKey: s.HostKey, KeyFile: env.KeyFile})
				}
			}
			rc, out, r := runPlaybook(t, filepath.Join(examples, tc.file), cfg)
			t.Logf("rc=%d\n%s", rc, out)
			if rc != 0 {
				t.Errorf("rc = %d", rc)
			}
			if got := r.Failed() > 0; got != tc.wantFailed {
				t.Errorf("failed requests: %d", r.Failed())
			}
			for _, n := range r.Final {
				if n.Version != tc.version || n.Condition != "ENABLED" {
					t.Errorf("node %+v", n)
				}
			}
			if r.MaxOutOfRotation > 2 {
				t.Errorf("%d nodes out of rotation at once", r.MaxOutOfRotation)
			}
		})
	}
}

// TestExternalSSHD stands real OpenSSH servers in for the embedded
// endpoints, as the CI end-to-end tests do: SSHDConfig makes each one run
// commands in its node's directory.
func TestExternalSSHD(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the nodes are reached as root: needs root")
	}
	dir := t.TempDir()
	addrs := []string{"127.0.0.21", "127.0.0.22"}
	env := sshtest.Start(t, sshtest.Options{Servers: 2, Addrs: addrs, ExtraConfig: sandbox.SSHDConfig(dir, addrs)})
	var eps []sandbox.SSHEndpoint
	for _, s := range env.Servers {
		eps = append(eps, sandbox.SSHEndpoint{Host: s.Addr, Port: s.Port, HostKey: s.HostKey, KeyFile: env.KeyFile})
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Config{Nodes: 2, Rate: -1, Dir: dir, SSH: eps})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()
	pool := gossh.NewPool()
	defer pool.Close()
	for _, n := range sb.Nodes() {
		c, err := pool.Get(context.Background(), gossh.Config{Host: n.Address, User: "root", HostKeyChecking: true,
			SSHConfigFile: sb.SSHConfigFile(), Agent: "none", HomeDir: t.TempDir()})
		if err != nil {
			t.Fatalf("node %d: %v", n.Index, err)
		}
		out, errOut, rc, err := c.Exec(context.Background(), `pwd; echo "$HOME"; cat current/VERSION`, nil)
		if err != nil || rc != 0 {
			t.Fatalf("node %d: rc=%d %v %s", n.Index, rc, err, errOut)
		}
		if want := n.Dir + "\n" + n.Dir + "\nv1\n"; string(out) != want {
			t.Errorf("node %d: %q, want %q", n.Index, out, want)
		}
		if err := c.Put(context.Background(), strings.NewReader("x"), "tmp/put.txt", 0o644); err != nil {
			t.Errorf("put: %v", err)
		}
	}
}

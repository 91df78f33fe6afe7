package rax

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goplay/goplay/modules/rax/simulator"
)

// moduleRoot finds the directory of go.mod above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// buildGoplay builds the goplay binary into a temporary directory.
func buildGoplay(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build goplay with")
	}
	out := filepath.Join(t.TempDir(), "goplay")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, ".")
	cmd.Dir = moduleRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build goplay: %v\n%s", err, b)
	}
	return out
}

// TestBinaryNoSecretsAtVVVV runs the goplay binary at -vvvv on a playbook
// that uses rax_clb and rax_clb_nodes against the simulator, authenticating
// with a credentials file, API key parameters, a password (keystone), the
// RAX_USERNAME/RAX_API_KEY environment and wrong keys, with tokens expiring
// in the middle, and checks that no API key, password or token appears in
// stdout or stderr.
func TestBinaryNoSecretsAtVVVV(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the goplay binary")
	}
	const (
		fileKey  = "filekey-5f0e8a1d2c3b4a59"
		paramKey = "paramkey-7d6c5b4a39281706"
		envKey   = "envkey-0a1b2c3d4e5f6071"
		password = "pw-9z8y7x6w5v4u3t2s"
		wrongKey = "wrongkey-1234567890abcd"
	)
	sim, err := simulator.Start(simulator.Config{
		Accounts: []simulator.Account{
			{Username: "fileuser", APIKey: fileKey},
			{Username: "paramuser", APIKey: paramKey},
			{Username: "envuser", APIKey: envKey},
			{Username: "pwuser", Password: password},
		},
		AcceptAny:     true, // for the sandbox run; the accounts above still need their keys
		DefaultRegion: "ORD", PendingUpdate: 100 * time.Millisecond, BuildTime: 100 * time.Millisecond,
		TokenTTL: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	lb, err := sim.AddLoadBalancer(simulator.LoadBalancerSpec{Name: "app-lb1", Port: 80, Protocol: "HTTP",
		Algorithm: "LEAST_CONNECTIONS", Nodes: []simulator.NodeSpec{{Address: "127.0.0.11", Port: 80}, {Address: "127.0.0.12", Port: 80}}})
	if err != nil {
		t.Fatal(err)
	}
	bin := buildGoplay(t)

	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[rackspace_cloud]\nusername = fileuser\napi_key = "+fileKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ep := sim.IdentityURL()
	playbook := `- name: Loadbalancer Data Gathering
  hosts: localhost
  gather_facts: no
  connection: local
  tasks:
    - name: discover load balancer details
      rax_clb: name=app-lb1 port=80 protocol=HTTP type=PUBLIC
               state=present wait=true
               credentials=` + creds + ` auth_endpoint=` + ep + `
      register: lb
    - debug: var=lb
    - debug: msg="{{ item }}"
      with_items: "{{ lb.balancer.nodes }}"
    - name: drain with an API key parameter
      rax_clb_nodes: load_balancer_id={{ lb.balancer.id }} node_id={{ lb.balancer.nodes[0].id }}
                     condition=draining wait=true username=paramuser api_key=` + paramKey + ` auth_endpoint=` + ep + `
      register: drained
    - debug: var=drained
    - name: let the tokens expire
      command: sleep 2.5
    - name: enable with a password
      rax_clb_nodes:
        load_balancer_id: "{{ lb.balancer.id }}"
        node_id: "{{ lb.balancer.nodes[0].id }}"
        condition: enabled
        wait: true
        username: pwuser
        password: ` + password + `
        identity_type: keystone
        auth_endpoint: ` + ep + `
    - name: wrong key
      rax_clb_nodes: load_balancer_id={{ lb.balancer.id }} node_id=1 condition=enabled username=paramuser api_key=` + wrongKey + ` auth_endpoint=` + ep + `
      ignore_errors: yes
    - name: unknown node
      rax_clb_nodes: load_balancer_id={{ lb.balancer.id }} node_id=1 condition=enabled username=paramuser api_key=` + paramKey + ` auth_endpoint=` + ep + `
      ignore_errors: yes
`
	pb := filepath.Join(dir, "playbook.yml")
	if err := os.WriteFile(pb, []byte(playbook), 0o600); err != nil {
		t.Fatal(err)
	}
	// The module process's environment (goplay's rax modules run in
	// goplay itself): RAX_USERNAME / RAX_API_KEY in a second run.
	envPB := filepath.Join(dir, "env.yml")
	if err := os.WriteFile(envPB, []byte(`- hosts: localhost
  gather_facts: no
  tasks:
    - name: from the environment
      rax_clb_nodes: load_balancer_id=`+itoa(lb.ID)+` node_id=`+itoa(lb.Nodes[1].ID)+` condition=disabled wait=true credentials=/path/to/credentials
`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(pb string, extraEnv ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "-vvvv", "-i", "localhost,", pb)
		cmd.Dir = dir
		cmd.Env = append([]string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "ANSIBLE_NOCOLOR=1"}, extraEnv...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		all := stdout.String() + "\n" + stderr.String()
		if runErr != nil {
			t.Fatalf("goplay %s: %v\n%s", filepath.Base(pb), runErr, all)
		}
		return all
	}
	// The article's tasks under GOPLAY_RAX_SANDBOX, with its missing
	// credentials file.
	sandboxPB := filepath.Join(dir, "sandbox.yml")
	if err := os.WriteFile(sandboxPB, []byte(`- hosts: localhost
  gather_facts: no
  connection: local
  tasks:
    - name: discover load balancer details
      rax_clb: name=app-lb1 port=80 protocol=HTTP type=PUBLIC
               state=present wait=true
               credentials=/path/to/credentials
      register: lb
    - name: drain the node
      rax_clb_nodes: load_balancer_id={{ lb.balancer.id }}
                     node_id={{ lb.balancer.nodes[0].id }}
                     condition=draining wait=true
                     credentials=/path/to/credentials
`), 0o600); err != nil {
		t.Fatal(err)
	}
	all := run(pb)
	all += run(envPB, "RAX_USERNAME=envuser", "RAX_API_KEY="+envKey, "GOPLAY_RAX_AUTH_ENDPOINT="+ep, "RAX_REGION=DFW")
	sandboxOut := run(sandboxPB, "GOPLAY_RAX_SANDBOX="+ep)
	if !strings.Contains(sandboxOut, "ok=2 ") || strings.Contains(sandboxOut, "does not exist") {
		t.Errorf("sandbox run:\n%s", sandboxOut)
	}
	all += sandboxOut

	secrets := append([]string{fileKey, paramKey, envKey, password, wrongKey}, sim.IssuedTokens()...)
	if len(sim.IssuedTokens()) < 4 {
		t.Fatalf("only %d tokens issued", len(sim.IssuedTokens()))
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("secret %q appears in the output", s)
		}
	}
	// The run did what it says (so the absence of secrets means something).
	for _, want := range []string{
		"No region was given",
		`"HUMAN_ID": false`,
		"'address': '127.0.0.11', 'port': 80, 'condition': 'ENABLED', 'type': 'PRIMARY'",
		`"condition": "DRAINING"`,
		"Incorrect/unauthorized credentials received",
		"Node 1 not found (available nodes: ",
		"ok=9 ", "ignored=2",
		"rax: authenticating to " + ep + " as envuser",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	final, _ := sim.LoadBalancer(lb.ID)
	if final.Nodes[0].Condition != "DRAINING" || final.Nodes[1].Condition != "DISABLED" {
		t.Errorf("final nodes %+v", final.Nodes)
	}
	if t.Failed() {
		t.Logf("output:\n%s", all)
	}
}

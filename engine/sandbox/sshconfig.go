package sandbox

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// SSHEndpoint is an SSH server that stands for one node instead of the
// embedded endpoint, e.g. a real OpenSSH sshd started by
// engine/connection/sshtest.
type SSHEndpoint struct {
	// Host and Port are where the server listens.
	Host string
	Port int
	// HostKey is the server's public host key, written to the sandbox's
	// known_hosts.
	HostKey ssh.PublicKey
	// KeyFile is the client private key the server accepts (for root);
	// "" means the sandbox's own generated key.
	KeyFile string
}

// SSHDConfig returns sshd_config lines that make real OpenSSH servers act
// like the embedded endpoints: a command sent to the server listening on
// sshdHosts[i] runs with /bin/sh in node i+1's directory under dir (the
// Config.Dir the sandbox will be started with), with HOME set to it.
// Append them to each server's sshd_config (sshtest.Options.ExtraConfig);
// they are Match blocks, so they must come last.
func SSHDConfig(dir string, sshdHosts []string) string {
	var b strings.Builder
	for i, h := range sshdHosts {
		nd := NodeDir(dir, i+1)
		fmt.Fprintf(&b, "Match LocalAddress %s\n", h)
		fmt.Fprintf(&b, "    ForceCommand cd %s && HOME=%s exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n", shQuote(nd), shQuote(nd))
	}
	return b.String()
}

// NodeDir is the directory of node i (1-based) of a sandbox in dir.
func NodeDir(dir string, i int) string {
	return filepath.Join(dir, "node"+strconv.Itoa(i))
}

func shQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sshTarget is where one node's SSH traffic goes.
type sshTarget struct {
	alias   string // the node address the playbook names
	host    string
	port    int
	key     ssh.PublicKey
	keyFile string
}

// sshConfigText renders the ssh_config: one Host block per node address.
func sshConfigText(targets []sshTarget, knownHosts string) string {
	var b strings.Builder
	b.WriteString("# goplay --sandbox: the SSH endpoints of the sandbox's nodes.\n")
	b.WriteString("# Used instead of ~/.ssh/config (as ssh -F); nothing else is read.\n")
	for _, t := range targets {
		fmt.Fprintf(&b, "\nHost %s\n", t.alias)
		fmt.Fprintf(&b, "    HostName %s\n", t.host)
		fmt.Fprintf(&b, "    Port %d\n", t.port)
		fmt.Fprintf(&b, "    User root\n")
		fmt.Fprintf(&b, "    IdentityFile %s\n", quoteConfig(t.keyFile))
		fmt.Fprintf(&b, "    IdentitiesOnly yes\n")
		fmt.Fprintf(&b, "    UserKnownHostsFile %s\n", quoteConfig(knownHosts))
		fmt.Fprintf(&b, "    GlobalKnownHostsFile /dev/null\n")
		fmt.Fprintf(&b, "    StrictHostKeyChecking yes\n")
	}
	return b.String()
}

func quoteConfig(s string) string {
	if strings.ContainsAny(s, " \t\"") {
		return `"` + s + `"`
	}
	return s
}

// knownHostsText renders "[host]:port key" lines (plain "host key" for
// port 22).
func knownHostsText(targets []sshTarget) string {
	var b strings.Builder
	for _, t := range targets {
		name := t.host
		if t.port != 22 {
			name = "[" + t.host + "]:" + strconv.Itoa(t.port)
		}
		b.WriteString(name + " " + string(ssh.MarshalAuthorizedKey(t.key)))
	}
	return b.String()
}

func splitHostPort(addr string) (string, int) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

package ssh

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout is Ansible's default connection timeout (the `timeout`
// setting, passed to ssh as ConnectTimeout).
const DefaultTimeout = 10 * time.Second

// DefaultMaxSessions is sshd's default MaxSessions: how many commands run
// at the same time over one connection. More wait for a free slot.
const DefaultMaxSessions = 10

// Config describes how to reach one host, with Ansible's connection
// variables already resolved (ansible_host, ansible_port, ansible_user,
// ansible_ssh_private_key_file, ansible_password, timeout,
// host_key_checking, ansible_ssh_common_args, become_*).
//
// Values left zero are filled in as OpenSSH does: first from CommonArgs,
// then from the ssh_config files, then from OpenSSH's defaults.
type Config struct {
	// Host is the address or name Ansible passes to ssh (ansible_host,
	// else the inventory name). ssh_config Host blocks match it.
	Host string
	// Port; 0 means ssh_config's Port, else 22.
	Port int
	// User; "" means ssh_config's User, else the local user name.
	User string
	// PrivateKeyFiles are tried first (ansible_ssh_private_key_file). When
	// neither they nor ssh_config name a key, ~/.ssh/id_rsa, id_ecdsa and
	// id_ed25519 are tried instead, as OpenSSH does.
	PrivateKeyFiles []string
	// Password enables password and keyboard-interactive authentication
	// (ansible_password / ansible_ssh_pass).
	Password string
	// Timeout bounds the TCP connect and the banner exchange (ssh's
	// ConnectTimeout); 0 means DefaultTimeout. It is also the base of the
	// become prompt timeout (Timeout+2s, as Ansible).
	Timeout time.Duration
	// HostKeyChecking verifies the server's key against known_hosts and
	// refuses unknown or changed keys. False accepts any key and records
	// nothing.
	HostKeyChecking bool
	// KnownHostsFiles replaces the user known_hosts files (ssh_config's
	// UserKnownHostsFile, default ~/.ssh/known_hosts ~/.ssh/known_hosts2).
	// The global files (/etc/ssh/ssh_known_hosts …) are read as well.
	KnownHostsFiles []string
	// SSHConfigFile is the ssh_config to read, as ssh -F: "" means
	// ~/.ssh/config followed by /etc/ssh/ssh_config; a path reads only that
	// file; "none" reads none.
	SSHConfigFile string
	// CommonArgs is ansible_ssh_common_args (plus ssh_extra_args if the
	// caller wants): -o Key=Value, -J, -p, -l, -i and -F are understood;
	// other arguments are ignored.
	CommonArgs string
	// Agent is the ssh-agent socket: "" means $SSH_AUTH_SOCK, "none"
	// disables the agent.
	Agent string
	// HomeDir replaces the home directory used for ~ (default: the passwd
	// entry's home, as OpenSSH; $HOME only when there is none).
	HomeDir string
	// MaxSessions caps the commands running at once over the connection
	// (0: DefaultMaxSessions). Only the first Config that opens a
	// connection sets it.
	MaxSessions int
	// Become wraps every command (Exec, Put, Fetch) for privilege
	// escalation; nil runs as the login user.
	Become *Become
}

// Become is Ansible's become: become_method, become_user, become_flags,
// become_exe and become_password.
type Become struct {
	// Method is "sudo" (default) or "su".
	Method string
	// User is become_user; "" means root.
	User string
	// Flags are become_flags; "" means the method's default ("-H -S -n"
	// for sudo, none for su).
	Flags string
	// Exe is become_exe; "" means the method name.
	Exe string
	// Password answers the password prompt.
	Password string
	// RemoteTmp is remote_tmp ("": ~/.ansible/tmp), where a command run as
	// an unprivileged become user moves when it cannot read the login
	// directory (see moduleCwd).
	RemoteTmp string
}

// resolved is a Config with every setting decided.
type resolved struct {
	cfg        Config
	alias      string // host as given, lower-cased
	hostname   string // after HostName
	port       int
	user       string
	localUser  string
	home       string
	identities []identity
	strict     string // "yes", "no" or "accept-new"
	strictAsk  bool   // strict "yes" from StrictHostKeyChecking=ask (the default): ssh would prompt on a terminal
	userKnown  []string
	globalKnwn []string
	proxyJump  string
	proxyCmd   string
	agentSock  string
	timeout    time.Duration
	maxSess    int
	configFile string // the -F file, for jump hosts
}

type identity struct {
	path         string
	userProvided bool // named by the user: missing files are reported
}

// key identifies the pooled connection.
func (r *resolved) key() string {
	k := fmt.Sprintf("%s@%s:%d", r.user, r.hostname, r.port)
	if r.proxyJump != "" {
		k += " via " + r.proxyJump
	}
	if r.proxyCmd != "" {
		k += " via command " + r.proxyCmd
	}
	return k
}

// cmdline holds the options found in CommonArgs.
type cmdline struct {
	opts       map[string]string // lower-case key -> first value
	identities []string
	configFile string
}

func parseCommonArgs(s string) (*cmdline, error) {
	c := &cmdline{opts: map[string]string{}}
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	args, err := splitArgs(s)
	if err != nil {
		return nil, fmt.Errorf("ansible_ssh_common_args: %v", err)
	}
	set := func(k, v string) {
		k = strings.ToLower(k)
		if k == "identityfile" {
			c.identities = append(c.identities, v)
			return
		}
		if _, ok := c.opts[k]; !ok {
			c.opts[k] = v
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		flag, val := a[:2], a[2:]
		switch flag {
		case "-o", "-J", "-p", "-l", "-i", "-F":
			if val == "" {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("ansible_ssh_common_args: %s needs an argument", flag)
				}
				i++
				val = args[i]
			}
		default:
			continue
		}
		switch flag {
		case "-o":
			k, v, err := splitOption(val)
			if err != nil {
				return nil, err
			}
			set(k, v)
		case "-J":
			set("proxyjump", val)
		case "-p":
			set("port", val)
		case "-l":
			set("user", val)
		case "-i":
			set("identityfile", val)
		case "-F":
			if c.configFile == "" {
				c.configFile = val
			}
		}
	}
	return c, nil
}

// splitOption splits "Key=Value" or "Key Value".
func splitOption(s string) (string, string, error) {
	key, args, err := splitConfigLine(s)
	if err != nil || key == "" || len(args) == 0 {
		return "", "", fmt.Errorf("ansible_ssh_common_args: bad -o option %q", s)
	}
	return key, strings.Join(args, " "), nil
}

// resolve decides every setting for cfg.
func resolve(cfg Config) (*resolved, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("ssh: no host")
	}
	r := &resolved{cfg: cfg}
	r.home = cfg.HomeDir
	u, uerr := user.Current()
	if uerr == nil {
		r.localUser = u.Username
	}
	if r.home == "" {
		// OpenSSH expands ~ with the passwd entry's home, not $HOME
		if uerr == nil && u.HomeDir != "" {
			r.home = u.HomeDir
		} else {
			r.home, _ = os.UserHomeDir()
		}
	}
	cl, err := parseCommonArgs(cfg.CommonArgs)
	if err != nil {
		return nil, err
	}

	// ssh_config files: -F (from CommonArgs) beats Config.SSHConfigFile;
	// an explicit file disables the system one, as ssh -F does.
	var configs []*sshConfig
	file := cl.configFile
	if file == "" {
		file = cfg.SSHConfigFile
	}
	switch file {
	case "none":
	case "":
		uc, err := parseSSHConfig(filepath.Join(r.home, ".ssh", "config"), filepath.Join(r.home, ".ssh"), r.home)
		if err != nil {
			return nil, err
		}
		sc, err := parseSSHConfig("/etc/ssh/ssh_config", "/etc/ssh", r.home)
		if err != nil {
			return nil, err
		}
		configs = append(configs, uc, sc)
	default:
		file = expandTilde(file, r.home)
		c, err := parseSSHConfig(file, filepath.Join(r.home, ".ssh"), r.home)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("Can't open user config file %s: %v", file, err)
		}
		configs = append(configs, c)
		r.configFile = file
	}
	r.alias = strings.ToLower(cfg.Host)
	ho := lookupHost(r.alias, configs...)
	opt := func(key string) (string, bool) {
		if v, ok := cl.opts[key]; ok {
			return v, true
		}
		return ho.get(key)
	}

	r.hostname = r.alias
	if v, ok := opt("hostname"); ok && v != "" {
		r.hostname = strings.ReplaceAll(strings.ReplaceAll(v, "%h", r.alias), "%%", "%")
	}
	r.port = cfg.Port
	if r.port == 0 {
		r.port = 22
		if v, ok := opt("port"); ok {
			p, err := strconv.Atoi(v)
			if err != nil || p <= 0 || p > 65535 {
				return nil, fmt.Errorf("Bad port '%s'", v)
			}
			r.port = p
		}
	}
	r.user = cfg.User
	if r.user == "" {
		r.user = r.localUser
		if v, ok := opt("user"); ok && v != "" {
			r.user = v
		}
	}

	for _, f := range cfg.PrivateKeyFiles {
		r.identities = append(r.identities, identity{expandTokens(f, r), true})
	}
	for _, f := range append(cl.identities, ho.identityFiles...) {
		if strings.EqualFold(f, "none") {
			continue
		}
		r.identities = append(r.identities, identity{expandTokens(f, r), true})
	}
	if len(r.identities) == 0 && len(cl.identities)+len(ho.identityFiles) == 0 {
		for _, n := range []string{"id_rsa", "id_ecdsa", "id_ed25519"} {
			r.identities = append(r.identities, identity{filepath.Join(r.home, ".ssh", n), false})
		}
	}

	r.strict = "yes"
	if !cfg.HostKeyChecking {
		r.strict = "no"
	} else if v, ok := opt("stricthostkeychecking"); ok {
		switch strings.ToLower(v) {
		case "no", "off", "false":
			r.strict = "no"
		case "accept-new":
			r.strict = "accept-new"
		case "ask":
			r.strictAsk = true
		}
	} else {
		r.strictAsk = true
	}
	multi := func(key string) ([]string, bool) {
		if v, ok := cl.opts[key]; ok {
			return strings.Fields(v), true
		}
		v, ok := ho.values[key]
		return append([]string(nil), v...), ok
	}
	if len(cfg.KnownHostsFiles) > 0 {
		r.userKnown = append([]string(nil), cfg.KnownHostsFiles...)
	} else if v, ok := multi("userknownhostsfile"); ok {
		r.userKnown = v
	} else {
		r.userKnown = []string{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"}
	}
	if v, ok := multi("globalknownhostsfile"); ok {
		r.globalKnwn = v
	} else {
		r.globalKnwn = []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}
	}
	for i, f := range r.userKnown {
		if strings.EqualFold(f, "none") {
			r.userKnown = nil
			break
		}
		r.userKnown[i] = expandTokens(f, r)
	}
	for i, f := range r.globalKnwn {
		if strings.EqualFold(f, "none") {
			r.globalKnwn = nil
			break
		}
		r.globalKnwn[i] = expandTokens(f, r)
	}

	// ProxyJump and ProxyCommand exclude each other; the command line
	// beats ssh_config, and ProxyJump wins a tie.
	pj, pjOK := cl.opts["proxyjump"]
	pc, pcOK := cl.opts["proxycommand"]
	if !pjOK && !pcOK {
		pj, pjOK = ho.get("proxyjump")
		if v, ok := ho.values["proxycommand"]; ok {
			pc, pcOK = strings.Join(v, " "), true
		}
	}
	switch {
	case pjOK:
		if !strings.EqualFold(pj, "none") {
			r.proxyJump = pj
		}
	case pcOK:
		if !strings.EqualFold(pc, "none") {
			r.proxyCmd = pc
		}
	}

	r.agentSock = cfg.Agent
	if r.agentSock == "" {
		r.agentSock = os.Getenv("SSH_AUTH_SOCK")
		if v, ok := opt("identityagent"); ok && v != "SSH_AUTH_SOCK" {
			r.agentSock = expandTokens(v, r)
		}
	}
	if strings.EqualFold(r.agentSock, "none") {
		r.agentSock = ""
	}
	if v, ok := opt("identitiesonly"); ok && isYes(v) {
		r.agentSock = ""
	}

	r.timeout = cfg.Timeout
	if r.timeout <= 0 {
		r.timeout = DefaultTimeout
	}
	r.maxSess = cfg.MaxSessions
	if r.maxSess <= 0 {
		r.maxSess = DefaultMaxSessions
	}
	return r, nil
}

func isYes(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "true", "on", "1":
		return true
	}
	return false
}

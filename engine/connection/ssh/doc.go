// Package ssh is goplay's ssh connection: it reaches hosts the way
// ansible-playbook's ssh connection plugin (OpenSSH with ControlMaster)
// does, using golang.org/x/crypto/ssh instead of the ssh binary.
//
// A Pool keeps one persistent connection per user@host:port for the whole
// run; Pool.Get returns a *Conn (a modules.Conn) on it, and every Exec, Put
// and Fetch opens one session on that connection. Concurrent Gets for the
// same host share one dial; at most Config.MaxSessions commands run at once
// per connection (sshd's MaxSessions, default 10), more wait.
//
// Settings come from Config (Ansible's resolved connection variables),
// then ansible_ssh_common_args (Config.CommonArgs: -o Key=Value, -J, -p,
// -l, -i, -F), then ~/.ssh/config and /etc/ssh/ssh_config (HostName, Port,
// User, IdentityFile, ProxyJump, ProxyCommand, UserKnownHostsFile,
// GlobalKnownHostsFile, StrictHostKeyChecking, IdentitiesOnly,
// IdentityAgent; Host patterns with * ? ! and Include; Match blocks other
// than "Match all" are ignored), first value winning as in OpenSSH.
// ProxyJump hops are pooled connections themselves; ProxyCommand runs
// under /bin/sh with %h %p %r %n expanded.
//
// Authentication tries the key files (Config.PrivateKeyFiles, then -i and
// IdentityFile), then the ssh-agent keys, then ~/.ssh/id_rsa, id_ecdsa and
// id_ed25519 (only when no key file is named, as OpenSSH), all as one
// publickey method, then password and keyboard-interactive when
// Config.Password is set.
//
// Host keys are checked against the known_hosts files (hashed entries and
// [host]:port entries included) unless Config.HostKeyChecking is false.
//
// Failures to connect are *UnreachableError whose Msg is the text Ansible
// shows after "Failed to connect to the host via ssh: " (OpenSSH's stderr),
// e.g. "ssh: connect to host 127.0.0.11 port 2299: Connection refused",
// "root@127.0.0.11: Permission denied (publickey).",
// "Host key verification failed." or the REMOTE HOST IDENTIFICATION HAS
// CHANGED banner. Failed privilege escalation is *BecomeError ("Missing
// sudo password", "Incorrect sudo password").
//
// Commands run as `/bin/sh -c '<cmd>'`; with Config.Become they are first
// wrapped as Ansible's sudo/su become plugins do
// (`sudo -H -S -n  -u root /bin/sh -c 'echo BECOME-SUCCESS-<id> ; <cmd>'`),
// the password prompt is answered, and the prompt and marker lines are
// removed from the output.
package ssh

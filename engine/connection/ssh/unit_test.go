package ssh

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":          "''",
		"abc/d.e-f": "abc/d.e-f",
		"a b":       "'a b'",
		"it's":      `'it'"'"'s'`,
		"$HOME":     "'$HOME'",
		"été":       "été",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	got, err := splitArgs(`-o ProxyJump=a@b -o 'User="x y"' -J "c d" e\ f`)
	want := []string{"-o", "ProxyJump=a@b", "-o", `User="x y"`, "-J", "c d", "e f"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q %v", got, err)
	}
	if _, err := splitArgs(`-o 'x`); err == nil {
		t.Error("unbalanced quote accepted")
	}
}

func TestWildMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"*", "anything", true}, {"web?", "web1", true}, {"web?", "web12", false},
		{"*.example.com", "a.example.com", true}, {"*.example.com", "example.com", false},
		{"10.0.*.1", "10.0.3.1", true}, {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false},
	} {
		if got := wildMatch(c.p, c.s); got != c.ok {
			t.Errorf("wildMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
	if !matchHostPatterns("web1", []string{"web*", "!web9"}) || matchHostPatterns("web9", []string{"web*", "!web9"}) {
		t.Error("negation")
	}
}

func TestResolveSSHConfig(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".ssh", "conf.d"), 0o700)
	os.WriteFile(filepath.Join(home, ".ssh", "conf.d", "x.conf"), []byte("Host inc\n  HostName included.example\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(`
Include conf.d/*.conf
Host db
  HostName=%h.internal
  Port 2200
  IdentityFile ~/.ssh/db_key
  ProxyJump bastion
Match exec "false"
  User never
Host *
  User "default user"
  Port 2222
  IdentityFile %d/.ssh/id_%r
  UserKnownHostsFile ~/kh1 ~/kh2
`), 0o600)
	r, err := resolve(Config{Host: "DB", SSHConfigFile: filepath.Join(home, ".ssh", "config"), HomeDir: home, HostKeyChecking: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.hostname != "db.internal" || r.port != 2200 || r.user != "default user" || r.proxyJump != "bastion" {
		t.Errorf("got %s:%d user %q jump %q", r.hostname, r.port, r.user, r.proxyJump)
	}
	wantIDs := []identity{{home + "/.ssh/db_key", true}, {home + "/.ssh/id_default user", true}}
	if !reflect.DeepEqual(r.identities, wantIDs) {
		t.Errorf("identities %v", r.identities)
	}
	if !reflect.DeepEqual(r.userKnown, []string{home + "/kh1", home + "/kh2"}) {
		t.Errorf("known hosts %v", r.userKnown)
	}
	if r.strict != "yes" || r.timeout != DefaultTimeout || r.maxSess != DefaultMaxSessions {
		t.Errorf("defaults: %q %v %d", r.strict, r.timeout, r.maxSess)
	}
	// Config fields and ssh_common_args beat the file.
	r, _ = resolve(Config{Host: "db", Port: 22, User: "me", PrivateKeyFiles: []string{"/k"}, SSHConfigFile: filepath.Join(home, ".ssh", "config"), HomeDir: home,
		CommonArgs: `-o ProxyJump=none -oHostName=other -i /k2 -o "StrictHostKeyChecking accept-new"`, HostKeyChecking: true, Timeout: time.Second})
	if r.hostname != "other" || r.port != 22 || r.user != "me" || r.proxyJump != "" || r.strict != "accept-new" || r.identities[0].path != "/k" || r.identities[1].path != "/k2" {
		t.Errorf("overrides: %+v", r)
	}
	r, _ = resolve(Config{Host: "inc", SSHConfigFile: filepath.Join(home, ".ssh", "config"), HomeDir: home})
	if r.hostname != "included.example" || r.strict != "no" {
		t.Errorf("include: %s %s", r.hostname, r.strict)
	}
	// No key named anywhere: OpenSSH's default identities.
	r, _ = resolve(Config{Host: "h", SSHConfigFile: "none", HomeDir: home})
	if len(r.identities) != 3 || r.identities[0].userProvided || !strings.HasSuffix(r.identities[2].path, "id_ed25519") {
		t.Errorf("defaults %v", r.identities)
	}
}

func TestBecomeWrap(t *testing.T) {
	bc := newBecomeCmd(&Become{}, time.Second)
	id := strings.TrimPrefix(bc.success, "BECOME-SUCCESS-")
	if len(id) != 32 {
		t.Fatalf("id %q", id)
	}
	got := bc.wrap("echo hi")
	want := "sudo -H -S -n  -u root /bin/sh -c 'echo BECOME-SUCCESS-" + id + " ; echo hi'"
	if got != want {
		t.Errorf("sudo:\n%s\n%s", got, want)
	}
	bc = newBecomeCmd(&Become{User: "app", Password: "pw", Flags: "-H -S -n -E"}, time.Second)
	id = strings.TrimPrefix(bc.success, "BECOME-SUCCESS-")
	want = `sudo -H -S -E -p "[sudo via ansible, key=` + id + `] password:" -u app /bin/sh -c 'echo BECOME-SUCCESS-` + id + ` ; id'`
	if got := bc.wrap("id"); got != want {
		t.Errorf("sudo with password:\n%s\n%s", got, want)
	}
	bc = newBecomeCmd(&Become{Method: "su", User: "app"}, time.Second)
	id = strings.TrimPrefix(bc.success, "BECOME-SUCCESS-")
	want = `su  app -c '/bin/sh -c '"'"'echo BECOME-SUCCESS-` + id + ` ; id'"'"''`
	if got := bc.wrap("id"); got != want {
		t.Errorf("su:\n%s\n%s", got, want)
	}
	if bc.isPrompt([]byte("Password: ")) {
		t.Error("prompt expected without a password")
	}
	bc.b.Password = "x"
	for _, p := range []string{"Password: ", "root's Password:", "Passwort:", "密码："} {
		if !bc.isPrompt([]byte(p)) {
			t.Errorf("su prompt %q not recognised", p)
		}
	}
}

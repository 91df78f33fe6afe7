package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goplay/goplay/engine/connection/sshtest"
)

// The differential suite over SSH: every case in testdata/compat-ssh runs
// through ansible-playbook and through goplay against the same real sshd
// hosts (engine/connection/sshtest), and stdout, the exit code and the
// state each run left on the hosts must be identical after normalising.
//
// A case directory holds playbook.yml and inventory, and optionally args
// (command-line words), env (VAR=value words), ansible.cfg, files/,
// templates/, requires (words: sudo, root, password, sshpass; the case is
// skipped when the machine cannot provide them), no_known_hosts_state (see
// the state check below) and count_logins (the case runs alone and the
// number of logins each server accepted is part of the state: one
// connection per host, ProxyJump through the right one). Ansible runs
// first, then goplay, each in a fresh copy of the case in which these
// placeholders are replaced:
//
//	@SSH@            ansible_user, ansible_ssh_private_key_file,
//	                 ansible_ssh_common_args (UserKnownHostsFile of the run)
//	                 and ansible_python_interpreter for the login user, one
//	                 a line (for a [group:vars] section)
//	@SSH_NOPY@       the same without ansible_python_interpreter
//	@HOSTn@          ansible_host=127.0.0.2x ansible_port=<port of server n>
//	@ADDRn@ @PORTn@  address and port of server n (n = 0..3)
//	@USER@ @KEY@     the login user and its private key
//	@PASSWORD@       the login user's password
//	@KNOWN_HOSTS@    a known_hosts file with every server's key (per run)
//	@EMPTY_KNOWN_HOSTS@  an empty known_hosts file (per run)
//	@BAD_KNOWN_HOSTS@    known_hosts with another key for every server
//	@CLOSED_PORT@    a port on 127.0.0.21 where nothing listens
//	@SILENT_PORT@    a port on 127.0.0.21 that accepts and never answers
//	@WRONG_KEY@      a private key that no server accepts
//	@REMOTE@         a directory on the hosts for this case, emptied and
//	                 given to the login user before each run (the hosts
//	                 are this machine, so a fetch may target it too)
//	@HTTP@           http://127.0.0.1:<port> of a test web server
//	@CASE@           the run directory (the playbook's directory)
//
// Normalised before comparing: the servers' ports (PORTn, CLOSEDPORT,
// SILENTPORT), the run directory (/CASE), @REMOTE@ (/REMOTE), sshtest's
// directory (/SSHTEST), the web server (http://HTTP), Ansible's remote
// temp names (ansible-tmp-X) and the controller temp files that --diff
// names in "+++ after:" (ANSIBLE-LOCAL-TMP, for goplay's too); as in
// compat_test.go, start/end/delta times and the order of host records
// inside a task, a record carrying its --diff block and "An exception
// occurred" line.
//
// The state check lists @REMOTE@ after each run (path, type, mode, owner,
// size, sha256 of contents, link target; not times), so a module that
// prints the same but does something else fails the case; it also
// compares what each run left in the known_hosts files it was given.
//
// Cases goplay does not yet run identically live in testdata/compat-ssh-
// pending (one line each in its README.md). They run only with
// GOPLAY_COMPAT_PENDING=1:
//
//	GOPLAY_COMPAT_PENDING=1 go test -run 'TestCompatSSH/pending/28-script' .

const sshServers = 4

type sshCompatEnv struct {
	env        *sshtest.Env
	closedPort int
	silentPort int
	remoteRoot string
	httpURL    string
	sudo       bool
	sshpass    bool     // Ansible needs sshpass for ansible_password
	repl       []string // placeholder → value, for expansion
	norm       []string // value → mask, for normalisation
	ports      []portMask
}

type portMask struct {
	re   *regexp.Regexp
	mask string
}

func TestCompatSSH(t *testing.T) {
	ansible := requireAnsible(t)
	if _, err := exec.LookPath("ssh"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the OpenSSH client (ssh) is not installed; .ci/run installs openssh-client with openssh-server")
		}
		t.Skip("the OpenSSH client (ssh) is not installed; ansible-playbook needs it")
	}
	cases, _ := filepath.Glob("testdata/compat-ssh/*")
	var pending []string
	if os.Getenv("GOPLAY_COMPAT_PENDING") != "" {
		pending, _ = filepath.Glob("testdata/compat-ssh-pending/*")
	}
	se := startSSHCompat(t)
	run := func(t *testing.T, list []string) {
		for _, c := range list {
			if fi, err := os.Stat(c); err != nil || !fi.IsDir() {
				continue
			}
			abs, _ := filepath.Abs(c)
			t.Run(filepath.Base(c), func(t *testing.T) {
				// A case that counts logins runs alone (the parallel
				// cases start after the sequential ones).
				if _, err := os.Stat(filepath.Join(abs, "count_logins")); err != nil {
					t.Parallel()
				}
				se.runCase(t, ansible, abs)
			})
		}
	}
	t.Run("cases", func(t *testing.T) { run(t, cases) })
	if len(pending) > 0 {
		t.Run("pending", func(t *testing.T) { run(t, pending) })
	}
}

func startSSHCompat(t *testing.T) *sshCompatEnv {
	// Password authentication is on (key authentication stays on) for the
	// ansible_password cases.
	env := sshtest.Start(t, sshtest.Options{Servers: sshServers, PasswordAuth: true})
	se := &sshCompatEnv{env: env}
	if _, err := os.Stat("/usr/bin/sudo"); err == nil {
		se.sudo = true
	}
	if _, err := exec.LookPath("sshpass"); err == nil {
		se.sshpass = true
	}

	l, err := net.Listen("tcp", env.Servers[0].Addr+":0")
	if err != nil {
		t.Fatal(err)
	}
	se.closedPort = l.Addr().(*net.TCPAddr).Port
	l.Close()

	// A port that accepts connections and never says anything.
	silent, err := net.Listen("tcp", env.Servers[0].Addr+":0")
	if err != nil {
		t.Fatal(err)
	}
	se.silentPort = silent.Addr().(*net.TCPAddr).Port
	var held []net.Conn
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		silent.Close()
		for _, c := range held {
			c.Close()
		}
	})

	root, err := os.MkdirTemp("", "gpssh")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(root, 0o755)
	t.Cleanup(func() { os.RemoveAll(root) })
	se.remoteRoot = root

	srv := httptest.NewServer(http.HandlerFunc(testHTTPHandler))
	t.Cleanup(srv.Close)
	se.httpURL = srv.URL

	// Placeholders, longest first where one is a prefix of another.
	for i := sshServers - 1; i >= 0; i-- {
		s := env.Servers[i]
		se.repl = append(se.repl,
			fmt.Sprintf("@HOST%d@", i), fmt.Sprintf("ansible_host=%s ansible_port=%d", s.Addr, s.Port),
			fmt.Sprintf("@ADDR%d@", i), s.Addr,
			fmt.Sprintf("@PORT%d@", i), strconv.Itoa(s.Port))
	}
	se.repl = append(se.repl,
		"@USER@", env.User, "@KEY@", env.KeyFile, "@PASSWORD@", env.Password,
		"@CLOSED_PORT@", strconv.Itoa(se.closedPort), "@HTTP@", srv.URL,
		"@SILENT_PORT@", strconv.Itoa(se.silentPort), "@WRONG_KEY@", env.WrongKeyFile)

	// Normalisation: the random parts of this run.
	se.norm = append(se.norm, srv.URL, "http://HTTP", env.Dir, "/SSHTEST")
	if real, err := filepath.EvalSymlinks(env.Dir); err == nil && real != env.Dir {
		se.norm = append(se.norm, real, "/SSHTEST")
	}
	for i, s := range env.Servers {
		se.ports = append(se.ports, portMask{regexp.MustCompile(`\b` + strconv.Itoa(s.Port) + `\b`), fmt.Sprintf("PORT%d", i)})
	}
	se.ports = append(se.ports, portMask{regexp.MustCompile(`\b` + strconv.Itoa(se.closedPort) + `\b`), "CLOSEDPORT"})
	se.ports = append(se.ports, portMask{regexp.MustCompile(`\b` + strconv.Itoa(se.silentPort) + `\b`), "SILENTPORT"})
	return se
}

// testHTTPHandler serves the uri and get_url cases.
func testHTTPHandler(w http.ResponseWriter, r *http.Request) {
	// Fixed headers so that both tools see identical responses.
	w.Header().Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
	w.Header().Set("Server", "goplay-test")
	switch r.URL.Path {
	case "/hello.txt":
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		io.WriteString(w, "hello from the test server\n")
	case "/data.json":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name": "goplay", "list": [1, 2, 3], "nested": {"ok": true}}`)
	case "/echo":
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method": %q, "content_type": %q, "body": %q, "x_test": %q}`,
			r.Method, r.Header.Get("Content-Type"), b, r.Header.Get("X-Test"))
	case "/created":
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(201)
		io.WriteString(w, "created\n")
	case "/redirect":
		http.Redirect(w, r, "/hello.txt", http.StatusFound)
	default:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(404)
		io.WriteString(w, "not found\n")
	}
}

var (
	// Ansible's remote temp directories (and files made in them) and its
	// controller-side temp files (shown by --diff as "+++ after: …").
	ansibleTmpRe = regexp.MustCompile(`ansible-tmp-\d+(\.\d+)?-\d+-\d+(/tmp[a-z0-9_]+)?`)
	// goplay's own controller temp files are masked the same way: their
	// names are random in both tools.
	ansibleLocalRe = regexp.MustCompile(`/[^\s"]*/ansible-local-[a-z0-9_]+/tmp[a-z0-9_]+|/tmp/goplay-\d+/[a-z]+-[0-9a-f]+`)
)

func (se *sshCompatEnv) runCase(t *testing.T, ansible, src string) {
	name := filepath.Base(src)
	for _, req := range strings.Fields(readTrim(filepath.Join(src, "requires"))) {
		switch req {
		case "sudo":
			if !se.sudo {
				t.Skip("needs sudo on the test host (apt-get install sudo)")
			}
		case "root":
			if !se.env.RootLogin {
				t.Skip("needs root login on the test sshd (run the tests as root)")
			}
		case "sshpass":
			if !se.sshpass {
				t.Skip("needs sshpass, which Ansible uses for ansible_password (apt-get install sshpass)")
			}
		case "password":
			if se.env.Password == "" {
				t.Skip("needs the test user's known password (run the tests as root)")
			}
		}
	}
	remote := filepath.Join(se.remoteRoot, name)
	want := se.runOne(t, src, ansible, remote)
	got := se.runOne(t, src, goplayBin, remote)
	if want.stdout != got.stdout {
		t.Errorf("stdout differs (ansible-playbook vs goplay):\n%s\n--- goplay stderr:\n%s", lineDiff(want.stdout, got.stdout), got.stderr)
	}
	if want.rc != got.rc {
		t.Errorf("exit code: ansible-playbook %d, goplay %d\n--- ansible stderr:\n%s\n--- goplay stderr:\n%s", want.rc, got.rc, want.stderr, got.stderr)
	}
	if want.state != got.state {
		t.Errorf("state of %s differs after the run (ansible-playbook vs goplay):\n%s", "@REMOTE@", lineDiff(want.state, got.state))
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("ansible-playbook stdout:\n%s", want.stdout)
	}
}

type sshRun struct {
	stdout, stderr, state string
	rc                    int
}

// runOne runs the case once with prog in a fresh copy and returns its
// normalised stdout and the state it left in remote.
func (se *sshCompatEnv) runOne(t *testing.T, src, prog, remote string) sshRun {
	t.Helper()
	// A short directory: Ansible's ControlPath sockets live under it.
	dir, err := os.MkdirTemp("", "gpsshrun")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	if err := exec.Command("cp", "-r", src+"/.", dir).Run(); err != nil {
		t.Fatal(err)
	}
	// Fresh remote directory owned by the login user.
	os.RemoveAll(remote)
	if err := os.MkdirAll(remote, 0o755); err != nil {
		t.Fatal(err)
	}
	if u, err := user.Lookup(se.env.User); err == nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(remote, uid, gid)
	}

	known := filepath.Join(dir, ".known_hosts")
	kh, _ := os.ReadFile(se.env.KnownHosts)
	os.WriteFile(known, kh, 0o644)
	empty := filepath.Join(dir, ".known_hosts_empty")
	os.WriteFile(empty, nil, 0o644)
	bad := filepath.Join(dir, ".known_hosts_bad")
	var badb strings.Builder
	wrongPub, _ := os.ReadFile(se.env.WrongKeyFile + ".pub")
	wf := strings.Fields(string(wrongPub))
	for _, s := range se.env.Servers {
		fmt.Fprintf(&badb, "[%s]:%d %s %s\n", s.Addr, s.Port, wf[0], wf[1])
	}
	os.WriteFile(bad, []byte(badb.String()), 0o644)

	// One variable a line: @SSH@ goes in a [group:vars] section.
	sshVars := fmt.Sprintf("ansible_user=%s\nansible_ssh_private_key_file=%s\nansible_ssh_common_args='-o UserKnownHostsFile=%s'",
		se.env.User, se.env.KeyFile, known)
	repl := append([]string{
		"@SSH_NOPY@", sshVars,
		"@SSH@", sshVars + "\nansible_python_interpreter=/usr/bin/python3",
		"@EMPTY_KNOWN_HOSTS@", empty,
		"@BAD_KNOWN_HOSTS@", bad,
		"@KNOWN_HOSTS@", known,
		"@REMOTE@", remote,
		"@CASE@", dir,
	}, se.repl...)
	r := strings.NewReplacer(repl...)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), "@") {
			fi, _ := d.Info()
			os.WriteFile(p, []byte(r.Replace(string(b))), fi.Mode().Perm())
		}
		return nil
	})

	read := func(name string) string { return readTrim(filepath.Join(dir, name)) }
	argv := []string{prog}
	if _, err := os.Stat(filepath.Join(dir, "inventory")); err == nil {
		argv = append(argv, "-i", "inventory")
	}
	argv = append(argv, strings.Fields(read("args"))...)
	// GOPLAY_COMPAT_SWEEP_ARGS adds words to both tools' command lines
	// (for sweeps such as "-C -D" or "-v" over every case by hand)
	argv = append(argv, strings.Fields(os.Getenv("GOPLAY_COMPAT_SWEEP_ARGS"))...)
	argv = append(argv, "playbook.yml")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	// No controlling terminal: ssh must not prompt for host keys.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	env := []string{}
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "ANSIBLE_") || strings.HasPrefix(e, "SSH_AUTH_SOCK=") {
			continue
		}
		env = append(env, e)
	}
	cpDir := filepath.Join(dir, "cp")
	env = append(env, "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0", "ANSIBLE_SSH_CONTROL_PATH_DIR="+cpDir)
	env = append(env, strings.Fields(read("env"))...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	var logins0 []int
	for _, s := range se.env.Servers {
		logins0 = append(logins0, s.Accepted())
	}
	err = cmd.Run()
	rc := 0
	if ee, ok := err.(*exec.ExitError); ok {
		rc = ee.ExitCode()
		if rc < 0 {
			rc = 128
		}
	} else if err != nil {
		t.Fatalf("running %s: %v", prog, err)
	}
	if ctx.Err() != nil {
		t.Errorf("%s timed out", filepath.Base(prog))
	}
	// End Ansible's ControlPersist masters of this run.
	if socks, _ := os.ReadDir(cpDir); len(socks) > 0 {
		for _, s := range socks {
			exec.Command("ssh", "-o", "ControlPath="+filepath.Join(cpDir, s.Name()), "-O", "exit", "x").Run()
		}
	}
	res := sshRun{stdout: se.normalise(out.String(), dir, remote), stderr: errb.String(), rc: rc}
	state := snapshot(remote)
	if _, err := os.Stat(filepath.Join(dir, "count_logins")); err == nil {
		time.Sleep(300 * time.Millisecond) // sshd's log
		for i, s := range se.env.Servers {
			state += fmt.Sprintf("\nserver %d: %d logins", i, s.Accepted()-logins0[i])
		}
	}
	// What the run left in the known_hosts files it was given (Ansible's
	// OpenSSH records new keys when host_key_checking is off).
	// A case may leave that out (file no_known_hosts_state) when it tests
	// something else and a pending case covers the difference.
	khFiles := []string{known, empty, bad}
	if _, err := os.Stat(filepath.Join(dir, "no_known_hosts_state")); err == nil {
		khFiles = nil
	}
	for _, f := range khFiles {
		b, _ := os.ReadFile(f)
		state += fmt.Sprintf("\n--- %s:\n%s", filepath.Base(f), knownHostsSummary(string(b)))
	}
	res.state = se.normalise(state, dir, remote)
	return res
}

func (se *sshCompatEnv) normalise(s, dir, remote string) string {
	pairs := []string{remote, "/REMOTE", dir, "/CASE"}
	pairs = append(pairs, se.norm...)
	for i := 0; i < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	for _, p := range se.ports {
		s = p.re.ReplaceAllString(s, p.mask)
	}
	s = ansibleTmpRe.ReplaceAllString(s, "ansible-tmp-X")
	s = ansibleLocalRe.ReplaceAllString(s, "ANSIBLE-LOCAL-TMP")
	return unfoldDiffs(normalise(foldDiffs(s), dir))
}

// foldDiffs joins each --diff block ("--- before: …" up to the host's
// status line that follows it) and each "An exception occurred …" line
// into that status line, so that normalise sorts them with their host;
// unfoldDiffs restores the lines.
func foldDiffs(s string) string {
	lines := strings.Split(s, "\n")
	var out, block []string
	for _, l := range lines {
		switch {
		case block == nil && (strings.HasPrefix(l, "--- before") || strings.HasPrefix(l, "An exception occurred during task execution")):
			block = []string{l}
		case block != nil && isStatusLine(l):
			out = append(out, l+"\x01"+strings.Join(block, "\x00"))
			block = nil
		case block != nil:
			block = append(block, l)
		default:
			out = append(out, l)
		}
	}
	out = append(out, block...)
	return strings.Join(out, "\n")
}

func unfoldDiffs(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	for _, l := range lines {
		if status, block, ok := strings.Cut(l, "\x01"); ok {
			out = append(out, strings.Split(block, "\x00")...)
			out = append(out, status)
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func isStatusLine(l string) bool {
	for _, p := range []string{"ok: [", "changed: [", "skipping: [", "fatal: [", "failed: ["} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// snapshot lists the tree under root with what a module may change.
func snapshot(root string) string {
	var lines []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			lines = append(lines, p+" error "+err.Error())
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		owner := ""
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			owner = lookupOwner(st.Uid, st.Gid)
		}
		line := fmt.Sprintf("%s %s %v %s", rel, fileKind(fi.Mode()), fi.Mode().Perm(), owner)
		switch {
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			sum := sha256.Sum256(b)
			line += fmt.Sprintf(" size=%d sha256=%s", len(b), hex.EncodeToString(sum[:8]))
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// knownHostsSummary lists the hosts and key types of a known_hosts file,
// sorted (hashed names are shown as "hashed").
func knownHostsSummary(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || strings.HasPrefix(f[0], "#") {
			continue
		}
		name := f[0]
		if strings.HasPrefix(name, "|1|") {
			name = "hashed"
		}
		out = append(out, name+" "+f[1]+" "+f[2])
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "link"
	case m.IsRegular():
		return "file"
	}
	return "other"
}

func lookupOwner(uid, gid uint32) string {
	u, g := strconv.Itoa(int(uid)), strconv.Itoa(int(gid))
	if x, err := user.LookupId(u); err == nil {
		u = x.Username
	}
	if x, err := user.LookupGroupId(g); err == nil {
		g = x.Name
	}
	return u + ":" + g
}

func readTrim(p string) string {
	b, _ := os.ReadFile(p)
	return strings.TrimSpace(string(b))
}

package ssh

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// becomeCmd is one command wrapped for privilege escalation, with the
// state Ansible's ssh plugin keeps while it negotiates the password prompt
// and the BECOME-SUCCESS marker (plugins/connection/ssh.py _bare_run).
type becomeCmd struct {
	b       *Become
	method  string
	success string // BECOME-SUCCESS-<id>
	prompt  string // sudo's -p prompt when a password is given
	timeout time.Duration
}

func newBecomeCmd(b *Become, timeout time.Duration) *becomeCmd {
	m := b.Method
	if m == "" {
		m = "sudo"
	}
	id := genID()
	bc := &becomeCmd{b: b, method: m, success: "BECOME-SUCCESS-" + id, timeout: timeout + 2*time.Second}
	if m == "sudo" && b.Password != "" {
		bc.prompt = "[sudo via ansible, key=" + id + "] password:"
	}
	return bc
}

// genID is Ansible's _gen_id: 32 random lower-case letters.
func genID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return string(b[:])
}

var sudoNFlag = lazyRegexp(`^(-\w*)n(\w*.*)`)

// wrap builds the escalation command as Ansible's become plugins do
// (sudo.py, su.py build_become_command).
func (bc *becomeCmd) wrap(cmd string) string {
	successCmd := "/bin/sh -c " + ShellQuote("echo "+bc.success+" ; "+cmd)
	exe := bc.b.Exe
	if exe == "" {
		exe = bc.method
	}
	user := bc.b.User
	if user == "" {
		user = "root"
	}
	switch bc.method {
	case "su":
		return fmt.Sprintf("%s %s %s -c %s", exe, bc.b.Flags, user, ShellQuote(successCmd))
	default: // sudo
		flags := bc.b.Flags
		if flags == "" {
			flags = "-H -S -n"
		}
		prompt := ""
		if bc.b.Password != "" {
			if words, err := splitArgs(flags); err == nil {
				var kept []string
				for _, f := range words {
					if f == "-n" || f == "--non-interactive" {
						continue
					}
					if !strings.HasPrefix(f, "--") {
						f = sudoNFlag().ReplaceAllString(f, "${1}${2}")
					}
					kept = append(kept, ShellQuote(f))
				}
				flags = strings.Join(kept, " ")
			}
			prompt = `-p "` + bc.prompt + `"`
		}
		return strings.Join([]string{exe, flags, prompt, "-u " + user, successCmd}, " ")
	}
}

// moduleCwd makes cmd, run as an unprivileged become user, start where an
// Ansible module does. AnsibleModule (module_utils/basic.py _set_cwd)
// stays in the current directory when it can read it; otherwise it moves to
// its tmpdir, which for an unprivileged become user (the action plugin
// passes no _ansible_tmpdir then) is a new
// "ansible-moduletmp-<time>-<8 random>" directory (0700) in the become
// user's remote_tmp, created with that base if missing and removed when the
// module exits; failing that, to $HOME, then to the temp directory. The
// typical case is a root login (cwd /root) becoming another user. root can
// read any directory, so become to root leaves cmd alone. cmd runs in a
// subshell so that the directory is removed however it exits.
func moduleCwd(b *Become, cmd string) string {
	switch b.User {
	case "", "root", "toor":
		return cmd
	}
	base := b.RemoteTmp
	if base == "" {
		base = "~/.ansible/tmp"
	}
	// Python's os.path.expanduser(os.path.expandvars(remote_tmp)).
	var q string
	if rest, ok := strings.CutPrefix(base, "~/"); ok {
		q = `"$HOME"/"` + dqEscape(rest) + `"`
	} else if base == "~" {
		q = `"$HOME"`
	} else {
		q = `"` + dqEscape(base) + `"`
	}
	dir := fmt.Sprintf("ansible-moduletmp-%s-%s", strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', -1, 64), pyTempChars())
	return `__gp_md=
if [ ! -r . ]; then
  __gp_mb=` + q + `
  if { [ -d "$__gp_mb" ] || ( umask 077 && mkdir -p -- "$__gp_mb" ); } 2>/dev/null && ( umask 077 && mkdir -- "$__gp_mb"/` + dir + ` ) 2>/dev/null; then
    __gp_md="$__gp_mb"/` + dir + `
    cd -- "$__gp_md"
  elif [ -r "$HOME" ] && cd -- "$HOME" 2>/dev/null; then :
  else cd -- "${TMPDIR:-/tmp}" 2>/dev/null
  fi
fi
(
` + cmd + `
)
__gp_rc=$?
if [ -n "$__gp_md" ]; then cd / && rm -rf -- "$__gp_md"; fi
exit $__gp_rc`
}

// dqEscape escapes s for a double-quoted shell word, leaving $ so that
// variables expand (as os.path.expandvars does).
func dqEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`")
	return r.Replace(s)
}

// pyTempChars is the 8 random characters Python's tempfile puts in a name.
func pyTempChars() string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789_"
	var b [8]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b[:])
}

var suPrompt = lazyRegexp(`(?i)^((\w+'s )?(` + strings.Join([]string{
	"Password", "암호", "パスワード", "Adgangskode", "Contraseña", "Contrasenya", "Hasło", "Heslo",
	"Jelszó", "Lösenord", "Mật khẩu", "Mot de passe", "Parola", "Parool", "Pasahitza", "Passord",
	"Passwort", "Salasana", "Sandi", "Senha", "Wachtwoord", "ססמה", "Лозинка", "Парола", "Пароль",
	"गुप्तशब्द", "शब्दकूट", "సంకేతపదము", "හස්පදය", "密码", "密碼", "口令",
}, "|") + `)) ?(:|：) ?`)

func (bc *becomeCmd) expectPrompt() bool { return bc.b.Password != "" }

func (bc *becomeCmd) isPrompt(line []byte) bool {
	if !bc.expectPrompt() {
		return false
	}
	if bc.method == "su" {
		return suPrompt().Match(line)
	}
	p := []byte(strings.TrimSpace(bc.prompt))
	for _, l := range bytes.Split(line, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimSpace(l), p) {
			return true
		}
	}
	return false
}

func (bc *becomeCmd) isIncorrect(line []byte) bool {
	if bc.method == "su" {
		return bytes.Contains(line, []byte("Authentication failure"))
	}
	return bytes.Contains(line, []byte("Sorry, try again."))
}

func (bc *becomeCmd) isMissing(line []byte) bool {
	if bc.method == "su" {
		return false
	}
	return bytes.Contains(line, []byte("Sorry, a password is required to run sudo")) ||
		bytes.Contains(line, []byte("sudo: a password is required"))
}

type chunk struct {
	src  int // 0 stdout, 1 stderr
	data []byte
	eof  bool
}

type becomeFlags struct{ prompt, success, incorrect, missing bool }

// negotiate reads the command's output, answers the password prompt,
// waits for the success marker (removing prompt and marker lines), then
// sends stdin and collects the rest of the output.
func (bc *becomeCmd) negotiate(ctx context.Context, outR, errR io.Reader, stdinW io.Writer, sendStdin func()) ([]byte, []byte, error) {
	ch := make(chan chunk)
	done := make(chan struct{})
	defer close(done)
	reader := func(src int, r io.Reader) {
		buf := make([]byte, 32*1024)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				select {
				case ch <- chunk{src: src, data: append([]byte(nil), buf[:n]...)}:
				case <-done:
					return
				}
			}
			if err != nil {
				select {
				case ch <- chunk{src: src, eof: true}:
				case <-done:
				}
				return
			}
		}
	}
	go reader(0, outR)
	go reader(1, errR)

	const (
		awaitingPrompt = iota
		awaitingEscalation
		ready
	)
	state := awaitingEscalation
	if bc.expectPrompt() {
		state = awaitingPrompt
	}
	var out [2]bytes.Buffer
	var pending [2][]byte
	eofs := 0
	var fl becomeFlags
	timer := time.NewTimer(bc.timeout)
	defer timer.Stop()

	examine := func(src int, final bool) {
		data := pending[src]
		pending[src] = nil
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			var line []byte
			complete := i >= 0
			if complete {
				line, data = data[:i+1], data[i+1:]
			} else {
				line, data = data, nil
			}
			suppress := false
			switch {
			case bc.isPrompt(line):
				fl.prompt, suppress = true, true
			case complete || final:
				if bytes.Contains(bytes.TrimRight(line, "\r\n"), []byte(bc.success)) {
					fl.success, suppress = true, true
				} else if bc.isIncorrect(line) {
					fl.incorrect = true
				} else if bc.isMissing(line) {
					fl.missing = true
				}
			default:
				// An incomplete line that is not a prompt: keep it for the
				// next chunk.
				pending[src] = line
				continue
			}
			if !suppress {
				out[src].Write(line)
			}
		}
	}

	for state < ready && eofs < 2 {
		select {
		case c := <-ch:
			if c.eof {
				eofs++
				examine(c.src, true)
			} else {
				pending[c.src] = append(pending[c.src], c.data...)
				examine(c.src, false)
			}
		case <-timer.C:
			return out[0].Bytes(), out[1].Bytes(), &BecomeError{Msg: fmt.Sprintf("Timeout (%ds) waiting for privilege escalation prompt: %s", int(bc.timeout/time.Second), out[0].String())}
		case <-ctx.Done():
			return out[0].Bytes(), out[1].Bytes(), ctx.Err()
		}
		if state == awaitingPrompt {
			if fl.prompt {
				if _, err := io.WriteString(stdinW, bc.b.Password+"\n"); err != nil {
					return out[0].Bytes(), out[1].Bytes(), err
				}
				fl.prompt = false
				state = awaitingEscalation
			} else if fl.success {
				state = awaitingEscalation
			}
		}
		if state == awaitingEscalation {
			switch {
			case fl.success:
				state = ready
			case fl.incorrect || fl.prompt:
				return out[0].Bytes(), out[1].Bytes(), &BecomeError{Msg: "Incorrect " + bc.method + " password"}
			case fl.missing:
				return out[0].Bytes(), out[1].Bytes(), &BecomeError{Msg: "Missing " + bc.method + " password"}
			}
		}
	}
	// Escalated (or the command ended before): send the data, collect
	// the rest verbatim.
	sendStdin()
	for i := range pending {
		out[i].Write(pending[i])
	}
	for eofs < 2 {
		select {
		case c := <-ch:
			if c.eof {
				eofs++
			} else {
				out[c.src].Write(c.data)
			}
		case <-ctx.Done():
			return out[0].Bytes(), out[1].Bytes(), ctx.Err()
		}
	}
	return out[0].Bytes(), out[1].Bytes(), nil
}

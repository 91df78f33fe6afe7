package runner

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/engine/template"
	"github.com/goplay/goplay/engine/vault"
	"github.com/goplay/goplay/modules"
)

// varsPrompt sets the play's vars_prompt variables as PlaybookExecutor
// does before the play starts: a variable given with -e is not asked for;
// on a terminal the user is asked (private entries without echo, confirm
// entries twice); otherwise Ansible warns once that it is not prompting and
// the default is used. An empty answer takes the default. interactive is
// false for --list-* runs, which take the defaults without a word.
func (r *Runner) varsPrompt(play *playbook.Play, interactive bool) error {
	if len(play.VarsPrompt) == 0 {
		return nil
	}
	if play.Vars == nil {
		play.Vars = map[string]any{}
	}
	// the entries are templated with the play's variables first
	// (PlaybookExecutor: "Allow variables to be used in vars_prompt fields")
	rendered, err := r.tpl.RenderValue(play.VarsPrompt, r.playVarsForSerial(play))
	if err != nil {
		return err
	}
	entries, _ := rendered.([]any)
	var in *bufio.Reader
	for _, e := range entries {
		m, _ := e.(map[string]any)
		name := modules.ToString(m["name"])
		if _, given := r.opt.ExtraVars[name]; given {
			continue
		}
		def, hasDef := m["default"]
		if def == nil {
			hasDef = false
		}
		if !interactive {
			play.Vars[name] = def
			continue
		}
		if m["encrypt"] != nil {
			return fmt.Errorf("vars_prompt '%s': encrypt is not supported by goplay", name)
		}
		private, confirm := true, false
		if v, ok := m["private"]; ok && v != nil {
			private, _ = modules.ToBool(v)
		}
		if v, ok := m["confirm"]; ok && v != nil {
			confirm, _ = modules.ToBool(v)
		}
		var result string
		answered := false
		if f, ok := r.opt.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if in == nil {
				in = bufio.NewReader(f)
			}
			p, ok := m["prompt"]
			if !ok {
				p = name
			}
			msg := "input for " + name + ": "
			if p != nil && modules.ToString(p) != "" {
				msg = modules.ToString(p) + ": "
				if hasDef {
					msg = fmt.Sprintf("%s [%s]: ", modules.ToString(p), pyfmt.Str(def))
				}
			}
			for {
				first, err := r.ask(msg, private, f, in)
				if err != nil {
					return err
				}
				result, answered = first, true
				if !confirm {
					break
				}
				second, err := r.ask("confirm "+msg, private, f, in)
				if err != nil {
					return err
				}
				if first == second {
					break
				}
				r.d.Print("***** VALUES ENTERED DO NOT MATCH ****", "")
			}
		} else {
			r.d.Warning("Not prompting as we are not in interactive mode")
		}
		switch {
		case (!answered || result == "") && hasDef:
			play.Vars[name] = def
		case !answered:
			play.Vars[name] = "None" // to_text(None)
		default:
			play.Vars[name] = result
		}
		if u, _ := modules.ToBool(m["unsafe"]); u && play.Vars[name] != nil {
			play.UnsafeVars = append(play.UnsafeVars, name)
		}
	}
	return nil
}

// ask reads one answer: without echo from the terminal (getpass), or with
// the prompt on stdout (input()).
func (r *Runner) ask(msg string, private bool, stdin *os.File, in *bufio.Reader) (string, error) {
	if private {
		if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
			defer tty.Close()
			fmt.Fprint(tty, msg)
			b, err := term.ReadPassword(int(tty.Fd()))
			fmt.Fprintln(tty)
			return string(b), err
		}
	}
	io.WriteString(r.d.Stdout, msg)
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("EOF while reading %s", strings.TrimSpace(msg))
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// checkVaultVarsFiles fails the way the play's first get_vars does when a
// vars_files entry (one without a template) is vault-encrypted and cannot
// be decrypted: before the play starts.
func (r *Runner) checkVaultVarsFiles(play *playbook.Play) error {
	for _, vf := range play.VarsFiles {
		candidates := []any{vf}
		if list, ok := vf.([]any); ok {
			candidates = list
		}
		for _, c := range candidates {
			name := modules.ToString(c)
			if template.IsTemplate(name) {
				break
			}
			path := name
			if !strings.HasPrefix(path, "/") {
				path = play.Playbook.Dir + "/" + name
			}
			if !fileExists(path) {
				continue
			}
			if vault.IsEncryptedFile(path) {
				if _, err := vault.ReadFile(path); err != nil {
					return err
				}
			}
			break
		}
	}
	return nil
}

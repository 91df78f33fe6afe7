package app

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/goplay/goplay/engine/cli"
	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/runner"
)

// passwords reads the connection and become passwords as ansible-playbook
// does: from --connection-password-file / --become-password-file, or by
// prompting on the terminal for -k / -K ("BECOME password[defaults to SSH
// password]: " when both are asked).
func passwords(o *cli.Options, ropt *runner.Options, d *output.Display, stdin io.Reader) (int, bool) {
	var err error
	if o.ConnectionPasswordFile != "" {
		if ropt.ConnPass, err = passwordFile(o.ConnectionPasswordFile); err != nil {
			d.Error(err.Error())
			return 1, false
		}
	} else if o.AskPass {
		if ropt.ConnPass, err = prompt("SSH password: ", stdin); err != nil {
			d.Error(err.Error())
			return 1, false
		}
	}
	if o.BecomePasswordFile != "" {
		if ropt.BecomePass, err = passwordFile(o.BecomePasswordFile); err != nil {
			d.Error(err.Error())
			return 1, false
		}
	} else if o.BecomeAskPass {
		p := "BECOME password: "
		if o.AskPass {
			p = "BECOME password[defaults to SSH password]: "
		}
		if ropt.BecomePass, err = prompt(p, stdin); err != nil {
			d.Error(err.Error())
			return 1, false
		}
		if ropt.BecomePass == "" && o.AskPass {
			ropt.BecomePass = ropt.ConnPass
		}
	}
	return 0, true
}

// passwordFile is CLI.get_password_from_file: the file's text without its
// trailing line break ("-" reads stdin).
func passwordFile(path string) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("The password file %s was not found", path)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// prompt asks on the controlling terminal without echo, as getpass does;
// without a terminal it reads one line from stdin.
func prompt(msg string, stdin io.Reader) (string, error) {
	if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		defer tty.Close()
		fmt.Fprint(tty, msg)
		b, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprintln(tty)
		if err == nil {
			return string(b), nil
		}
	}
	fmt.Fprint(os.Stderr, msg)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password given")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

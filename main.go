// Command goplay runs Ansible playbooks: a Go reimplementation of
// ansible-playbook with the same flags, output and exit codes.
package main

import (
	"os"

	"github.com/goplay/goplay/engine/app"
	_ "github.com/goplay/goplay/modules/all"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

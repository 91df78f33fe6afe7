// Command goplay (custom build) runs Ansible playbooks with one extra module,
// healthcheck; see README.md. Otherwise it is goplay: a Go reimplementation of
// ansible-playbook with the same flags, output and exit codes.
package main

import (
	"os"

	"github.com/goplay/goplay/engine/app"
	_ "github.com/goplay/goplay/modules/all"

	// The one line a custom build adds: the module package.
	_ "github.com/goplay/goplay/examples/custom-module/healthcheck"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

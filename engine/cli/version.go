package cli

import (
	"os"
	"runtime"
	"strings"

	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/pyfmt"
)

// VersionText is what --version prints (without the final newline), and
// what ansible-playbook shows at -vv. It follows ansible-playbook's layout
// line for line so that tools parsing it keep working; the values that
// describe a Python installation describe goplay instead:
//
//	ansible-playbook [core 2.14.18] (goplay VERSION)
//	  config file = /path/ansible.cfg            (or None)
//	  configured module search path = ['...', '...']
//	  ansible python module location = none (goplay EXECUTABLE has ansible built in)
//	  ansible collection location = ...:...
//	  executable location = ARGV0
//	  python version = none (goplay is written in Go: goX.Y.Z)
//	  jinja version = none (goplay renders Jinja2 templates with gonja)
//	  libyaml = False
//
// The "(goplay VERSION)" suffix takes the place where a git checkout of
// ansible shows its branch and commit.
func (p *Parser) VersionText(cfg *config.Config) string {
	if cfg == nil {
		cfg = p.cfg()
	}
	exe := p.Executable
	if exe == "" && len(os.Args) > 0 {
		exe = os.Args[0]
	}
	cfgFile := "None"
	if cfg.File() != "" {
		cfgFile = cfg.File()
	}
	modulePath := "Default w/o overrides"
	if v, ok := cfg.Value("DEFAULT_MODULE_PATH"); ok && v != nil {
		modulePath = pyfmt.Repr(v)
	}
	self, err := os.Executable()
	if err != nil {
		self = exe
	}
	lines := []string{
		Prog + " [core " + AnsibleVersion + "] (goplay " + GoplayVersion + ")",
		"  config file = " + cfgFile,
		"  configured module search path = " + modulePath,
		"  ansible python module location = none (goplay " + self + " has ansible built in)",
		"  ansible collection location = " + strings.Join(cfg.CollectionsPaths, ":"),
		"  executable location = " + exe,
		"  python version = none (goplay is written in Go: " + runtime.Version() + ")",
		"  jinja version = none (goplay renders Jinja2 templates with gonja)",
		"  libyaml = False",
	}
	return strings.Join(lines, "\n")
}

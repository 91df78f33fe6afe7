// Package all imports every module that ships with goplay. A custom build
// imports it plus its own modules, as caddy's custom builds do:
//
//	import _ "github.com/goplay/goplay/modules/all"
package all

import (
	// The ansible.builtin modules.
	_ "github.com/goplay/goplay/modules/builtin"
	// copy, template, file, stat, lineinfile, blockinfile, fetch, slurp, script.
	_ "github.com/goplay/goplay/modules/files"
	// wait_for, service, systemd.
	_ "github.com/goplay/goplay/modules/system"
	// uri, get_url.
	_ "github.com/goplay/goplay/modules/web"
	// The Rackspace modules (rax_clb, rax_clb_nodes, …).
	_ "github.com/goplay/goplay/modules/rax"
)

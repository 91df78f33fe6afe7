// Package all imports every module that ships with goplay. A custom build
// imports it plus its own modules, as caddy's custom builds do.
package all

import (
	_ "github.com/goplay/goplay/modules/builtin"
	_ "github.com/goplay/goplay/modules/rax"
)

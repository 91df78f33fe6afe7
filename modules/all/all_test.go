package all

import (
	"testing"

	"github.com/goplay/goplay/modules"
)

func TestBuiltinsRegistered(t *testing.T) {
	for _, n := range []string{"command", "shell", "raw", "debug", "fail", "assert", "set_fact",
		"add_host", "group_by", "pause", "meta", "ping", "setup", "ansible.builtin.command", "ansible.legacy.debug"} {
		if _, ok := modules.Lookup(n); !ok {
			t.Errorf("module %s is not registered", n)
		}
	}
}

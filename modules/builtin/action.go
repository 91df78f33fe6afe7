package builtin

import (
	"sort"
	"strings"

	"github.com/goplay/goplay/modules"
)

// actionFail is the result of an AnsibleActionFail raised by an action
// plugin: failed, the message, and the empty traceback Ansible attaches.
func actionFail(msg string) *modules.Result {
	return &modules.Result{Failed: true, Msg: msg, Data: map[string]any{"exception": "NoneType: None\n"}}
}

// invalidOptions checks an action plugin's _VALID_ARGS: extra holds the
// arguments no field claimed. It returns nil when there are none.
func invalidOptions(action string, extra map[string]any) *modules.Result {
	var bad []string
	for k := range extra {
		if strings.HasPrefix(k, "_ansible_") {
			continue
		}
		bad = append(bad, k)
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return actionFail("Invalid options for " + action + ": " + strings.Join(bad, ","))
}

// has reports whether the task gave argument name.
func has(req *modules.Request, name string) bool {
	_, ok := req.Args[name]
	return ok
}

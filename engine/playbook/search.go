package playbook

import (
	"path/filepath"
	"strings"
)

// SearchCandidates lists where a relative file named by a task is looked
// for, in order, as Ansible's DataLoader.path_dwim_relative_stack: for each
// directory of the task's search path (its roles, then its file's
// directory) and finally the playbook's directory base, first dir/kind/name
// (unless name already starts with kind/), then dir/name.
func SearchCandidates(stack []string, base, kind, name string) []string {
	first := strings.SplitN(name, "/", 2)[0]
	var out []string
	for _, p := range append(append([]string(nil), stack...), base) {
		if first != kind {
			out = append(out, filepath.Join(p, kind, name))
		}
		out = append(out, filepath.Join(p, name))
	}
	return out
}

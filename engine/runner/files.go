package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
)

// findFile locates a controller-side file a task names (copy src,
// template src, script) as Ansible's path_dwim_relative_stack does: the
// role's path, then the task file's directory, each with the kind
// subdirectory first, then the playbook's directory.
func (r *Runner) findFile(t *playbook.Task, kind, name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("Could not find or access ''")
	}
	if strings.HasPrefix(name, "~") {
		name = expandHome(name)
	}
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err == nil {
			return filepath.Clean(name), nil
		}
		return "", notFound(name, nil)
	}
	var stack []string
	for role := t.Role; role != nil; role = nil {
		stack = append(stack, role.Path)
	}
	if t.Pos.File != "" {
		dir := filepath.Dir(t.Pos.File)
		if len(stack) == 0 || stack[len(stack)-1] != dir {
			stack = append(stack, dir)
		}
	}
	first := strings.SplitN(name, "/", 2)[0]
	var search []string
	for _, p := range stack {
		if first != kind {
			search = append(search, filepath.Join(p, kind, name))
		}
		search = append(search, filepath.Join(p, name))
	}
	base := ""
	if r.pb != nil {
		base = r.pb.Dir
	}
	if first != kind {
		search = append(search, filepath.Join(base, kind, name))
	}
	search = append(search, filepath.Join(base, name))
	for _, c := range search {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", notFound(name, search)
}

func notFound(name string, search []string) error {
	msg := fmt.Sprintf("Could not find or access '%s'", name)
	if len(search) > 0 {
		msg += "\nSearched in:\n\t" + strings.Join(search, "\n\t")
	}
	return fmt.Errorf("%s on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option", msg)
}

// tmpDir returns the run's private controller-side directory, creating it
// on first use; Run removes it at the end.
func (r *Runner) tmpDir() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tmp == "" {
		d, err := os.MkdirTemp("", "goplay-")
		if err != nil {
			return os.TempDir()
		}
		r.tmp = d
	}
	return r.tmp
}

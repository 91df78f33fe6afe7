package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
)

// findFile locates a controller-side file a task names (copy src,
// template src, script) as Ansible's path_dwim_relative_stack does, over
// the task's search path and then the playbook's directory.
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
	base := ""
	if r.pb != nil {
		base = r.pb.Dir
	}
	search := playbook.SearchCandidates(searchStack(t), base, kind, name)
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

// searchStack is Task.get_search_path (ansible_search_path): the paths of
// the task's roles, inner first, then the task file's directory.
func searchStack(t *playbook.Task) []string {
	var sp []string
	roles := roleChain(t)
	for i := len(roles) - 1; i >= 0; i-- {
		sp = append(sp, roles[i].Path)
	}
	if t.Pos.File != "" {
		dir := filepath.Dir(t.Pos.File)
		if !slices.Contains(sp, dir) {
			sp = append(sp, dir)
		}
	}
	return sp
}

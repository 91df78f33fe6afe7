package external

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/goplay/goplay/engine/pyfmt"
	"github.com/goplay/goplay/modules"
)

// New-style Python modules (the ones that import ansible.module_utils, as
// every ansible.builtin module does) run as Ansible runs them: a Python
// wrapper carries a zip of the module and the controller's
// ansible/module_utils, puts the zip on sys.path, hands the arguments to
// AnsibleModule and runs the module as __main__. The module_utils come from
// the ansible-core installed on the controller, and so do the ansible.builtin
// modules goplay does not implement in Go (CoreModule): with ansible-core
// installed, a playbook that uses user, apt, git, unarchive … runs them with
// Ansible's own code.

var (
	libOnce sync.Once
	libDir  string // the directory that holds the ansible package
)

// ansibleLib finds the controller's ansible-core Python package (the
// directory that holds ansible/module_utils), or "".
func ansibleLib() string {
	libOnce.Do(func() {
		if d := os.Getenv("GOPLAY_ANSIBLE_LIB"); d != "" {
			libDir = d
			return
		}
		// the Python that ansible-playbook runs with, then the usual ones
		var pys []string
		if ap, err := exec.LookPath("ansible-playbook"); err == nil {
			if b, err := os.ReadFile(ap); err == nil {
				if interp, _ := shebang(b); interp != "" && !strings.HasSuffix(interp, "/env") {
					pys = append(pys, interp)
				}
			}
		}
		pys = append(pys, "/usr/bin/python3", "python3", "python")
		for _, py := range pys {
			cmd := exec.Command(py, "-c", "import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))")
			cmd.Dir = "/"
			if out, err := cmd.Output(); err == nil {
				d := strings.TrimSpace(string(out))
				if st, err := os.Stat(filepath.Join(d, "ansible", "module_utils")); err == nil && st.IsDir() {
					libDir = d
					return
				}
			}
		}
	})
	return libDir
}

// CoreModule finds an ansible.builtin module of the controller's
// ansible-core by name ("user", "ansible.builtin.user",
// "ansible.legacy.user").
func CoreModule(name string) (string, bool) {
	name = modules.ShortName(name)
	if actionOnly[name] {
		return "", false
	}
	return coreModuleFile(name)
}

// CoreActionModule is CoreModule for the modules that goplay runs behind
// its own version of their action plugin (unarchive).
func CoreActionModule(name string) (string, bool) { return coreModuleFile(name) }

func coreModuleFile(name string) (string, bool) {
	if name == "" || strings.ContainsAny(name, "/.\x00") {
		return "", false
	}
	lib := ansibleLib()
	if lib == "" {
		return "", false
	}
	p := filepath.Join(lib, "ansible", "modules", name+".py")
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p, true
	}
	return "", false
}

// actionOnly are ansible.builtin modules whose action plugin does work on
// the controller that the module alone does not (choosing the package
// manager, transferring an archive, rebooting …): without it the module
// would not do what the playbook means, so goplay does not offer them.
var actionOnly = map[string]bool{"reboot": true,
	"validate_argument_spec": true, "wait_for_connection": true, "yum": true, "set_stats": true}

var (
	utilsOnce sync.Once
	utilsZip  map[string][]byte // zip entry name -> contents
	utilsErr  error
)

// moduleUtils reads the controller's ansible/module_utils Python files.
func moduleUtils() (map[string][]byte, error) {
	utilsOnce.Do(func() {
		lib := ansibleLib()
		if lib == "" {
			utilsErr = errNoModuleUtils
			return
		}
		utilsZip = map[string][]byte{}
		root := filepath.Join(lib, "ansible", "module_utils")
		utilsErr = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(lib, p)
			utilsZip[filepath.ToSlash(rel)] = b
			return nil
		})
	})
	return utilsZip, utilsErr
}

type moduleError string

func (e moduleError) Error() string { return string(e) }

const errNoModuleUtils = moduleError("new-style Ansible Python modules need ansible-core's module_utils on the controller (install ansible-core)")

// ansiballz builds the wrapper that runs the new-style module source (whose
// first line, the shebang, the wrapper keeps) with args.
func ansiballz(name string, source []byte, args *pyfmt.OrderedMap) ([]byte, error) {
	utils, err := moduleUtils()
	if err != nil {
		return nil, err
	}
	modName := strings.TrimSuffix(filepath.Base(name), ".py")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	add := func(n string, b []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	files := map[string][]byte{"ansible/__init__.py": nil, "ansible/modules/__init__.py": nil,
		"ansible/modules/" + modName + ".py": source}
	for n, b := range utils {
		files[n] = b
	}
	for _, n := range sortedNames(files) {
		if err := add(n, files[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	wrapped := pyfmt.NewOrderedMap(1)
	wrapped.Set("ANSIBLE_MODULE_ARGS", args)
	params := asciiJSON(wrapped)
	shebangLine, _, _ := bytes.Cut(source, []byte("\n"))
	var w bytes.Buffer
	w.Write(shebangLine)
	w.WriteString("\n# -*- coding: utf-8 -*-\n")
	w.WriteString("# goplay's wrapper for a new-style Ansible module: the module and ansible.module_utils travel as a zip\n")
	w.WriteString("ZIPDATA = " + pyfmt.Repr(base64.StdEncoding.EncodeToString(zb.Bytes())) + "\n")
	w.WriteString("PARAMS = " + pyfmt.Repr(params) + "\n")
	w.WriteString("MODULE = " + pyfmt.Repr("ansible.modules."+modName) + "\n")
	w.WriteString(ansiballzBody)
	return w.Bytes(), nil
}

func sortedNames(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

const ansiballzBody = `
def _goplay_main():
    import base64
    import os
    import runpy
    import sys
    import tempfile
    fd, path = tempfile.mkstemp(prefix='ansible_goplay_', suffix='.zip')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(base64.b64decode(ZIPDATA))
        sys.path.insert(0, path)
        from ansible.module_utils import basic
        basic._ANSIBLE_ARGS = PARAMS.encode('utf-8')
        runpy.run_module(mod_name=MODULE, init_globals=dict(_module_fqn=MODULE, _modlib_path=path),
                         run_name='__main__', alter_sys=True)
        raise Exception('module did not exit')
    finally:
        try:
            os.remove(path)
        except OSError:
            pass


if __name__ == '__main__':
    _goplay_main()
`
